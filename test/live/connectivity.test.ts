import { describe, expect, it } from 'vitest';
import { ConnectivityTracker, type ModuleConnectivity, parseConnectedAt } from '../../src/live/connectivity.js';

function tracker(subscribed: string[]): { t: ConnectivityTracker; seen: ModuleConnectivity[] } {
  const seen: ModuleConnectivity[] = [];
  const t = new ConnectivityTracker(
    new Set(subscribed),
    (c) => seen.push(c),
    () => 42,
  );
  return { t, seen };
}
const gw = { address: '192.0.2.1', interface: 'wifi', version: 'V2' };

describe('parseConnectedAt', () => {
  it('null/missing → 0, integers and integer strings parse, junk → null', () => {
    expect(parseConnectedAt(null)).toBe(0);
    expect(parseConnectedAt(undefined)).toBe(0);
    expect(parseConnectedAt(1767225600)).toBe(1767225600);
    expect(parseConnectedAt('17')).toBe(17);
    expect(parseConnectedAt('soon')).toBeNull();
    expect(parseConnectedAt(Number.NaN)).toBeNull();
    expect(parseConnectedAt({})).toBeNull();
  });
});

describe('ConnectivityTracker (§7.5)', () => {
  it('a devid listed twice with different gateways counts once: no flapping metadata events per poll', () => {
    const { t, seen } = tracker(['A']);
    const rows = [
      { devid: 'A', connectedAt: 100, gateway: gw },
      { devid: 'A', connectedAt: 100, gateway: { ...gw, address: '192.0.2.99' } },
    ];
    t.applyRest(rows);
    t.applyRest(rows);
    expect(seen.length).toBe(1);
    expect(seen[0]?.gateway).toEqual(gw);
  });

  it('REST rows: only subscribed devids, unparsable rows skipped, first observation reported', () => {
    const { t, seen } = tracker(['A', 'B']);
    t.applyRest([
      { devid: 'A', connectedAt: 100, gateway: gw },
      { devid: 'B', connectedAt: 'garbage' },
      { devid: 'X', connectedAt: 5 },
      'junk',
    ]);
    expect(seen).toEqual([
      {
        devid: 'A',
        online: true,
        source: 'rest',
        connectedAt: 100,
        gateway: gw,
        onlineChanged: true,
        metadataChanged: true,
        ts: 42,
      },
      {
        devid: 'B',
        online: false,
        source: 'derived',
        connectedAt: 0,
        gateway: null,
        onlineChanged: true,
        metadataChanged: true,
        ts: 42,
      },
    ]);
    expect(t.online('X')).toBeNull();
  });

  it('an empty or unrelated listing changes nothing; unchanged rows are not reported', () => {
    const { t, seen } = tracker(['A']);
    t.applyRest([{ devid: 'A', connectedAt: 100, gateway: gw }]);
    t.applyRest([]);
    t.applyRest([{ devid: 'OTHER', connectedAt: 0 }]);
    t.applyRest([{ devid: 'A', connectedAt: 100, gateway: { ...gw } }]);
    expect(seen).toHaveLength(1);
    expect(t.online('A')).toBe(true);
  });

  it('connectedAt/gateway changes without a flip are metadata changes; 0 means offline', () => {
    const { t, seen } = tracker(['A']);
    t.applyRest([{ devid: 'A', connectedAt: 100, gateway: gw }]);
    t.applyRest([{ devid: 'A', connectedAt: 200, gateway: gw }]);
    t.applyRest([{ devid: 'A', connectedAt: null, gateway: gw }]);
    expect(seen.slice(1).map((c) => [c.online, c.onlineChanged, c.metadataChanged, c.connectedAt])).toEqual([
      [true, false, true, 200],
      [false, true, true, 0],
    ]);
    expect(t.connectedAt('A')).toBe(0);
  });

  it('WS events: connected_at alias, gateway-only keeps the bit (ignored when unknown), foreign/junk ignored', () => {
    const { t, seen } = tracker(['A', 'B']);
    t.applyWs({ A: { gateway: gw } }); // no known online bit yet → ignored
    expect(seen).toHaveLength(0);
    t.applyWs({ A: { connected_at: 0, gateway: gw }, X: { connectedAt: 5 }, B: 'junk' });
    expect(seen[0]).toMatchObject({ devid: 'A', online: false, source: 'ws', onlineChanged: true });
    t.applyWs({ A: { gateway: { ...gw, version: 'V3' } } });
    expect(seen[1]).toMatchObject({
      devid: 'A',
      online: false,
      onlineChanged: false,
      metadataChanged: true,
      gateway: { version: 'V3' },
    });
    t.applyWs({ A: { connectedAt: 'bad' } });
    t.applyWs('junk');
    t.applyWs(null);
    expect(seen).toHaveLength(2);
    t.applyWs({ A: { connectedAt: 300 } });
    expect(seen[2]).toMatchObject({ online: true, connectedAt: 300, gateway: { version: 'V3' } });
  });
});
