/**
 * Classifiers of `bragerone check`: each looks at one raw response and says whether it matched the documented
 * protocol (docs/PROTOCOL.md §3–§6), was accepted through a documented tolerance (alternate wrappers, null coercions,
 * skipped rows) or drifted from it. Details name paths and counts only — never values, so no token, password or
 * personal data can reach the report.
 */

import * as v from 'valibot';
import { isRecord, normalizePool, parseChanIdx } from '../../live/payload.js';
import {
  AuthResponseSchema,
  BragerObjectSchema,
  ModuleCardSchema,
  ModuleSchema,
  ObjectDetailsSchema,
  SystemVersionSchema,
  UserSchema,
  laxDateTime,
} from '../../schemas/index.js';

/** Result of one check row. `info` and `skipped` rows do not count towards the summary. */
export type Verdict = 'matched' | 'tolerated' | 'drift' | 'error' | 'info' | 'skipped';

/** Verdict plus a short, value-free explanation. */
export interface Finding {
  verdict: Verdict;
  detail: string;
}

const RANK: Record<Verdict, number> = { skipped: 0, info: 0, matched: 1, tolerated: 2, drift: 3, error: 4 };

/** The worse of two verdicts. */
export function worst(a: Verdict, b: Verdict): Verdict {
  return RANK[b] > RANK[a] ? b : a;
}

/** Collects notes and the worst verdict of one response. */
class Notes {
  verdict: Verdict = 'matched';
  readonly parts: string[] = [];
  add(verdict: Verdict, note: string): this {
    this.verdict = worst(this.verdict, verdict);
    this.parts.push(note);
    return this;
  }
  finding(summary?: string): Finding {
    return { verdict: this.verdict, detail: [summary, ...this.parts].filter(Boolean).join('; ') };
  }
}

/** Validation issues as `path: expectation`, at most `max`; the received value is never included. */
export function issuesOf(schema: v.GenericSchema, data: unknown, max = 3): string | null {
  const r = v.safeParse(schema, data);
  if (r.success) return null;
  const list = r.issues.map((i) => {
    const path = (i.path ?? []).map((p) => String(p.key)).join('.') || '<root>';
    const msg = i.message.replace(/,?\s*but received[\s\S]*$/i, '').replace(/^Invalid (type|key): /, '');
    return `${path}: ${msg}`;
  });
  const more = list.length > max ? ` (+${list.length - max} more)` : '';
  return list.slice(0, max).join(', ') + more;
}

/** `GET /system/version`: `{version: {version, devMode}}`; bare object tolerated. */
export function classifyVersion(body: unknown): Finding {
  return classifyWrapped(body, 'version', SystemVersionSchema, 'bare object');
}

/** A record expected as `{<key>: record}` (matched) or bare (tolerated), validated by `schema`. */
function classifyWrapped(body: unknown, key: string, schema: v.GenericSchema, bare: string): Finding {
  const wrapped = isRecord(body) && isRecord(body[key]);
  const bad = issuesOf(schema, wrapped ? body[key] : body);
  if (bad) return { verdict: 'drift', detail: bad };
  return wrapped
    ? { verdict: 'matched', detail: `wrapped {${key}}` }
    : { verdict: 'tolerated', detail: `${bare} without the {${key}} wrapper` };
}

const TZ_RE = /(?:Z|[+-]\d\d:?\d\d)$/i;
const ISO_LIKE_RE = /^\d{4}-\d{2}-\d{2}[T ]/;

/** `POST /auth/user` response (holds the token: only its structure is looked at). */
export function classifyLogin(body: unknown): Finding {
  const bad = issuesOf(AuthResponseSchema, body);
  if (bad) return { verdict: 'drift', detail: bad };
  const r = body as Record<string, unknown>;
  const n = new Notes();
  if (r.user == null) n.add('tolerated', 'no user record (user id unknown)');
  const at = r.expiresAt;
  if (at == null || at === '') n.add('tolerated', 'no expiresAt (token treated as never expiring)');
  else if (laxDateTime(at) === undefined) n.add('tolerated', 'unreadable expiresAt (token treated as never expiring)');
  else if (typeof at === 'string' && ISO_LIKE_RE.test(at.trim()) && !TZ_RE.test(at.trim())) {
    n.add('tolerated', 'expiresAt has no time zone (read as UTC)');
  }
  if (r.objects == null) n.add('info', 'no objects list');
  return n.finding('access token present');
}

