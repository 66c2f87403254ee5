/**
 * The live stores as web frameworks use them (README, "In a web app"): `ParamStore` and the catalog's `ModuleView`
 * are Svelte stores and `useSyncExternalStore` sources. Contracts: `subscribe(cb)` calls `cb` at once and returns the
 * unsubscribe function; the snapshot object stays the same until a change; one notification per delta frame, not
 * per key. React renders both through `useSyncExternalStore` (react-dom/server), against a started gateway and the
 * simulator.
 */
import { createElement } from 'react';
import { useSyncExternalStore } from 'react';
import { renderToString } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../src/stores/memory.js';
import {
  type Catalog,
  type ModuleView,
  type ModuleViewSnapshot,
  createModuleView,
  loadCatalog,
} from '../../src/catalog/index.js';
import { BragerOneApiClient } from '../../src/client.js';
import { BragerOneGateway } from '../../src/live/gateway.js';
import type { ParamStore } from '../../src/live/param-store.js';
import type { Module } from '../../src/schemas/index.js';
import { DEMO, useSimulator } from '../helpers/sim.js';
import { until } from '../helpers/wait.js';

const sim = useSimulator();
const OBJECT_ID = 1201;

let gw: BragerOneGateway;
let catalog: Catalog;
let boiler: Module;
let view: ModuleView;

beforeAll(async () => {
  const api = new BragerOneApiClient({ server: sim().server, tokenStore: new MemoryTokenStore(), logLevel: 'silent' });
  await api.ensureAuth(DEMO.email, DEMO.password);
  const modules = await api.getModules(OBJECT_ID);
  boiler = modules.find((m) => m.deviceMenu === 0) as Module;
  gw = new BragerOneGateway({
    api,
    ownsApi: true,
    objectId: OBJECT_ID,
    modules: [boiler.devid],
    connectivityPollInterval: 0,
  });
  await gw.start();
  await gw.waitForPrime(5_000);
  catalog = await loadCatalog({ api, persist: false });
  view = await createModuleView({
    catalog,
    gateway: gw,
    devid: boiler.devid,
    deviceMenu: boiler.deviceMenu,
    permissions: boiler.permissions,
  });
  await until(
    () =>
      sim()
        .sockets()
        .some((s) => s.listening.includes(boiler.devid)),
    'socket listening',
    10_000,
  );
});

afterAll(async () => {
  view?.close();
  await gw?.stop();
});

/** Svelte's `get(store)`: subscribe, take the synchronous first value, unsubscribe. */
function svelteGet<T>(store: { subscribe(cb: (v: T) => void): () => void }): T {
  let value: T | undefined;
  let called = 0;
  const unsub = store.subscribe((v) => {
    value = v;
    called++;
  });
  expect(typeof unsub).toBe('function');
  unsub();
  expect(called).toBe(1);
  return value as T;
}

/** The README's React hook, for any of the two stores. */
function useStore<T>(store: { subscribe(cb: (v: T) => void): () => void; getSnapshot(): T }): T {
  return useSyncExternalStore(
    (onChange) => store.subscribe(() => onChange()),
    () => store.getSnapshot(),
    () => store.getSnapshot(),
  );
}

