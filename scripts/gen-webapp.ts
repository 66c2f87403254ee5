// Renders the simulator's synthetic web app (src/simulator/webapp/description.ts) into files, for inspection.
// The simulator itself generates the same texts in memory at start, so nothing here needs committing.
//   npx tsx scripts/gen-webapp.ts [--out DIR] [--scale N] [--build N]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateWebApp, renderLandingPage } from '../src/simulator/webapp/index.ts';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
const out = opt('out', 'test-artifacts/webapp');
const scale = Number(opt('scale', '0'));
const build = Number(opt('build', '1'));

const t0 = performance.now();
const app = generateWebApp({ scale, build });
const ms = performance.now() - t0;
mkdirSync(join(out, 'assets'), { recursive: true });
for (const a of app.assets) writeFileSync(join(out, 'assets', a.file), a.body);
writeFileSync(
  join(out, 'index.html'),
  renderLandingPage({
    indexName: app.indexName,
    build: app.build,
    assetCount: app.assets.length,
    demo: null,
    links: [],
  }),
);
console.log(
  `${app.assets.length} assets → ${out}/assets (index ${app.indexName}, ${app.stats.indexBytes} bytes, ` +
    `${app.stats.inlineMaps} inline maps, ${app.stats.labels} labels, ${ms.toFixed(0)} ms)`,
);
