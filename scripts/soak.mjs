// `npm run soak`: the compressed long soak (test/reliability/soak.test.ts) for ten minutes on the schedule,
// printing its figures (also written to test-artifacts/soak-<seconds>s-x<compress>.json).
//   npm run soak                              600 s, schedule uncompressed
//   npm run soak -- --seconds 120 --compress 2
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '600' },
    compress: { type: 'string', default: '1' },
    quiet: { type: 'boolean', default: false },
  },
});
for (const [k, v] of Object.entries({ seconds: values.seconds, compress: values.compress })) {
  if (!(Number(v) > 0)) {
    console.error(`soak: --${k} must be a positive number`);
    process.exit(2);
  }
}
const require = createRequire(import.meta.url);
const vitest = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
const env = { ...process.env, SOAK_SECONDS: values.seconds, SOAK_COMPRESS: values.compress };
if (!values.quiet) env.SOAK_VERBOSE = '1';
const child = spawn(process.execPath, [vitest, 'run', '--project', 'node', 'test/reliability/soak.test.ts'], {
  stdio: 'inherit',
  env,
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
