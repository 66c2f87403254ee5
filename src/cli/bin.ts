/** Process entry of the `bragerone` bin. */
import { main } from './index.js';

main().then(
  (code) => {
    process.exitCode = code;
    // Everything is closed by now; if a stray handle still keeps the loop alive, do not hang the shell.
    setTimeout(() => process.exit(code), 2_000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`bragerone: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
