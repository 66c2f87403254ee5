/** Module ↔ cloud online state (docs/PROTOCOL.md §7.5), fed by `GET /modules` rows and the WS status event. */

import { isRecord } from './payload.js';

/** Online state change of one module (module ↔ cloud link, not the client's own session). */
export interface ModuleConnectivity {
  /** Module code. */
  devid: string;
  /** `connectedAt !== 0`. */
  online: boolean;
  /** `rest` (module listing), `ws` (status event) or `derived` (subscribed module missing from the listing). */
  source: 'rest' | 'ws' | 'derived';
  /** Epoch seconds of the module's current cloud connection; 0 = offline; `null` when never known. */
  connectedAt: number | null;
  /** The module's internet gateway (`{address, interface, version}`), `null` when unknown. */
  gateway: Record<string, unknown> | null;
  /** The online bit flipped (or became known). */
  onlineChanged: boolean;
  /** `connectedAt` or `gateway` changed. */
  metadataChanged: boolean;
  /** Local time of the observation, epoch ms. */
  ts: number;
}

interface ModState {
  online: boolean | null;
  connectedAt: number | null;
  gateway: Record<string, unknown> | null;
}

/** `connectedAt` as an integer; null/missing → 0; unparsable → `null` (skip the row). */
export function parseConnectedAt(v: unknown): number | null {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : null;
  if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) return Number.parseInt(v, 10);
  return null;
}

function sameGateway(a: Record<string, unknown> | null, b: Record<string, unknown> | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.is(a[k], b[k])) return false;
  return true;
}

function gatewayOf(v: unknown): Record<string, unknown> | null {
  return isRecord(v) ? Object.freeze({ ...v }) : null;
}

/** Tracks the online state of the subscribed modules and reports changes through `emit`. */
export class ConnectivityTracker {
  readonly #state = new Map<string, ModState>();
  /** The modules whose reports count. */
  readonly #subscribed: ReadonlySet<string>;
  /** Receives each change. */
  readonly #emit: (c: ModuleConnectivity) => void;
  /** Clock, epoch milliseconds. */
  readonly #now: () => number;

  constructor(subscribed: ReadonlySet<string>, emit: (c: ModuleConnectivity) => void, now: () => number) {
    this.#subscribed = subscribed;
    this.#emit = emit;
    this.#now = now;
  }

  /** Last known online bit; `null` before the first observation. */
  online(devid: string): boolean | null {
    return this.#state.get(devid)?.online ?? null;
  }

  /** Last known `connectedAt`; `null` before the first observation. */
  connectedAt(devid: string): number | null {
    return this.#state.get(devid)?.connectedAt ?? null;
  }

  /**
   * Applies a `GET /modules` listing. Only subscribed devids count; rows with unparsable `connectedAt` are
   * skipped; when the listing holds at least one subscribed module, subscribed modules missing from it are
   * marked offline (`derived`); an empty listing changes nothing. A devid listed twice counts once (first row).
   */
  applyRest(rows: readonly unknown[]): void {
    const seen = new Set<string>();
    for (const row of rows) {
      if (!isRecord(row) || typeof row.devid !== 'string' || !this.#subscribed.has(row.devid)) continue;
      if (seen.has(row.devid)) continue;
      const at = parseConnectedAt(row.connectedAt);
      if (at === null) continue;
      seen.add(row.devid);
      this.#update(row.devid, at !== 0, at, gatewayOf(row.gateway), 'rest');
    }
    if (seen.size === 0) return;
    for (const devid of this.#subscribed) {
      if (seen.has(devid)) continue;
      const prev = this.#state.get(devid);
      this.#update(devid, false, 0, prev?.gateway ?? null, 'derived');
    }
  }

  /**
   * Applies an `app:module:connection:status:changed` payload `{devid: {connectedAt, gateway}}`
   * (`connected_at` accepted). A body with only `gateway` updates metadata and keeps the known online bit.
   */
  applyWs(payload: unknown): void {
    if (!isRecord(payload)) return;
    for (const devid in payload) {
      const body = payload[devid];
      if (!this.#subscribed.has(devid) || !isRecord(body)) continue;
      const raw = 'connectedAt' in body ? body.connectedAt : 'connected_at' in body ? body.connected_at : undefined;
      const hasAt = 'connectedAt' in body || 'connected_at' in body;
      const prev = this.#state.get(devid);
      const gateway = 'gateway' in body ? gatewayOf(body.gateway) : (prev?.gateway ?? null);
      if (!hasAt) {
        if (!('gateway' in body) || prev === undefined || prev.online === null) continue;
        this.#update(devid, prev.online, prev.connectedAt, gateway, 'ws');
        continue;
      }
      const at = parseConnectedAt(raw);
      if (at === null) continue;
      this.#update(devid, at !== 0, at, gateway, 'ws');
    }
  }

  #update(
    devid: string,
    online: boolean,
    connectedAt: number | null,
    gateway: Record<string, unknown> | null,
    source: ModuleConnectivity['source'],
  ): void {
    const prev = this.#state.get(devid) ?? { online: null, connectedAt: null, gateway: null };
    const onlineChanged = prev.online !== online;
    const metadataChanged = prev.connectedAt !== connectedAt || !sameGateway(prev.gateway, gateway);
    if (!onlineChanged && !metadataChanged) return;
    this.#state.set(devid, { online, connectedAt, gateway });
    this.#emit({ devid, online, source, connectedAt, gateway, onlineChanged, metadataChanged, ts: this.#now() });
  }
}
