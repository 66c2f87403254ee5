/**
 * Compressed long soak (issue [chaos], scenario 5): one gateway + catalog module view against the simulator while,
 * all at once,
 *
 * - every token expires 30 s after its login (a 1 h token TTL on a simulator clock running 120× faster than the
 *   wall clock: the injected clock; the client sees a token valid for an hour and learns of the expiry by a 401);
 * - every socket is dropped by the server every 20 s;
 * - every REST route and every new socket handshake answers 503 for 5 s, every 60 s (a 503 storm);
 * - the socket goes half-open every 120 s: the shaping proxy blackholes the socket connection (nothing delivered,
 *   no FIN or RST) until the client notices by the Socket.IO ping timeout, then the blackhole is lifted;
 * - the web app publishes one new build (catalog fingerprint change), picked up by `catalog.refresh()`;
 * - deltas flow steadily (a set-point of each module every 100 ms, a plant tick every second, a silent change
 *   announced by `22` every 7 s).
 *
 * Every interval is divided by `compress` (the short CI run uses 4). At the end the driver stops the churn, lifts the
 * faults, waits for convergence and reports what it saw: detection and recovery time per fault, logins against
 * token expiries, unhandled rejections, heap readings after GC and active handles. The caller asserts (see
 * soak.test.ts); `npm run soak` runs ten minutes uncompressed and prints the figures.
 */
import { BragerOneApiClient } from '../../src/client.js';
import { MemoryTokenStore } from '../../src/stores/memory.js';
import { loadCatalog } from '../../src/catalog/index.js';
import type { Catalog, ModuleView } from '../../src/catalog/index.js';
import { createModuleView } from '../../src/catalog/live.js';
import { BragerOneGateway } from '../../src/live/gateway.js';
import type { Logger } from '../../src/log.js';
import {
  DEMO_EMAIL,
  DEMO_MODULES,
  DEMO_OBJECT_ID,
  DEMO_PASSWORD,
  FAULTS,
  type Simulator,
  startSimulator,
} from '../../src/simulator/index.js';
import { gcFunction, settledHeap, sorted } from './helpers.js';
import { sleep, until } from '../helpers/wait.js';

/** How the soak runs. Every duration is wall-clock milliseconds before compression. */
export interface SoakOptions {
  /** Wall time of the churn (faults and deltas), in ms. */
  durationMs: number;
  /** Divides every fault interval and duration (1 = the schedule). Default 1. */
  compress?: number;
  /** Progress lines (one per fault); default none. */
  progress?: (line: string) => void;
}

/** Uncompressed schedule of the issue (ms). */
export const SOAK_SCHEDULE = Object.freeze({
  tokenLifetime: 30_000,
  dropEvery: 20_000,
  stormEvery: 60_000,
  stormFirst: 45_000,
  stormLength: 5_000,
  halfOpenEvery: 120_000,
  halfOpenFirst: 70_000,
  /** Socket.IO server ping interval and timeout: a half-open socket is noticed within their sum. */
  pingInterval: 5_000,
  pingTimeout: 5_000,
  /** The gateway's module listing / self-heal poll. */
  pollEvery: 10_000,
  deltaEvery: 100,
  tickEvery: 1_000,
  memoryUpdatedEvery: 7_000,
  /** The web-app build is published at this fraction of the run. */
  publishAt: 0.4,
});

/** One injected fault and what the client did about it (ms since the soak started; `null`: not seen). */
export interface FaultRecord {
  kind: 'drop' | 'storm' | 'half-open';
  at: number;
  /** End of the fault: the drop itself, the end of a storm, the lift of a blackhole. */
  end: number | null;
  /** Fault start → the client noticed (session down). Storms: not applicable (`null`). */
  detectMs: number | null;
  /**
   * Fault end → a value set at that moment is in the gateway's store (drop, half-open), or → the gateway's first
   * successful REST answer after the storm (storm).
   */
  recoverMs: number | null;
}

