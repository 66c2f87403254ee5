// `npm start`: runs the offline demo of the CLI against an embedded simulator.
import { spawnSync } from 'node:child_process';

const r = spawnSync(process.execPath, ['bin/bragerone.js', 'demo', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exitCode = r.status ?? 1;
