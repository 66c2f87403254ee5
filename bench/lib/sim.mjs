// Starts the simulator in a child process (see ../sim-child.mjs) and exposes a small RPC handle.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('../sim-child.mjs', import.meta.url));

/** Forks the simulator; resolves `{ url, webUrl, call(op, ...args), close() }` once it listens. */
export function startSimProcess(opts = {}, execArgv = []) {
  const child = fork(CHILD, [JSON.stringify(opts)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
  let seq = 0;
  const pending = new Map();
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      for (const p of pending.values()) p.reject(new Error(`simulator process exited (${code})`));
      reject(new Error(`simulator process exited (${code})`));
    });
    child.on('message', (m) => {
      if (m.ready) {
        resolve({
          url: m.url,
          webUrl: m.webUrl,
          pid: child.pid,
          call(op, ...args) {
            const id = ++seq;
            return new Promise((res, rej) => {
              pending.set(id, { resolve: res, reject: rej });
              child.send({ id, op, args });
            });
          },
          async close() {
            if (child.exitCode !== null) return;
            const exited = new Promise((r) => child.once('exit', r));
            child.send({ id: ++seq, op: 'close', args: [] });
            const t = setTimeout(() => child.kill(), 3000);
            await exited;
            clearTimeout(t);
          },
        });
        return;
      }
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.error) p.reject(new Error(m.error));
      else p.resolve(m.result);
    });
  });
}
