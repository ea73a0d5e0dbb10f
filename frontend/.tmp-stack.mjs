import { startStack } from './e2e/stack.mjs';
const stack = await startStack();
console.log('READY', stack.baseURL, stack.mailDir);
const stop = async () => { await stack.stop(); process.exit(0); };
process.on('SIGTERM', stop); process.on('SIGINT', stop);
setInterval(() => {}, 1 << 30);
