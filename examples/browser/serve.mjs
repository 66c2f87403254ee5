// Serves the browser examples next to a local simulator (same origin, so no CORS setup is needed):
//   npm run build && node examples/browser/serve.mjs [port]
// then open the printed URLs. Log in happens automatically with the simulator's demo account.
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../../dist/esm/simulator.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const port = Number(process.argv[2] ?? 8080);
const sim = await startSimulator({
  port,
  staticDirs: { '/dist': `${root}dist`, '/examples': `${root}examples` },
});
console.log(`simulator + examples at ${sim.url}`);
console.log(`  ${sim.url}/examples/browser/script-tag.html   (script tag, IndexedDbTokenStore)`);
console.log(`  ${sim.url}/examples/browser/esm.html          (ES module, LocalStorageTokenStore)`);
console.log('Ctrl+C to stop.');
const stop = () => void sim.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
