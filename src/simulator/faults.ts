import type {
  FaultResponse,
  MalformedKind,
  RequestRecord,
  ShapeRoute,
  ShapeVariants,
  SimFaults,
  SimStats,
  SlowBody,
} from './types.js';

interface CountedRule<T> {
  routeId: string;
  remaining: number;
  value: T;
}

function matches(ruleId: string, routeId: string): boolean {
  return ruleId === routeId || (ruleId === '*' && !routeId.startsWith('OPTIONS '));
}

function take<T>(rules: CountedRule<T>[], routeId: string): T | undefined {
  const i = rules.findIndex((r) => matches(r.routeId, routeId));
  if (i < 0) return undefined;
  const rule = rules[i] as CountedRule<T>;
  rule.remaining--;
  if (rule.remaining <= 0) rules.splice(i, 1);
  return rule.value;
}

/** Answer of the duplicate-entry login race (docs/PROTOCOL.md §3.1). */
export const DUPLICATE_ENTRY_FAULT: FaultResponse = Object.freeze({
  status: 500,
  body: { message: "ER_DUP_ENTRY: Duplicate entry '4711' for key 'PRIMARY'" },
});

/** Ready-made fault answers for {@link SimFaults.failNext} / {@link SimFaults.failFor}. */
export const FAULTS = Object.freeze({
  /** 502 with an HTML page. */
  badGateway: Object.freeze({ status: 502 }) as FaultResponse,
  /** 503 with an HTML page. */
  unavailable: Object.freeze({ status: 503 }) as FaultResponse,
  /** 504 with an HTML page. */
  gatewayTimeout: Object.freeze({ status: 504 }) as FaultResponse,
  /** 408 `E_DISPATCH_EVENT_TIMEOUT` (docs/PROTOCOL.md §2.4). */
  dispatchTimeout: Object.freeze({
    status: 408,
    body: { status: 'E_DISPATCH_EVENT_TIMEOUT', message: 'Dispatch event timeout' },
  }) as FaultResponse,
  /** 500 `ER_DUP_ENTRY`. */
  duplicateEntry: DUPLICATE_ENTRY_FAULT,
  /** 401 `Unauthorized`. */
  unauthorized: Object.freeze({ status: 401, body: { message: 'Unauthorized' } }) as FaultResponse,
});

/** Hooks the realtime half gives the fault book. */
export interface RealtimeFaultHooks {
  dropAllSockets(): void;
}

/** Holds every scripted fault; the REST and realtime halves consume them. */
export class FaultBook implements SimFaults {
  #failRules: CountedRule<FaultResponse>[] = [];
  #windows: { routeId: string; until: number; response: FaultResponse }[] = [];
  #delays: CountedRule<number>[] = [];
  #slowBodies: CountedRule<SlowBody>[] = [];
  #malformedRules: CountedRule<MalformedKind>[] = [];
  #shapes = new Map<string, string>();
  #dupLogins = 0;
  #afterHooks: CountedRule<() => void>[] = [];
  /** True while pushes are suppressed. */
  zombieOn = false;
  /** Pending namespace-level handshake refusals. */
  refuseJoins = 0;
  /** Pending HTTP-level handshake refusals and their status. */
  refuseHttp: { n: number; status: number } = { n: 0, status: 503 };
  /** Delay of `/ws` join acknowledgements. */
  ackDelay = 0;
  /** `POST /v1/modules/connect` refuses every body variant while on. */
  bindsRefused = false;
  /** Set by the realtime half. */
  hooks: RealtimeFaultHooks | null = null;

  /** Creates an empty book; `now` is the simulator clock. */
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  failNext(routeId: string, times: number, response: FaultResponse): void {
    if (times > 0) this.#failRules.push({ routeId, remaining: times, value: response });
  }

  failFor(routeId: string, ms: number, response: FaultResponse): void {
    this.#windows.push({ routeId, until: this.#now() + ms, response });
  }

  delay(routeId: string, ms: number, times?: number): void {
    this.#delays.push({ routeId, remaining: times ?? Number.POSITIVE_INFINITY, value: ms });
  }

  slowBody(routeId: string, opts: SlowBody, times?: number): void {
    const value = { chunkBytes: Math.max(1, Math.floor(opts.chunkBytes)), intervalMs: Math.max(0, opts.intervalMs) };
    this.#slowBodies.push({ routeId, remaining: times ?? Number.POSITIVE_INFINITY, value });
  }

  duplicateEntryLogins(n: number): void {
    this.#dupLogins = Math.max(0, n);
  }

