/** Shared fixtures of the realtime/live tests: a simulator on 127.0.0.1:0 and small polling helpers. */
import { startSimulator, DEMO_EMAIL, DEMO_PASSWORD, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';

export { DEMO_EMAIL, DEMO_MODULES, DEMO_OBJECT_ID, DEMO_PASSWORD } from '../../src/simulator/index.js';

/** Starts a simulator with the plant drift off unless asked. */
export function sim(opts: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ port: 0, tickInterval: 0, ...opts });
}

/** Logs in the demo account over plain REST and returns the access token. */
export async function login(s: Simulator, email = DEMO_EMAIL, password = DEMO_PASSWORD): Promise<string> {
  const res = await fetch(`${s.server.apiBase}/auth/user`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  const body = (await res.json()) as { accessToken: string };
  return body.accessToken;
}

/** Polls `cond` every 10 ms until it is truthy or `timeout` ms passed; throws with `what` on timeout. */
export async function until<T>(cond: () => T | Promise<T>, what: string, timeout = 5_000): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Sleeps `ms` (used only where a test must prove that something does NOT happen). */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
