/** Process entry of the `bragerone` bin. */
import { OUTPUT_CLOSED, abortReason } from './errors.js';
import { main } from './index.js';
import { errorMessage } from '../internal/error-text.js';

// A reader that goes away (`bragerone params X | head -1`) closes stdout: writes then fail with EPIPE. End the
// run quietly with exit 0, as `ls` and `git` do, instead of crashing on an unhandled 'error' event.
const ctrl = new AbortController();
let outputClosed = false;
const onStreamError = (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  if (outputClosed) return;
  outputClosed = true;
  ctrl.abort(abortReason(OUTPUT_CLOSED));
  // Cleanup (closing clients and an embedded simulator) normally ends the process well before this.
  setTimeout(() => process.exit(0), 2_000).unref();
};
process.stdout.on('error', onStreamError);
process.stderr.on('error', onStreamError);

main(process.argv.slice(2), { signal: ctrl.signal, handleSignals: true }).then(
  (code) => {
    process.exitCode = outputClosed ? 0 : code;
    // Everything is closed by now; if a stray handle still keeps the loop alive, do not hang the shell.
    setTimeout(() => process.exit(process.exitCode ?? code), 2_000).unref();
  },
  (err: unknown) => {
    if (!outputClosed) process.stderr.write(`bragerone: ${errorMessage(err)}\n`);
    process.exitCode = outputClosed ? 0 : 1;
  },
);
