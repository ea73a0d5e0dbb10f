// Starts the whole shop as `make run` does (embedded PostgreSQL and Redis, mail sink, API serving
// the built SPA, Celery worker) in its own data folder on a free port, and stops it again.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const frontend = join(dirname(fileURLToPath(import.meta.url)), '..');
const backend = join(frontend, '..', 'backend');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the shop exited with code ${child.exitCode} while starting`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

export async function startStack({ quiet = true } = {}) {
  if (!existsSync(join(frontend, 'dist', 'index.html'))) {
    throw new Error('frontend/dist is missing: build it first (make spa)');
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'shop-e2e-'));
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const python = process.env.BACKEND_PYTHON ?? join(backend, '.venv', 'bin', 'python');
  const child = spawn(python, ['-m', 'dev.devserver'], {
    cwd: backend,
    detached: true, // its own process group, so stop() reaches everything it started
    stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    env: {
      ...process.env,
      SHOP_DATA_DIR: dataDir,
      DATA_DIR: dataDir,
      PORT: String(port),
      FRONTEND_URL: baseURL,
      SPA_DIR: join(frontend, 'dist'),
      LOG_LEVEL: 'WARNING',
      ENVIRONMENT: 'development',
      // Cheap argon2 for the browser tests: they test the pages, not the hash cost.
      PASSWORD_HASH_TIME_COST: '1',
      PASSWORD_HASH_MEMORY_KIB: '1024',
      PASSWORD_HASH_PARALLELISM: '1',
      // Every scenario registers its own customers, all from 127.0.0.1.
      AUTH_MAIL_MAX_PER_IP: '1000',
      // ...and its guests check out from 127.0.0.1 too (the limit per e-mail address stays).
      GUEST_CHECKOUT_MAX_PER_IP: '1000',
    },
  });
  let output = '';
  if (quiet) {
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
  }
  const stop = async () => {
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
          resolve();
        }, 30_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(`${baseURL}/api/v1/health/ready`, child, 180_000);
  } catch (error) {
    console.error(output);
    await stop();
    throw error;
  }
  // The embedded Redis (the live-socket scenarios drop its pub/sub connections on purpose).
  const redisURL = output.match(/Redis ready at (redis:\/\/\S+)/)?.[1] ?? '';
  // The embedded PostgreSQL (a scenario moves a payment hold's end to the past, e2e/support/checkout.ts).
  const socketDir = output.match(/PostgreSQL 18 ready on unix socket (\S+)/)?.[1] ?? '';
  const databaseURL = socketDir ? `postgresql+asyncpg://postgres@/shop?host=${socketDir}` : '';
  return { baseURL, mailDir: join(dataDir, 'mail'), redisURL, databaseURL, stop, output: () => output };
}
