import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AssetMatch, AssetServer } from './assets.js';
import type { SimContext } from './context.js';
import {
  bearerToken,
  cancellableSleep,
  corsHeaders,
  HttpError,
  JSON_TYPE,
  originProblem,
  pathSegments,
  preflightHeaders,
  readJsonBody,
  redactHeaders,
  send,
  sendEmpty,
  sendFault,
  sendJson,
} from './http-util.js';
import { type Call, REST_ROUTES, type Route } from './rest.js';
import type { JsonValue, MalformedKind, SlowBody } from './types.js';

/** A matched REST route and its path parameters. */
interface RestMatch {
  route: Route;
  params: Record<string, string>;
}

function matchRoute(method: string, segs: string[]): RestMatch | null {
  for (const route of REST_ROUTES) {
    if (route.method !== method || route.segments.length !== segs.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < segs.length && ok; i++) {
      const pat = route.segments[i] as string;
      const seg = segs[i] as string;
      if (pat.startsWith(':')) params[pat.slice(1)] = seg;
      else ok = pat === seg;
    }
    if (ok) return { route, params };
  }
  return null;
}

/** Builds the `request` handler of the simulator's HTTP server (REST, assets, static files). */
export function createRequestHandler(
  ctx: SimContext,
  assets: AssetServer,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(ctx, assets, req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { message: 'Internal simulator error' });
    });
  };
}

async function handle(ctx: SimContext, assets: AssetServer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', 'http://sim.invalid');
  const cors = corsHeaders(req, ctx.opts.corsOrigins);
  const segs = pathSegments(url.pathname);
  const { routeId, asset, rest } = resolveRoute(assets, method, url.pathname, segs);
  const aborted = track(ctx, req, res, method, routeId);

  const after = ctx.faults.takeAfterAnswer(routeId);
  if (after) res.once('finish', after);
  const fault = ctx.faults.takeFault(routeId);
  const delay = ctx.faults.takeDelay(routeId);
  const malformed = fault ? undefined : ctx.faults.takeMalformed(routeId);
  const slow = ctx.faults.takeSlowBody(routeId);
  if (slow) trickle(res, slow, ctx.timers, AbortSignal.any([aborted.signal, ctx.closing.signal]));
  if (delay > 0) {
    const signal = AbortSignal.any([aborted.signal, ctx.closing.signal]);
    const done = await cancellableSleep(delay, ctx.timers, signal);
    if (!done) {
      if (!res.headersSent) res.destroy();
      return;
    }
  }
  if (fault) return sendFault(res, fault, cors);

  if (method === 'OPTIONS') {
    return sendEmpty(res, 204, Object.keys(cors).length > 0 ? { ...cors, ...preflightHeaders() } : {});
  }
  if (asset) return asset.handle(req, res, cors);
  if (!segs) return sendJson(res, 400, { message: 'Malformed path' }, cors);
  if (!rest) return sendJson(res, 404, { message: 'Not found' }, cors);
  await answerRest(ctx, req, res, url, rest, malformed, cors);
}

/** What a request goes to: an asset, a REST route, or neither (`routeId` is then `OPTIONS *` or `UNMATCHED`). */
function resolveRoute(
  assets: AssetServer,
  method: string,
  pathname: string,
  segs: string[] | null,
): { routeId: string; asset: AssetMatch | null; rest: RestMatch | null } {
  let routeId = 'UNMATCHED';
  let rest: RestMatch | null = null;
  const asset = method === 'OPTIONS' ? null : assets.match(method, pathname);
  if (method === 'OPTIONS') routeId = 'OPTIONS *';
  else if (asset) routeId = asset.routeId;
  else if (segs) {
    rest = matchRoute(method === 'HEAD' ? 'GET' : method, segs);
    if (rest) routeId = rest.route.id;
  }
  return { routeId, asset, rest };
}

/**
 * Records the request in `stats` until its response closes; the returned controller aborts then (it ends a delay
 * or a slow body of a client that went away).
 */
function track(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  routeId: string,
): AbortController {
  const record = ctx.stats.begin({
    method,
    path: req.url ?? '/',
    routeId,
    headers: redactHeaders(req),
    status: 0,
    at: ctx.opts.now(),
  });
  const aborted = new AbortController();
  res.once('close', () => {
    record.status = res.headersSent ? res.statusCode : 0;
    ctx.stats.end();
    aborted.abort();
  });
  return aborted;
}

/** Answers a matched REST route: strict origin check, authentication, then the route's handler. */
async function answerRest(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  rest: RestMatch,
  malformed: MalformedKind | undefined,
  cors: Record<string, string>,
): Promise<void> {
  const refused = ctx.opts.strict ? originProblem(req, ctx.origin) : null;
  if (refused) return sendJson(res, 403, { message: refused }, cors);

  const token = bearerToken(req.headers.authorization);
  const account = rest.route.auth ? ctx.tokens.verify(token) : null;
  if (rest.route.auth && !account) return sendJson(res, 401, { message: 'Unauthorized' }, cors);

  let bodyPromise: Promise<unknown> | null = null;
  const call: Call = {
    ctx,
    req,
    params: rest.params,
    query: url.searchParams,
    account,
    token,
    body: () => {
      bodyPromise ??= readJsonBody(req);
      return bodyPromise;
    },
    json: (status, body) => {
      const lax = ctx.lax && status >= 200 && status < 300 ? ctx.lax.rest(rest.route.id, body) : body;
      sendBody(res, status, lax, malformed, cors);
    },
    empty: (status) => sendEmpty(res, status, cors),
  };
  try {
    await rest.route.handle(call);
    if (!res.headersSent) sendJson(res, 500, { message: 'No answer' }, cors);
  } catch (err) {
    if (err instanceof HttpError) sendJson(res, err.status, { message: err.message }, cors);
    else sendJson(res, 500, { message: 'Internal simulator error' }, cors);
  }
}

function sendBody(
  res: ServerResponse,
  status: number,
  body: JsonValue | object,
  malformed: MalformedKind | undefined,
  cors: Record<string, string>,
): void {
  if (malformed === 'invalidJson') send(res, status, '{"data": [ {"id": 1, ', JSON_TYPE, cors);
  else if (malformed === 'textPlain') send(res, status, JSON.stringify(body), 'text/plain; charset=utf-8', cors);
  else sendJson(res, status, body, cors);
}

/**
 * Makes `res.end(body)` send the headers at once and then the body `chunkBytes` at a time, `intervalMs` apart
 * (the {@link SimFaults.slowBody} fault). A client that disconnects, or `close()`, ends the trickle.
 */
function trickle(res: ServerResponse, slow: SlowBody, timers: Set<NodeJS.Timeout>, signal: AbortSignal): void {
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  res.end = ((chunk?: unknown) => {
    const body =
      chunk === undefined || typeof chunk === 'function' ? Buffer.alloc(0) : Buffer.from(chunk as string | Uint8Array);
    if (body.length === 0) return end(chunk);
    res.flushHeaders();
    void (async () => {
      for (let at = 0; at < body.length; at += slow.chunkBytes) {
        if (at > 0 && !(await cancellableSleep(slow.intervalMs, timers, signal))) {
          res.destroy();
          return;
        }
        const piece = body.subarray(at, at + slow.chunkBytes);
        if (at + slow.chunkBytes >= body.length) end(piece);
        else res.write(piece);
      }
    })();
    return res;
  }) as ServerResponse['end'];
}
