import { type Socket, io } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { BragerOneApiClient } from '../../src/index.js';
import { DEMO, useSimulator } from '../helpers/sim.js';

const sim = useSimulator();
const sockets: Socket[] = [];

afterAll(() => {
  for (const s of sockets) s.disconnect();
});

async function openSocket(token: string): Promise<Socket> {
  const s = io(`${sim().url}/ws`, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: {
      Authorization: `Bearer ${token}`,
      Origin: sim().server.oneBase,
      Referer: `${sim().server.oneBase}/`,
      'x-appversion': '1.1.78',
    },
  });
  sockets.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
  return s;
}

describe('modulesConnect with live sockets', () => {
  it('binds the current namespace SID, remembers the shape that worked and never re-sends an old SID', async () => {
    const c = new BragerOneApiClient({ server: sim().server, credsProvider: () => DEMO, logLevel: 'silent' });
    const token = (await c.ensureAuth()).accessToken;
    const s1 = await openSocket(token);
    sim().faults.shape('POST /v1/modules/connect', 'status201'); // bodies with `wsid` answer 201 → fall through to `sid`
    sim().stats.reset();
    expect(await c.modulesConnect(s1.id!, ['DEMO0A1B2C'], 1201, null)).toBe(true);
    expect(sim().stats.count('POST /v1/modules/connect')).toBe(2);
    expect(
      sim()
        .sockets()
        .find((x) => x.nsSid === s1.id)?.bound,
    ).toEqual(['DEMO0A1B2C']);

    s1.disconnect();
    const s2 = await openSocket(token);
    sim().stats.reset();
    expect(await c.modulesConnect(s2.id!, ['DEMO0A1B2C'], 1201, null)).toBe(true);
    // The remembered `sid` shape goes first, filled with the NEW sid: one request, bound to s2.
    expect(sim().stats.count('POST /v1/modules/connect')).toBe(1);
    expect(
      sim()
        .sockets()
        .find((x) => x.nsSid === s2.id)?.bound,
    ).toEqual(['DEMO0A1B2C']);
    sim().faults.clear();
  });
});
