/**
 * Two Node processes share one `FileCacheAdapter` directory (CATALOG.md §3.11 [SIM], API.md "Catalog"): the first
 * downloads and parses the web app and stores the snapshot; the second answers from it with no index, menu or
 * i18n request — only `/` for the fingerprint. Runs the BUILT package (`dist/esm`), as an app would import it.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, useSimulator } from '../helpers/sim.js';

const ROOT = resolve(__dirname, '../..');
const ENTRIES = ['dist/esm/index.js', 'dist/esm/node.js', 'dist/esm/catalog.js'].map((f) => join(ROOT, f));

const sim = useSimulator();
let work = '';

beforeAll(() => {
  const missing = ENTRIES.filter((f) => !existsSync(f));
  if (missing.length > 0)
    throw new Error(
      `${missing.map((f) => f.slice(ROOT.length + 1)).join(', ')} missing: run \`npm run build\` before the catalog process tests`,
    );
  work = mkdtempSync(join(tmpdir(), 'bragerone-catalog-'));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The app each process runs: log in, load the catalog through the file cache, print the boiler's panels and temperature. */
function script(): string {
  const [index, node, catalog] = ENTRIES.map((f) => JSON.stringify(pathToFileURL(f).href));
  return `
import { BragerOneApiClient, MemoryTokenStore, ParamStore, defineServer } from ${index};
import { FileCacheAdapter } from ${node};
import { loadCatalog } from ${catalog};
const [url, dir, email, password] = process.argv.slice(2);
const api = new BragerOneApiClient({
  server: defineServer({ ioBase: url, oneBase: url, container: 'BragerOne' }),
  tokenStore: new MemoryTokenStore(), cache: new FileCacheAdapter({ dir }), logLevel: 'warn',
});
await api.ensureAuth(email, password);
const boiler = (await api.getModules(1201)).find((m) => m.deviceMenu === 0);
const catalog = await loadCatalog({ api });
const panels = await catalog.panels(boiler.deviceMenu, { permissions: boiler.permissions });
const prime = await api.modulesParametersPrime([boiler.devid], { returnData: true });
const store = new ParamStore({ devid: boiler.devid });
store.ingestPrimePayload(prime.data);
const temp = await catalog.resolve('PARAM_P4_1', store);
await catalog.checked; // the stored snapshot answered at once; its fingerprint check ends before the client closes
await api.close();
process.stdout.write(JSON.stringify({ fingerprint: catalog.fingerprint, panels: panels.map((p) => p.title), temp }) + '\\n');
`;
}

interface Output {
  fingerprint: string;
  panels: string[];
  temp: { label: string; value: unknown; unit: string | null; raw: unknown };
}

function run(file: string, dir: string): Promise<Output> {
  return new Promise((res, rej) => {
    execFile(
      process.execPath,
      [file, sim().url, dir, DEMO.email, DEMO.password],
      { timeout: 60_000, cwd: work },
      (err, stdout, stderr) => {
        if (err) return rej(new Error(`child failed: ${err.message}\n${stderr}`));
        const line = stdout.trim().split('\n').at(-1) ?? '';
        try {
          res(JSON.parse(line) as Output);
        } catch {
          rej(new Error(`child printed no result: ${stdout}\n${stderr}`));
        }
      },
    );
  });
}

/** Web-app requests since `from`. */
function assetRequests(from: number) {
  return sim()
    .stats.requests.slice(from)
    .filter((r) => r.path === '/' || r.path.startsWith('/assets/'));
}

describe('two processes share a FileCacheAdapter directory', () => {
  it('the second process answers from the stored snapshot with only the page request', async () => {
    const file = join(work, 'app.mjs');
    writeFileSync(file, script());
    const dir = join(work, 'cache');
    sim().setParam('DEMO0A1B2C', 'P4.v1', 612);

    const from1 = sim().stats.requests.length;
    const first = await run(file, dir);
    const firstPaths = assetRequests(from1).map((r) => r.path);
    expect(firstPaths).toContain(`/assets/${sim().webApp.indexName}`);
    expect(firstPaths.some((p) => p.startsWith('/assets/module.menu-'))).toBe(true);
    expect(firstPaths.some((p) => p.startsWith('/assets/parameters-'))).toBe(true);
    expect(first.panels).toContain('Kocioł');
    expect(first.temp).toMatchObject({ label: 'Temperatura kotła', value: 61.2, unit: '°C', raw: 612 });

    const from2 = sim().stats.requests.length;
    const second = await run(file, dir);
    const reqs = assetRequests(from2);
    expect(reqs.map((r) => r.path)).toEqual(['/']);
    expect([200, 304]).toContain(reqs[0]?.status);
    expect(second).toEqual(first);
  });
});
