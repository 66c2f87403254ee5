/**
 * A boiler dashboard on the SDK: login (IndexedDbTokenStore), objects → modules → the module's catalog panels,
 * live values, status indicators, a 10-minute temperature chart, safe setpoint writes, connection state, pl/en.
 * Every text from the cloud or the web app's assets is set with `textContent`; nothing is parsed as HTML.
 */
import 'uplot/dist/uPlot.min.css';
import './style.css';
import {
  type BragerObject,
  BragerOneApiClient,
  BragerOneGateway,
  type Credentials,
  IndexedDbCacheAdapter,
  IndexedDbTokenStore,
  type Module,
  defineServer,
  isApiError,
  isNetworkError,
  isTimeoutError,
} from 'bragerone';
import {
  type Catalog,
  type LiveParameter,
  type ModuleView,
  type ModuleViewSnapshot,
  createModuleView,
  isCatalogError,
  loadCatalog,
} from 'bragerone/catalog';
import { TemperatureChart } from './chart.js';
import { type TextKey, setTextLanguage, t } from './i18n.js';

// ——— the SDK, against the cloud this page is served from (the simulator), or another base: ?api=<url>, else
// <html data-api="<url>"> (set when deploying, no rebuild), else this page's own origin. A relay (bragerone/relay)
// is such a base: the REST API, the socket and the web app's assets are all read from it. ———
const query = new URLSearchParams(location.search);
const apiGiven = (query.get('api') ?? document.documentElement.dataset.api ?? '').trim().replace(/\/+$/, '');
let apiOrigin = location.origin;
/** Why the API base given could not be used (shown on the page instead of signing in). */
let apiProblem = '';
if (apiGiven) {
  try {
    defineServer({ ioBase: apiGiven }); // an http(s) base without /v1, else a clear error
    apiOrigin = apiGiven;
  } catch (e) {
    apiProblem = e instanceof Error ? e.message : String(e);
  }
}
/** The simulator runs on this machine; the real cloud never does. Only then the demo account is prefilled. */
const local = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(apiOrigin).hostname);

const tokenStore = new IndexedDbTokenStore();
let creds: Credentials | null = null;
const client = new BragerOneApiClient({
  server: defineServer({ ioBase: apiOrigin }),
  tokenStore,
  cache: new IndexedDbCacheAdapter(), // HTTP cache of the web app's assets and the catalog snapshot
  credsProvider: () => {
    if (creds) return creds;
    throw new Error('not signed in');
  },
});

// ——— DOM ———
const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const ui = {
  status: $('status'),
  login: $<HTMLFormElement>('login'),
  email: $<HTMLInputElement>('email'),
  password: $<HTMLInputElement>('password'),
  loginError: $('login-error'),
  nav: $('nav'),
  objects: $('objects'),
  module: $('module'),
  moduleTitle: $('module-title'),
  back: $<HTMLButtonElement>('back'),
  panels: $('panels'),
  chart: $('chart'),
  legend: $('legend'),
  socket: $('socket-state'),
  moduleState: $('module-state'),
  lang: $<HTMLSelectElement>('lang'),
  logout: $<HTMLButtonElement>('logout'),
};

/** Creates an element whose text is set with textContent (never HTML). */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function show(screen: 'login' | 'nav' | 'module' | 'loading'): void {
  document.body.dataset.screen = screen;
  ui.login.hidden = screen !== 'login';
  ui.nav.hidden = screen !== 'nav';
  ui.module.hidden = screen !== 'module';
  ui.logout.hidden = screen === 'login' || screen === 'loading';
  ui.moduleState.hidden = screen !== 'module';
}

function status(text: string): void {
  ui.status.textContent = text;
}

// ——— state ———
let baseCatalog: Catalog | null = null;
let catalog: Catalog | null = null;
let lang = localStorage.getItem('dashboard.lang') ?? '';
let objects: Array<{ object: BragerObject; modules: Module[] }> = [];
let gateway: BragerOneGateway | null = null;
let gatewayObject: number | null = null;
let gatewayOffs: Array<() => void> = [];
let view: ModuleView | null = null;
let viewOff: (() => void) | null = null;
let current: { object: BragerObject; module: Module } | null = null;
let chart: TemperatureChart | null = null;
let socketState: 'up' | 'reconnecting' | 'down' = 'down';

