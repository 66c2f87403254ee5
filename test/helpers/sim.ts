import { afterAll, beforeAll } from 'vitest';
import {
  SIMULATOR_PROFILE_ENV,
  type Simulator,
  type SimulatorOptions,
  parseSimulatorProfile,
  startSimulator,
} from '../../src/simulator/index.js';

/**
 * The simulator profile of this run: the `strict-lax` Vitest project sets `BRAGERONE_SIMULATOR`, and every simulator
 * started without explicit `strict`/`laxData` follows it. Tests whose expectations differ under it read these flags.
 */
export const PROFILE = (() => {
  const p = parseSimulatorProfile(process.env[SIMULATOR_PROFILE_ENV]);
  return { strict: p.strict === true, lax: p.laxData !== undefined && p.laxData !== false };
})();

/** Starts one simulator for the test file; `get()` returns it inside tests. */
export function useSimulator(opts: SimulatorOptions = {}): () => Simulator {
  let sim: Simulator | undefined;
  beforeAll(async () => {
    sim = await startSimulator({ tickInterval: 0, ...opts });
  });
  afterAll(async () => {
    await sim?.close();
  });
  return () => {
    if (!sim) throw new Error('simulator not started');
    return sim;
  };
}

/** Demo credentials. */
export const DEMO = { email: 'demo@bragerone.local', password: 'demo' } as const;
