/**
 * Realtime example: follows every module of one object and prints live parameter changes.
 *
 * Runs against a local simulator by default. Set BRAGERONE_EMAIL and BRAGERONE_PASSWORD (and optionally
 * BRAGERONE_PLATFORM=tisconnect, BRAGERONE_OBJECT_ID) to use the real cloud.
 *
 *   realtime.ts [--duration 10s]
 */
import { BragerOneApiClient } from '../../src/client.js';
import { BragerOneGateway } from '../../src/live/gateway.js';
import { serverFor } from '../../src/server.js';
import type { Simulator } from '../../src/simulator/index.js';

function parseDuration(argv: string[]): number {
  const i = argv.indexOf('--duration');
  const raw = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--duration='))?.slice('--duration='.length);
  if (!raw) return 10_000;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw.trim());
  if (!m) throw new Error(`Bad --duration "${raw}" (try 10s, 500ms, 2m)`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1_000;
}

async function main(): Promise<void> {
  const duration = parseDuration(process.argv.slice(2));
  const email = process.env.BRAGERONE_EMAIL;
  const password = process.env.BRAGERONE_PASSWORD;
  let sim: Simulator | null = null;
  let api: BragerOneApiClient;
  if (email && password) {
    api = new BragerOneApiClient({ server: serverFor(process.env.BRAGERONE_PLATFORM ?? 'bragerone') });
    await api.ensureAuth(email, password);
  } else {
    const { startSimulator, DEMO_EMAIL, DEMO_PASSWORD } = await import('../../src/simulator/index.js');
    sim = await startSimulator({ port: 0, tickInterval: 1_000 });
    console.log(`simulator at ${sim.url} (set BRAGERONE_EMAIL/BRAGERONE_PASSWORD for the real cloud)`);
    api = new BragerOneApiClient({ server: sim.server });
    await api.ensureAuth(DEMO_EMAIL, DEMO_PASSWORD);
  }

  const objects = await api.getObjects();
  const wanted = Number(process.env.BRAGERONE_OBJECT_ID ?? Number.NaN);
  const object = objects.find((o) => o.id === wanted) ?? objects[0];
  if (!object) throw new Error('This account has no objects');
  const modules = (await api.getModules(object.id)).map((m) => m.devid);
  console.log(`object ${object.id} "${object.name}", modules: ${modules.join(', ') || '(none)'}`);

  const gw = new BragerOneGateway({ api, objectId: object.id, modules, ownsApi: true });
  gw.onCloudSession((c) => console.log(`session ${c.up ? 'up' : 'down'} (${c.source})`));
  gw.onModuleConnectivity((c) => console.log(`module ${c.devid} ${c.online ? 'online' : 'offline'} (${c.source})`));
  await gw.start();
  for (const devid of modules) {
    console.log(`${devid}: ${gw.params(devid).size} parameters primed`);
    gw.params(devid).on((key, value) => console.log(`${new Date().toISOString()} ${devid} ${key} = ${JSON.stringify(value)}`));
  }

  // stop on Ctrl-C or after the duration
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, duration);
    ac.signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });
  await gw.stop();
  await sim?.close();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exitCode = 1;
});
