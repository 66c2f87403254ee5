import type { AccountModel, ModuleModel, World } from './data.js';
import type { FaultBook, StatsBook } from './faults.js';
import type { LaxMixer } from './lax.js';
import { type ParamAddress, parseKey } from './params.js';
import type { TokenBook } from './tokens.js';
import type { JsonObject, JsonValue, PushRequirement } from './types.js';
import { BragerOneError } from '../errors.js';

/** Options after defaults were applied. */
export interface ResolvedOptions {
  port: number;
  host: string;
  tokenTtl: number;
  tickInterval: number;
  commandDelay: number;
  restartDowntime: number;
  connectRequiresKnownSid: boolean;
  pushRequires: PushRequirement;
  refuseBinds: boolean;
  sidRegistrationDelay: number;
  corsOrigins: string[] | '*';
  socketTransports: Array<'polling' | 'websocket'>;
  invalidWriteStatus: number;
  requestLogLimit: number;
  version: string;
  /** Engine.IO heartbeat (see `SimulatorOptions.pingInterval`). */
  pingInterval: number;
  pingTimeout: number;
  seed: number;
  /** See `SimulatorOptions.strict`. */
  strict: boolean;
  /** Seed of the lax-data mixer, or `null` when data is served in canonical form. */
  laxSeed: number | null;
  now: () => number;
}

/** A parameter write the simulator refused (see `invalidWriteStatus`). */
export interface RefusedWrite {
  devid: string;
  key: string;
  value: JsonValue;
  reason: string;
}

/** Delta frame body of one module: pool → chanIdx → `{value, updatedAt, …}`. */
export type ModuleDelta = Record<string, Record<string, JsonObject>>;

/** What the realtime half offers the rest of the simulator. */
export interface Pusher {
  /** Emits `event` to every socket eligible for pushes of `devid`. */
  toModule(devid: string, event: string, payload: unknown): void;
  /** Emits `event` to every connected socket. */
  toAll(event: string, payload: unknown): void;
  /** Binds a socket (namespace or engine SID) of `account` to modules; false when the SID is unknown. */
  bind(sid: string, account: AccountModel, devids: string[]): boolean;
}

/** Shared state and actions of one running simulator. */
export class SimContext {
  /** Realtime pusher; a no-op until the Socket.IO half is attached. */
  pusher: Pusher = { toModule: () => {}, toAll: () => {}, bind: () => false };
  /** Timers to clear on close (all unref'd). */
  readonly timers = new Set<NodeJS.Timeout>();
  /** Aborted when the simulator closes. */
  readonly closing = new AbortController();
  /** Parameter writes refused like a controller would (out of range, not a number); newest last, at most 100. */
  readonly refusedWrites: RefusedWrite[] = [];
  /** The simulator's own origin (its `oneBase`), known once it listens. */
  origin = '';
  /** Lax forms of bodies and events (`laxData`), or `null`. */
  lax: LaxMixer | null = null;
  #taskSeq = 1;

  /** Wires the shared parts together. */
  constructor(
    readonly opts: ResolvedOptions,
    readonly world: World,
    readonly tokens: TokenBook,
    readonly faults: FaultBook,
    readonly stats: StatsBook,
  ) {}

  /** Current time in epoch seconds. */
  nowSec(): number {
    return Math.floor(this.opts.now() / 1000);
  }

  /** Runs `fn` after `ms` on an unref'd timer that `close()` clears. */
  later(ms: number, fn: () => void): void {
    if (this.closing.signal.aborted) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closing.signal.aborted) fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  /** Module by devid or a thrown `Error`. */
  module(devid: string): ModuleModel {
    const m = this.world.modules.get(devid);
    if (!m) throw new BragerOneError(`Unknown simulator module ${devid}`);
    return m;
  }

  /** Module owned by `account`, or `undefined`. */
  ownedModule(account: AccountModel, devid: string): ModuleModel | undefined {
    const m = this.world.modules.get(devid);
    return m && account.objectIds.includes(m.objectId) ? m : undefined;
  }

  /** Parses `P4.v1` or throws. */
  address(key: string): ParamAddress {
    const addr = parseKey(key);
    if (!addr) throw new BragerOneError(`Malformed parameter key ${key}`);
    return addr;
  }

  /**
   * Applies several values of one module and pushes them as ONE delta frame (unless `silent`).
   * Returns the pushed delta (empty when nothing changed).
   */
  applyValues(devid: string, changes: Array<[ParamAddress, JsonValue]>, silent = false, force = false): ModuleDelta {
    const m = this.module(devid);
    const now = this.nowSec();
    const delta: ModuleDelta = {};
    for (const [addr, value] of changes) {
      const body = m.params.set(addr, value, now, force);
      if (!body) continue;
      const pool = delta[addr.pool] ?? {};
      pool[addr.chanIdx] = body;
      delta[addr.pool] = pool;
    }
    if (!silent && Object.keys(delta).length > 0) {
      this.pusher.toModule(devid, 'app:modules:parameters:change', { [devid]: delta });
    }
    return delta;
  }

  /** Changes the module↔cloud link and pushes `app:module:connection:status:changed`. */
  setOnline(devid: string, online: boolean): void {
    const m = this.module(devid);
    const wasOnline = m.connectedAt !== 0;
    if (online === wasOnline) return;
    m.connectedAt = online ? this.nowSec() : 0;
    this.pusher.toModule(devid, 'app:module:connection:status:changed', {
      [devid]: { connectedAt: m.connectedAt, gateway: { ...m.gateway } },
    });
  }

  /** Emits the task lifecycle around `apply` (made-up payloads, docs/PROTOCOL.md §6.5). */
  runTask(devid: string, kind: string, apply: () => void): void {
    const taskId = this.#taskSeq++;
    this.later(this.opts.commandDelay, () => {
      const base = { taskId, devid, kind };
      this.#emitPair('app:module:task:created', '61', devid, { ...base, status: 'CREATED' });
      this.#emitPair('app:module:task:status:changed', '60', devid, { ...base, status: 'IN_PROGRESS' });
      apply();
      this.#emitPair('app:module:task:completed', '63', devid, { ...base, status: 'COMPLETED' });
    });
  }

  #emitPair(name: string, code: string, devid: string, payload: JsonObject): void {
    this.pusher.toModule(devid, name, payload);
    this.pusher.toModule(devid, code, payload);
  }

  /** Simulated `MODULE_RESTART`: offline now, online again after `restartDowntime`. */
  restart(devid: string): void {
    this.setOnline(devid, false);
    this.later(this.opts.restartDowntime, () => this.setOnline(devid, true));
  }
}
