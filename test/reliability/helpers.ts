/** Shared helpers of the reliability and security suites: fast-check settings, secret scans, in-memory fetch. */
import { inspect } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { isBragerOneError } from '../../src/errors.js';

/**
 * fast-check settings: a fixed seed (reproducible), 10 000 runs per property. Override with `FC_SEED` / `FC_RUNS`
 * (e.g. `FC_RUNS=100000` for a long local soak). A failure prints the seed and the shrunk counterexample.
 */
export const SEED = Number(process.env.FC_SEED ?? 20_260_501);
export const RUNS = Math.max(1, Number(process.env.FC_RUNS ?? 10_000));

/** `fc.assert` parameters of every property (`runs` lowers the count only for I/O-bound properties). */
export function fcParams(runs: number = RUNS): fc.Parameters<unknown> {
  return { seed: SEED, numRuns: Math.max(1, Math.round(runs)), endOnFailure: true };
}

/** Runs `fn`; returns its value, or rethrows anything that is not an SDK error (a TypeError fails the property). */
export function typedOrValue<T>(fn: () => T): { ok: true; value: T } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (!isBragerOneError(error)) throw error;
    return { ok: false, error };
  }
}

/** Async flavour of {@link typedOrValue}. */
export async function typedOrValueAsync<T>(
  fn: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    if (!isBragerOneError(error)) throw error;
    return { ok: false, error };
  }
}

/** Keys that have tripped up naive object handling (prototype pollution, shadowed builtins). */
export const NASTY_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'length',
  '',
];

/** Arbitrary JSON value as `JSON.parse` would produce it (own `__proto__` keys included). */
export const jsonValue: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 });

/** Arbitrary scalar JSON value (plus `undefined`, which a missing key reads as). */
export const scalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', '0', '1e400', 'NaN', '2026-05-01T12:00:00Z', 'not a date', '   '),
);

/** Parses a JSON text into an object graph exactly like the transports do (so `__proto__` stays an own key). */
export function viaJson<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/**
 * Near-miss variants of a valid sample: one field (at any depth) deleted, replaced by another JSON value, wrapped
 * in an array, turned to a string, or nulled; or the whole value wrapped / stringified. Results are JSON-shaped.
 */
export function nearMiss(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      valid,
      fc.nat(),
      fc.integer({ min: 0, max: 6 }),
      fc.oneof(jsonValue, scalar),
      fc.constantFrom(...NASTY_KEYS, 'extra'),
    )
    .map(([sample, pick, op, replacement, extraKey]) => mutate(viaJson(sample), pick, op, replacement, extraKey));
}

function paths(
  v: unknown,
  prefix: Array<string | number> = [],
  out: Array<Array<string | number>> = [],
): Array<Array<string | number>> {
  out.push(prefix);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) paths(v[i], [...prefix, i], out);
  } else if (v && typeof v === 'object')
    for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...prefix, k], out);
  return out;
}

function mutate(root: unknown, pick: number, op: number, replacement: unknown, extraKey: string): unknown {
  const all = paths(root);
  const path = all[pick % all.length] as Array<string | number>;
  const change = (old: unknown): unknown => {
    switch (op) {
      case 0:
        return undefined; // delete
      case 1:
        return replacement;
      case 2:
        return [old];
      case 3:
        return JSON.stringify(old) ?? 'undefined';
      case 4:
        return null;
      case 5:
        if (old && typeof old === 'object' && !Array.isArray(old)) {
          // An extra (possibly prototype-named) own key, defined the way JSON.parse defines it.
          Object.defineProperty(old, extraKey, {
            value: replacement ?? null,
            enumerable: true,
            writable: true,
            configurable: true,
          });
          return old;
        }
        return replacement;
      default:
        return typeof old === 'number' ? String(old) : typeof old === 'string' ? Number(old) : replacement;
    }
  };
  if (path.length === 0) return change(root);
  let parent = root as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  const next = change(parent[last]);
  if (next === undefined) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = next;
  return root;
}

/** Every way an error can end up in a log or a bug report: message, stack, JSON, `util.inspect`, down the cause chain. */
export function dumpError(err: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): void => {
    if (depth > 10 || seen.has(e)) return;
    seen.add(e);
    parts.push(String(e));
    if (e && typeof e === 'object') {
      const r = e as {
        message?: unknown;
        stack?: unknown;
        cause?: unknown;
        data?: unknown;
        errors?: unknown;
        issues?: unknown;
      };
      parts.push(String(r.message ?? ''), String(r.stack ?? ''));
      try {
        parts.push(JSON.stringify(e) ?? '');
        parts.push(JSON.stringify(r.data) ?? '', JSON.stringify(r.issues) ?? '');
      } catch {
        /* circular: util.inspect below still covers it */
      }
      parts.push(inspect(e, { depth: 12, showHidden: true, getters: true }));
      if (r.cause !== undefined) visit(r.cause, depth + 1);
      if (Array.isArray(r.errors)) for (const x of r.errors) visit(x, depth + 1);
    }
  };
  visit(err, 0);
  return parts.join('\n');
}

/** Which of `secrets` occur in `text` (each reported by its length and position only, never in full). */
export function secretHits(text: string, secrets: Iterable<string>): string[] {
  const hits: string[] = [];
  for (const s of secrets) {
    if (!s) continue;
    const at = text.indexOf(s);
    if (at >= 0) hits.push(`secret #len${s.length} at ${at}: …${text.slice(Math.max(0, at - 40), at)}<SECRET>`);
  }
  return hits;
}

/** `global.gc` without `--expose-gc` (V8 flag flipped at run time, then fetched from a fresh context). */
export function gcFunction(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return g;
  v8.setFlagsFromString('--expose_gc');
  return vm.runInNewContext('gc') as () => void;
}

/** Heap used after two full collections, in bytes. */
export async function settledHeap(gc: () => void): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}

/**
 * A `fetch` answering every request in memory with `status` and `body` (JSON unless a string), for properties that
 * need the client's whole parse path 10 000 times — the simulator cannot serve arbitrary bodies, and a socket per run
 * would be too slow. Login (`POST …/auth/user`) gets a valid token so authenticated methods get that far.
 */
export function memoryFetch(answer: () => { status: number; body: unknown; contentType?: string }): typeof fetch {
  const login = JSON.stringify({
    accessToken: 'fuzz-access-token',
    refreshToken: null,
    type: 'bearer',
    expiresAt: null,
    user: null,
    objects: [],
  });
  return async (input) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.endsWith('/auth/user'))
      return new Response(login, { status: 200, headers: { 'content-type': 'application/json' } });
    const { status, body, contentType } = answer();
    const text = typeof body === 'string' ? body : (JSON.stringify(body) ?? '');
    const noBody = status === 204 || status === 304;
    return new Response(noBody ? null : text, {
      status,
      headers: { 'content-type': contentType ?? 'application/json; charset=utf-8' },
    });
  };
}

/** Resolves `p`, or rejects after `ms` with a message naming `what` (turns a hang into a failure). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<never>((_, reject) => {
      t = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
    }),
  ]);
}

export { sleep, until } from '../helpers/wait.js';

/** Object with keys sorted, for order-insensitive comparisons of flattened stores. */
export function sorted(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
