import type { IncomingMessage } from 'node:http';
import type { SimContext } from './context.js';
import type { AccountModel, ModuleModel, ObjectModel } from './data.js';
import { FAULTS } from './faults.js';
import { HttpError } from './http-util.js';
import type { JsonObject, JsonValue } from './types.js';

/** One REST call as seen by a route handler. */
export interface Call {
  readonly ctx: SimContext;
  readonly req: IncomingMessage;
  /** Decoded path parameters. */
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  /** Authenticated account (non-null on authenticated routes). */
  readonly account: AccountModel | null;
  /** Bearer token of the request, if any. */
  readonly token: string | null;
  /** Parsed JSON body (`undefined` when empty); malformed JSON answers 400. */
  body(): Promise<unknown>;
  /** Sends JSON (subject to the malformed-body fault). */
  json(status: number, body: JsonValue | object): void;
  /** Sends a bodiless status. */
  empty(status: number): void;
}

/** A REST route: `id` is `METHOD /pattern`, segments starting with `:` are parameters. */
export interface Route {
  id: string;
  method: string;
  segments: string[];
  auth: boolean;
  handle(call: Call): void | Promise<void>;
}

function route(id: string, auth: boolean, handle: (call: Call) => void | Promise<void>): Route {
  const [method = 'GET', pattern = '/'] = id.split(' ');
  return { id, method, segments: pattern.split('/').filter((s) => s !== ''), auth, handle };
}

const NOT_FOUND = { message: 'Not found' };

