// `node --import ./trace-loads.mjs …`: records every module URL the ESM loader resolves.
// `await globalThis.__loadedModules()` returns them (after the hooks thread has flushed its messages).
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const seen = [];
const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => seen.push(url));
port1.unref();
register('./trace-hooks.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });

globalThis.__loadedModules = async () => {
  await new Promise((r) => setTimeout(r, 50));
  return [...seen];
};
