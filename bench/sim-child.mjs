// The simulator in its own process, so the client under test and the server do not share one event loop.
// Parent ⇄ child over IPC: the child sends {ready, url, webUrl}; the parent sends {id, op, args} and gets {id, result | error}.
import { startSimulator } from '../dist/esm/simulator.js';

const opts = JSON.parse(process.argv[2] ?? '{}');
const sim = await startSimulator({ port: 0, tickInterval: 0, ...opts });

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
  // Pushes one delta of `key` as soon as a socket is bound to AND listening for `devid`; resolves the pushed value.
  armDelta: (devid, key) =>
    new Promise((resolve) => {
      const t = setInterval(() => {
        if (!sim.sockets().some((x) => x.bound.includes(devid) && x.listening.includes(devid))) return;
        clearInterval(t);
        const v = (Number(sim.getParam(devid, key)) || 0) + 1;
        sim.setParam(devid, key, v);
        resolve(v);
      }, 1);
    }),
  // Drops every socket (sim.faults.dropAllSockets()), then pushes one delta of `key` as soon as a NEW socket is bound to
  // and listening for `devid` (the heal benchmark). Resolves the pushed value.
  dropAndArm: (devid, key) => {
    const before = new Set(sim.sockets().map((x) => x.nsSid));
    sim.faults.dropAllSockets();
    return new Promise((resolve) => {
      const t = setInterval(() => {
        if (!sim.sockets().some((x) => !before.has(x.nsSid) && x.bound.includes(devid) && x.listening.includes(devid)))
          return;
        clearInterval(t);
        const v = (Number(sim.getParam(devid, key)) || 0) + 1;
        sim.setParam(devid, key, v);
        resolve(v);
      }, 1);
    });
  },
  socketIds: () => sim.sockets().map((x) => x.nsSid),
  // Pushes one delta of `key` as soon as a socket NOT in `before` (namespace SIDs) is bound to and listening for `devid`.
  armDeltaNew: (devid, key, before) =>
    new Promise((resolve) => {
      const old = new Set(before);
      const t = setInterval(() => {
        if (!sim.sockets().some((x) => !old.has(x.nsSid) && x.bound.includes(devid) && x.listening.includes(devid)))
          return;
        clearInterval(t);
        const v = (Number(sim.getParam(devid, key)) || 0) + 1;
        sim.setParam(devid, key, v);
        resolve(v);
      }, 1);
    }),
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
