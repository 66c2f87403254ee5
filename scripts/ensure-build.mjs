// Builds once when dist/ is missing (fresh clone), so `npm start` works right after `npm install`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('dist/esm/cli.js') || !existsSync('dist/esm/simulator.js')) {
  execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
}