/** What one soak saw. */
export interface SoakReport {
  durationMs: number;
  compress: number;
  /** Wall time until the stores equalled the simulator's after the churn stopped. */
  convergeMs: number;
  /** Stores equal the simulator's values at the end (both modules). */
  storesEqual: boolean;
  /** Last set-point pushed and the one in the store, per module. */
  lastSetPoint: { sent: number[]; stored: unknown[] };
  faults: FaultRecord[];
  /**
   * Token lifetime (wall ms); `expiries`: whole lifetimes from the first login to the end, the most logins an SDK
   * that logs in only once its token died can make (login k comes after token k−1 died, so no earlier than k
   * lifetimes after the first); `logins`: successful logins after the first one (simulator), `clientLogins` as the
   * client counted them.
   */
  tokens: { lifetimeMs: number; expiries: number; logins: number; clientLogins: number };
  /** REST answers the gateway got with a 5xx, and the ones that failed in the transport. */
  rest: { ok: number; upstream5xx: number; failed: number };
  unhandledRejections: string[];
  /** Deltas set at the simulator, updates the gateway's bus carried. */
  deltas: { set: number; busUpdates: number };
  catalog: {
    before: string;
    after: string;
    expected: string;
    refreshes: number;
    labelAfter: string | null;
    viewValueOk: boolean;
  };
  /** Heap after GC (MB): at the start (after a warm-up), half-way, at the end. */
  heapMB: { start: number; mid: number; end: number };
  /** Active handles at the start and the end (after convergence), total and TCP sockets; proxied connections open. */
  handles: {
    start: number;
    end: number;
    tcpStart: number;
    tcpEnd: number;
    proxyOpenStart: number;
    proxyOpenEnd: number;
    serverSockets: number;
  };
  /** Listener counts of the socket manager and the bus, start and end. */
  listeners: { managerStart: number; managerEnd: number; busStart: number; busEnd: number };
  /** Warning lines the SDK logged (count) and the last few. */
  warnings: { count: number; last: string[] };
}

const SETPOINT = 'P4.v8';
const MB = 1_048_576;

function activeHandles(): { total: number; tcp: number } {
  const all = process.getActiveResourcesInfo();
  return { total: all.length, tcp: all.filter((x) => x === 'TCPSocketWrap').length };
}

function countingLogger(): Logger & { count: number; last: string[] } {
  const out = {
    count: 0,
    last: [] as string[],
    debug: () => {},
    info: () => {},
    warn: (...a: unknown[]) => {
      out.count++;
      out.last.push(a.map(String).join(' ').slice(0, 300));
      if (out.last.length > 8) out.last.shift();
    },
    error: (...a: unknown[]) => out.warn('ERROR', ...a),
  };
  return out;
}

const equalStores = (gw: BragerOneGateway, s: Simulator, devid: string): boolean =>
  JSON.stringify(sorted(gw.params(devid).flatten())) === JSON.stringify(sorted(s.values(devid)));