/** `GET /user`: `{user: {...}}`; bare record tolerated. */
export function classifyUser(body: unknown): Finding {
  return classifyWrapped(body, 'user', UserSchema, 'bare user record');
}

/** `body[key]` when it is a list; a bare list (noted as tolerated with `bare`); else `null`. */
function wrappedList(body: unknown, key: string, n: Notes, bare: string): unknown[] | null {
  if (isRecord(body) && Array.isArray(body[key])) return body[key];
  if (!Array.isArray(body)) return null;
  n.add('tolerated', bare);
  return body;
}

/** Permission lists: `{permissions: [string]}`; bare lists and `{name}` items tolerated. */
export function classifyPermissions(body: unknown): Finding {
  const n = new Notes();
  const list = wrappedList(body, 'permissions', n, 'bare list without the {permissions} wrapper');
  if (!list) return { verdict: 'drift', detail: 'no permissions list' };
  const named = list.filter((x) => isRecord(x) && typeof x.name === 'string').length;
  const bad = list.findIndex((x) => typeof x !== 'string' && !(isRecord(x) && typeof x.name === 'string'));
  if (named) n.add('tolerated', `${named} item${named === 1 ? '' : 's'} as {name} objects`);
  if (bad >= 0) n.add('drift', `item ${bad} is neither a string nor {name}`);
  return n.finding(`${list.length} permission${list.length === 1 ? '' : 's'}`);
}

/** `GET /objects`: `{data: [...]}`; `{objects}`/bare tolerated; a bad row fails the whole list. */
export function classifyObjects(status: number, body: unknown): Finding {
  const n = new Notes();
  if (status !== 200)
    return { verdict: 'tolerated', detail: `HTTP ${status} instead of 200: the client returns an empty list` };
  let list: unknown[] | null = null;
  if (isRecord(body) && Array.isArray(body.data)) list = body.data;
  else if (isRecord(body) && Array.isArray(body.objects)) {
    list = body.objects;
    n.add('tolerated', '{objects} wrapper instead of {data}');
  } else if (Array.isArray(body)) {
    list = body;
    n.add('tolerated', 'bare list instead of {data}');
  }
  if (!list) return { verdict: 'drift', detail: 'no data/objects list: the client returns an empty list' };
  list.forEach((row, i) => {
    const bad = issuesOf(BragerObjectSchema, row, 2);
    if (bad) n.add('drift', `row ${i}: ${bad} (the client rejects the whole list)`);
  });
  return n.finding(`${list.length} object${list.length === 1 ? '' : 's'}`);
}

/** `GET /objects/{id}`: `{object, status}`. */
export function classifyObjectDetails(body: unknown): Finding {
  const bad = issuesOf(ObjectDetailsSchema, body);
  if (bad) return { verdict: 'drift', detail: bad };
  const status = (body as { status: string }).status;
  return { verdict: 'matched', detail: `status ${/^[A-Z_]{1,40}$/.test(status) ? status : '(unusual value)'}` };
}

const NULLABLE_MODULE_FIELDS = ['connectedAt', 'moduleAddress', 'moduleInterface', 'moduleVersion'] as const;

/** `GET /modules`: `{data: [...]}`; bare list tolerated; bad rows are skipped; documented null coercions tolerated. */
export function classifyModules(body: unknown): Finding & { devids: string[] } {
  const n = new Notes();
  const list = wrappedList(body, 'data', n, 'bare list instead of {data}');
  if (!list) return { verdict: 'drift', detail: 'no module list: the client returns an empty list', devids: [] };
  const devids: string[] = [];
  const coerced = new Set<string>();
  let coercedRows = 0;
  list.forEach((row, i) => {
    const bad = issuesOf(ModuleSchema, row, 2);
    if (bad) {
      n.add('tolerated', `row ${i} skipped (${bad})`);
      return;
    }
    const r = row as Record<string, unknown>;
    devids.push(r.devid as string);
    let hit = false;
    const gw = r.gateway;
    if (gw == null) {
      coerced.add('gateway');
      hit = true;
    } else if (isRecord(gw)) {
      for (const k of ['address', 'interface', 'version']) {
        if (gw[k] == null) {
          coerced.add(`gateway.${k}`);
          hit = true;
        }
      }
    }
    for (const k of NULLABLE_MODULE_FIELDS) {
      if (r[k] == null) {
        coerced.add(k);
        hit = true;
      }
    }
    if (hit) coercedRows++;
  });
  if (coerced.size)
    n.add(
      'tolerated',
      `null coercions in ${coercedRows} row${coercedRows === 1 ? '' : 's'}: ${[...coerced].join(', ')}`,
    );
  return { ...n.finding(`${devids.length} module${devids.length === 1 ? '' : 's'}`), devids };
}

