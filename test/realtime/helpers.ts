/** Shared fixtures of the realtime/live tests: a simulator on 127.0.0.1:0 and small polling helpers. */
import {
  startSimulator,
  DEMO_EMAIL,
  DEMO_PASSWORD,
  type Simulator,
  type SimulatorOptions,
} from '../../src/simulator/index.js';

export { DEMO_EMAIL, DEMO_MODULES, DEMO_OBJECT_ID, DEMO_PASSWORD } from '../../src/simulator/index.js';

/** Starts a simulator with the plant drift off unless asked. */
export function sim(opts: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ port: 0, tickInterval: 0, ...opts });
}

/** Logs in the demo account over plain REST and returns the access token. */
export async function login(s: Simulator, email = DEMO_EMAIL, password = DEMO_PASSWORD): Promise<string> {
  const res = await fetch(`${s.server.apiBase}/auth/user`, {
    method: 'POST',
    // Origin/Referer as the SDK sends them (a strict simulator refuses REST calls without them)
    headers: { 'content-type': 'application/json', origin: s.server.oneBase, referer: `${s.server.oneBase}/` },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  const body = (await res.json()) as { accessToken: string };
  return body.accessToken;
}

export { sleep, until } from '../helpers/wait.js';
