/**
 * Realtime example: follows every module of one object and prints live parameter changes.
 *
 * Runs against an embedded simulator by default. Set BRAGERONE_EMAIL and BRAGERONE_PASSWORD (and optionally
 * BRAGERONE_PLATFORM=tisconnect, BRAGERONE_OBJECT_ID) to use the real cloud — this example only reads.
 *
 *   npx tsx examples/node/realtime.ts [--duration 10s]
 *
 * In your own project import from the package instead: `import { BragerOneGateway } from 'bragerone'`.
 */
import { pathToFileURL } from 'node:url';
import { BragerOneApiClient, BragerOneGateway, serverFor } from '../../src/index.js';
import { DEMO_EMAIL, DEMO_PASSWORD, startSimulator } from '../../src/simulator/index.js';

/** Options of {@link main}, so tests can capture the output and pin the environment. */
export interface ExampleOptions {
  /** Receives every output line; default `console.log`. */
  log?: (line: string) => void;
  /** Environment to read credentials from; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** How long to watch, in ms; default `--duration` or 10 s. */
  duration?: number;
}

function parseDuration(argv: string[]): number {
  const i = argv.indexOf('--duration');
  const raw = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--duration='))?.slice('--duration='.length);
  if (!raw) return 10_000;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw.trim());
  if (!m) throw new Error(`Bad --duration "${raw}" (try 10s, 500ms, 2m)`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1_000;
}

/** Watches live changes for `duration` ms (or until Ctrl-C). */
export async function main({ log = console.log, env = process.env, duration }: ExampleOptions = {}): Promise<void> {
  const ms = duration ?? parseDuration(process.argv.slice(2));
  const real = Boolean(env.BRAGERONE_EMAIL && env.BRAGERONE_PASSWORD);
  const sim = real ? null : await startSimulator({ tickInterval: 250 });
  const server = sim ? sim.server : serverFor(env.BRAGERONE_PLATFORM ?? 'bragerone');
  log(sim ? `using the embedded simulator at ${sim.url}` : `using ${server.apiBase}`);
  const api = new BragerOneApiClient({ server });
  let gw: BragerOneGateway | null = null;
  try {
    await api.ensureAuth(
      real ? (env.BRAGERONE_EMAIL as string) : DEMO_EMAIL,
      real ? (env.BRAGERONE_PASSWORD as string) : DEMO_PASSWORD,
    );
    const objects = await api.getObjects();
    const wanted = Number(env.BRAGERONE_OBJECT_ID ?? Number.NaN);
    const object = objects.find((o) => o.id === wanted) ?? objects[0];
    if (!object) throw new Error('This account has no objects');
    const modules = (await api.getModules(object.id)).map((m) => m.devid);
    log(`object ${object.id} "${object.name}", modules: ${modules.join(', ') || '(none)'}`);

    gw = new BragerOneGateway({ api, objectId: object.id, modules });
    gw.onCloudSession((c) => log(`session ${c.up ? 'up' : 'down'} (${c.source})`));
    gw.onModuleConnectivity((c) => log(`module ${c.devid} ${c.online ? 'online' : 'offline'} (${c.source})`));
    await gw.start();
    for (const devid of modules) {
      const store = gw.params(devid);
      log(`${devid}: ${store.size} parameters primed`);
      store.on((key, value) => log(`change ${devid} ${key} = ${JSON.stringify(value)}`));
    }

    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once('SIGINT', onSigint);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      ac.signal.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    });
    process.off('SIGINT', onSigint);
  } finally {
    await gw?.stop();
    await api.close();
    await sim?.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
    process.exitCode = 1;
  });
}