/** For the browser test and for poking around in devtools. */
const debug = {
  get view() {
    return view;
  },
  get gateway() {
    return gateway;
  },
  get chartRows() {
    return chart?.rows ?? 0;
  },
};
(window as unknown as { dashboard: typeof debug }).dashboard = debug;

function applyTexts(): void {
  for (const node of document.querySelectorAll<HTMLElement>('[data-t]'))
    node.textContent = t(node.dataset.t as TextKey);
  renderSocket();
  renderModuleState();
}

function renderSocket(): void {
  ui.socket.dataset.state = socketState;
  ui.socket.textContent = `${t('socket')}: ${t(socketState)}`;
}

function renderModuleState(): void {
  const online = current && gateway ? gateway.moduleOnline(current.module.devid) : null;
  const s = online === null ? 'unknown' : online ? 'online' : 'offline';
  ui.moduleState.dataset.state = s;
  ui.moduleState.textContent = `${t('module')}: ${t(s)}`;
}

// ——— login / logout ———
async function boot(): Promise<void> {
  show('loading');
  applyTexts();
  if (apiProblem) {
    status(t('failed', { msg: apiProblem }));
    return;
  }
  if (local) {
    ui.email.value = 'demo@bragerone.local'; // the simulator's demo account
    ui.password.value = 'demo';
  }
  const stored = await tokenStore.load();
  if (stored) {
    try {
      await client.ensureAuth();
      await afterLogin();
      return;
    } catch {
      /* a stale token: sign in again */
    }
  }
  status('');
  show('login');
}

ui.login.addEventListener('submit', (ev) => {
  ev.preventDefault();
  void signIn();
});

async function signIn(): Promise<void> {
  ui.loginError.textContent = '';
  creds = { email: ui.email.value.trim(), password: ui.password.value };
  status(t('signingIn'));
  try {
    await client.ensureAuth(creds.email, creds.password);
    await afterLogin();
  } catch (e) {
    status('');
    ui.loginError.textContent = t('failed', { msg: errorText(e) });
    show('login');
  } finally {
    creds = null; // the password is not kept in memory
  }
}

ui.logout.addEventListener('click', () => void logout());

async function logout(): Promise<void> {
  closeView();
  await stopGateway();
  await client.revoke().catch(() => {});
  objects = [];
  status(t('signedOut'));
  show('login');
  ui.password.focus();
}

async function afterLogin(): Promise<void> {
  status(t('catalog'));
  if (!baseCatalog) {
    baseCatalog = await loadCatalog({ api: client });
    const codes = baseCatalog.languages();
    ui.lang.replaceChildren(
      ...codes.map((l) => {
        const o = el('option', l.label);
        o.value = l.code;
        return o;
      }),
    );
    if (!codes.some((l) => l.code === lang)) lang = baseCatalog.lang;
    ui.lang.value = lang;
    ui.lang.disabled = false;
  }
  setLanguage(lang);
  const list = await client.getObjects();
  objects = await Promise.all(list.map(async (object) => ({ object, modules: await client.getModules(object.id) })));
  renderNav();
  status(t('pickModule'));
  show('nav');
  ui.objects.querySelector('button')?.focus();
}

// ——— navigation ———
function moduleOnline(m: Module): boolean {
  const live = gateway?.modules.includes(m.devid) ? gateway.moduleOnline(m.devid) : null;
  return live ?? (typeof m.connectedAt === 'number' && m.connectedAt > 0);
}

function renderNav(): void {
  const items = objects.map(({ object, modules }) => {
    const li = el('li');
    li.append(el('h3', object.name ?? String(object.id)));
    const ul = el('ul', undefined, 'modules');
    if (modules.length === 0) ul.append(el('li', t('noModules')));
    for (const m of modules) {
      const item = el('li');
      const btn = el('button', undefined, 'module-button');
      btn.type = 'button';
      btn.dataset.devid = m.devid;
      const online = moduleOnline(m);
      const dot = el('span', undefined, 'dot');
      dot.dataset.on = String(online);
      dot.setAttribute('aria-hidden', 'true');
      btn.append(
        dot,
        el('span', m.name ?? m.devid, 'name'),
        el('span', `${m.devid} · ${t(online ? 'online' : 'offline')}`, 'sub'),
      );
      btn.addEventListener('click', () => void openModule(object, m));
      item.append(btn);
      ul.append(item);
    }
    li.append(ul);
    return li;
  });
  ui.objects.replaceChildren(...items);
}

