// Per-call costs on loopback against the simulator (in a child process), keep-alive, rounds interleaved.
//
// Variants: `raw` = a raw ofetch call with the client's headers (the baseline of the targets); `fetch` = fetch +
// JSON.parse with the same headers; `ours` = client.getUser(); `node` = node:http over a keep-alive Agent + JSON.parse.
import http from 'node:http';
import { ofetch } from 'ofetch';
import { DEMO, clientHeaders, fetchJson, loops, makeNodeHttpGet, rawLogin } from '../lib/raw.mjs';
import { fmtMs, fmtRate, medMax, medMin, pairedRatio, summary } from '../lib/stats.mjs';

const medianOf = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function warm(n, fn) {
  for (let i = 0; i < n; i++) await fn();
}

export async function run(ctx) {
  const { BragerOneApiClient, MemoryTokenStore, defineServer } = ctx.lib;
  const sim = ctx.sim;
  const server = defineServer({ ioBase: sim.url, oneBase: sim.url, container: 'BragerOne' });
  const origin = server.oneBase;
  const userUrl = `${server.apiBase}/user`;
  const rows = [];

  const client = new BragerOneApiClient({ server, tokenStore: null, logLevel: 'silent', concurrency: 16 });
  await client.ensureAuth(DEMO.email, DEMO.password);
  const headers = clientHeaders(origin, client.accessToken);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const nodeGet = makeNodeHttpGet(agent);
  const fns = {
    raw: () => ofetch(userUrl, { headers }),
    ours: () => client.getUser(),
    fetch: () => fetchJson(userUrl, { headers }),
    node: () => nodeGet(userUrl, headers),
  };
  const names = Object.keys(fns);

  // ——— sequential latency, interleaved call by call (the order rotates) so outside load hits every variant alike ———
  const R = ctx.quick ? 4 : 12;
  const K = ctx.quick ? 100 : 250;
  for (const n of names) await warm(200, fns[n]); // JIT + connections
  const seq = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < R; r++) {
    const lat = Object.fromEntries(names.map((n) => [n, []]));
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < names.length; j++) {
        const name = names[(i + j) % names.length];
        const t0 = performance.now();
        await fns[name]();
        lat[name].push(performance.now() - t0);
      }
    }
    for (const n of names) seq[n].push(medianOf(lat[n]));
  }
  const s = Object.fromEntries(names.map((n) => [n, summary(seq[n])]));
  rows.push({
    case: 'per call: sequential getUser() latency',
    baseline: `${medMin(s.raw, fmtMs)} raw ofetch`,
    ours: medMin(s.ours, fmtMs),
    ratio: pairedRatio(seq.ours, seq.raw),
    target: '≤ 1.10×',
    pass: pairedRatio(seq.ours, seq.raw) <= 1.1,
    data: { rounds: R, callsPerRound: K, ...s },
  });
  rows.push({
    case: 'per call: raw ofetch vs raw fetch (info)',
    baseline: `${medMin(s.fetch, fmtMs)} raw fetch`,
    ours: `${medMin(s.raw, fmtMs)} raw ofetch`,
    ratio: pairedRatio(seq.raw, seq.fetch),
    target: 'info',
    pass: null,
  });
  rows.push({
    case: 'per call: raw fetch vs raw node:http (info)',
    baseline: `${medMin(s.node, fmtMs)} node:http keep-alive`,
    ours: `${medMin(s.fetch, fmtMs)} raw fetch`,
    ratio: pairedRatio(seq.fetch, seq.node),
    target: 'info',
    pass: null,
  });

  // ——— throughput: 10,000 calls, 16 in flight ———
  // Like for like: 16 sequential loops share the calls, on raw fetch and on a client built with `concurrency: 16`
  // (the default of 4 would cap it). Each round runs every variant's 10,000 calls in 10 chunks of 1,000, the
  // variants alternating chunk by chunk, so a load spike elsewhere on the machine hits all of them alike.
  // `rawTimeout` is raw ofetch that, like the client, gives every request an 8 s timeout. `oursQueued` fires all
  // 10,000 at once and lets the client's limiter keep 16 in flight (one block per round).
  const N = ctx.quick ? 3000 : 10_000;
  const CHUNK = 1000;
  const TR = ctx.quick ? 2 : 3;
  const rawTimeout = () => ofetch(userUrl, { headers, timeout: 8_000 });
  const chunked = { raw: fns.raw, rawTimeout, ours: fns.ours };
  const tpNames = [...Object.keys(chunked), 'oursQueued'];
  const tp = Object.fromEntries(tpNames.map((n) => [n, []]));
  const cpu = Object.fromEntries(tpNames.map((n) => [n, []]));
  const timed = async (fn) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    const c = process.cpuUsage(c0);
    return [performance.now() - t0, (c.user + c.system) / 1000];
  };
  for (let r = 0; r < TR; r++) {
    const ms = Object.fromEntries(tpNames.map((n) => [n, 0]));
    const cpuMs = Object.fromEntries(tpNames.map((n) => [n, 0]));
    const names = Object.keys(chunked);
    for (let k = 0; k < N / CHUNK; k++) {
      for (let j = 0; j < names.length; j++) {
        const name = names[(k + j) % names.length];
        const [w, c] = await timed(() => loops(CHUNK, 16, chunked[name]));
        ms[name] += w;
        cpuMs[name] += c;
      }
    }
    [ms.oursQueued, cpuMs.oursQueued] = await timed(() =>
      Promise.all(Array.from({ length: N }, () => client.getUser())),
    );
    for (const n of tpNames) {
      tp[n].push(N / (ms[n] / 1000));
      cpu[n].push(cpuMs[n] / N);
    }
  }
  const t = Object.fromEntries(tpNames.map((n) => [n, summary(tp[n])]));
  const cs = Object.fromEntries(tpNames.map((n) => [n, summary(cpu[n])]));
  rows.push({
    case: `per call: ${N} calls, 16 in flight`,
    baseline: `${medMax(t.raw, fmtRate)} 16 raw ofetch loops`,
    ours: medMax(t.ours, fmtRate),
    ratio: pairedRatio(tp.ours, tp.raw),
    target: '≥ 0.90×',
    pass: pairedRatio(tp.ours, tp.raw) >= 0.9,
    data: { rounds: TR, calls: N, rate: t, cpuMsPerCall: cs },
  });
  rows.push({
    case: `per call: ${N} calls vs ofetch with timeout (info)`,
    baseline: `${medMax(t.rawTimeout, fmtRate)} raw ofetch + 8 s timeout`,
    ours: medMax(t.ours, fmtRate),
    ratio: pairedRatio(tp.ours, tp.rawTimeout),
    target: 'info',
    pass: null,
  });
  rows.push({
    case: `per call: ${N} queued at once, limiter 16 (info)`,
    baseline: `${medMax(t.raw, fmtRate)} 16 raw ofetch loops`,
    ours: medMax(t.oursQueued, fmtRate),
    ratio: pairedRatio(tp.oursQueued, tp.raw),
    target: 'info',
    pass: null,
  });
  rows.push({
    case: 'per call: client CPU per call, 16 loops (info)',
    baseline: `${medMin(cs.raw, fmtMs)} raw ofetch`,
    ours: medMin(cs.ours, fmtMs),
    ratio: pairedRatio(cpu.ours, cpu.raw),
    target: 'info',
    pass: null,
    note: `raw ofetch + 8 s timeout: ${fmtMs(cs.rawTimeout.median)} CPU per call`,
  });
  await client.close();

  // ——— auth storm: 1,000 concurrent first calls, stored token expired ———
  const AR = ctx.quick ? 2 : 5;
  const M = 1000;
  const storm = { ours: [], raw: [], literal: [] };
  const logins = [];
  const userGets = [];
  for (let r = 0; r < AR; r++) {
    // ours: fresh client, a stored token that expired a minute ago, credentials from a provider.
    const expired = {
      accessToken: `expired-${r}`,
      refreshToken: null,
      tokenType: 'bearer',
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
      userId: 4711,
      objects: [],
    };
    const fresh = new BragerOneApiClient({
      server,
      tokenStore: new MemoryTokenStore(expired),
      credsProvider: () => DEMO,
      logLevel: 'silent',
      concurrency: 16,
    });
    const l0 = await sim.call('loginCount');
    const g0 = await sim.call('count', 'GET /v1/user');
    let t0 = performance.now();
    await Promise.all(Array.from({ length: M }, () => fresh.getUser()));
    storm.ours.push(performance.now() - t0);
    logins.push((await sim.call('loginCount')) - l0);
    userGets.push((await sim.call('count', 'GET /v1/user')) - g0);
    await fresh.close();
    // baseline: what an ideal client must do — one login, then the same 1,000 calls on 16 loops (raw fetch).
    t0 = performance.now();
    const tok = await rawLogin(server.apiBase, origin);
    const h = clientHeaders(origin, tok);
    await loops(M, 16, () => fetchJson(userUrl, { headers: h }));
    storm.raw.push(performance.now() - t0);
    // the literal reading of the target: one login plus one call.
    t0 = performance.now();
    const tok2 = await rawLogin(server.apiBase, origin);
    await fetchJson(userUrl, { headers: clientHeaders(origin, tok2) });
    storm.literal.push(performance.now() - t0);
  }
  const aOurs = summary(storm.ours);
  const aRaw = summary(storm.raw);
  const aLit = summary(storm.literal);
  const oneLogin = logins.every((n) => n === 1) && userGets.every((n) => n === M);
  rows.push({
    case: 'auth storm: 1000 first calls, expired token',
    baseline: `${medMin(aRaw, fmtMs)} raw login + 1000 calls`,
    ours: medMin(aOurs, fmtMs),
    ratio: pairedRatio(storm.ours, storm.raw),
    target: '≤ 2.00×, 1 login',
    pass: pairedRatio(storm.ours, storm.raw) <= 2 && oneLogin,
    note: `logins per round ${logins.join(',')}; GET /user per round ${[...new Set(userGets)].join(',')} (no validation call)`,
    data: { rounds: AR, ours: aOurs, raw: aRaw, literal: aLit, logins, userGets },
  });
  rows.push({
    case: 'auth storm vs literal "1 login + 1 call" (info)',
    baseline: `${medMin(aLit, fmtMs)} raw login + 1 call`,
    ours: medMin(aOurs, fmtMs),
    ratio: pairedRatio(storm.ours, storm.literal),
    target: 'info (1000 requests ≠ 2)',
    pass: null,
  });
  agent.destroy();
  return rows;
}
