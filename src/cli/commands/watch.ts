/** `watch`: live parameter changes through a BragerOneGateway, until Ctrl-C or `--duration`. */

import type { BragerOneApiClient } from '../../client.js';
import { BragerOneGateway } from '../../live/gateway.js';
import { formatDuration, parseId } from '../args.js';
import { CliError, EXIT, stopCode } from '../errors.js';
import { type Output, cell, clock } from '../io.js';
import type { Session } from '../session.js';
import type { ParamStore } from '../../live/param-store.js';
import { catalogClient, displayText, openCatalog } from './catalog.js';

/** What to follow. */
export interface WatchPlan {
  objectId: number;
  objectName: string | null;
  modules: string[];
}

/** One NDJSON line of `watch --json`. */
export type WatchEvent =
  | { type: 'ready'; ts: string; objectId: number; modules: string[] }
  | {
      type: 'param';
      ts: string;
      devid: string;
      key: string;
      value: unknown;
      prev: unknown;
      /** With the catalog: the parameters shown at this register, with label and display text. */
      labels?: Array<{ symbol: string; label: string; text: string }>;
    }
  | { type: 'module'; ts: string; devid: string; online: boolean }
  | { type: 'session'; ts: string; up: boolean };

/**
 * `--object` and `--module` → object id and module list. Without `--object`: the object holding the first
 * `--module`, or the first object. Without `--module`: every module of that object.
 */
export async function resolveWatchPlan(
  client: BragerOneApiClient,
  opts: { object?: string; module: string[] },
  signal?: AbortSignal,
): Promise<WatchPlan> {
  const wanted = [...new Set(opts.module.map((m) => m.trim()).filter(Boolean))];
  if (opts.object !== undefined) {
    const objectId = parseId(opts.object, '--object');
    if (wanted.length) return { objectId, objectName: null, modules: wanted };
    const mods = await client.getModules(objectId, { signal });
    if (mods.length === 0) throw new CliError(`object ${objectId} has no modules`, EXIT.usage);
    return { objectId, objectName: null, modules: mods.map((m) => m.devid) };
  }
  const objects = await client.getObjects({ signal });
  if (objects.length === 0) throw new CliError('this account has no objects', EXIT.usage);
  for (const o of objects) {
    const mods = (await client.getModules(o.id, { signal })).map((m) => m.devid);
    if (wanted.length === 0) {
      if (mods.length === 0) throw new CliError(`object ${o.id} has no modules`, EXIT.usage);
      return { objectId: o.id, objectName: o.name, modules: mods };
    }
    if (wanted[0] !== undefined && mods.includes(wanted[0])) {
      const missing = wanted.filter((m) => !mods.includes(m));
      if (missing.length)
        throw new CliError(
          `module ${missing.join(', ')} is not in object ${o.id} with ${wanted[0]}; pass --object`,
          EXIT.usage,
        );
      return { objectId: o.id, objectName: o.name, modules: wanted };
    }
  }
  throw new CliError(`module ${wanted[0]} not found in any of your objects`, EXIT.usage);
}

/** Labels a changed register with the catalog: the visible parameters shown at that address. */
export type Labeller = (
  devid: string,
  key: string,
  store: ParamStore,
) => Array<{ symbol: string; label: string; text: string }>;

/**
 * A {@link Labeller} over the catalog: loads the panels of every module of the plan (deviceMenu and permissions from
 * `getModules`), then names a register by the panel symbols whose primary address it is.
 */
export async function catalogLabeller(
  s: Session,
  client: BragerOneApiClient,
  plan: WatchPlan,
  lang?: string,
): Promise<Labeller> {
  const catalog = await openCatalog(s, client, lang);
  const mods = await client.getModules(plan.objectId, { signal: s.signal });
  const shown = new Map<string, Set<string>>();
  for (const devid of plan.modules) {
    const m = mods.find((x) => x.devid === devid);
    if (!m) continue;
    const panels = await catalog.panels(m.deviceMenu, { permissions: m.permissions, signal: s.signal });
    const symbols = panels.flatMap((p) => p.symbols);
    await catalog.describe(symbols, { signal: s.signal });
    shown.set(devid, new Set(symbols));
  }
  return (devid, key, store) => {
    const set = shown.get(devid);
    if (!set) return [];
    const out: Array<{ symbol: string; label: string; text: string }> = [];
    for (const symbol of catalog.symbolsFor(key)) {
      if (!set.has(symbol)) continue;
      const p = catalog.resolveKnown(symbol, store, { devid });
      if (!p.visible) continue;
      out.push({ symbol, label: p.label ?? symbol, text: displayText(p) });
    }
    return out;
  };
}