/** Runs one soak and reports; throws only when the set-up itself fails. */
export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const c = Math.max(1, opts.compress ?? 1);
  const S = SOAK_SCHEDULE;
  const ms = (x: number): number => Math.max(1, Math.round(x / c));
  const say = opts.progress ?? (() => {});
  const [A, B] = DEMO_MODULES as [string, string];

  // The injected clock: the simulator's time runs `rate` times faster, so a 1 h token dies after `tokenLifetime`.
  const TOKEN_TTL = 3_600_000;
  const lifetime = ms(S.tokenLifetime);
  const rate = TOKEN_TTL / lifetime;
  const wall0 = Date.now();
  const simNow = (): number => wall0 + (Date.now() - wall0) * rate;

  const unhandled: string[] = [];
  const onUnhandled = (reason: unknown): void =>
    void unhandled.push(reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason));
  process.on('unhandledRejection', onUnhandled);

  const s = await startSimulator({
    tickInterval: 0,
    now: simNow,
    tokenTtl: TOKEN_TTL,
    requestLogLimit: 100,
    network: {},
    pingInterval: ms(S.pingInterval),
    pingTimeout: ms(S.pingTimeout),
  });
  const net = s.network;
  const log = countingLogger();
  const rest = { ok: 0, upstream5xx: 0, failed: 0 };
  /** Storms that ended and wait for the gateway's next successful REST answer. */
  const afterStorm: FaultRecord[] = [];
  let t0 = Date.now();
  const api = new BragerOneApiClient({
    server: s.server,
    tokenStore: new MemoryTokenStore(),
    logger: log,
    logLevel: 'warn',
    credsProvider: () => ({ email: DEMO_EMAIL, password: DEMO_PASSWORD }),
    fetch: async (input, init) => {
      try {
        const res = await fetch(input, init);
        if (res.status >= 500) rest.upstream5xx++;
        else if (res.ok) {
          rest.ok++;
          for (const rec of afterStorm.splice(0)) rec.recoverMs = Date.now() - (t0 + (rec.end ?? 0));
        }
        return res;
      } catch (err) {
        rest.failed++;
        throw err;
      }
    },
  });
  const gw = new BragerOneGateway({
    api,
    ownsApi: true,
    objectId: DEMO_OBJECT_ID,
    modules: [A, B],
    connectivityPollInterval: ms(S.pollEvery),
  });
  let view: ModuleView | null = null;
  try {
    await gw.start();
    const loginsAtStart = s.loginCount();
    // wall time of the first token's issue, from its expiry on the simulator's clock
    const expiresAt = Date.parse(api.token?.expiresAt ?? '');
    if (!Number.isFinite(expiresAt)) throw new Error('the login gave no expiry');
    const firstLoginAt = wall0 + (expiresAt - TOKEN_TTL - wall0) / rate;
    const clientLoginsAtStart = api.stats.logins;
    const boiler = (await api.getModules(DEMO_OBJECT_ID)).find((m) => m.devid === A);
    if (!boiler) throw new Error(`module ${A} not listed`);
    const catalog: Catalog = await loadCatalog({ api, lang: 'en', persist: false });
    const catalogBefore = catalog.fingerprint;
    view = await createModuleView({
      catalog,
      gateway: gw,
      devid: A,
      deviceMenu: boiler.deviceMenu,
      permissions: boiler.permissions,
    });
    const ws = gw.realtime();
    if (!ws) throw new Error('gateway has no socket manager');
    const listenersStart = { manager: ws.listenerCount(), bus: gw.bus.listenerCount() };

    // ——— observation ———
    let seq = 0;
    let stored = 0;
    let busUpdates = 0;
    const offBus = gw.bus.on(() => void busUpdates++);
    const faults: FaultRecord[] = [];
    t0 = Date.now();
    const since = (): number => Date.now() - t0;
    /** Faults waiting for the store to hold set-point `seq` (recovery). */
    const waiting: Array<{ rec: FaultRecord; seq: number; from: number }> = [];
    const offStore = gw.params(A).on((key, value) => {
      if (key !== SETPOINT || typeof value !== 'number') return;
      stored = value;
      for (let i = waiting.length - 1; i >= 0; i--) {
        const w = waiting[i] as (typeof waiting)[number];
        if (value >= w.seq) {
          w.rec.recoverMs = Date.now() - w.from;
          waiting.splice(i, 1);
        }
      }
    });
    /** The next set-point, set now: recovery of `rec` is when the store holds it. */
    const probe = (rec: FaultRecord): void => {
      const from = Date.now();
      rec.end = from - t0;
      setPoints();
      waiting.push({ rec, seq, from });
    };
    const setPoints = (): void => {
      seq++;
      s.setParam(A, SETPOINT, seq);
      s.setParam(B, SETPOINT, -seq);
    };
    let halfOpen: { rec: FaultRecord; lift: () => void } | null = null;
    const pendingDetect: FaultRecord[] = [];
    const offSession = gw.onCloudSession((ev) => {
      if (ev.up || !ev.changed) return;
      const now = Date.now();
      for (const rec of pendingDetect.splice(0)) rec.detectMs = now - (t0 + rec.at);
      if (halfOpen) {
        // noticed by the ping timeout: lift the blackhole now, so the reconnect can get through
        const h = halfOpen;
        halfOpen = null;
        h.lift();
        probe(h.rec);
        say(`${(since() / 1000).toFixed(1)} s: half-open socket noticed after ${h.rec.detectMs} ms; blackhole lifted`);
      }
    });

    // ——— the schedule ———
    const end = t0 + opts.durationMs;
    const next = {
      drop: t0 + ms(S.dropEvery),
      storm: t0 + ms(S.stormFirst),
      stormEnd: Number.POSITIVE_INFINITY,
      halfOpen: t0 + ms(S.halfOpenFirst),
      delta: t0,
      tick: t0 + ms(S.tickEvery),
      memory: t0 + ms(S.memoryUpdatedEvery),
    };
    const publishAt = t0 + opts.durationMs * S.publishAt;
    let published = false;
    let refreshes = 0;
    let refreshing = false;
    let catalogApplied = false;
    let storm: FaultRecord | null = null;
    const gc = gcFunction();
    const heapAt = { mid: t0 + opts.durationMs * 0.6, start: t0 + opts.durationMs * 0.2 };
    let heapStart = Number.NaN;
    let heapMid = Number.NaN;
    const handlesStart = activeHandles();
    const proxyOpenStart = net.stats().open;

    while (Date.now() < end) {
      const now = Date.now();
      if (now >= next.delta) {
        setPoints();
        next.delta += S.deltaEvery;
      }
      if (now >= next.tick) {
        s.tick();
        next.tick += ms(S.tickEvery);
      }
      if (now >= next.memory) {
        s.memoryUpdated(seq % 2 ? A : B);
        next.memory += ms(S.memoryUpdatedEvery);
      }
      if (now >= next.drop) {
        next.drop += ms(S.dropEvery);
        const rec: FaultRecord = { kind: 'drop', at: now - t0, end: null, detectMs: null, recoverMs: null };
        faults.push(rec);
        if (gw.wsSessionUp()) pendingDetect.push(rec);
        s.faults.dropAllSockets();
        probe(rec);
      }
      if (now >= next.storm) {
        next.storm += ms(S.stormEvery);
        storm = { kind: 'storm', at: now - t0, end: null, detectMs: null, recoverMs: null };
        faults.push(storm);
        s.faults.failFor('*', ms(S.stormLength) * rate, FAULTS.unavailable);
        s.faults.refuseHandshakes(1_000_000, { status: 503 });
        next.stormEnd = now + ms(S.stormLength);
        say(`${(since() / 1000).toFixed(1)} s: 503 storm for ${ms(S.stormLength)} ms`);
      }
      if (now >= next.stormEnd && storm) {
        s.faults.refuseHandshakes(0, { status: 503 });
        next.stormEnd = Number.POSITIVE_INFINITY;
        storm.end = now - t0;
        const rec = storm;
        storm = null;
        afterStorm.push(rec);
      }
      // a half-open socket needs a live session: when a drop's reconnect is still running, it waits for it
      if (now >= next.halfOpen && !halfOpen && gw.wsSessionUp()) {
        next.halfOpen += ms(S.halfOpenEvery);
        const rec: FaultRecord = { kind: 'half-open', at: now - t0, end: null, detectMs: null, recoverMs: null };
        faults.push(rec);
        pendingDetect.push(rec);
        halfOpen = { rec, lift: net.fault({ kind: 'blackhole', target: 'socket' }) };
        say(`${(since() / 1000).toFixed(1)} s: socket blackholed (half-open)`);
      }
      if (now >= publishAt && !published) {
        published = true;
        s.webApp.publish({
          labels: { PARAM_P4_8: { en: 'Boiler set-point (build 2)', pl: 'Temperatura zadana kotła (build 2)' } },
        });
        say(`${(since() / 1000).toFixed(1)} s: web app build ${s.webApp.build} published`);
      }
      if (published && !catalogApplied && !refreshing) {
        refreshing = true;
        refreshes++;
        catalog
          .refresh()
          .then(
            (ch) => void (catalogApplied = ch?.applied === true || catalog.fingerprint.endsWith(s.webApp.indexName)),
            () => {},
          )
          .finally(() => void (refreshing = false));
      }
      if (Number.isNaN(heapStart) && now >= heapAt.start) {
        heapStart = await settledHeap(gc);
      }
      if (Number.isNaN(heapMid) && now >= heapAt.mid) heapMid = await settledHeap(gc);
      // Real time is the point: a soak is a (compressed) stretch of real time, its churn paced every 20 ms.
      await sleep(20);
    }

    // ——— the churn stops: lift everything and wait for convergence ———
    const tEnd = Date.now();
    if (halfOpen) {
      const h = halfOpen as { rec: FaultRecord; lift: () => void };
      halfOpen = null;
      h.lift();
      if (h.rec.end === null) h.rec.end = tEnd - t0;
    }
    net.clearFaults();
    s.faults.clear();
    if (storm) storm.end = tEnd - t0;
    await until(() => catalogApplied || refreshing, 'catalog refresh started', 30_000).catch(() => {});
    let convergeMs = -1;
    const storesEqual = await until(
      async () => {
        if (!catalogApplied && !refreshing) {
          refreshing = true;
          refreshes++;
          await catalog.refresh().then(
            (ch) => void (catalogApplied = ch?.applied === true || catalog.fingerprint.endsWith(s.webApp.indexName)),
            () => {},
          );
          refreshing = false;
        }
        return (
          gw.wsSessionUp() &&
          equalStores(gw, s, A) &&
          equalStores(gw, s, B) &&
          s.sockets().length === 1 &&
          s.sockets()[0]?.bound.length === 2
        );
      },
      'stores equal to the simulator after the soak',
      60_000,
    ).then(
      () => {
        convergeMs = Date.now() - tEnd;
        return true;
      },
      () => false,
    );
    await until(() => waiting.length === 0, 'every fault recovered', 10_000).catch(() => {});
    const heapEnd = await settledHeap(gc);
    await until(() => net.stats().open <= proxyOpenStart, 'proxied connections back to the start count', 10_000).catch(
      () => {},
    );
    const handlesEnd = activeHandles();
    const labelView = view.parameter('PARAM_P4_8');
    const expectedResolution = await catalog.resolve('PARAM_P4_8', s.values(A));
    offBus();
    offStore();
    offSession();
    const report: SoakReport = {
      durationMs: tEnd - t0,
      compress: c,
      convergeMs,
      storesEqual,
      lastSetPoint: { sent: [seq, -seq], stored: [gw.params(A).get(SETPOINT), gw.params(B).get(SETPOINT)] },
      faults,
      tokens: {
        lifetimeMs: lifetime,
        expiries: Math.floor((Date.now() - firstLoginAt) / lifetime),
        logins: s.loginCount() - loginsAtStart,
        clientLogins: api.stats.logins - clientLoginsAtStart,
      },
      rest: { ok: rest.ok, upstream5xx: rest.upstream5xx, failed: rest.failed },
      unhandledRejections: [...unhandled],
      deltas: { set: seq, busUpdates },
      catalog: {
        before: catalogBefore,
        after: catalog.fingerprint,
        expected: s.webApp.indexName,
        refreshes,
        labelAfter: labelView?.label ?? null,
        viewValueOk: labelView?.value === expectedResolution.value && stored === seq,
      },
      heapMB: { start: heapStart / MB, mid: heapMid / MB, end: heapEnd / MB },
      handles: {
        start: handlesStart.total,
        end: handlesEnd.total,
        tcpStart: handlesStart.tcp,
        tcpEnd: handlesEnd.tcp,
        proxyOpenStart,
        proxyOpenEnd: net.stats().open,
        serverSockets: s.sockets().length,
      },
      listeners: {
        managerStart: listenersStart.manager,
        managerEnd: ws.listenerCount(),
        busStart: listenersStart.bus,
        busEnd: gw.bus.listenerCount(),
      },
      warnings: { count: log.count, last: [...log.last] },
    };
    return report;
  } finally {
    view?.close();
    await gw.stop().catch(() => {});
    await s.close();
    // Late rejections of the shutdown count too: everything is closed by now, and a rejection left unhandled is
    // reported once the microtasks after it have run, i.e. within the next turns of the event loop.
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    process.off('unhandledRejection', onUnhandled);
  }
}

