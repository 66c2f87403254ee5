import type { SimContext } from './context.js';
import type { ModuleModel } from './data.js';
import { type ParamAddress, parseKey } from './params.js';
import type { JsonValue } from './types.js';

/** Small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Changes = Array<[ParamAddress, JsonValue]>;

function setBit(mask: number, bit: number, on: boolean): number {
  return on ? mask | (1 << bit) : mask & ~(1 << bit);
}

function bit(mask: number, b: number): boolean {
  return ((mask >> b) & 1) === 1;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** Drifts module parameters plausibly on a timer; one delta frame per module and tick. */
export class Plant {
  #timer: NodeJS.Timeout | null = null;
  readonly #rand: () => number;
  /** Clock reading when the plant was created: the phase origin of the outside-temperature sine. */
  readonly #t0: number;
  /** Outside temperature of each module at its first tick: the sine's centre, so the series starts there. */
  readonly #outsideBase = new Map<string, number>();

  /** Creates a stopped plant. */
  readonly #ctx: SimContext;

  constructor(ctx: SimContext) {
    this.#ctx = ctx;
    this.#rand = prng(ctx.opts.seed);
    this.#t0 = ctx.opts.now();
  }

  /** Starts ticking every `tickInterval` ms (no-op when 0). The timer is unref'd. */
  start(): void {
    const ms = this.#ctx.opts.tickInterval;
    if (ms <= 0 || this.#timer) return;
    this.#timer = setInterval(() => this.tick(), ms);
    this.#timer.unref();
  }

  /** Stops ticking. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Advances every online module by one step and pushes the changes. */
  tick(): void {
    for (const m of this.#ctx.world.modules.values()) {
      if (m.connectedAt === 0 || m.plant === 'none') continue;
      const changes = m.plant === 'boiler' ? this.#boiler(m) : this.#mixer(m);
      if (changes.length > 0) this.#ctx.applyValues(m.devid, changes);
    }
  }

  /**
   * Outside temperature (tenths of °C): a slow 10-minute sine of ±6 °C around the module's first value (3.5 °C in the
   * demo), starting at that value, so the series is continuous from its first reading (≤ 0.1 °C per second).
   */
  #outside(m: ModuleModel): number {
    let base = this.#outsideBase.get(m.devid);
    if (base === undefined) {
      base = m.params.num('P4.v4', 35);
      this.#outsideBase.set(m.devid, base);
    }
    const t = (this.#ctx.opts.now() - this.#t0) / 600_000;
    return Math.round(base + 60 * Math.sin(2 * Math.PI * t));
  }

  #noise(n: number): number {
    return Math.floor(this.#rand() * (n + 1));
  }

  #boiler(m: ModuleModel): Changes {
    const p = m.params;
    const { out, put } = changeList();
    let s = p.num('P5.s0', 0);
    const mode = p.num('P6.v0', 1);
    const temp = p.num('P4.v1', 600);
    const sp = p.num('P4.v8', 65) * 10;
    const burner = mode !== 0 && twoPoint(bit(s, 3), temp, sp + 20, sp - 50);
    const nextTemp = clamp(temp + (burner ? 3 + this.#noise(3) : -(1 + this.#noise(1))), 100, 950);
    s = setBit(s, 3, burner);
    s = setBit(s, 0, bit(s, 0) ? nextTemp >= 380 : nextTemp >= 400);
    const dhw = p.num('P4.v3', 480);
    const dsp = p.num('P4.v9', 50) * 10;
    // in mode 0 the DHW pump may still finish a run, but never starts one
    const dhwPump = twoPoint(bit(s, 1), dhw, dsp, mode === 0 ? Number.NEGATIVE_INFINITY : dsp - 50);
    s = setBit(s, 1, dhwPump);
    put('P4.v1', nextTemp);
    put('P4.v3', clamp(dhw + (dhwPump ? 2 + this.#noise(1) : this.#rand() < 0.3 ? -1 : 0), 50, 800));
    put('P4.v4', this.#outside(m));
    const flue = p.num('P4.v5', 1400);
    put('P4.v5', Math.round(flue + ((burner ? 1400 : 400) - flue) * 0.05));
    put('P4.v6', 127 + Math.round(nextTemp / 10) - (burner ? 12 : 6)); // return: 6–12 °C below the boiler
    put('P5.s0', s);
    const fan = burner ? 35 + this.#noise(10) : 0;
    put('P6.v1', fan);
    put('P4.v14', fan * 5); // burner power in tenths of kW (40 % fan → 20.0 kW)
    const fuel = p.num('P4.v12', 70);
    if (burner && this.#rand() < 0.02) {
      put('P4.v12', fuel <= 0 ? 100 : fuel - 1);
      put('P4.v13', p.num('P4.v13', 0) + 1);
    }
    return out;
  }

  #mixer(m: ModuleModel): Changes {
    const p = m.params;
    const room = p.num('P4.v2', 210);
    const sp = p.num('P4.v8', 215);
    const status = p.num('P5.s0', 0);
    const pump = p.num('P6.v0', 1) !== 0 && twoPoint(bit(status, 0), room, sp + 5, sp - 5);
    const s = setBit(status, 0, pump);
    const { out, put } = changeList();
    const flow = p.num('P4.v1', 380);
    const target = pump ? 450 : 250;
    put('P4.v1', Math.round(flow + Math.sign(target - flow) * Math.min(Math.abs(target - flow), 2 + this.#noise(2))));
    put('P4.v2', clamp(room + (this.#rand() < 0.3 ? (pump ? 1 : -1) : 0), 50, 350));
    put('P4.v4', this.#outside(m));
    put('P5.s0', s);
    return out;
  }

  /** Silently bumps a few numeric `v` values of a module (for the memory-updated event). */
  silentChange(devid: string): void {
    const m = this.#ctx.module(devid);
    const values = m.params.values();
    const changes: Changes = [];
    for (const [key, v] of Object.entries(values)) {
      const addr = parseKey(key);
      if (addr?.chanIdx.startsWith('v') && typeof v === 'number') changes.push([addr, v + 1]);
      if (changes.length >= 3) break;
    }
    this.#ctx.applyValues(devid, changes, true);
  }
}

/** A two-point (hysteresis) controller: off at or above `offAt`, on at or below `onAt`, else unchanged. */
function twoPoint(on: boolean, value: number, offAt: number, onAt: number): boolean {
  if (on && value >= offAt) return false;
  if (!on && value <= onAt) return true;
  return on;
}

/** A list of value changes and `put(key, value)` that appends to it. */
function changeList(): { out: Changes; put: (key: string, v: number) => void } {
  const out: Changes = [];
  return { out, put: (key, v) => void out.push([parseKey(key) as ParamAddress, v]) };
}
