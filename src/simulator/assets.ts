import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { send, sendEmpty, sendJson } from './http-util.js';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Content type of a file name (`application/octet-stream` when unknown). */
export function contentTypeOf(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function hashOf(body: string): string {
  return createHash('sha256').update(body).digest('base64url').slice(0, 8);
}

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  lastModified: string;
}

function asset(body: string, type: string, mtimeMs: number): Asset {
  return {
    body: Buffer.from(body),
    type,
    etag: `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`,
    lastModified: new Date(Math.floor(mtimeMs / 1000) * 1000).toUTCString(),
  };
}

/** Answers 304 when the request's validators match. */
function notModified(req: IncomingMessage, etag: string, lastModified: string): boolean {
  const inm = req.headers['if-none-match'];
  if (typeof inm === 'string') {
    return inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*');
  }
  const ims = req.headers['if-modified-since'];
  if (typeof ims === 'string') {
    const since = Date.parse(ims);
    return Number.isFinite(since) && Date.parse(lastModified) <= since;
  }
  return false;
}

function serveAsset(req: IncomingMessage, res: ServerResponse, a: Asset, extra: OutgoingHttpHeaders): void {
  const headers = { ...extra, ETag: a.etag, 'Last-Modified': a.lastModified, 'Cache-Control': 'no-cache' };
  if (notModified(req, a.etag, a.lastModified)) sendEmpty(res, 304, headers);
  else send(res, 200, req.method === 'HEAD' ? '' : a.body, a.type, headers);
}

/** A matched non-REST route. */
export interface AssetMatch {
  routeId: string;
  handle(req: IncomingMessage, res: ServerResponse, extra: OutgoingHttpHeaders): Promise<void> | void;
}

/** The synthetic web app of PROTOCOL §8 plus test-registered static directories. */
export class AssetServer {
  private readonly files = new Map<string, Asset>();
  private readonly statics = new Map<string, string>();
  /** Name of the hashed index bundle, e.g. `index-AbC123xy.js`. */
  readonly indexName: string;

  /** Builds the synthetic bundle; `startMs` is its Last-Modified time. */
  constructor(startMs: number) {
    const menu = `const e=[{name:"PARAM_P4_8",pool:"P4",idx:8,unit:2},{name:"PARAM_P4_9",pool:"P4",idx:9,unit:2}];export{e as default};\n`;
    const menuName = `deviceMenu0-${hashOf(menu)}.js`;
    const index = [
      `const translations=[{id:"en",flag:"gb",name:"English"},{id:"pl",flag:"pl",name:"Polski"}],defaultTranslation="en";`,
      `const menus={"../config/router/deviceMenu/0/0.ts":()=>f(()=>import("./${menuName}"))};`,
      `const PARAM_P4_1={pool:"P4",chan:"v",idx:1,unit:1},STATUS_P5_0={pool:"P5",chan:"s",idx:0};`,
      `function f(l){return l()}export{translations,defaultTranslation,menus};`,
      '',
    ].join('\n');
    this.indexName = `index-${hashOf(index)}.js`;
    const html = `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>BragerOne simulator</title>\n<script type="module" crossorigin src="/assets/${this.indexName}"></script></head>\n<body><div id="app"></div></body></html>\n`;
    this.files.set('/', asset(html, TYPES['.html'] as string, startMs));
    this.files.set(`/assets/${this.indexName}`, asset(index, TYPES['.js'] as string, startMs));
    this.files.set(`/assets/${menuName}`, asset(menu, TYPES['.js'] as string, startMs));
  }

  /** Serves files of `dir` under `prefix` (e.g. `/dist`). */
  addStatic(prefix: string, dir: string): void {
    const p = `/${prefix.replace(/^\/+|\/+$/g, '')}`;
    this.statics.set(p, resolve(dir));
  }

  /** Matches GET/HEAD requests for the web app or a static directory. */
  match(method: string, pathname: string): AssetMatch | null {
    if (method !== 'GET' && method !== 'HEAD') return null;
    if (pathname === '/' || pathname.startsWith('/assets/')) {
      const a = this.files.get(pathname);
      const routeId = pathname === '/' ? 'GET /' : 'GET /assets/*';
      return {
        routeId,
        handle: (req, res, extra) => (a ? serveAsset(req, res, a, extra) : sendJson(res, 404, { message: 'Not found' }, extra)),
      };
    }
    for (const [prefix, dir] of this.statics) {
      if (pathname === prefix || pathname.startsWith(`${prefix}/`)) {
        const rel = pathname.slice(prefix.length);
        return { routeId: `GET ${prefix}/*`, handle: (req, res, extra) => this.serveFile(req, res, dir, rel, extra) };
      }
    }
    return null;
  }

  private async serveFile(req: IncomingMessage, res: ServerResponse, dir: string, rel: string, extra: OutgoingHttpHeaders): Promise<void> {
    let file: string;
    try {
      file = resolve(dir, `.${decodeURIComponent(rel)}`);
    } catch {
      return sendJson(res, 400, { message: 'Bad path' }, extra);
    }
    if (file !== dir && !file.startsWith(dir + sep)) return sendJson(res, 404, { message: 'Not found' }, extra);
    try {
      let st = await stat(file);
      if (st.isDirectory()) {
        file = resolve(file, 'index.html');
        st = await stat(file);
      }
      const etag = `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
      const lastModified = new Date(Math.floor(st.mtimeMs / 1000) * 1000).toUTCString();
      serveAsset(req, res, { body: await readFile(file), type: contentTypeOf(file), etag, lastModified }, extra);
    } catch {
      sendJson(res, 404, { message: 'Not found' }, extra);
    }
  }
}
