/**
 * `createModuleView()` against a real, started `BragerOneGateway` and the simulator (API.md, Catalog): labelled
 * panels, deltas that re-resolve only the dependent parameters, one notification per delta frame, confirmed
 * writes, range checks before anything is sent, unconfirmed and aborted writes, and `close()`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../src/stores/memory.js';
import { loadCatalog } from '../../src/catalog/index.js';
import type { Catalog, ModuleView, ModuleViewSnapshot } from '../../src/catalog/index.js';
import { isCatalogError } from '../../src/errors.js';
import { createModuleView } from '../../src/catalog/live.js';
import { BragerOneApiClient } from '../../src/client.js';
import { BragerOneGateway } from '../../src/live/gateway.js';
import type { Module } from '../../src/schemas/index.js';
import { DEMO, useSimulator } from '../helpers/sim.js';
import { until } from '../helpers/wait.js';

const sim = useSimulator();
const OBJECT_ID = 1201;

let gw: BragerOneGateway;
let catalog: Catalog;
let boiler: Module;
const views: ModuleView[] = [];

beforeAll(async () => {
  const api = new BragerOneApiClient({ server: sim().server, tokenStore: new MemoryTokenStore(), logLevel: 'silent' });
  await api.ensureAuth(DEMO.email, DEMO.password);
  const modules = await api.getModules(OBJECT_ID);
  const found = modules.find((m) => m.deviceMenu === 0);
  if (!found) throw new Error('the simulator has no boiler module (deviceMenu 0)');
  boiler = found;
  gw = new BragerOneGateway({
    api,
    ownsApi: true,
    objectId: OBJECT_ID,
    modules: modules.map((m) => m.devid),
    connectivityPollInterval: 0,
    realtime: { supervisorInterval: 60_000, reconnectDelay: 30 },
  });
  await gw.start();
  await gw.waitForPrime(5_000);
  catalog = await loadCatalog({ api, persist: false });
});

afterEach(() => {
  sim().faults.clear();
  for (const v of views.splice(0)) v.close();
});

afterAll(async () => {
  await gw?.stop();
});

async function view(opts: { includeHidden?: boolean } = {}): Promise<ModuleView> {
  const v = await createModuleView({
    catalog,
    gateway: gw,
    devid: boiler.devid,
    deviceMenu: boiler.deviceMenu,
    permissions: boiler.permissions,
    ...opts,
  });
  views.push(v);
  return v;
}

/** Sets a value at the simulator (one delta frame) and waits until the gateway's store has it. */
async function push(key: string, value: number): Promise<void> {
  sim().setParam(boiler.devid, key, value);
  await until(() => gw.params(boiler.devid).get(key) === value, `${key} = ${value} in the gateway store`);
}

/** Lets queued microtasks (the view's batched re-resolve) run. */
const settle = () => new Promise<void>((r) => setImmediate(r));

function find(s: ModuleViewSnapshot, symbol: string) {
  for (const p of s.panels) for (const x of p.parameters) if (x.symbol === symbol) return x;
  return undefined;
}

const commands = () => sim().stats.requests.filter((r) => r.path.startsWith('/v1/module/command')).length;

