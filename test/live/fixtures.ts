/** Gateway fixtures: a client with a recording `fetch`, a capturing logger, and gateway factories. */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { BragerOneApiClient } from '../../src/client.js';
import { sim } from '../realtime/helpers.js';
import type { TokenStore } from '../../src/auth/token.js';
import { BragerOneGateway, type GatewayOptions, type PollScheduler } from '../../src/live/gateway.js';
import type { Logger } from '../../src/log.js';
import type { Simulator } from '../../src/simulator/index.js';
import { DEMO_EMAIL, DEMO_MODULES, DEMO_OBJECT_ID, DEMO_PASSWORD } from '../realtime/helpers.js';
import { captureLogger } from '../helpers/logger.js';

export { DEMO_MODULES, DEMO_OBJECT_ID } from '../realtime/helpers.js';
export { sim, sleep, until } from '../realtime/helpers.js';

/** One REST call as the client sent it. */
export interface Sent {
  route: string;
  body: unknown;
  at: number;
}

/** A `fetch` that records method + path (without `/v1` query) and the JSON body of every call. */
export function recordingFetch(log: Sent[]): typeof fetch {
  return async (input, init) => {
    const req = new Request(input, init);
    const url = new URL(req.url);
    let body: unknown;
    const text = init?.body ?? (req.body ? await req.clone().text() : undefined);
    if (typeof text === 'string' && text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    log.push({ route: `${req.method} ${url.pathname}`, body, at: Date.now() });
    return fetch(input, init);
  };
}

/** Everything a gateway test needs. */
export interface Rig {
  gw: BragerOneGateway;
  api: BragerOneApiClient;
  sent: Sent[];
  log: Logger & { lines: string[] };
}

/** How {@link rig} makes its client: a token store, and whether it signs in before the gateway exists. */
export interface RigClient {
  tokenStore?: TokenStore;
  /** Default `true`; `false` leaves the sign-in (or the stored token) to `gw.start()`. */
  signIn?: boolean;
}

/** Client (signed in unless `client.signIn` is false) + gateway (not started) against `s`; the gateway owns the client. */
export async function rig(
  s: Simulator,
  opts: Partial<GatewayOptions> = {},
  wrapFetch: (f: typeof fetch) => typeof fetch = (f) => f,
  client: RigClient = {},
): Promise<Rig> {
  const sent: Sent[] = [];
  const log = captureLogger();
  const api = new BragerOneApiClient({
    server: s.server,
    fetch: wrapFetch(recordingFetch(sent)),
    logger: log,
    logLevel: 'info',
    credsProvider: () => ({ email: DEMO_EMAIL, password: DEMO_PASSWORD }),
    ...(client.tokenStore ? { tokenStore: client.tokenStore } : {}),
  });
  if (client.signIn !== false) await api.ensureAuth(DEMO_EMAIL, DEMO_PASSWORD);
  const gw = new BragerOneGateway({
    api,
    ownsApi: true,
    objectId: DEMO_OBJECT_ID,
    modules: [...DEMO_MODULES],
    connectivityPollInterval: 0,
    realtime: { supervisorInterval: 60_000, reconnectDelay: 30 },
    ...opts,
  });
  return { gw, api, sent, log };
}

/**
 * Registers a gateway suite's hooks: one simulator for the file (`suite.sim()`), and after each test its faults
 * cleared and every rig from `suite.started()` stopped, with no impossible state transition on record.
 */
export function rigSuite(simOpts?: Parameters<typeof sim>[0]): {
  sim(): Simulator;
  started(opts?: Partial<GatewayOptions>, target?: Simulator): Promise<Rig>;
  /** Stops `r` (and checks its transitions) after the test, like a started rig. */
  track(r: Rig): void;
} {
  let s: Simulator | undefined;
  const rigs: Rig[] = [];
  const current = (): Simulator => {
    if (!s) throw new Error('the suite simulator is not started yet');
    return s;
  };
  beforeAll(async () => {
    s = await sim(simOpts);
  });
  afterAll(async () => {
    await s?.close();
  });
  afterEach(async () => {
    current().faults.clear();
    const done = rigs.splice(0);
    await Promise.all(done.map((r) => r.gw.stop()));
    for (const r of done) expect(impossibleTransitions(r)).toEqual([]);
  });
  return {
    sim: current,
    track: (r) => void rigs.push(r),
    async started(opts = {}, target = current()) {
      const r = await rig(target, opts);
      rigs.push(r);
      await r.gw.start();
      return r;
    },
  };
}

/** Calls sent to `route` since index `from`. */
export function calls(sent: readonly Sent[], route: string, from = 0): Sent[] {
  return sent.slice(from).filter((x) => x.route === route);
}

/** A poll scheduler driven by hand (injected time): the gateway's poll runs only when the test calls `tick()`. */
export interface ManualPoll {
  /** Pass as `pollScheduler`. */
  scheduler: PollScheduler;
  /** The interval the gateway asked for; `null` while nothing is scheduled. */
  readonly interval: number | null;
  /** Runs one poll cycle and resolves when it is over; throws when the gateway scheduled no poll. */
  tick(): Promise<void>;
}

/** A {@link ManualPoll}. */
export function manualPoll(): ManualPoll {
  let scheduled: { interval: number; tick: () => Promise<void> } | null = null;
  return {
    scheduler: (interval, tick) => {
      const entry = { interval, tick };
      scheduled = entry;
      return () => {
        if (scheduled === entry) scheduled = null;
      };
    },
    get interval() {
      return scheduled?.interval ?? null;
    },
    tick: () => {
      if (!scheduled) throw new Error('the gateway scheduled no poll');
      return scheduled.tick();
    },
  };
}

/** Log lines of an impossible gateway state transition (there must be none). */
export function impossibleTransitions(r: Rig): string[] {
  return r.log.lines.filter((l) => l.includes('impossible state transition'));
}
