/**
 * Real-browser harness: Debian Chromium driven by playwright-core, pages served by the simulator.
 *
 * - Chromium: `CHROMIUM_PATH` or `/usr/bin/chromium`. When it is missing the suite is skipped with a loud warning
 *   (install: `apt-get install chromium`), except with `CI=true`, where the suite fails.
 * - Built files: the suites load the **built** bundles from `dist/` (`npm run build`; `npm test` builds first).
 *   `BRAGERONE_DIST` points the harness at another build directory. Missing bundles fail the suite.
 * - One browser and one simulator per test file; every test gets a fresh browser context (fresh storage).
 * - Static prefixes served by the simulator: `/dist` (build), `/examples` (examples/), `/fixtures`
 *   (test/browser/fixtures).
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile, stat } from 'node:fs/promises';
import { type Browser, type BrowserContext, type ConsoleMessage, type Page, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from 'vitest';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../src/simulator/index.js';

/** A constructor of the page-side `BragerOne` global (tests call them inside `page.evaluate`). */
export type PageCtor = new (opts?: unknown) => unknown;

/** The parts of the script-tag global `BragerOne` the browser tests use. */
export interface BragerOneGlobal {
  BragerOneApiClient: PageCtor;
  IndexedDbTokenStore: PageCtor;
  LocalStorageTokenStore: PageCtor;
  IndexedDbCacheAdapter: PageCtor;
  MemoryTokenStore: PageCtor;
}

declare global {
  interface Window {
    /** Defined by `dist/bragerone.iife.js`. */
    BragerOne: BragerOneGlobal;
  }
}

/** Repository root. */
export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** Build output the browser loads. */
export const DIST_DIR = resolve(process.env.BRAGERONE_DIST ?? join(ROOT, 'dist'));
/** `examples/` of the repository. */
export const EXAMPLES_DIR = join(ROOT, 'examples');
/** Pages used only by the browser tests. */
export const FIXTURES_DIR = join(ROOT, 'test', 'browser', 'fixtures');
/** Screenshots and other artefacts of the browser tests (git-ignored). */
export const ARTIFACTS_DIR = join(ROOT, 'test-artifacts');

/** Chromium executable: `CHROMIUM_PATH`, default `/usr/bin/chromium` (Debian package `chromium`). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a quiet, deterministic headless Chromium in containers. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** Files the browser suites need from the build. */
export const REQUIRED_BUILD_FILES = ['bragerone.iife.js', 'bragerone.esm.js'];

/** True when the Chromium executable exists and is executable. */
export function chromiumAvailable(path = CHROMIUM_PATH): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Launches Chromium with {@link CHROMIUM_ARGS}. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** What a browser suite's tests use. */
export interface BrowserSuite {
  /** The shared browser. */
  readonly browser: Browser;
  /** The simulator serving the API and the static pages (same origin). */
  readonly sim: Simulator;
  /** The simulator's origin, e.g. `http://127.0.0.1:41234`. */
  readonly origin: string;
  /** This test's fresh context (new storage, IndexedDB, locks). */
  readonly context: BrowserContext;
  /** Opens a page in this test's context; console errors and page errors are collected in {@link errors}. */
  newPage(): Promise<Page>;
  /** Console errors / uncaught page errors of this test's pages. */
  readonly errors: string[];
  /** `origin + path`. */
  url(path: string): string;
}

let warned = false;

function missingChromiumMessage(): string {
  return (
    `Chromium not found at ${CHROMIUM_PATH}. Install it with \`apt-get install chromium\` ` +
    '(or point CHROMIUM_PATH at a Chromium/Chrome binary).'
  );
}

function missingBuildFiles(): string[] {
  return REQUIRED_BUILD_FILES.filter((f) => !existsSync(join(DIST_DIR, f)));
}

/**
 * `describe()` for a real-browser suite. Starts one Chromium and one simulator (with static dirs) for the file,
 * gives every test a fresh context, and applies the missing-Chromium policy described in the module header.
 */