  shape<R extends ShapeRoute>(routeId: R, variant: ShapeVariants[R]): void {
    this.#shapes.set(routeId, variant);
  }

  malformed(routeId: string, times: number, kind: MalformedKind = 'invalidJson'): void {
    if (times > 0) this.#malformedRules.push({ routeId, remaining: times, value: kind });
  }

  afterAnswer(routeId: string, hook: () => void, times = 1): void {
    if (times > 0) this.#afterHooks.push({ routeId, remaining: times, value: hook });
  }

  /** Consumes the after-answer hook of a request, if any. */
  takeAfterAnswer(routeId: string): (() => void) | undefined {
    return take(this.#afterHooks, routeId);
  }

  dropAllSockets(): void {
    this.hooks?.dropAllSockets();
  }

  zombie(on: boolean): void {
    this.zombieOn = on;
  }

  refuseHandshakes(n: number, opts?: { status?: number }): void {
    if (opts?.status !== undefined) this.refuseHttp = { n, status: opts.status };
    else this.refuseJoins = n;
  }

  delayAcks(ms: number): void {
    this.ackDelay = Math.max(0, ms);
  }

  refuseBinds(on: boolean): void {
    this.bindsRefused = on;
  }

  clear(): void {
    this.#failRules = [];
    this.#windows = [];
    this.#delays = [];
    this.#slowBodies = [];
    this.#malformedRules = [];
    this.#shapes.clear();
    this.#dupLogins = 0;
    this.#afterHooks = [];
    this.zombieOn = false;
    this.refuseJoins = 0;
    this.refuseHttp = { n: 0, status: 503 };
    this.ackDelay = 0;
    this.bindsRefused = false;
  }

  /** Consumes the fault answer for a request, if any (windows first, then counted rules). */
  takeFault(routeId: string): FaultResponse | undefined {
    const now = this.#now();
    this.#windows = this.#windows.filter((w) => w.until > now);
    const w = this.#windows.find((x) => matches(x.routeId, routeId));
    if (w) return w.response;
    const f = take(this.#failRules, routeId);
    if (f) return f;
    if (routeId === 'POST /v1/auth/user' && this.#dupLogins > 0) {
      this.#dupLogins--;
      return DUPLICATE_ENTRY_FAULT;
    }
    return undefined;
  }

  /** Consumes the delay for a request (0 = none). */
  takeDelay(routeId: string): number {
    return take(this.#delays, routeId) ?? 0;
  }

  /** Consumes a slow-body rule. */
  takeSlowBody(routeId: string): SlowBody | undefined {
    return take(this.#slowBodies, routeId);
  }

  /** Consumes a malformed-body rule. */
  takeMalformed(routeId: string): MalformedKind | undefined {
    return take(this.#malformedRules, routeId);
  }

  /** Current shape variant of a route. */
  shapeOf<R extends ShapeRoute>(routeId: R): ShapeVariants[R] | undefined {
    return this.#shapes.get(routeId) as ShapeVariants[R] | undefined;
  }
}

/** Counters, in-flight gauge and the redacted request log. */
export class StatsBook implements SimStats {
  #counts = new Map<string, number>();
  #all = 0;
  #log: RequestRecord[] = [];
  inFlight = 0;
  maxInFlight = 0;

  /** Creates a book keeping the last `limit` requests. */
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get requests(): readonly RequestRecord[] {
    return this.#log;
  }

  count(routeId: string): number {
    return this.#counts.get(routeId) ?? 0;
  }

  total(): number {
    return this.#all;
  }

  reset(): void {
    this.#counts.clear();
    this.#all = 0;
    this.#log = [];
    this.maxInFlight = this.inFlight;
  }

  /** Counts a non-HTTP event such as `WS connect`. */
  bump(id: string): void {
    this.#counts.set(id, this.count(id) + 1);
  }

  /** Logs a record (counted under its route id) that is not an HTTP request of the REST/asset side (a socket handshake). */
  note(record: RequestRecord): void {
    this.bump(record.routeId);
    this.#log.push(record);
    if (this.#log.length > this.#limit) this.#log.splice(0, this.#log.length - this.#limit);
  }

  /** Registers an HTTP request; returns its log record (status filled in later). */
  begin(record: RequestRecord): RequestRecord {
    this.bump(record.routeId);
    this.#all++;
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
    this.#log.push(record);
    if (this.#log.length > this.#limit) this.#log.splice(0, this.#log.length - this.#limit);
    return record;
  }

  /** Marks a request finished. */
  end(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }
}