ui.back.addEventListener('click', () => {
  closeView();
  current = null;
  renderNav();
  status(t('pickModule'));
  show('nav');
  ui.objects.querySelector<HTMLButtonElement>('button')?.focus();
});

async function ensureGateway(object: BragerObject, modules: Module[]): Promise<BragerOneGateway> {
  if (gateway && gatewayObject === object.id) return gateway;
  await stopGateway();
  const gw = new BragerOneGateway({ api: client, objectId: object.id, modules: modules.map((m) => m.devid) });
  gateway = gw;
  gatewayObject = object.id;
  socketState = 'reconnecting';
  renderSocket();
  gatewayOffs.push(
    gw.onModuleConnectivity(() => renderModuleState()),
    gw.onCloudSession(() => syncSocket()),
  );
  await gw.start(); // REST prime, socket, bind, deltas into gw.params(devid)
  const rt = gw.realtime();
  if (rt) gatewayOffs.push(rt.onStateChange(() => syncSocket()));
  syncSocket();
  return gw;
}

function syncSocket(): void {
  const rt = gateway?.realtime();
  const state = rt?.state ?? 'idle';
  socketState =
    state === 'connected' ? 'up' : state === 'connecting' || state === 'reconnecting' ? 'reconnecting' : 'down';
  renderSocket();
}

async function stopGateway(): Promise<void> {
  for (const off of gatewayOffs) off();
  gatewayOffs = [];
  const gw = gateway;
  gateway = null;
  gatewayObject = null;
  if (gw) await gw.stop().catch(() => {});
  socketState = 'down';
  renderSocket();
}

// ——— the module view ———
async function openModule(object: BragerObject, module: Module): Promise<void> {
  closeView();
  current = { object, module };
  status(t('connecting'));
  try {
    const mods = objects.find((o) => o.object.id === object.id)?.modules ?? [module];
    const gw = await ensureGateway(object, mods);
    await startView(gw);
    show('module');
    ui.moduleTitle.focus();
  } catch (e) {
    status(t('failed', { msg: errorText(e) }));
  }
}

async function startView(gw: BragerOneGateway): Promise<void> {
  if (!current || !catalog) return;
  const { module } = current;
  const v = await createModuleView({
    catalog,
    gateway: gw,
    devid: module.devid,
    deviceMenu: module.deviceMenu,
    permissions: module.permissions,
  });
  view = v;
  ui.moduleTitle.textContent = module.name ?? module.devid;
  ui.moduleTitle.tabIndex = -1;
  chart ??= new TemperatureChart(ui.chart, ui.legend);
  rows.clear();
  layout = '';
  viewOff = v.subscribe((snap) => render(snap));
  renderModuleState();
  status(`${t('live')} · ${module.name ?? module.devid}`);
}

function closeView(): void {
  viewOff?.();
  viewOff = null;
  view?.close();
  view = null;
  chart?.destroy();
  chart = null;
  ui.panels.replaceChildren();
  ui.legend.replaceChildren();
}

// ——— rendering (rows are built once per layout and then updated in place: focus and typing survive deltas) ———
interface Row {
  update(p: LiveParameter): void;
}
const rows = new Map<string, Row>();
let layout = '';

const isTemperature = (p: LiveParameter): boolean => p.componentType === 'TEMPERATURE' || /°\s?[CF]/.test(p.unit ?? '');
const isIndicator = (p: LiveParameter): boolean => p.componentType === 'DIODE';
const isSetpoint = (p: LiveParameter): boolean =>
  p.writable && typeof p.value === 'number' && p.min !== null && p.max !== null && !p.options;

function display(p: LiveParameter): string {
  if (p.valueLabel) return p.valueLabel;
  if (p.value === null || p.value === undefined) return '—';
  return String(p.value);
}

function unitText(p: LiveParameter): string {
  return p.valueLabel ? '' : (p.unit ?? '').trim();
}