/** Median and maximum of the non-null values, rounded to ms. */
export function spread(values: ReadonlyArray<number | null>): { n: number; median: number | null; max: number | null } {
  const xs = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (xs.length === 0) return { n: 0, median: null, max: null };
  return {
    n: xs.length,
    median: Math.round(xs[Math.floor(xs.length / 2)] as number),
    max: Math.round(xs[xs.length - 1] as number),
  };
}

/** The report as a few human-readable lines (what `npm run soak` prints). */
export function describeReport(r: SoakReport): string {
  const kinds = ['drop', 'storm', 'half-open'] as const;
  const rows = kinds.map((k) => {
    const fs = r.faults.filter((f) => f.kind === k);
    const d = spread(fs.map((f) => f.detectMs));
    const rec = spread(fs.map((f) => f.recoverMs));
    const fmt = (x: { median: number | null; max: number | null }) =>
      x.median === null ? 'n/a' : `median ${x.median} ms, max ${x.max} ms`;
    return `  ${k.padEnd(9)} ×${String(fs.length).padEnd(3)} detected: ${fmt(d)} (${d.n}); recovered: ${fmt(rec)} (${rec.n})`;
  });
  return [
    `soak: ${(r.durationMs / 1000).toFixed(0)} s wall, schedule compressed ${r.compress}×; converged ${r.convergeMs} ms after the churn stopped; stores equal: ${r.storesEqual}`,
    ...rows,
    `  tokens: lifetime ${r.tokens.lifetimeMs} ms, ${r.tokens.expiries} expiries, ${r.tokens.logins} logins (client counted ${r.tokens.clientLogins})`,
    `  REST answers: ${r.rest.ok} ok, ${r.rest.upstream5xx} 5xx, ${r.rest.failed} transport failures; deltas set ${r.deltas.set}, bus updates ${r.deltas.busUpdates}`,
    `  catalog: ${r.catalog.before} → ${r.catalog.after} (${r.catalog.refreshes} refresh calls), label now "${r.catalog.labelAfter}"`,
    `  heap after GC: ${r.heapMB.start.toFixed(1)} → ${r.heapMB.mid.toFixed(1)} → ${r.heapMB.end.toFixed(1)} MB`,
    `  active handles: ${r.handles.start} → ${r.handles.end} (TCP ${r.handles.tcpStart} → ${r.handles.tcpEnd}), proxied connections ${r.handles.proxyOpenStart} → ${r.handles.proxyOpenEnd}, server sockets ${r.handles.serverSockets}`,
    `  unhandled rejections: ${r.unhandledRejections.length}; SDK warnings: ${r.warnings.count}`,
  ].join('\n');
}
