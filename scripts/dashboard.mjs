// `npm run dashboard`: builds examples/dashboard with Vite, starts the simulator serving it on the API's own origin
// (`bragerone simulator --static /dashboard=examples/dashboard/dist`) and prints the URL. Extra arguments go to the
// simulator (e.g. `npm run dashboard -- --port 8080`). Ctrl-C stops it.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const config = fileURLToPath(new URL('../examples/dashboard/vite.config.ts', import.meta.url));
process.stdout.write('Building the dashboard…\n');
await build({ configFile: config, logLevel: 'warn' });

const child = spawn(
  process.execPath,
  [
    'bin/bragerone.js',
    '--json',
    'simulator',
    '--static',
    '/dashboard=examples/dashboard/dist',
    ...process.argv.slice(2),
  ],
  {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
let printed = false;
createInterface({ input: child.stdout }).on('line', (line) => {
  let info;
  try {
    info = JSON.parse(line);
  } catch {
    process.stdout.write(`${line}\n`);
    return;
  }
  if (printed || typeof info?.url !== 'string') return;
  printed = true;
  process.stdout.write(`\nDashboard: ${info.url}/dashboard/\n`);
  process.stdout.write(
    `Demo account (prefilled): ${info.demo?.email ?? 'demo@bragerone.local'} / ${info.demo?.password ?? 'demo'}\n`,
  );
  process.stdout.write('Press Ctrl-C to stop.\n');
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
