// Baselines without the SDK: raw fetch / node:http calls against the simulator.
import http from 'node:http';

export const DEMO = { email: 'demo@bragerone.local', password: 'demo' };

/** The headers the client sends on an authenticated GET in Node (see src/client.ts + src/http/transport.ts). */
export function clientHeaders(origin, accessToken) {
  return { Origin: origin, Referer: `${origin}/`, Accept: 'application/json', Authorization: `Bearer ${accessToken}` };
}

/** raw fetch + JSON.parse */
export async function fetchJson(url, init) {
  const res = await fetch(url, init);
  const text = await res.text();
  if (res.status >= 400) throw new Error(`HTTP ${res.status}`);
  return JSON.parse(text);
}

export async function rawLogin(apiBase, origin) {
  const body = await fetchJson(`${apiBase}/auth/user`, {
    method: 'POST',
    headers: { Origin: origin, Referer: `${origin}/`, Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify(DEMO),
  });
  return body.accessToken;
}

/** raw node:http GET over a keep-alive Agent + JSON.parse */
export function makeNodeHttpGet(agent) {
  return (url, headers) =>
    new Promise((resolve, reject) => {
      const req = http.get(url, { agent, headers }, (res) => {
        res.setEncoding('utf8');
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => {
          try {
            resolve(JSON.parse(text));
          } catch (e) {
            reject(e);
          }
        });
        res.on('error', reject);
      });
      req.on('error', reject);
    });
}

/** Runs `fn` with `inFlight` sequential loops until `n` calls are done. */
export async function loops(n, inFlight, fn) {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      await fn();
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}
