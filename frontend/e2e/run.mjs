// `make test` runs this: Chromium (found or installed), the shop on its own stack, Playwright.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium } from '../scripts/chromium.mjs';
import { startStack } from './stack.mjs';

const frontend = join(dirname(fileURLToPath(import.meta.url)), '..');
const chrome = findChromium();
const started = Date.now();
console.log(`[web] starting the shop for the browser tests (Chromium: ${chrome}) ...`);
const stack = await startStack();
console.log(`[web] shop ready at ${stack.baseURL} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
let status = 1;
const stopOnSignal = async () => {
  await stack.stop();
  process.exit(130);
};
process.on('SIGINT', stopOnSignal);
process.on('SIGTERM', stopOnSignal);
try {
  const result = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], {
    cwd: frontend,
    stdio: 'inherit',
    env: { ...process.env, BASE_URL: stack.baseURL, MAIL_DIR: stack.mailDir, CHROME_PATH: chrome, E2E_REDIS_URL: stack.redisURL, E2E_DATABASE_URL: stack.databaseURL },
  });
  status = result.status ?? 1;
} finally {
  await stack.stop();
}
console.log(`[web] end-to-end run took ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(status);