function indicatorOn(p: LiveParameter): boolean {
  const v = p.value;
  if (v === null || v === false || v === 0) return false;
  return !(typeof v === 'string' && /(^|\.)off$/i.test(v.trim()));
}

function render(snap: ModuleViewSnapshot): void {
  const sig = `${snap.lang}|${snap.panels.map((p) => `${p.title}:${p.parameters.map((q) => q.symbol).join(',')}`).join('|')}`;
  if (sig !== layout) {
    layout = sig;
    buildPanels(snap);
  }
  const temps = new Map<string, number | null>();
  const series = [];
  for (const panel of snap.panels) {
    for (const p of panel.parameters) {
      rows.get(p.symbol)?.update(p);
      if (isTemperature(p) && !temps.has(p.symbol)) {
        temps.set(p.symbol, typeof p.value === 'number' ? p.value : null);
        series.push({ symbol: p.symbol, label: p.label ?? p.symbol, unit: (p.unit ?? '').trim() });
      }
    }
  }
  chart?.setSeries(series);
  chart?.push(Date.now(), temps);
}

function buildPanels(snap: ModuleViewSnapshot): void {
  rows.clear();
  const sections = snap.panels.map((panel, i) => {
    const section = el('section', undefined, 'card panel');
    const h = el('h3', panel.title);
    h.id = `panel-${i}`;
    section.setAttribute('aria-labelledby', h.id);
    const list = el('dl', undefined, 'params');
    for (const p of panel.parameters) {
      if (rows.has(p.symbol)) continue;
      const row = isSetpoint(p) ? setpointRow(p) : isIndicator(p) ? indicatorRow(p) : valueRow(p);
      list.append(row.node);
      rows.set(p.symbol, row);
    }
    section.append(h, list);
    return section;
  });
  ui.panels.replaceChildren(...sections);
}

function rowShell(p: LiveParameter, kind: string): { node: HTMLDivElement; label: HTMLElement; value: HTMLElement } {
  const node = el('div', undefined, `param ${kind}`);
  node.dataset.symbol = p.symbol;
  const label = el('dt', p.label ?? p.symbol, 'label');
  const value = el('dd', undefined, 'value');
  node.append(label, value);
  return { node, label, value };
}

function valueRow(p: LiveParameter): Row & { node: HTMLElement } {
  const { node, label, value } = rowShell(p, 'reading');
  const num = el('span', undefined, 'num');
  const unit = el('span', undefined, 'unit');
  value.append(num, unit);
  const update = (q: LiveParameter) => {
    label.textContent = q.label ?? q.symbol;
    num.textContent = display(q);
    unit.textContent = unitText(q);
  };
  update(p);
  return { node, update };
}

function indicatorRow(p: LiveParameter): Row & { node: HTMLElement } {
  const { node, label, value } = rowShell(p, 'indicator');
  const dot = el('span', undefined, 'dot');
  dot.setAttribute('aria-hidden', 'true');
  const text = el('span', undefined, 'num');
  value.append(dot, text);
  const update = (q: LiveParameter) => {
    const on = indicatorOn(q);
    label.textContent = q.label ?? q.symbol;
    dot.dataset.on = String(on);
    node.dataset.on = String(on);
    text.textContent = display(q);
  };
  update(p);
  return { node, update };
}

