/**
 * Log in, list your objects (installations) and the controller modules of each.
 *
 * Runs against an embedded simulator by default; set BRAGERONE_EMAIL and BRAGERONE_PASSWORD (and optionally
 * BRAGERONE_PLATFORM=tisconnect) to use your real account — this example only reads.
 *
 *   npx tsx examples/node/basic.ts
 *
 * In your own project import from the package instead: `import { BragerOneApiClient } from 'bragerone'`.
 */
import { pathToFileURL } from 'node:url';
import { BragerOneApiClient, serverFor } from '../../src/index.js';
import { DEMO_EMAIL, DEMO_PASSWORD, startSimulator } from '../../src/simulator/index.js';

/** Options of {@link main}, so tests can capture the output and pin the environment. */
export interface ExampleOptions {
  /** Receives every output line; default `console.log`. */
  log?: (line: string) => void;
  /** Environment to read credentials from; default `process.env`. */
  env?: Record<string, string | undefined>;
}

export async function main({ log = console.log, env = process.env }: ExampleOptions = {}): Promise<void> {
  const real = Boolean(env.BRAGERONE_EMAIL && env.BRAGERONE_PASSWORD);
  const sim = real ? null : await startSimulator();
  const email = real ? (env.BRAGERONE_EMAIL as string) : DEMO_EMAIL;
  const password = real ? (env.BRAGERONE_PASSWORD as string) : DEMO_PASSWORD;
  const server = sim ? sim.server : serverFor(env.BRAGERONE_PLATFORM ?? 'bragerone');
  log(sim ? `using the embedded simulator at ${sim.url}` : `using ${server.apiBase}`);

  const client = new BragerOneApiClient({ server });
  try {
    const token = await client.ensureAuth(email, password);
    log(`logged in as ${email} (user ${token.userId ?? 'unknown'})`);
    const objects = await client.getObjects();
    log(`${objects.length} object(s)`);
    for (const o of objects) {
      log(`object ${o.id} ${o.name}`);
      for (const m of await client.getModules(o.id)) {
        log(`  module ${m.devid} ${m.name} (${m.moduleTitle}) ${m.connectedAt !== 0 ? 'online' : 'offline'}`);
      }
    }
  } finally {
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
