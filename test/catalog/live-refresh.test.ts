/**
 * A module view survives a web-app release: after `catalog.refresh()` swaps in a new build (which drops every loaded
 * map, text and write flag), the view loads what its panels need from the new build and resolves again. Found by the
 * soak (test/reliability/soak.test.ts): before, the next delta resolved against the empty new build and the view
 * showed symbol names as labels and no units.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../src/stores/memory.js';
import { type ModuleViewSnapshot, loadCatalog } from '../../src/catalog/index.js';
import { createModuleView } from '../../src/catalog/live.js';
import { BragerOneApiClient } from '../../src/client.js';
import { BragerOneGateway } from '../../src/live/gateway.js';
import { DEMO_MODULES, DEMO_OBJECT_ID } from '../../src/simulator/index.js';
import { DEMO, useSimulator } from '../helpers/sim.js';
import { until } from '../helpers/wait.js';

const sim = useSimulator();
const DEVID = DEMO_MODULES[0] as string;
let gw: BragerOneGateway;

beforeAll(async () => {
  const api = new BragerOneApiClient({ server: sim().server, tokenStore: new MemoryTokenStore(), logLevel: 'silent' });
  await api.ensureAuth(DEMO.email, DEMO.password);
  gw = new BragerOneGateway({
    api,
    ownsApi: true,
    objectId: DEMO_OBJECT_ID,
    modules: [DEVID],
    connectivityPollInterval: 0,
  });
  await gw.start();
});
afterAll(async () => {
  await gw?.stop();
});

function find(s: ModuleViewSnapshot, symbol: string) {
  for (const p of s.panels) for (const x of p.parameters) if (x.symbol === symbol) return x;
  return undefined;
}

it('after a new build is applied, the view shows its labels with units and write flags, and live values keep flowing', async () => {
  const catalog = await loadCatalog({ api: gw.api, lang: 'en', persist: false });
  const view = await createModuleView({ catalog, gateway: gw, devid: DEVID, deviceMenu: 0 });
  const closed = await createModuleView({ catalog, gateway: gw, devid: DEVID, deviceMenu: 0 });
  closed.close();
  const closedSnapshot = closed.getSnapshot();
  const before = find(view.getSnapshot(), 'PARAM_P4_8');
  expect(before).toMatchObject({ label: 'Boiler set-point', unit: '°C', writable: true });
  const seen: ModuleViewSnapshot[] = [];
  view.subscribe((s) => seen.push(s));

  sim().webApp.publish({
    labels: { PARAM_P4_8: { en: 'Boiler set-point (new build)', pl: 'Temperatura zadana (nowa)' } },
  });
  const change = await catalog.refresh();
  expect(change?.applied).toBe(true);
  await until(
    () => find(view.getSnapshot(), 'PARAM_P4_8')?.label === 'Boiler set-point (new build)',
    'the new build’s label in the view',
  );
  const after = view.getSnapshot();
  expect(find(after, 'PARAM_P4_8')).toMatchObject({ unit: '°C', writable: true, value: before?.value });
  expect(find(after, 'PARAM_P4_1')).toMatchObject({ label: 'Boiler temperature', unit: '°C' });
  expect(after.panels.map((p) => p.title)).toEqual(view.getSnapshot().panels.map((p) => p.title));
  expect(seen.at(-1)).toBe(after); // subscribers heard about it

  // deltas after the swap resolve with the new build's maps (a display transform, not the raw value)
  sim().setParam(DEVID, 'P4.v1', 655);
  await until(() => find(view.getSnapshot(), 'PARAM_P4_1')?.value === 65.5, 'P4.v1 = 655 shown as 65.5 °C');
  expect(find(view.getSnapshot(), 'PARAM_P4_1')?.unit).toBe('°C');
  expect(closed.getSnapshot()).toBe(closedSnapshot); // a closed view does not reload
  view.close();
});