/** `GET /modules/{devid}/card` — personal data: only field names of problems are reported. */
export function classifyCard(body: unknown): Finding {
  const bad = issuesOf(ModuleCardSchema, body);
  return bad
    ? { verdict: 'drift', detail: bad }
    : { verdict: 'matched', detail: 'all card fields present (values not shown)' };
}

/** Walks one module's pools of a prime/delta payload; counts entries and what the client skips. */
function walkPools(mod: unknown, n: Notes, where: string): { entries: number; metaOnly: number } {
  let entries = 0;
  let metaOnly = 0;
  if (!isRecord(mod)) {
    n.add('drift', `${where}: not an object`);
    return { entries, metaOnly };
  }
  let barePools = 0;
  let junkPools = 0;
  let junkKeys = 0;
  for (const [pool, chans] of Object.entries(mod)) {
    const norm = normalizePool(pool);
    if (norm === null || !isRecord(chans)) {
      junkPools++;
      continue;
    }
    if (norm !== pool) barePools++;
    for (const [key, body] of Object.entries(chans)) {
      if (parseChanIdx(key) < 0) {
        junkKeys++;
        continue;
      }
      entries++;
      if (isRecord(body) && !('value' in body)) metaOnly++;
    }
  }
  if (barePools) n.add('tolerated', `${where}: ${barePools} pool key(s) without the P prefix`);
  if (junkPools) n.add('tolerated', `${where}: ${junkPools} pool(s) skipped (not P<n> or not an object)`);
  if (junkKeys) n.add('tolerated', `${where}: ${junkKeys} key(s) skipped (not <letter><index>)`);
  return { entries, metaOnly };
}

/** `POST /modules/parameters`: 200 with `{devid: {pool: {chanIdx: body}}}` for every requested module. */
export function classifyPrime(status: number, body: unknown, devids: readonly string[]): Finding {
  if (status === 204)
    return { verdict: 'tolerated', detail: 'HTTP 204 without state (the realtime client retries the prime)' };
  if (status !== 200) return { verdict: 'drift', detail: `HTTP ${status} instead of 200` };
  if (!isRecord(body)) return { verdict: 'drift', detail: 'not an object keyed by devid (counts as a failed prime)' };
  const n = new Notes();
  let entries = 0;
  let metaOnly = 0;
  for (const devid of devids) {
    if (!(devid in body)) {
      n.add('drift', `no entry for ${devid}`);
      continue;
    }
    const r = walkPools(body[devid], n, devid);
    entries += r.entries;
    metaOnly += r.metaOnly;
  }
  const extra = Object.keys(body).filter((k) => !devids.includes(k)).length;
  if (extra) n.add('info', `${extra} unrequested module key(s) ignored`);
  return n.finding(
    `${entries} entries for ${devids.length} module${devids.length === 1 ? '' : 's'}${metaOnly ? ` (${metaOnly} meta-only)` : ''}`,
  );
}

/** `POST /modules/activity/quantity`: 200 `{activityQuantity}` or 204. */
export function classifyActivity(status: number, body: unknown): Finding {
  if (status === 204) return { verdict: 'matched', detail: 'HTTP 204' };
  if (status === 200 && isRecord(body) && 'activityQuantity' in body)
    return { verdict: 'matched', detail: '{activityQuantity}' };
  return { verdict: 'drift', detail: status === 200 ? 'no activityQuantity key' : `HTTP ${status}` };
}

