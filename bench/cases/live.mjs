// Live data: simulator deltas → ParamStore change listener (through BragerOneGateway + RealtimeManager) vs a bare
// socket.io-client listener; and ParamStore.ingestPrimePayload of a 50,000-parameter prime vs JSON.parse of it.
import { io } from 'socket.io-client';
import { fmtMs, fmtRate, medMax, medMin, pairedRatio, summary } from '../lib/stats.mjs';
import { DEMO, clientHeaders, fetchJson, rawLogin } from '../lib/raw.mjs';

const OBJECT_ID = 1201;
const GW_MODULE = 'DEMO0A1B2C'; // followed by the gateway
const BARE_MODULE = 'DEMO0D3E4F'; // followed by the bare socket: same key, same frame shape, separate stream
const KEY = 'P4.v1';
const EVENT = 'app:modules:parameters:change';

/** A counter that resolves once `n` more events arrived. */
function counter() {
  let count = 0;
  let goal = Infinity;
  let done = null;
  return {
    hit() {
      count++;
      if (count >= goal && done) {
        const d = done;
        done = null;
        d();
      }
    },
    until(n) {
      goal = count + n;
      return new Promise((r) => {
        done = r;
      });
    },
  };
}

async function bareSocket(url, apiBase) {
  const token = await rawLogin(apiBase, url);
  const socket = io(`${url}/ws`, {
    path: '/socket.io',
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { Authorization: `Bearer ${token}`, Origin: url, Referer: `${url}/` },
  });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  await fetchJson(`${apiBase}/modules/connect`, {
    method: 'POST',
    headers: { ...clientHeaders(url, token), 'Content-Type': 'application/json' },
    body: JSON.stringify({ wsid: socket.id, modules: [BARE_MODULE] }),
  });
  socket.emit('app:modules:parameters:listen', { modules: [BARE_MODULE] });
  return socket;
}

/**
 * A prime payload of `n` parameters for one module, shaped like the cloud's: 20 pools × 500 indexes × 5 channels;
 * `v` as an object body with metadata, `s` as `{ value }`, the bounds/unit channels `u`/`n`/`x` as bare numbers.
 */
export function primePayload(n, devid = 'BENCH00001') {
  const mod = {};
  let c = 0;
  for (let p = 0; c < n; p++) {
    const pool = (mod[`P${p}`] = {});
    for (let i = 0; i < 500 && c < n; i++) {
      for (const ch of ['v', 'u', 's', 'n', 'x']) {
        if (c >= n) break;
        pool[`${ch}${i}`] =
          ch === 'v'
            ? { value: i * 3, storable: true, createdAt: 1767225600, updatedAt: 1767225660 }
            : ch === 's'
              ? { value: 1 }
              : i;
        c++;
      }
    }
  }
  return { [devid]: mod };
}

export async function run(ctx) {
  const { BragerOneGateway, ParamStore, defineServer } = ctx.lib;
  const rows = [];

  // ——— prime ingest (in-process, no network) ———
  {
    const text = JSON.stringify(primePayload(50_000));
    const R = ctx.quick ? 5 : 15;
    const parse = [];
    const ingest = [];
    for (let i = 0; i < 3; i++) new ParamStore().ingestPrimePayload(JSON.parse(text)); // warm-up
    for (let r = 0; r < R; r++) {
      let t0 = performance.now();
      const obj = JSON.parse(text);
      parse.push(performance.now() - t0);
      const store = new ParamStore({ devid: 'BENCH00001' });
      t0 = performance.now();
      store.ingestPrimePayload(obj);
      ingest.push(performance.now() - t0);
      if (store.size !== 50_000) throw new Error(`ingest stored ${store.size} values`);
    }
    const p = summary(parse);
    const g = summary(ingest);
    rows.push({
      case: 'live: ingest 50,000-param prime',
      baseline: `${medMin(p, fmtMs)} JSON.parse`,
      ours: medMin(g, fmtMs),
      ratio: pairedRatio(ingest, parse),
      target: '≤ 3.00×',
      pass: pairedRatio(ingest, parse) <= 3,
      data: { rounds: R, bytes: text.length, parse: p, ingest: g },
    });
  }

  // ——— deltas through the gateway vs a bare socket.io-client listener ———
  {
    const sim = ctx.sim;
    const server = defineServer({ ioBase: sim.url, oneBase: sim.url, container: 'BragerOne' });
    const gw = await BragerOneGateway.fromCredentials({
      ...DEMO,
      server,
      objectId: OBJECT_ID,
      modules: [GW_MODULE],
      connectivityPollInterval: 0,
      stalePrimeAfter: 0,
      clientOptions: { logLevel: 'silent' },
    });
    await gw.start();
    if (!(await gw.waitForPrime(5000))) throw new Error('gateway: no prime');
    const ours = counter();
    gw.params(GW_MODULE).on((key) => {
      if (key === KEY) ours.hit();
    });
    const bare = counter();
    const socket = await bareSocket(sim.url, server.apiBase);
    socket.on(EVENT, () => bare.hit());

    const n = ctx.quick ? 5_000 : 20_000;
    const R = ctx.quick ? 2 : 5;
    const burst = async (c, devid) => {
      const got = c.until(n);
      const t0 = performance.now();
      await sim.call('burst', n, { devid, key: KEY });
      await got;
      return n / ((performance.now() - t0) / 1000);
    };
    await burst(ours, GW_MODULE); // warm-up both paths
    await burst(bare, BARE_MODULE);
    const rates = { ours: [], bare: [] };
    for (let r = 0; r < R; r++) {
      const order = r % 2 ? ['ours', 'bare'] : ['bare', 'ours'];
      for (const name of order)
        rates[name].push(await burst(name === 'ours' ? ours : bare, name === 'ours' ? GW_MODULE : BARE_MODULE));
    }
    socket.close();
    await gw.stop();
    const b = summary(rates.bare);
    const o = summary(rates.ours);
    rows.push({
      case: `live: ${n} deltas → ParamStore listener`,
      baseline: `${medMax(b, fmtRate)} bare socket.io-client`,
      ours: medMax(o, fmtRate),
      ratio: pairedRatio(rates.ours, rates.bare),
      target: '≥ 0.90×',
      pass: pairedRatio(rates.ours, rates.bare) >= 0.9,
      data: { rounds: R, events: n, bare: b, ours: o },
    });
  }
  return rows;
}