function acct(call: Call): AccountModel {
  if (!call.account) throw new HttpError(401, 'Unauthorized');
  return call.account;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringList(v: unknown): string[] | null {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : null;
}

/** Object row of docs/PROTOCOL.md §4.4. */
export function objectRow(o: ObjectModel): JsonObject {
  return {
    id: o.id,
    name: o.name,
    addressCountry: o.addressCountry,
    addressCity: o.addressCity,
    addressPostCode: o.addressPostCode,
    addressStreet: o.addressStreet,
    addressHouseNumber: o.addressHouseNumber,
  };
}

function ownedObjects(call: Call): ObjectModel[] {
  const a = acct(call);
  return a.objectIds.flatMap((id) => {
    const o = call.ctx.world.objects.get(id);
    return o ? [o] : [];
  });
}

function ownedObject(call: Call): ObjectModel {
  const id = call.params.id ?? '';
  const o = /^\d+$/.test(id) ? call.ctx.world.objects.get(Number(id)) : undefined;
  if (!o || !acct(call).objectIds.includes(o.id)) throw new HttpError(404, 'Not found');
  return o;
}

/** Module row of docs/PROTOCOL.md §4.7. */
export function moduleRow(m: ModuleModel, degraded = false): JsonObject {
  const online = m.connectedAt !== 0;
  return {
    id: m.id,
    devid: m.devid,
    name: m.name,
    moduleTitle: m.moduleTitle,
    gateway: degraded ? null : { ...m.gateway },
    deviceMenu: m.deviceMenu,
    deviceLanguageVariant: 0,
    devices: [],
    services: [],
    permissions: [...m.permissions],
    acceptedAt: m.acceptedAt,
    connectedAt: degraded ? null : m.connectedAt,
    moduleAlarms: 0,
    parameterSchemas: [],
    moduleAddress: degraded ? null : m.gateway.address,
    moduleInterface: degraded ? null : m.gateway.interface,
    moduleVersion: degraded ? null : m.gateway.version.replace(/^V/i, ''),
    moduleServices: [],
    isAcceptedAt: new Date(m.acceptedAt * 1000).toISOString(),
    isConnectedAt: !degraded && online ? new Date(m.connectedAt * 1000).toISOString() : null,
  };
}

function permissionsBody(
  call: Call,
  perms: string[],
  routeId: 'GET /v1/user/permissions' | 'GET /v1/objects/:id/permissions',
): void {
  const shape = call.ctx.faults.shapeOf(routeId) ?? 'wrapped';
  if (shape === 'bare') call.json(200, perms);
  else if (shape === 'objects') call.json(200, { permissions: perms.map((name) => ({ name })) });
  else call.json(200, { permissions: perms });
}

async function modulesList(call: Call): Promise<string[]> {
  const body = await call.body();
  const list = isRecord(body) ? stringList(body.modules ?? body.devids) : null;
  if (!list) throw new HttpError(400, 'Body must be {"modules": [string]}');
  const a = acct(call);
  return [...new Set(list)].filter((d) => call.ctx.ownedModule(a, d) !== undefined);
}

async function commandTarget(call: Call): Promise<{ body: Record<string, unknown>; module: ModuleModel }> {
  const body = await call.body();
  if (!isRecord(body) || typeof body.devid !== 'string' || body.devid === '') {
    throw new HttpError(400, 'Missing devid');
  }
  const m = call.ctx.ownedModule(acct(call), body.devid);
  if (!m) throw new HttpError(400, 'Unknown module');
  return { body, module: m };
}

function login(call: Call, body: unknown): void {
  const { ctx } = call;
  if (!isRecord(body) || typeof body.email !== 'string' || typeof body.password !== 'string') {
    throw new HttpError(400, 'Body must be {"email": string, "password": string}');
  }
  const account = ctx.world.accounts.get(body.email.trim().toLowerCase());
  if (!account || account.password !== body.password) throw new HttpError(401, 'Invalid credentials');
  const t = ctx.tokens.issue(account);
  const shape = ctx.faults.shapeOf('POST /v1/auth/user') ?? 'normal';
  const objects = account.objectIds.flatMap((id) => {
    const o = ctx.world.objects.get(id);
    return o ? [objectRow(o)] : [];
  });
  const res: JsonObject = {
    accessToken: t.accessToken,
    refreshToken: t.refreshToken,
    type: 'bearer',
    expiresAt: shape === 'nullExpiry' ? null : new Date(t.expiresAt).toISOString(),
    user: { ...account.user },
    objects,
  };
  if (shape === 'noUser') delete res.user;
  call.json(200, res);
}

/** The REST routes of docs/PROTOCOL.md §3–§4. */
export const REST_ROUTES: readonly Route[] = [
  route('POST /v1/auth/user', false, async (call) => login(call, await call.body())),
  route('POST /v1/auth/revoke', true, (call) => {
    if (call.token) call.ctx.tokens.revoke(call.token);
    call.json(200, {});
  }),
  route('GET /v1/system/version', false, (call) => {
    const version = { version: call.ctx.opts.version, devMode: false };
    call.json(200, call.ctx.faults.shapeOf('GET /v1/system/version') === 'bare' ? version : { version });
  }),
  route('GET /v1/user', true, (call) => {
    const user = { ...acct(call).user };
    call.json(200, call.ctx.faults.shapeOf('GET /v1/user') === 'bare' ? user : { user });
  }),
  route('GET /v1/user/permissions', true, (call) =>
    permissionsBody(call, acct(call).permissions, 'GET /v1/user/permissions'),
  ),
  route('GET /v1/objects', true, (call) => {
    const rows = ownedObjects(call).map(objectRow);
    const shape = call.ctx.faults.shapeOf('GET /v1/objects') ?? 'data';
    if (shape === 'objects') call.json(200, { objects: rows });
    else if (shape === 'bare') call.json(200, rows);
    else if (shape === 'odd') call.json(200, { items: rows });
    else call.json(shape === 'status201' ? 201 : 200, { data: rows });
  }),
  route('GET /v1/objects/:id', true, (call) => {
    const o = ownedObject(call);
    call.json(200, { object: objectRow(o), status: o.status });
  }),
  route('GET /v1/objects/:id/permissions', true, (call) =>
    permissionsBody(call, ownedObject(call).permissions, 'GET /v1/objects/:id/permissions'),
  ),
  route('GET /v1/modules', true, (call) => {
    const gid = call.query.get('group_id') ?? '';
    if (!/^\d+$/.test(gid)) throw new HttpError(400, 'group_id is required');
    const o = call.ctx.world.objects.get(Number(gid));
    if (!o || !acct(call).objectIds.includes(o.id)) throw new HttpError(404, 'Not found');
    const page = Math.max(1, Number(call.query.get('page') ?? 1) || 1);
    const limit = Math.max(1, Number(call.query.get('limit') ?? 999) || 999);
    const shape = call.ctx.faults.shapeOf('GET /v1/modules') ?? 'data';
    const models = o.devids.flatMap((d) => {
      const m = call.ctx.world.modules.get(d);
      return m ? [m] : [];
    });
    const rows = models.map((m, i) => moduleRow(m, shape === 'degradedRow' && i === models.length - 1));
    if (shape === 'corruptRow') rows.push({ id: 999999, devid: null, name: null });
    const pageRows = rows.slice((page - 1) * limit, page * limit);
    if (shape === 'bare') call.json(200, pageRows);
    else if (shape === 'odd') call.json(200, { rows: pageRows });
    else call.json(200, { data: pageRows });
  }),
  route('GET /v1/modules/:devid/card', true, (call) => {
    const m = call.ctx.ownedModule(acct(call), call.params.devid ?? '');
    if (!m) throw new HttpError(404, 'Not found');
    const { id, ...rest } = m.card;
    call.json(200, { id, moduleId: m.id, ...rest });
  }),
  route('POST /v1/modules/connect', true, async (call) => {
    const body = await call.body();
    const sid = isRecord(body) ? (body.wsid ?? body.sid) : undefined;
    const list = isRecord(body) ? stringList(body.modules) : null;
    if (typeof sid !== 'string' || sid === '' || !list) {
      throw new HttpError(400, 'Body must be {"wsid": string, "modules": [string]}');
    }
    const shape = call.ctx.faults.shapeOf('POST /v1/modules/connect') ?? 'normal';
    if (shape === 'status201All' || (shape === 'status201' && isRecord(body) && 'wsid' in body)) {
      call.json(201, {});
      return;
    }
    if (call.ctx.opts.refuseBinds || call.ctx.faults.bindsRefused) throw new HttpError(400, 'Socket not registered');
    const a = acct(call);
    const owned = list.filter((d) => call.ctx.ownedModule(a, d) !== undefined);
    const ok = call.ctx.pusher.bind(sid, a, owned);
    if (!ok && call.ctx.opts.connectRequiresKnownSid) throw new HttpError(400, 'Unknown socket');
    call.json(200, {});
  }),
  route('POST /v1/modules/parameters', true, async (call) => {
    const devids = await modulesList(call);
    const shape = call.ctx.faults.shapeOf('POST /v1/modules/parameters') ?? 'normal';
    if (shape === '204') return call.empty(204);
    if (shape === 'nonObject') return call.json(200, []);
    const out: JsonObject = {};
    for (const d of devids) out[d] = call.ctx.module(d).params.toPayload() as JsonObject;
    call.json(200, out);
  }),
  route('POST /v1/modules/activity/quantity', true, async (call) => {
    const devids = await modulesList(call);
    if (call.ctx.faults.shapeOf('POST /v1/modules/activity/quantity') === '204') return call.empty(204);
    call.json(200, { activityQuantity: Object.fromEntries(devids.map((d) => [d, 0])) });
  }),
  route('POST /v1/module/command', true, async (call) => {
    const { body, module: m } = await commandTarget(call);
    if (typeof body.pool !== 'string' || typeof body.parameter !== 'string' || !('value' in body)) {
      throw new HttpError(400, 'Body must carry devid, pool, parameter and value');
    }
    const addr = { pool: body.pool, chanIdx: body.parameter };
    if (!m.params.has(addr)) throw new HttpError(400, 'Unknown parameter');
    if (m.connectedAt === 0) return call.json(408, FAULTS.dispatchTimeout.body ?? {});
    const value = body.value as JsonValue;
    const refused = m.params.refusesWrite(addr, value);
    if (refused) {
      // Like a controller: the old value stays and nothing is pushed. The HTTP answer is an option ([U]).
      call.ctx.refusedWrites.push({ devid: m.devid, key: `${addr.pool}.${addr.chanIdx}`, value, reason: refused });
      if (call.ctx.refusedWrites.length > 100) call.ctx.refusedWrites.shift();
      const status = call.ctx.opts.invalidWriteStatus;
      return call.json(status, status >= 200 && status < 300 ? { ok: true } : { message: refused });
    }
    call.ctx.runTask(m.devid, 'PARAMETER', () => call.ctx.applyValues(m.devid, [[addr, value]], false, true));
    call.json(200, { ok: true });
  }),
  route('POST /v1/module/command/raw', true, async (call) => {
    const { body, module: m } = await commandTarget(call);
    if (typeof body.command !== 'string' || body.command === '') throw new HttpError(400, 'Missing command');
    if (m.connectedAt === 0) return call.json(408, FAULTS.dispatchTimeout.body ?? {});
    const command = body.command;
    call.ctx.runTask(m.devid, command, () => {
      if (command === 'MODULE_RESTART') call.ctx.restart(m.devid);
    });
    call.json(200, { ok: true });
  }),
];

export { NOT_FOUND };
