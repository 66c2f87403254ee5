/**
 * `laxData`: serves every REST body and pushed event with the lax field forms the reference client accepts
 * (pydantic's lax mode, docs/PROTOCOL.md §4): integers as numeric strings, booleans as `0`/`1` or `"true"`/`"false"`,
 * date-times as epoch seconds, zone-less or `+00:00` strings. Which form each field takes is drawn from a seeded
 * generator, so a run is reproducible. Parameter values themselves stay raw (the protocol passes them through).
 */
import type { JsonValue } from './types.js';
import { prng } from './plant.js';

type Rec = Record<string, unknown>;

function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const USER_BOOLS = [
  'allow_email_type_informations',
  'allow_email_type_alarms',
  'allow_email_type_marketing',
  'allow_email_type_warnings',
  'show_rate_us_modal',
];
const MODULE_INTS = ['id', 'deviceMenu', 'deviceLanguageVariant', 'acceptedAt', 'connectedAt', 'moduleAlarms'];
const META_INTS = ['createdAt', 'previousCreatedAt', 'updatedAt', 'updatedAtClient', 'expire'];
const TASK_EVENTS = new Set([
  'app:module:task:created',
  'app:module:task:status:changed',
  'app:module:task:completed',
  '60',
  '61',
  '63',
]);

/** Rewrites bodies and event payloads into lax forms, drawn from a seeded generator. Never mutates its input. */
export class LaxMixer {
  readonly #rand: () => number;

  /** @param seed seed of the generator: the same seed and the same traffic give the same forms */
  constructor(seed: number) {
    this.#rand = prng(seed);
  }

  #pick<T>(options: readonly T[]): T {
    return options[Math.floor(this.#rand() * options.length)] as T;
  }

  /** An integer as a number, a numeric string, or one with a space. */
  int(v: unknown): unknown {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) return v;
    return this.#pick([v, String(v), ` ${v}`, String(v)]);
  }

  /** A boolean as itself, `0`/`1`, or `"true"`/`"false"`. */
  bool(v: unknown): unknown {
    if (typeof v !== 'boolean') return v;
    return this.#pick([v, v ? 1 : 0, v ? 'true' : 'false', v ? 1 : 0]);
  }

  /** An ISO date-time as epoch seconds (number or string), zone-less (UTC), with `+00:00`, or with a space. */
  date(v: unknown): unknown {
    if (typeof v !== 'string') return v;
    const ms = Date.parse(v);
    if (!Number.isFinite(ms)) return v;
    const iso = new Date(ms).toISOString();
    return this.#pick([
      ms / 1000,
      String(ms / 1000),
      iso.slice(0, -1),
      iso.replace('Z', '+00:00'),
      iso.replace('T', ' '),
    ]);
  }

  #fields(o: Rec, ints: readonly string[], bools: readonly string[] = [], dates: readonly string[] = []): Rec {
    const out: Rec = { ...o };
    for (const k of ints) if (k in out) out[k] = this.int(out[k]);
    for (const k of bools) if (k in out) out[k] = this.bool(out[k]);
    for (const k of dates) if (k in out) out[k] = this.date(out[k]);
    return out;
  }

  #user(u: unknown): unknown {
    return isRec(u) ? this.#fields(u, ['id'], USER_BOOLS, ['activated_at']) : u;
  }

  #object(o: unknown): unknown {
    return isRec(o) ? this.#fields(o, ['id']) : o;
  }

  #module(m: unknown): unknown {
    if (!isRec(m)) return m;
    const out = this.#fields(m, MODULE_INTS, [], ['isAcceptedAt', 'isConnectedAt']);
    if (Array.isArray(out.parameterSchemas))
      out.parameterSchemas = out.parameterSchemas.map((p) => (isRec(p) ? this.#fields(p, ['id']) : p));
    return out;
  }

  /** `{data}` / `{objects}` / bare list, each row through `row`. */
  #list(body: unknown, keys: readonly string[], row: (r: unknown) => unknown): unknown {
    if (Array.isArray(body)) return body.map(row);
    if (!isRec(body)) return body;
    const out: Rec = { ...body };
    for (const k of keys) if (Array.isArray(out[k])) out[k] = (out[k] as unknown[]).map(row);
    return out;
  }

  /** A prime / delta payload `devid → pool → chanIdx → body`: meta fields in lax forms, values untouched. */
  #params(payload: unknown): unknown {
    if (!isRec(payload)) return payload;
    const out: Rec = {};
    for (const [devid, pools] of Object.entries(payload)) {
      if (!isRec(pools)) {
        out[devid] = pools;
        continue;
      }
      const p: Rec = {};
      for (const [pool, chans] of Object.entries(pools)) {
        if (!isRec(chans)) {
          p[pool] = chans;
          continue;
        }
        const c: Rec = {};
        for (const [key, body] of Object.entries(chans))
          c[key] = isRec(body) ? this.#fields(body, META_INTS, ['storable']) : body;
        p[pool] = c;
      }
      out[devid] = p;
    }
    return out;
  }

  /** The body of a 2xx REST answer of `routeId`, in lax forms. */
  rest(routeId: string, body: JsonValue | object): JsonValue {
    const b: unknown = body;
    let out: unknown = b;
    switch (routeId) {
      case 'POST /v1/auth/user':
        if (isRec(b)) {
          const o: Rec = { ...b, expiresAt: this.date(b.expiresAt), user: this.#user(b.user) };
          if (Array.isArray(b.objects)) o.objects = b.objects.map((x) => this.#object(x));
          out = o;
        }
        break;
      case 'GET /v1/user':
        out = isRec(b) && isRec(b.user) ? { ...b, user: this.#user(b.user) } : this.#user(b);
        break;
      case 'GET /v1/objects':
        out = this.#list(b, ['data', 'objects'], (r) => this.#object(r));
        break;
      case 'GET /v1/objects/:id':
        out = isRec(b) ? { ...b, object: this.#object(b.object) } : b;
        break;
      case 'GET /v1/modules':
        out = this.#list(b, ['data'], (r) => this.#module(r));
        break;
      case 'GET /v1/modules/:devid/card':
        out = isRec(b) ? this.#fields(b, ['id', 'moduleId'], [], ['createdAt', 'updatedAt']) : b;
        break;
      case 'GET /v1/system/version':
        out =
          isRec(b) && isRec(b.version)
            ? { ...b, version: this.#fields(b.version, [], ['devMode']) }
            : isRec(b)
              ? this.#fields(b, [], ['devMode'])
              : b;
        break;
      case 'POST /v1/modules/parameters':
        out = this.#params(b);
        break;
      case 'POST /v1/modules/activity/quantity':
        if (isRec(b) && isRec(b.activityQuantity)) {
          const q = b.activityQuantity;
          out = { ...b, activityQuantity: this.#fields(q, Object.keys(q)) };
        }
        break;
    }
    return out as JsonValue;
  }

  /** A pushed event's payload in lax forms. */
  event(name: string, payload: unknown): unknown {
    if (name === 'snapshot' || name.endsWith('parameters:change')) return this.#params(payload);
    if (name === 'app:module:connection:status:changed' && isRec(payload)) {
      const out: Rec = {};
      for (const [devid, body] of Object.entries(payload))
        out[devid] = isRec(body) ? this.#fields(body, ['connectedAt']) : body;
      return out;
    }
    if (TASK_EVENTS.has(name) && isRec(payload)) return this.#fields(payload, ['taskId']);
    return payload;
  }
}
