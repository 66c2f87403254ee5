/** The relay the Chromium relay suites put between a page on its own origin and the strict simulator. */
import { type RelayLogEntry, type RunningRelay, startRelay } from '../../src/relay/index.js';
import { defineServer } from '../../src/server.js';

/** A relay on a free port for the simulator at `simOrigin`, answering CORS for `pageOrigin`; its log goes to `log`. */
export function relayFor(simOrigin: string, pageOrigin: string, log: RelayLogEntry[]): Promise<RunningRelay> {
  return startRelay({
    server: defineServer({ ioBase: simOrigin, oneBase: simOrigin }),
    allowOrigins: [pageOrigin],
    port: 0,
    log: (e) => log.push(e),
  });
}