function setpointRow(p: LiveParameter): Row & { node: HTMLElement } {
  const { node, label, value } = rowShell(p, 'setpoint');
  const current = el('span', undefined, 'num');
  const unit = el('span', undefined, 'unit');
  const form = el('form', undefined, 'setpoint-form');
  form.noValidate = true; // the catalog checks limits and step and says why (the browser's bubble would just block)
  const range = el('input');
  range.type = 'range';
  const num = el('input');
  num.type = 'number';
  num.inputMode = 'decimal';
  const id = `sp-${p.symbol}`;
  num.id = id;
  const numLabel = el('label', undefined, 'sr-only');
  numLabel.htmlFor = id;
  const btn = el('button', t('set'));
  btn.type = 'submit';
  const state = el('span', undefined, 'write-state');
  state.setAttribute('role', 'status');
  state.setAttribute('aria-live', 'polite');
  state.dataset.state = 'idle';
  form.append(numLabel, range, num, btn);
  const now = el('span', undefined, 'reading-now');
  now.append(current, unit);
  value.append(now, form, state);
  let editing = false;
  let latest = p;
  range.addEventListener('input', () => {
    editing = true;
    num.value = range.value;
  });
  num.addEventListener('input', () => {
    editing = true;
    range.value = num.value;
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void submit();
  });

  const setState = (s: 'idle' | 'pending' | 'confirmed' | 'error', text: string) => {
    state.dataset.state = s;
    state.textContent = text;
    node.dataset.write = s;
  };

  async function submit(): Promise<void> {
    const v = view;
    if (!v) return;
    const raw = num.value.trim();
    const n = raw === '' ? Number.NaN : Number(raw);
    if (gateway && gateway.moduleOnline(v.devid) === false) {
      setState('error', t('offlineError'));
      return;
    }
    setState('pending', t('pending'));
    btn.disabled = true;
    try {
      // prepareWrite (limits and step checked, nothing sent on error) → moduleCommand → the pushed value comes back
      const out = await v.write(latest.symbol, Number.isNaN(n) ? raw : n);
      editing = false;
      setState('confirmed', t(out.state === 'confirmed' ? 'confirmed' : 'accepted'));
      update(out.parameter);
    } catch (e) {
      setState('error', writeErrorText(e, latest));
    } finally {
      btn.disabled = false;
    }
  }

  function update(q: LiveParameter): void {
    latest = q;
    label.textContent = q.label ?? q.symbol;
    numLabel.textContent = t('setpointOf', { label: q.label ?? q.symbol });
    range.setAttribute('aria-label', q.label ?? q.symbol);
    current.textContent = display(q);
    unit.textContent = unitText(q);
    btn.textContent = t('set');
    const step = q.step ?? 1;
    for (const input of [range, num]) {
      input.min = String(q.min);
      input.max = String(q.max);
      input.step = String(step);
    }
    if (!editing && node.dataset.write !== 'pending' && typeof q.value === 'number') {
      range.value = String(q.value);
      num.value = String(q.value);
    }
  }
  update(p);
  return { node, update };
}

function writeErrorText(e: unknown, p: LiveParameter): string {
  if (isCatalogError(e)) {
    const unit = (p.unit ?? '').trim();
    switch (e.code) {
      case 'out-of-range':
        return t('outOfRange', { min: String(p.min), max: String(p.max), unit: unit ? ` ${unit}` : '' });
      case 'not-a-number':
      case 'invalid-value':
        return t('notANumber');
      case 'not-confirmed':
        return t('timeout');
      case 'not-writable':
        return t('notPermitted');
      default:
        return t('failed', { msg: e.message });
    }
  }
  if (isApiError(e)) {
    if (e.status === 401 || e.status === 403) return t('notPermitted');
    if (e.status === 408) return t('offlineError');
  }
  if (isTimeoutError(e)) return t('timeout');
  if (isNetworkError(e)) return t('network', { msg: e.message });
  return t('failed', { msg: errorText(e) });
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// ——— language ———
function setLanguage(code: string): void {
  if (!baseCatalog) return;
  lang = code;
  localStorage.setItem('dashboard.lang', code);
  catalog = code === baseCatalog.lang ? baseCatalog : baseCatalog.withLanguage(code);
  document.documentElement.lang = code;
  setTextLanguage(code);
  applyTexts();
}

ui.lang.addEventListener('change', () => void switchLanguage(ui.lang.value));

async function switchLanguage(code: string): Promise<void> {
  setLanguage(code);
  if (document.body.dataset.screen === 'nav') renderNav();
  if (current && gateway && view) {
    viewOff?.();
    view.close();
    view = null;
    try {
      await startView(gateway);
    } catch (e) {
      status(t('failed', { msg: errorText(e) }));
    }
  }
}

// Theme: CSS follows the system; the chart's canvas colours are rebuilt when it changes.
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => chart?.restyle());
addEventListener('pagehide', () => {
  closeView();
  void gateway?.stop();
});

void boot().catch((e: unknown) => {
  status(t('failed', { msg: errorText(e) }));
  show('login');
});
