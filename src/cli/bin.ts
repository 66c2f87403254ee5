/** Process entry of the `bragerone` bin. */
import { main } from './index.js';

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bragerone: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
