// What a user installs: `npm pack` the built package, `npm install` the tarball into an empty project, count the
// packages, type-check a browser-only TypeScript file against it (no @types/node), and try the parts that need the
// optional peer `socket.io`, which the project does not have. Shared by test/package/install.test.ts and `npm run bench`.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The [deps] budget of 16 packages was set before the catalog existed; its parser (acorn + acorn-loose, the
 * well-kept libraries chosen in CATALOG-PARSER.md) adds two packages, which API.md allows ("plus whatever the
 * catalog's parser needs"). The library wins over the number: 16 + 2.
 */
export const CATALOG_PARSER_PACKAGES = ['acorn', 'acorn-loose'];
/** The CLI measures table widths with string-width (#18: CJK and emoji), which brings three small packages. */
export const CLI_WIDTH_PACKAGES = ['string-width', 'get-east-asian-width', 'strip-ansi', 'ansi-regex'];
/** `bragerone/relay` forwards with httpxy (docs/RELAY.md): one package, no dependencies of its own. */
export const RELAY_PACKAGES = ['httpxy'];
export const INSTALL_BUDGET = 16 + CATALOG_PARSER_PACKAGES.length + CLI_WIDTH_PACKAGES.length + RELAY_PACKAGES.length;
/** Packages a user must never get: Socket.IO / Engine.IO servers and Node's type definitions. */
export const SERVER_PACKAGES = ['socket.io', 'engine.io', 'socket.io-adapter', '@socket.io/adapter', '@types/node'];

const APP_TS = `import { BragerOneApiClient, MemoryTokenStore, RealtimeManager, BragerOneGateway, type User } from 'bragerone';
const api = new BragerOneApiClient({ tokenStore: new MemoryTokenStore(), timeout: 5000 });
export async function main(signal: AbortSignal): Promise<string> {
  const user: User = await api.getUser({ signal });
  const rt = new RealtimeManager({ token: api.accessToken });
  rt.onEvent((name: string, payload: unknown) => console.log(name, payload));
  const gw = new BragerOneGateway({ api, objectId: 1, modules: ['A'], ws: rt });
  gw.params('A').on((key: string, value: unknown) => console.log(key, value));
  return user.email ?? '';
}
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'es2022',
    lib: ['dom', 'es2022'],
    module: 'esnext',
    moduleResolution: 'bundler',
    strict: true,
    noEmit: true,
    skipLibCheck: false,
  },
  files: ['app.ts'],
};

/** Runs a command; returns status and combined output (never throws). */
function sh(cmd, args, cwd, timeout) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, timedOut: r.error?.code === 'ETIMEDOUT' };
}

/**
 * Packs `root` (which must be built) and installs it into an empty temporary project.
 * @returns the packed file list, the installed packages, the TypeScript result and the missing-peer results.
 */
export function measureInstall(root, { timeout = 150_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bragerone-install-'));
  try {
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      }),
    );
    const { filename, files } = packed[0];
    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      `${JSON.stringify({ name: 'app', private: true, type: 'module' }, null, 2)}\n`,
    );
    const t0 = performance.now();
    const install = sh(
      'npm',
      ['install', resolve(dir, filename), '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'],
      app,
      timeout,
    );
    const installMs = performance.now() - t0;
    if (install.status !== 0)
      throw new Error(`npm install failed${install.timedOut ? ' (timed out)' : ''}: ${install.out.slice(-800)}`);
    const lock = JSON.parse(readFileSync(join(app, 'node_modules/.package-lock.json'), 'utf8'));
    const packages = Object.keys(lock.packages)
      .filter((k) => k.startsWith('node_modules/'))
      .map((k) => k.slice(k.lastIndexOf('node_modules/') + 'node_modules/'.length))
      .sort();
    writeFileSync(join(app, 'app.ts'), APP_TS);
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
    const tsc = sh(
      process.execPath,
      [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
      app,
      120_000,
    );
    const probe = `const m = await import('bragerone/simulator');
const b = await import('bragerone');
try { await m.startSimulator(); console.log(JSON.stringify({ started: true })); }
catch (e) { console.log(JSON.stringify({ started: false, brager: b.isBragerOneError(e), name: e?.name, message: String(e?.message) })); }`;
    const esm = sh(process.execPath, ['--input-type=module', '-e', probe], app, 30_000);
    const cjsProbe = `require('bragerone/simulator').startSimulator().then(() => console.log('started'), (e) => console.log(e.name + ': ' + e.message));`;
    const cjs = sh(process.execPath, ['-e', cjsProbe], app, 30_000);
    const cli = sh(process.execPath, [join(app, 'node_modules/bragerone/bin/bragerone.js'), 'demo'], app, 30_000);
    const cliSim = sh(
      process.execPath,
      [join(app, 'node_modules/bragerone/bin/bragerone.js'), 'whoami', '--simulator'],
      app,
      30_000,
    );
    return {
      files: files.map((f) => f.path).sort(),
      packedText: Object.fromEntries(
        files
          .filter((f) => f.path.endsWith('.js'))
          .map((f) => [f.path, readFileSync(join(app, 'node_modules/bragerone', f.path), 'utf8')]),
      ),
      packages,
      installMs,
      tsc: { status: tsc.status, out: tsc.out },
      simulatorEsm: JSON.parse(esm.out.trim().split('\n').pop() || '{}'),
      simulatorCjs: cjs.out.trim(),
      cli: { demo: { status: cli.status, out: cli.out }, simulatorFlag: { status: cliSim.status, out: cliSim.out } },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(ctx) {
  const r = measureInstall(ctx.root);
  const servers = r.packages.filter((p) => SERVER_PACKAGES.includes(p));
  return [
    {
      case: 'install: npm install <tarball> (packages)',
      baseline: '—',
      ours: `${r.packages.length} packages`,
      ratio: r.packages.length / INSTALL_BUDGET,
      target: `≤ ${INSTALL_BUDGET}, no server`,
      pass: r.packages.length <= INSTALL_BUDGET && servers.length === 0,
      data: { packages: r.packages, installMs: Math.round(r.installMs) },
      note: r.packages.join(', '),
    },
    {
      case: 'install: lib dom+es2022 app type-checks, no @types/node',
      baseline: '—',
      ours: r.tsc.status === 0 ? 'ok' : 'errors',
      ratio: null,
      target: 'tsc passes',
      pass: r.tsc.status === 0,
      note: r.tsc.status === 0 ? undefined : r.tsc.out.slice(0, 300),
    },
  ];
}
