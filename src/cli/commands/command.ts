/** `command <devid>`: a parameter write (`--pool/--parameter/--value`) or a symbolic command (`--raw [--value]`). */

import type { StatusAndData } from '../../client.js';
import { normalizePool, parseChanIdx } from '../../live/payload.js';
import { type CommandOptions, parseValue } from '../args.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import type { Session } from '../session.js';

/** A validated command request. */
export type CommandRequest =
  | { kind: 'raw'; devid: string; command: string; value?: unknown }
  | { kind: 'param'; devid: string; pool: string; parameter: string; value: unknown };

/** Checks the option combination before anything is sent. `--parameter P4.v8` may carry the pool. */
export function buildCommand(devid: string, o: CommandOptions): CommandRequest {
  const hasParam = o.pool !== undefined || o.parameter !== undefined;
  if (o.raw !== undefined && hasParam) throw new UsageError('give either --raw NAME or --pool/--parameter, not both');
  if (o.raw !== undefined) {
    if (!o.raw.trim()) throw new UsageError('--raw needs a command name, e.g. MODULE_RESTART');
    return {
      kind: 'raw',
      devid,
      command: o.raw.trim(),
      ...(o.value !== undefined ? { value: parseValue(o.value) } : {}),
    };
  }
  if (!hasParam) throw new UsageError('command needs --raw NAME, or --pool P --parameter v8 --value V');
  let pool = o.pool;
  let parameter = o.parameter?.trim();
  if (parameter?.includes('.')) {
    const [p, rest] = parameter.split('.', 2) as [string, string];
    if (pool !== undefined && normalizePool(pool) !== normalizePool(p))
      throw new UsageError(`--pool ${pool} contradicts --parameter ${parameter}`);
    pool = p;
    parameter = rest;
  }
  if (pool === undefined) throw new UsageError('--parameter needs --pool (or write it as --parameter P4.v8)');
  const normPool = normalizePool(pool.trim());
  if (normPool === null) throw new UsageError(`invalid --pool "${pool.slice(0, 20)}" (expected e.g. P4)`);
  if (parameter === undefined || parseChanIdx(parameter) < 0)
    throw new UsageError('--parameter needs a channel and index, e.g. v8');
  if (o.value === undefined) throw new UsageError('a parameter write needs --value');
  return { kind: 'param', devid, pool: normPool, parameter, value: parseValue(o.value) };
}

const OK = [200, 201, 202, 204];

export async function command(s: Session, devid: string, o: CommandOptions): Promise<number> {
  const req = buildCommand(devid, o);
  const { out } = s;
  const client = await s.client();
  const res = (await out.spin(
    'Sending…',
    req.kind === 'raw'
      ? client.moduleCommandRaw({ devid, command: req.command, value: req.value, returnData: true, signal: s.signal })
      : client.moduleCommand({
          devid,
          pool: req.pool,
          parameter: req.parameter,
          value: req.value,
          returnData: true,
          signal: s.signal,
        }),
  )) as StatusAndData;
  const ok = OK.includes(res.status);
  const shown = (x: unknown) => JSON.stringify(x) ?? String(x);
  const what =
    req.kind === 'raw'
      ? `${req.command}${'value' in req ? ` ${shown(req.value)}` : ''}`
      : `${req.pool}.${req.parameter} ← ${shown(req.value)}`;
  const hint = req.kind === 'param' ? '; the new value comes back as a delta (bragerone watch)' : '';
  if (out.json) out.printJson({ ok, status: res.status, request: req, response: res.data ?? null });
  else if (ok) out.print(`${out.c.green('✓')} ${what} accepted for ${devid} (HTTP ${res.status})${hint}.`);
  if (!ok) throw new CliError(`${what} not accepted for ${devid}: HTTP ${res.status}`, EXIT.usage);
  return EXIT.ok;
}