describe('createModuleView over a started gateway', () => {
  it('builds labelled panels from the live store', async () => {
    await push('P4.v1', 612);
    const v = await view();
    const snap = v.getSnapshot();
    expect(snap.devid).toBe(boiler.devid);
    expect(snap.lang).toBe('pl');
    expect(snap.panels.map((p) => p.title)).toContain('Kocioł');
    expect(snap.panels.every((p) => p.parameters.length > 0)).toBe(true);
    expect(find(snap, 'PARAM_P4_1')).toMatchObject({
      label: 'Temperatura kotła',
      unit: '°C',
      raw: 612,
      value: 61.2,
      visible: true,
    });
    expect(find(snap, 'PARAM_P4_8')).toMatchObject({ address: 'P4.v8', unit: '°C', writable: true, min: 40, max: 85 });
    expect(v.getSnapshot()).toBe(snap); // same object until something changes
  });

  it('a delta re-resolves only the parameters that depend on it and yields a new snapshot', async () => {
    const v = await view({ includeHidden: true });
    const before = v.getSnapshot();
    const all = before.panels.flatMap((p) => p.parameters);
    const dependents = all.filter((p) => p.refreshKeys.includes('P4.v1')).map((p) => p.symbol);
    expect(dependents).toContain('PARAM_P4_1');
    expect(dependents.length).toBeLessThan(all.length);
    const current = gw.params(boiler.devid).get('P4.v1');
    const next = current === 640 ? 641 : 640;
    const resolutions = v.resolutions;
    await push('P4.v1', next);
    await settle();
    const after = v.getSnapshot();
    expect(after).not.toBe(before);
    expect(find(after, 'PARAM_P4_1')).toMatchObject({ raw: next, value: next / 10 });
    expect(v.resolutions - resolutions).toBe(new Set(dependents).size);
    for (const p of all) {
      if (dependents.includes(p.symbol)) expect(find(after, p.symbol)).not.toBe(p);
      else expect(find(after, p.symbol)).toBe(p); // unchanged parameters keep their objects
    }
  });

  it('notifies subscribers once per delta frame', async () => {
    const v = await view();
    const seen: ModuleViewSnapshot[] = [];
    const off = v.subscribe((s) => seen.push(s));
    expect(seen).toHaveLength(1); // the current snapshot at once
    const store = gw.params(boiler.devid);
    const before = store.getSnapshot();
    sim().tick(); // one frame with several of the boiler's values
    const frame = sim().values(boiler.devid);
    const changed = Object.keys(frame).filter((k) => frame[k] !== before[k]);
    expect(changed.length).toBeGreaterThan(1);
    await until(() => changed.every((k) => store.get(k) === frame[k]), 'the tick frame in the store');
    await settle();
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(v.getSnapshot());
    off();
    await push('P4.v1', (store.get('P4.v1') as number) + 1);
    await settle();
    expect(seen).toHaveLength(2); // unsubscribed
  });

  it("write() sends the command and resolves 'confirmed' once the controller pushes the value", async () => {
    await push('P4.v8', 65);
    const v = await view();
    const sent = commands();
    const out = await v.write('PARAM_P4_8', 70, { timeout: 10_000 });
    expect(out.state).toBe('confirmed');
    expect(out.request).toMatchObject({ route: 'parameter', pool: 'P4', parameter: 'v8', value: 70 });
    expect(out.parameter).toMatchObject({ symbol: 'PARAM_P4_8', raw: 70, value: 70 });
    expect(commands() - sent).toBe(1);
    expect(sim().getParam(boiler.devid, 'P4.v8')).toBe(70);
    await settle();
    expect(find(v.getSnapshot(), 'PARAM_P4_8')?.value).toBe(70);
  });

  it('an out-of-range write rejects with CatalogError and sends nothing', async () => {
    const v = await view();
    const sent = commands();
    const err = await v.write('PARAM_P4_8', 90).catch((e: unknown) => e);
    expect(isCatalogError(err)).toBe(true);
    expect((err as { code?: string }).code).toBe('out-of-range');
    const text = await v.write('PARAM_P4_8', 'hot').catch((e: unknown) => e);
    expect(isCatalogError(text)).toBe(true);
    expect(commands()).toBe(sent);
  });

  it("a write the controller never confirms rejects with code 'not-confirmed' after the timeout", async () => {
    await push('P4.v8', 65);
    const v = await view();
    const sent = commands();
    // The cloud accepts the command (200) but no value is ever pushed back: the zombie fault drops every push.
    sim().faults.zombie(true);
    const err = await v.write('PARAM_P4_8', 72, { timeout: 300 }).catch((e: unknown) => e);
    expect(isCatalogError(err)).toBe(true);
    expect((err as { code?: string }).code).toBe('not-confirmed');
    expect(commands() - sent).toBe(1);
    expect(
      sim()
        .stats.requests.filter((r) => r.path.startsWith('/v1/module/command'))
        .at(-1)?.status,
    ).toBe(200);
    sim().faults.zombie(false);
    await push('P4.v8', 65);
  });

  it("an aborted write rejects with the signal's reason", async () => {
    await push('P4.v8', 65);
    const v = await view();
    const sent = commands();
    sim().faults.zombie(true); // nothing will confirm: only the abort can end the wait
    const ac = new AbortController();
    const reason = new Error('user navigated away');
    const pending = v.write('PARAM_P4_8', 73, { signal: ac.signal }).catch((e: unknown) => e);
    await until(() => commands() > sent, 'the command to reach the simulator');
    ac.abort(reason);
    expect(await pending).toBe(reason);
    sim().faults.zombie(false);
    await push('P4.v8', 65);
  });

  it('close() stops updates', async () => {
    const v = await view();
    let calls = 0;
    v.subscribe(() => calls++);
    const snap = v.getSnapshot();
    const resolutions = v.resolutions;
    v.close();
    const store = gw.params(boiler.devid);
    await push('P4.v1', (store.get('P4.v1') as number) + 3);
    await settle();
    expect(calls).toBe(1);
    expect(v.resolutions).toBe(resolutions);
    expect(v.getSnapshot()).toBe(snap);
  });
});
