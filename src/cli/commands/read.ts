/** `objects`, `modules <objectId>`, `params <devid>`. */

import type { BragerOneApiClient } from '../../client.js';
import { isApiError } from '../../errors.js';
import { ParamStore } from '../../live/param-store.js';
import { isRecord, parseParamKey } from '../../live/payload.js';
import type { BragerObject, Module } from '../../schemas/index.js';
import { parseId } from '../args.js';
import { CliError, EXIT } from '../errors.js';
import { type Output, cell, formatTable } from '../io.js';
import type { Session } from '../session.js';
import { labelledParams } from './catalog.js';

/** Prints objects as a table. */
export function printObjects(out: Output, objects: readonly BragerObject[]): void {
  if (objects.length === 0) {
    out.print(out.c.dim('  (no objects)'));
    return;
  }
  const rows = objects.map((o) => [String(o.id), o.name, [o.addressCity, o.addressCountry].filter(Boolean).join(', ')]);
  out.lines(formatTable(rows, { head: ['ID', 'NAME', 'PLACE'], align: ['right'], indent: '  ', style: out.c }));
}

/** Prints modules as a table. */
export function printModules(out: Output, modules: readonly Module[]): void {
  if (modules.length === 0) {
    out.print(out.c.dim('  (no modules)'));
    return;
  }
  const rows = modules.map((m) => [
    m.devid,
    m.name,
    m.moduleTitle,
    m.connectedAt !== 0 ? out.c.green('online') : out.c.red('offline'),
    m.moduleVersion,
  ]);
  out.lines(formatTable(rows, { head: ['DEVID', 'NAME', 'MODEL', 'LINK', 'VERSION'], indent: '  ', style: out.c }));
}

export async function objects(s: Session): Promise<number> {
  const client = await s.client();
  const list = await s.out.spin('Loading objects…', client.getObjects({ signal: s.signal }));
  if (s.out.json) s.out.printJson(list);
  else printObjects(s.out, list);
  return EXIT.ok;
}

export async function modules(s: Session, objectIdText: string): Promise<number> {
  const objectId = parseId(objectIdText, 'objectId');
  const client = await s.client();
  const list = await s.out
    .spin('Loading modules…', client.getModules(objectId, { signal: s.signal }))
    .catch((e: unknown) => {
      if (isApiError(e) && e.status === 404) throw new CliError(`object ${objectId} not found (HTTP 404)`, EXIT.usage);
      throw e;
    });
  if (s.out.json) s.out.printJson(list);
  else printModules(s.out, list);
  return EXIT.ok;
}

/** One `(pool, idx)` family of the parameter view. */
export interface FamilyRow {
  idx: number;
  channels: Record<string, unknown>;
}

/** The state of one module grouped by pool and family, from a REST prime. */
export interface ParamsView {
  devid: string;
  count: number;
  values: Record<string, unknown>;
  pools: Record<string, FamilyRow[]>;
}

/** Primes one module over REST and groups its values (`P4.v1`, `P4.u1`, … → pool P4, family 1). */
export async function loadParams(client: BragerOneApiClient, devid: string, signal?: AbortSignal): Promise<ParamsView> {
  const res = await client.modulesParametersPrime([devid], { returnData: true, signal });
  if (res.status !== 200 || !isRecord(res.data)) {
    throw new CliError(`POST /modules/parameters: HTTP ${res.status} without a parameter object`, EXIT.usage);
  }
  if (!isRecord(res.data[devid]))
    throw new CliError(`module ${devid} not found (no parameters returned for it)`, EXIT.usage);
  const store = new ParamStore({ devid });
  store.ingestPrimePayload(res.data);
  return groupValues(devid, store.flatten());
}

/** Groups flat values into pools and families, both sorted numerically. */
export function groupValues(devid: string, values: Record<string, unknown>): ParamsView {
  const pools = new Map<string, Map<number, Record<string, unknown>>>();
  for (const [key, value] of Object.entries(values)) {
    const k = parseParamKey(key);
    if (!k) continue;
    let fams = pools.get(k.pool);
    if (!fams) pools.set(k.pool, (fams = new Map()));
    let ch = fams.get(k.idx);
    if (!ch) fams.set(k.idx, (ch = {}));
    ch[k.chan] = value;
  }
  const num = (p: string) => Number(p.slice(1));
  const out: Record<string, FamilyRow[]> = {};
  for (const pool of [...pools.keys()].sort((a, b) => num(a) - num(b))) {
    const fams = pools.get(pool) as Map<number, Record<string, unknown>>;
    out[pool] = [...fams.keys()]
      .sort((a, b) => a - b)
      .map((idx) => ({ idx, channels: fams.get(idx) as Record<string, unknown> }));
  }
  return { devid, count: Object.keys(values).length, values, pools: out };
}

const KNOWN = ['v', 'u', 'n', 'x', 's'];

/** Prints the family view: one table per pool with value / unit / min / max / status (+ other channels). */
export function printParams(out: Output, view: ParamsView): void {
  for (const [pool, fams] of Object.entries(view.pools)) {
    out.print(out.c.bold(`  ${pool}`));
    const rows = fams.map(({ idx, channels }) => {
      const main = 'v' in channels ? 'v' : 's' in channels ? 's' : (Object.keys(channels)[0] ?? 'v');
      const other = Object.entries(channels)
        .filter(([c]) => !KNOWN.includes(c))
        .map(([c, v]) => `${c}=${cell(v)}`)
        .join(' ');
      return [
        `${pool}.${main}${idx}`,
        cell(channels.v),
        cell(channels.u),
        cell(channels.n),
        cell(channels.x),
        cell(channels.s),
        other,
      ];
    });
    out.lines(
      formatTable(rows, {
        head: ['PARAM', 'VALUE', 'UNIT', 'MIN', 'MAX', 'STATUS', 'OTHER'],
        align: ['left', 'right', 'right', 'right', 'right', 'right'],
        indent: '    ',
        style: out.c,
      }),
    );
  }
}

export async function params(
  s: Session,
  devid: string,
  opts: { registers?: boolean; lang?: string } = {},
): Promise<number> {
  if (!opts.registers) return labelledParams(s, devid, opts.lang);
  const client = await s.client();
  const view = await s.out.spin('Loading parameters…', loadParams(client, devid, s.signal));
  if (s.out.json) {
    s.out.printJson(view);
    return EXIT.ok;
  }
  s.out.print(`Parameters of ${s.out.c.bold(devid)} (${view.count} values; raw device values, unit = unit code)`);
  printParams(s.out, view);
  return EXIT.ok;
}