/** Resolves after `ms` (never when `undefined`) or when `signal` aborts. */
export function waitFor(ms: number | undefined, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = ms === undefined ? undefined : setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Human line of a watch event. */
export function formatWatchEvent(out: Output, e: WatchEvent): string {
  const t = out.c.dim(clock(Date.parse(e.ts)));
  if (e.type === 'param') {
    if (e.labels && e.labels.length > 0) {
      const shown = e.labels.map((l) => `${l.label} ${out.c.bold(l.text)}`).join(' · ');
      return `${t}  ${e.devid}  ${shown}  ${out.c.dim(`${e.key} = ${cell(e.value)}`)}`;
    }
    const prev = e.prev === undefined ? '' : `${cell(e.prev)} → `;
    return `${t}  ${e.devid}  ${e.key.padEnd(8)} ${prev}${out.c.bold(cell(e.value))}`;
  }
  if (e.type === 'ready') return `${t}  ${out.c.green('live')} — waiting for changes`;
  if (e.type === 'module')
    return `${t}  ${e.devid}  ${e.online ? out.c.green('module online') : out.c.red('module offline')}`;
  return `${t}  ${e.up ? out.c.green('realtime session up') : out.c.yellow('realtime session down (reconnecting)')}`;
}

/** Runs a gateway for `plan` and reports every change until `ms` elapse or the session's signal aborts. */
export async function runWatch(
  s: Session,
  client: BragerOneApiClient,
  plan: WatchPlan,
  ms: number | undefined,
  emit: (e: WatchEvent) => void,
  labeller?: Labeller,
): Promise<{ changes: number; elapsed: number }> {
  const gw = new BragerOneGateway({
    api: client,
    objectId: plan.objectId,
    modules: plan.modules,
    realtime: { connectTimeout: 10_000 },
  });
  let live = false;
  let changes = 0;
  const iso = () => new Date().toISOString();
  gw.onModuleConnectivity((c) => {
    if (live && c.onlineChanged) emit({ type: 'module', ts: iso(), devid: c.devid, online: c.online });
  });
  gw.onCloudSession((c) => {
    if (live && c.changed && c.source !== 'stop') emit({ type: 'session', ts: iso(), up: c.up });
  });
  const stopOnAbort = () => void gw.stop();
  s.signal.addEventListener('abort', stopOnAbort, { once: true });
  try {
    await s.out.spin('Connecting to the realtime channel…', gw.start());
    for (const devid of plan.modules) {
      const store = gw.params(devid);
      const last = store.flatten();
      store.on((key, value) => {
        const prev = last[key];
        last[key] = value;
        changes++;
        const labels = labeller?.(devid, key, store);
        emit(
          labels && labels.length > 0
            ? { type: 'param', ts: iso(), devid, key, value, prev, labels }
            : { type: 'param', ts: iso(), devid, key, value, prev },
        );
      });
    }
    live = true;
    emit({ type: 'ready', ts: iso(), objectId: plan.objectId, modules: [...plan.modules] });
    const started = Date.now();
    await waitFor(ms, s.signal);
    return { changes, elapsed: Date.now() - started };
  } catch (err) {
    if (s.signal.aborted) return { changes, elapsed: 0 };
    throw err;
  } finally {
    live = false;
    s.signal.removeEventListener('abort', stopOnAbort);
    await gw.stop();
  }
}

export async function watch(
  s: Session,
  opts: { object?: string; module: string[]; registers?: boolean; lang?: string },
): Promise<number> {
  const { out } = s;
  const client = await catalogClient(s);
  const plan = await out.spin('Finding modules…', resolveWatchPlan(client, opts, s.signal));
  const labeller = opts.registers ? undefined : await catalogLabeller(s, client, plan, opts.lang);
  const ms = s.g.duration;
  if (!out.json) {
    const until = ms === undefined ? 'until Ctrl-C' : `for ${formatDuration(ms)}`;
    out.print(
      `Watching ${plan.modules.join(', ')} of object ${plan.objectId}${plan.objectName ? ` (${plan.objectName})` : ''} ${until}…`,
    );
  }
  const res = await runWatch(
    s,
    client,
    plan,
    ms,
    (e) => (out.json ? out.printNdjson(e) : out.print(formatWatchEvent(out, e))),
    labeller,
  );
  if (!out.json)
    out.print(
      out.c.dim(`${res.changes} change${res.changes === 1 ? '' : 's'} in ${(res.elapsed / 1000).toFixed(1)} s.`),
    );
  return stopCode(s.signal);
}
