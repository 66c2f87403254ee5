// The simulator in its own process, so the client under test and the server do not share one event loop.
// Parent ⇄ child over IPC: the child sends {ready, url, webUrl}; the parent sends {id, op, args} and gets {id, result | error}.
import { startSimulator } from '../dist/esm/simulator.js';

const opts = JSON.parse(process.argv[2] ?? '{}');
const sim = await startSimulator({ port: 0, tickInterval: 0, ...opts });

/**
 * Pushes one delta of `key` (its value + 1) as soon as a socket whose namespace SID is not in `old` is bound to AND
 * listening for `devid`; resolves the pushed value.
 */
function pushWhenListening(devid, key, old = new Set()) {
  return new Promise((resolve) => {
    const t = setInterval(() => {
      if (!sim.sockets().some((x) => !old.has(x.nsSid) && x.bound.includes(devid) && x.listening.includes(devid)))
        return;
      clearInterval(t);
      const v = (Number(sim.getParam(devid, key)) || 0) + 1;
      sim.setParam(devid, key, v);
      resolve(v);
    }, 1);
  });
}

const ops = {
  burst: (n, o) => sim.burst(n, o),
  loginCount: () => sim.loginCount(),
  count: (route) => sim.stats.count(route),
  total: () => sim.stats.total(),
  resetStats: () => sim.stats.reset(),
  expireTokens: () => sim.expireTokens(),
  sockets: () => sim.sockets().length,
  snapshot: (devid) => sim.snapshot(devid),
  networkSet: (n) => sim.network.set(n),
  // One delta as soon as any socket is bound to and listening for `devid`.
  armDelta: (devid, key) => pushWhenListening(devid, key),
  // Drops every socket (sim.faults.dropAllSockets()), then one delta as soon as a NEW socket is bound and listening
  // (the heal benchmark).
  dropAndArm: (devid, key) => {
    const before = new Set(sim.sockets().map((x) => x.nsSid));
    sim.faults.dropAllSockets();
    return pushWhenListening(devid, key, before);
  },
  socketIds: () => sim.sockets().map((x) => x.nsSid),
  // One delta as soon as a socket NOT in `before` (namespace SIDs) is bound to and listening for `devid`.
  armDeltaNew: (devid, key, before) => pushWhenListening(devid, key, new Set(before)),
  close: async () => {
    await sim.close();
    setImmediate(() => process.exit(0));
  },
};

process.on('message', async (msg) => {
  try {
    const result = await ops[msg.op](...(msg.args ?? []));
    process.send({ id: msg.id, result: result ?? null });
  } catch (e) {
    process.send({ id: msg.id, error: String(e?.stack ?? e) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true, url: sim.url, webUrl: sim.webUrl });