describe('ParamStore as a framework store', () => {
  const store = (): ParamStore => gw.params(boiler.devid);

  it('Svelte: subscribe calls back at once with the snapshot and returns the unsubscribe function', () => {
    const snap = svelteGet(store());
    expect(snap).toBe(store().getSnapshot());
    expect(snap['P4.v1']).toBeTypeOf('number');
  });

  it('the snapshot object stays the same until a change, then one notification per delta frame', async () => {
    const s = store();
    const first = s.getSnapshot();
    expect(s.getSnapshot()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const seen: Array<Readonly<Record<string, unknown>>> = [];
    const unsub = s.subscribe((v) => seen.push(v));
    expect(seen).toEqual([first]); // at once

    // A real pushed delta from the simulator: one notification, a new snapshot, stable again afterwards.
    const before = Number(s.get('P4.v5'));
    sim().setParam(boiler.devid, 'P4.v5', before + 7);
    await until(() => seen.length >= 2, 'notified', 10_000);
    const second = s.getSnapshot();
    expect(second).not.toBe(first);
    expect(seen[1]).toBe(second);
    expect(second['P4.v5']).toBe(before + 7);
    expect(s.getSnapshot()).toBe(second);
    // A fence: the next frame on the same socket. Its notification comes right after the first one, so an extra
    // (wrong) notification for the first frame would sit between them.
    const fence = Number(s.get('P4.v6')) + 1;
    sim().setParam(boiler.devid, 'P4.v6', fence);
    await until(() => seen.length >= 3, 'the fence frame notified', 10_000);
    expect(seen.length).toBe(3);
    expect(seen[2]?.['P4.v6']).toBe(fence);
    expect(seen[1]?.['P4.v6']).not.toBe(fence);

    // One frame touching several keys (a prime-shaped payload): still one notification, not one per key.
    s.ingestPrimePayload({ [boiler.devid]: { P4: { v5: before + 8, v6: 77, v4: 12 } } });
    await Promise.resolve();
    await Promise.resolve();
    expect(seen.length).toBe(4);
    expect(seen[3]).toMatchObject({ 'P4.v5': before + 8, 'P4.v6': 77, 'P4.v4': 12 });

    // A frame that changes nothing: no notification, same snapshot.
    const third = s.getSnapshot();
    s.ingestPrimePayload({ [boiler.devid]: { P4: { v6: 77 } } });
    await Promise.resolve();
    expect(seen.length).toBe(4);
    expect(s.getSnapshot()).toBe(third);

    unsub();
    s.ingestPrimePayload({ [boiler.devid]: { P4: { v6: 78 } } });
    await Promise.resolve();
    expect(seen.length).toBe(4);
  });

  it('React: useSyncExternalStore renders the store (react-dom/server)', () => {
    const s = store();
    const Reading = () => createElement('output', null, String(useStore(s)['P4.v6']));
    expect(renderToString(createElement(Reading))).toBe(`<output>${String(s.get('P4.v6'))}</output>`);
  });
});

describe('ModuleView as a framework store', () => {
  it('Svelte: at once; the snapshot stays the same until a change; one notification per delta frame', async () => {
    const first = svelteGet<ModuleViewSnapshot>(view);
    expect(first).toBe(view.getSnapshot());
    expect(view.getSnapshot()).toBe(first);
    const seen: ModuleViewSnapshot[] = [];
    const unsub = view.subscribe((v) => seen.push(v));
    expect(seen).toEqual([first]);

    // One frame touching three parameters of the view → one notification with all three re-resolved.
    gw.params(boiler.devid).ingestPrimePayload({ [boiler.devid]: { P4: { v1: 640, v4: 20, v5: 150 } } });
    await until(() => seen.length >= 2, 'notified', 5_000);
    const byLabel = Object.fromEntries(
      seen[1]?.panels.flatMap((p) => p.parameters).map((p) => [p.symbol, p.value]) ?? [],
    );
    expect(byLabel).toMatchObject({ PARAM_P4_1: 64, PARAM_P4_4: 2, PARAM_P4_5: 15 });
    expect(view.getSnapshot()).toBe(seen[1]);
    // A fence frame: its notification is the very next one, so the first frame notified exactly once.
    gw.params(boiler.devid).ingestPrimePayload({ [boiler.devid]: { P4: { v1: 650 } } });
    await until(() => seen.length >= 3, 'the fence frame notified', 5_000);
    expect(seen.length).toBe(3);
    const fenced = Object.fromEntries(
      seen[2]?.panels.flatMap((p) => p.parameters).map((p) => [p.symbol, p.value]) ?? [],
    );
    expect(fenced).toMatchObject({ PARAM_P4_1: 65, PARAM_P4_4: 2, PARAM_P4_5: 15 });
    expect(view.getSnapshot()).toBe(seen[2]);
    // A key no parameter of the view depends on: no notification.
    gw.params(boiler.devid).ingestPrimePayload({ [boiler.devid]: { P9: { v99: 1 } } });
    await Promise.resolve();
    await Promise.resolve();
    expect(seen.length).toBe(3);
    unsub();
  });

  it('React: useSyncExternalStore renders labels, display values and units (react-dom/server)', () => {
    const Panels = () => {
      const { panels } = useStore(view);
      return createElement(
        'dl',
        null,
        panels[0]?.parameters
          .filter((p) => p.symbol === 'PARAM_P4_1')
          .map((p) =>
            createElement(
              'div',
              { key: p.symbol },
              createElement('dt', null, p.label),
              createElement('dd', null, `${String(p.value)} ${p.unit ?? ''}`),
            ),
          ),
      );
    };
    const html = renderToString(createElement(Panels));
    expect(html).toContain('<dt>Temperatura kotła</dt>');
    expect(html).toMatch(/<dd>\d+(\.\d+)? °C<\/dd>/);
  });
});
