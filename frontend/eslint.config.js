import js from '@eslint/js';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist', 'src/api/schema.ts', 'node_modules', 'playwright-report', 'test-results'] },
  {
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { ecmaVersion: 2022, globals: globals.browser },
    plugins: { 'react-hooks': reactHooks, 'jsx-a11y': jsxA11y },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...jsxA11y.flatConfigs.strict.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', message: 'Import z from @/lib/zod: it turns off the JIT probe our CSP reports.' }],
          patterns: [
            { group: ['@/app/*'], message: 'Shared code and features never import from app/.' },
          ],
        },
      ],
    },
  },
  {
    // One-way imports: app -> features -> shared; a feature never reaches into another.
    files: ['src/features/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', message: 'Import z from @/lib/zod: it turns off the JIT probe our CSP reports.' }],
          patterns: [
            { group: ['@/app/*'], message: 'Features never import from app/.' },
            {
              regex: '^@/features/[^/]+/(components|api)/',
              message: 'Use another feature through the app layer, not its internals.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/components/**/*.{ts,tsx}', 'src/lib/**/*.{ts,tsx}', 'src/config/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', message: 'Import z from @/lib/zod: it turns off the JIT probe our CSP reports.' }],
          patterns: [{ group: ['@/app/*', '@/features/*'], message: 'Shared code imports no feature and no app code.' }],
        },
      ],
    },
  },
  {
    // The one place that imports zod itself.
    files: ['src/lib/zod.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@/app/*', '@/features/*'], message: 'Shared code imports no feature and no app code.' }] },
      ],
    },
  },
  {
    files: ['e2e/**/*.{ts,mjs}', 'scripts/**/*.mjs', 'bench/**/*.mjs', '*.config.{ts,js}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { globals: globals.node },
  },
);
