/** `bragerone relay` (the built CLI) in front of a strict simulator: starts, forwards for the listed origin, refuses others, stops on SIGTERM. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { assertBuilt, ndjson, startCli } from '../cli/helpers.js';

const APP = 'https://my.dashboard.test';
let sim: Simulator;
beforeAll(async () => {
  assertBuilt();
  sim = await startSimulator({ strict: true, tickInterval: 0 });
});
afterAll(async () => {
  await sim?.close();
});

it('bragerone relay --allow-origin … --port 0 --json: forwards for the listed origin, refuses another, key from the environment', async () => {
  const key = 'cli-relay-key-0123456789';
  const run = startCli(['relay', '--server', sim.url, '--allow-origin', APP, '--port', '0', '--json'], {
    env: { BRAGERONE_RELAY_KEY: key },
  });
  try {
    const line = await run.waitForLine((l) => l.includes('"url"'));
    const info = ndjson(line)[0] as { url: string; key: boolean; allowOrigins: string[] };
    expect(info).toMatchObject({ key: true, allowOrigins: [APP] });
    const path = '/v1/system/version?container=BragerOne&platform=0';
    expect((await fetch(`${info.url}${path}`, { headers: { Origin: APP, 'X-Relay-Key': key } })).status).toBe(200);
    expect((await fetch(`${info.url}${path}`, { headers: { Origin: APP } })).status).toBe(401);
    expect(
      (await fetch(`${info.url}${path}`, { headers: { Origin: 'https://evil.example', 'X-Relay-Key': key } })).status,
    ).toBe(403);
  } finally {
    run.child.kill('SIGTERM');
  }
  const done = await run.done;
  expect(done.code).toBe(0);
  expect(done.stdout + done.stderr).not.toContain(key);
});

it('bragerone relay without --allow-origin is a usage error', async () => {
  const done = await startCli(['relay', '--server', sim.url]).done;
  expect(done.code).toBe(1);
  expect(done.stderr).toMatch(/--allow-origin/);
});
