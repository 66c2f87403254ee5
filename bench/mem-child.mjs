// Heap probes, run as `node --expose-gc bench/mem-child.mjs <mode> [simUrl]`; prints one JSON line.
//   clients  — 1,000 idle BragerOneApiClient instances (default options, in-memory token store and cache)
//   realtime — 100 connected RealtimeManagers to one simulator
//   bare     — 100 connected bare socket.io-client sockets (own Manager each), for comparison
import { io } from 'socket.io-client';
import { BragerOneApiClient, RealtimeManager, defineServer } from '../dist/esm/index.js';
import { rawLogin } from './lib/raw.mjs';

const [mode, url] = process.argv.slice(2);
const settle = async () => {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
};
const keep = [];
let result;

if (mode === 'clients') {
  const server = defineServer({ ioBase: 'http://127.0.0.1:1', oneBase: 'http://127.0.0.1:1' });
  keep.push(new BragerOneApiClient({ server })); // warm: classes, shapes, first allocations
  const h0 = await settle();
  for (let i = 0; i < 1000; i++) keep.push(new BragerOneApiClient({ server }));
  const h1 = await settle();
  result = { n: 1000, total: h1 - h0, each: (h1 - h0) / 1000 };
} else {
  const server = defineServer({ ioBase: url, oneBase: url });
  const token = await rawLogin(server.apiBase, url);
  const N = 100;
  const open =
    mode === 'realtime'
      ? async () => {
          const m = new RealtimeManager({ token, ioBase: url, origin: url, logLevel: 'silent' });
          await m.connect();
          return m;
        }
      : async () => {
          const s = io(`${url}/ws`, {
            path: '/socket.io',
            transports: ['websocket'],
            forceNew: true,
            reconnection: false,
            extraHeaders: { Authorization: `Bearer ${token}`, Origin: url, Referer: `${url}/` },
          });
          await new Promise((resolve, reject) => {
            s.once('connect', resolve);
            s.once('connect_error', reject);
          });
          return s;
        };
  // Warm-up: loads socket.io-client (the realtime path imports it lazily) and touches every code path once.
  const w = await open();
  mode === 'realtime' ? await w.disconnect() : w.close();
  await new Promise((r) => setTimeout(r, 100));
  const h0 = await settle();
  for (let i = 0; i < N; i += 10) keep.push(...(await Promise.all(Array.from({ length: 10 }, open))));
  await new Promise((r) => setTimeout(r, 200));
  const h1 = await settle();
  result = { n: N, total: h1 - h0, each: (h1 - h0) / N, connected: keep.filter((k) => k.connected).length };
  for (const k of keep) mode === 'realtime' ? await k.disconnect() : k.close();
}
console.log(JSON.stringify(result));
process.exit(0);
