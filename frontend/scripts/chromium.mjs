// Finds Debian's Chromium (never downloads a browser): CHROME_PATH, then the usual paths.
// When none is there and we run as root with apt-get, installs the `chromium` package;
// otherwise stops with the command that installs it.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/lib/chromium/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
];

/** Flags for headless Chromium in a container: no sandbox (root), no GPU, no background traffic. */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function hasAptGet() {
  return spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
}

export function findChromium({ install = true } = {}) {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (executable(fromEnv)) return fromEnv;
    throw new Error(`CHROME_PATH=${fromEnv} is not an executable file`);
  }
  const found = CANDIDATES.find(executable);
  if (found) return found;
  if (install && process.getuid?.() === 0 && hasAptGet()) {
    console.log("[web] no Chromium found: installing Debian's chromium (apt-get install -y chromium) ...");
    execFileSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null'], {
      stdio: 'inherit',
    });
    const installed = CANDIDATES.find(executable);
    if (installed) return installed;
  }
  console.error('[web] Chromium is needed for the browser tests. Install it with:\n\n    sudo apt-get install -y chromium\n\n(or set CHROME_PATH to a Chromium or Chrome binary)');
  process.exit(1);
}
