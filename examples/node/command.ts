/**
 * Write a set-point (P4.v8, the demo boiler's temperature set-point) and watch the change come back as a realtime
 * delta through a BragerOneGateway and its live ParamStore.
 *
 * Runs against an embedded simulator by default. Against your real account (BRAGERONE_EMAIL + BRAGERONE_PASSWORD)
 * it only writes when BRAGERONE_ALLOW_WRITE=1, and then writes the CURRENT value of P4.v8 back (no change) unless
 * BRAGERONE_VALUE is given. Which parameter P4.v8 is depends on your controller — check before writing.
 * BRAGERONE_DEVID picks the module (default: the first module of the first object).
 *
 *   npx tsx examples/node/command.ts
 */
import { pathToFileURL } from 'node:url';
import { BragerOneApiClient, BragerOneGateway, serverFor } from '../../src/index.js';
import { DEMO_EMAIL, DEMO_PASSWORD, startSimulator } from '../../src/simulator/index.js';
import type { ExampleOptions } from './basic.js';

const POOL = 'P4';
const PARAMETER = 'v8';
const KEY = `${POOL}.${PARAMETER}`;

export async function main({ log = console.log, env = process.env }: ExampleOptions = {}): Promise<void> {
  const real = Boolean(env.BRAGERONE_EMAIL && env.BRAGERONE_PASSWORD);
  if (real && env.BRAGERONE_ALLOW_WRITE !== '1') {
    log('real account detected: set BRAGERONE_ALLOW_WRITE=1 to let this example write to your controller');
    return;
  }
  const sim = real ? null : await startSimulator();
  const server = sim ? sim.server : serverFor(env.BRAGERONE_PLATFORM ?? 'bragerone');
  const client = new BragerOneApiClient({ server });
  let gateway: BragerOneGateway | null = null;
  let cancelWait = (): void => {};
  try {
    await client.ensureAuth(real ? env.BRAGERONE_EMAIL : DEMO_EMAIL, real ? env.BRAGERONE_PASSWORD : DEMO_PASSWORD);
    const [object] = await client.getObjects();
    if (!object) throw new Error('no objects on this account');
    const modules = await client.getModules(object.id);
    const devid = env.BRAGERONE_DEVID ?? modules[0]?.devid;
    if (!devid) throw new Error(`object ${object.id} has no modules`);

    gateway = new BragerOneGateway({ api: client, objectId: object.id, modules: [devid] });
    await gateway.start(); // socket + bind + REST prime: the store now holds the current state
    const store = gateway.params(devid);
    const before = store.get(KEY);
    log(`${devid} ${KEY} is ${JSON.stringify(before)}`);
    if (real && before === undefined && env.BRAGERONE_VALUE === undefined)
      throw new Error(`${KEY} has no value on ${devid}`);

    const target: unknown = sim
      ? before === 70
        ? 65
        : 70
      : env.BRAGERONE_VALUE !== undefined
        ? JSON.parse(env.BRAGERONE_VALUE)
        : before;
    // The bus carries every delta entry, also one that repeats the current value.
    const gw = gateway;
    const echoed = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no delta for ${KEY} within 15 s`));
      }, 15_000);
      cancelWait = () => {
        clearTimeout(timer);
        off();
      };
      const off = gw.bus.on((u) => {
        if (u.devid === devid && u.pool === POOL && `${u.chan}${u.idx}` === PARAMETER && u.value === target) {
          clearTimeout(timer);
          off();
          resolve(u.value);
        }
      });
    });
    const ok = await client.moduleCommand({ devid, pool: POOL, parameter: PARAMETER, value: target });
    log(`command ${KEY} ← ${JSON.stringify(target)} accepted: ${ok}`);
    await echoed;
    log(`delta received: ${KEY} = ${JSON.stringify(store.get(KEY))}`);
  } finally {
    cancelWait();
    await gateway?.stop();
    await client.close();
    await sim?.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