export function describeBrowser(
  name: string,
  fn: (suite: () => BrowserSuite) => void,
  simOpts: SimulatorOptions = {},
  /** `launch: false`: the suite starts its own browser (e.g. over CDP); `browser`, `context` and `newPage` then throw. */
  opts: { launch?: boolean } = {},
): void {
  const launch = opts.launch !== false;
  if (!chromiumAvailable()) {
    if (process.env.CI === 'true') {
      describe(name, () => {
        it('needs Chromium (CI=true)', () => {
          throw new Error(`${missingChromiumMessage()} The browser suite cannot be skipped in CI.`);
        });
      });
      return;
    }
    if (!warned) {
      warned = true;
      const bar = '!'.repeat(78);
      console.warn(`\n${bar}\n!! SKIPPING BROWSER TESTS: ${missingChromiumMessage()}\n${bar}\n`);
    }
    describe.skip(name, () => fn(() => notReady()));
    return;
  }

  describe(name, () => {
    let browser: Browser | undefined;
    let sim: Simulator | undefined;
    let context: BrowserContext | undefined;
    let errors: string[] = [];

    beforeAll(async () => {
      const missing = missingBuildFiles();
      if (missing.length) {
        throw new Error(
          `browser suite needs the build: ${missing.map((f) => join('dist', f)).join(', ')} missing — run \`npm run build\``,
        );
      }
      sim = await startSimulator({
        tickInterval: 0,
        ...simOpts,
        staticDirs: { '/dist': DIST_DIR, '/examples': EXAMPLES_DIR, '/fixtures': FIXTURES_DIR, ...simOpts.staticDirs },
      });
      if (launch) browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close().catch(() => {});
      await sim?.close();
    });

    beforeEach(async () => {
      errors = [];
      sim?.stats.reset();
      context = await browser?.newContext();
    });

    afterEach(async () => {
      await context?.close().catch(() => {});
      context = undefined;
    });

    fn(() => {
      if (!sim || (launch && (!browser || !context))) return notReady();
      const s = sim;
      const b = browser;
      const c = context;
      const errs = errors;
      const own = (): never => {
        throw new Error('this browser suite launches its own browser (launch: false)');
      };
      return {
        get browser() {
          return b ?? own();
        },
        sim: s,
        origin: s.url,
        get context() {
          return c ?? own();
        },
        errors: errs,
        url: (path: string) => `${s.url}${path}`,
        newPage: async () => {
          const page = await (c ?? own()).newPage();
          watchPage(page, errs);
          return page;
        },
      };
    });
  });
}

function notReady(): never {
  throw new Error('browser suite not started');
}

/** Records console errors and uncaught exceptions of `page` into `into`. */
export function watchPage(page: Page, into: string[]): void {
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() === 'error') into.push(`console.error: ${msg.text()} (${msg.location().url || 'page'})`);
  });
  page.on('pageerror', (err) => into.push(`pageerror: ${err.message}`));
}

/** Saves a full-page screenshot under `test-artifacts/` and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** A tiny static file server (another origin than the simulator), for CORS tests. */
export interface StaticServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `dirs` (URL prefix → directory) on `127.0.0.1:<free port>`; GET/HEAD only, no CORS headers. */
export async function startStaticServer(dirs: Record<string, string>): Promise<StaticServer> {
  const roots = Object.entries(dirs).map(([p, d]) => [`/${p.replace(/^\/+|\/+$/g, '')}`, resolve(d)] as const);
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    for (const [prefix, dir] of roots) {
      if (!path.startsWith(`${prefix}/`)) continue;
      const file = resolve(dir, `.${path.slice(prefix.length)}`);
      if (!file.startsWith(dir + sep)) break;
      try {
        if (!(await stat(file)).isFile()) break;
        const body = await readFile(file);
        res.writeHead(200, {
          'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
          'Cache-Control': 'no-store',
        });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      } catch {
        break;
      }
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