/** One `POST /modules/connect` attempt as recorded. */
export interface ConnectAttempt {
  status: number;
  body: unknown;
}

/** `POST /modules/connect`: the first body variant `{wsid: <namespace SID>, modules}` should be accepted. */
export function classifyConnect(attempts: readonly ConnectAttempt[], nsSid: string | null): Finding {
  const okIdx = attempts.findIndex((a) => a.status === 200 || a.status === 204);
  const ok = attempts[okIdx];
  const statuses = attempts.map((a) => a.status).join(', ');
  if (!ok) return { verdict: 'drift', detail: `no body variant accepted (HTTP ${statuses || 'none'})` };
  const b = isRecord(ok.body) ? ok.body : {};
  const keys = Object.keys(b).join(', ');
  const sid = b.wsid ?? b.sid;
  const which = sid === nsSid ? 'namespace SID' : 'engine SID';
  if (okIdx === 0 && 'wsid' in b && !('group_id' in b) && sid === nsSid)
    return { verdict: 'matched', detail: `bound with {${keys}} (${which})` };
  return {
    verdict: 'tolerated',
    detail: `bound with variant ${okIdx + 1} {${keys}} (${which}) after HTTP ${attempts
      .slice(0, okIdx)
      .map((a) => a.status)
      .join(', ')}`,
  };
}

/** Documented server → client events (§6.5). */
const PARAM_EVENT = 'app:modules:parameters:change';
const PARAM_ALIASES = new Set(['modules:parameters:change', 'parameters:change', 'snapshot']);
const CONNECTION_EVENT = 'app:module:connection:status:changed';
const TASK_EVENTS = new Set([
  '60',
  '61',
  '63',
  'app:module:task:created',
  'app:module:task:status:changed',
  'app:module:task:completed',
]);
const LOG_EVENTS = new Set(['message', 'error']);

/** Socket events seen during the listen window, one finding per event name. */
export function classifyEvents(
  events: ReadonlyArray<readonly [string, unknown]>,
  modules: readonly string[],
): Array<{ event: string } & Finding> {
  const byName = new Map<string, unknown[]>();
  for (const [name, payload] of events) {
    let list = byName.get(name);
    if (!list) byName.set(name, (list = []));
    list.push(payload);
  }
  const out: Array<{ event: string } & Finding> = [];
  for (const [name, payloads] of byName) {
    const count = `${payloads.length} frame${payloads.length === 1 ? '' : 's'}`;
    const n = new Notes();
    if (name === PARAM_EVENT || PARAM_ALIASES.has(name) || name.endsWith('parameters:change')) {
      if (name !== PARAM_EVENT)
        n.add(
          'tolerated',
          name === 'snapshot' ? 'snapshot event (documented as never sent)' : 'alias of app:modules:parameters:change',
        );
      for (const p of payloads) {
        if (!isRecord(p)) {
          n.add('drift', 'payload is not an object keyed by devid');
          continue;
        }
        for (const [devid, mod] of Object.entries(p)) {
          if (!modules.includes(devid)) n.add('info', 'entries for an unsubscribed module');
          walkPools(mod, n, 'delta');
        }
      }
    } else if (name === CONNECTION_EVENT) {
      for (const p of payloads) {
        if (!isRecord(p)) {
          n.add('drift', 'payload is not an object keyed by devid');
          continue;
        }
        for (const entry of Object.values(p)) {
          if (!isRecord(entry)) n.add('drift', 'entry is not an object');
          else if ('connected_at' in entry && !('connectedAt' in entry)) n.add('tolerated', 'connected_at alias');
          else if (!('connectedAt' in entry) && !('gateway' in entry))
            n.add('drift', 'neither connectedAt nor gateway');
        }
      }
    } else if (name === '22') {
      if (payloads.some((p) => !isRecord(p) || typeof p.devid !== 'string'))
        n.add('drift', 'payload without a string devid');
    } else if (TASK_EVENTS.has(name) || LOG_EVENTS.has(name)) {
      out.push({ event: name, verdict: 'info', detail: `${count}; payload not documented, diagnostics only` });
      continue;
    } else {
      n.add('drift', 'event not in the documented protocol');
    }
    out.push({ event: name, ...n.finding(count) });
  }
  return out;
}
