/** `relay`: the CORS relay of `bragerone/relay` in the foreground until Ctrl-C (or `--duration`). */

import { parseId } from '../args.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import type { Session } from '../session.js';
import { serveUntilStopped } from './simulator.js';
import { errorMessage } from '../../internal/error-text.js';

/** Environment variable holding the relay key (kept off the command line, where `ps` would show it). */
export const RELAY_KEY_ENV = 'BRAGERONE_RELAY_KEY';

export async function relay(s: Session, o: { port?: string; host?: string; allowOrigin?: string[] }): Promise<number> {
  const origins = o.allowOrigin ?? [];
  if (origins.length === 0)
    throw new UsageError('"relay" needs at least one --allow-origin, e.g. --allow-origin https://my.dashboard');
  const port = o.port === undefined ? 8787 : o.port === '0' ? 0 : parseId(o.port, '--port');
  if (port > 65535) throw new UsageError('--port must be at most 65535');
  const host = o.host ?? '127.0.0.1';
  const secret = process.env[RELAY_KEY_ENV] || undefined;
  const { out } = s;
  const { server } = await s.target();
  const { startRelay } = await import('../../relay/index.js');
  let refused = 0;
  const running = await startRelay({
    server,
    allowOrigins: origins,
    port,
    host,
    ...(secret ? { secret } : {}),
    log: (e) => {
      if (e.event === 'refused' || e.event === 'upstream-error') {
        refused++;
        if (s.g.verbose || refused <= 20)
          out.err(`relay: ${e.event} ${e.method} ${e.path} → ${e.status ?? '-'} (${e.reason ?? ''}) from ${e.ip}`);
      } else if (s.g.verbose) out.err(`relay: ${e.method} ${e.path} → ${e.status ?? e.event} from ${e.ip}`);
    },
  }).catch((e: unknown) => {
    throw new CliError(`cannot start the relay: ${errorMessage(e)}`, EXIT.usage);
  });
  return serveUntilStopped(
    s,
    'Relay',
    () => ({
      info: {
        pid: process.pid,
        url: running.url,
        cloud: server.ioBase,
        assets: server.oneBase,
        allowOrigins: origins,
        key: secret !== undefined,
      },
      title: 'BragerOne relay',
      rows: [
        ['URL', running.url],
        ['Cloud', `${server.ioBase} (assets ${server.oneBase})`],
        ['Origins', origins.join(', ')],
        [
          'Key',
          secret
            ? `required (X-Relay-Key, from ${RELAY_KEY_ENV})`
            : `none (set ${RELAY_KEY_ENV} for a relay that faces the internet)`,
        ],
      ],
      hint: `In the app:  new BragerOneApiClient({ server: relayServer('${running.url}') })`,
      stopping: 'Stopping after --duration (or Ctrl-C).',
    }),
    () => running.close(),
  );
}
