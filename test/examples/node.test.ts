// The Node examples, run through Vitest's own TypeScript transform with a pinned, credential-free environment
// (so they always use their embedded simulator). Users run them with `npx tsx examples/node/<name>.ts`.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

type ExampleMain = (opts?: {
  log?: (line: string) => void;
  env?: Record<string, string | undefined>;
  duration?: number;
}) => Promise<void>;

const exampleFile = (name: string) => resolve(__dirname, '../../examples/node', `${name}.ts`);

async function runExample(name: string): Promise<string[]> {
  const mod = (await import(/* @vite-ignore */ exampleFile(name))) as { main: ExampleMain };
  const lines: string[] = [];
  await mod.main({ log: (l) => lines.push(String(l)), env: {}, duration: 2_000 });
  return lines;
}

/** True when an example exports `main` (and so can be imported without running by itself). */
function exportsMain(name: string): boolean {
  const file = exampleFile(name);
  return existsSync(file) && /export\s+(async\s+)?function\s+main\b/.test(readFileSync(file, 'utf8'));
}

describe('examples/node', () => {
  it('basic.ts logs in and lists the objects and modules of the simulator', async () => {
    const lines = await runExample('basic');
    expect(lines[0]).toMatch(/^using the embedded simulator at http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines).toContain('logged in as demo@bragerone.local (user 4711)');
    expect(lines).toContain('object 1201 Demo house');
    expect(lines).toContain('  module DEMO0A1B2C Boiler room (Pellet Boiler 25kW) online');
    expect(lines.some((l) => l.startsWith('  module DEMO0D3E4F '))).toBe(true);
  }, 20_000);

  it('command.ts writes P4.v8 and sees the delta come back through the gateway', async () => {
    const lines = await runExample('command');
    expect(lines).toEqual([
      'DEMO0A1B2C P4.v8 is 65',
      'command P4.v8 ← 70 accepted: true',
      'delta received: P4.v8 = 70',
    ]);
  }, 20_000);

  it('command.ts refuses to write to a real account without BRAGERONE_ALLOW_WRITE=1', async () => {
    const mod = (await import(/* @vite-ignore */ exampleFile('command'))) as { main: ExampleMain };
    const lines: string[] = [];
    await mod.main({
      log: (l) => lines.push(l),
      env: { BRAGERONE_EMAIL: 'someone@example.test', BRAGERONE_PASSWORD: 'x' },
    });
    expect(lines).toEqual([
      'real account detected: set BRAGERONE_ALLOW_WRITE=1 to let this example write to your controller',
    ]);
  });

  it('realtime.ts primes every module and prints live changes from the drifting plant', async () => {
    expect(exportsMain('realtime')).toBe(true);
    const lines = await runExample('realtime');
    expect(lines).toContain('object 1201 "Demo house", modules: DEMO0A1B2C, DEMO0D3E4F');
    expect(lines).toContain('session up (connect)');
    expect(lines.some((l) => /^DEMO0A1B2C: [1-9]\d* parameters primed$/.test(l))).toBe(true);
    // The simulator ticks every 250 ms during the 2 s watch: changes must arrive over the socket.
    expect(lines.filter((l) => /^change DEMO0[A-Z0-9]+ P\d+\.[a-z]\d+ = /.test(l)).length).toBeGreaterThan(0);
    expect(lines.at(-1)).toBe('session down (stop)');
  }, 30_000);
});
