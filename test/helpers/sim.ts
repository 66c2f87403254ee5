import { afterAll, beforeAll } from 'vitest';
import type { Logger } from '../../src/log.js';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../src/simulator/index.js';

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

/** A logger that records every line, flattened to strings. */
export function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const rec = (level: string) => (...args: unknown[]) => {
    lines.push(`${level} ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
  };
  return { lines, debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') };
}

/** Demo credentials. */
export const DEMO = { email: 'demo@bragerone.local', password: 'demo' } as const;
