/// <reference types="vitest/config" />
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

// `make dev` starts the API on API_PORT (default 8000); Vite proxies /api (and the chat socket) and /media to it.
const apiTarget = `http://127.0.0.1:${process.env.API_PORT ?? '8000'}`;

/** Writes `name.gz` beside every built JS/CSS/SVG/HTML file, so the API and nginx (gzip_static) serve them compressed. */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'shop-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async closeBundle() {
      const files = await readdir(outDir, { recursive: true });
      for (const file of files) {
        if (!/\.(js|css|svg|html|txt|json)$/.test(file)) continue;
        const path = join(outDir, file);
        await writeFile(`${path}.gz`, gzipSync(await readFile(path), { level: 9 }));
      }
    },
  };
}

/**
 * The storefront talks through axios's XHR adapter (src/lib/api-client.ts); its fetch adapter
 * (about 2 KB gzipped, unused here) is left out of the build to keep the catalog route small,
 * and so is the table of HTTP status names axios exports for its users (`axios.HttpStatusCode`,
 * never read by axios itself or by us).
 */
function axiosWithoutFetchAdapter(): Plugin {
  const stubs: Record<string, [string, string]> = {
    '\0axios-fetch-adapter-stub': ['axios/lib/adapters/adapters.js', './fetch.js'],
    '\0axios-http-status-stub': ['axios/lib/axios.js', './helpers/HttpStatusCode.js'],
  };
  return {
    name: 'shop-axios-without-fetch-adapter',
    apply: 'build',
    enforce: 'pre',
    resolveId(source, importer) {
      const from = importer?.replace(/\\/g, '/') ?? '';
      return Object.keys(stubs).find((stub) => from.endsWith(stubs[stub]![0]) && source === stubs[stub]![1]) ?? null;
    },
    load(id) {
      if (id === '\0axios-fetch-adapter-stub') return 'export const getFetch = () => undefined;\nexport default undefined;\n';
      if (id === '\0axios-http-status-stub') return 'export default {};\n';
      return null;
    },
  };
}

export default defineConfig(({ command }) => ({
  plugins: [react(), tailwindcss(), precompress(), axiosWithoutFetchAdapter()],
  resolve: {
    alias: [
      { find: '@', replacement: fileURLToPath(new URL('./src', import.meta.url)) },
      // React Router's package resolves to its development build by default; ship the production one.
      ...(command === 'build'
        ? [{ find: /^react-router$/, replacement: fileURLToPath(new URL('./node_modules/react-router/dist/production/index.mjs', import.meta.url)) }]
        : []),
    ],
  },
  build: {
    target: 'es2022',
    sourcemap: false,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      output: {
        // The libraries every page runs on, in one chunk: cached across releases of the app's
        // own code, and smaller gzipped than the same code spread over many shared chunks.
        codeSplitting: {
          groups: [
            { name: 'vendor', test: /node_modules[\\/](react|react-dom|scheduler|react-router|@tanstack|axios|i18next|react-i18next)[\\/]/ },
            // The small pieces the browsing pages (home, catalog, product, stores) share, in one
            // chunk: one request and one gzip stream instead of eight tiny ones.
            {
              name: 'browse',
              test: /src[\\/](components[\\/]ui[\\/](states|pagination)|lib[\\/]problem-message|features[\\/](catalog[\\/](components[\\/](product-grid|product-cover|category-tree)|use-catalog-state)|stores[\\/]api[\\/]get-stores))/,
            },
          ],
        },
      },
    },
  },
  server: {
    host: '127.0.0.1',
    port: Number(process.env.VITE_PORT ?? 5173),
    strictPort: true,
    proxy: {
      '/api': { target: apiTarget, ws: true, changeOrigin: false },
      '/media': { target: apiTarget },
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
  },
}));
