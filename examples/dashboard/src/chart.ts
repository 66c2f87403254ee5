/**
 * The last 10 minutes of temperature-like values, fed by the view's snapshots (one per delta frame), drawn by uPlot.
 * Memory is bounded: rows older than the window are dropped, rows closer than `minGap` overwrite the last one, and
 * at most `maxRows` rows are kept.
 */
import uPlot from 'uplot';

export interface ChartSeries {
  symbol: string;
  label: string;
  unit: string;
}

const COLORS = ['#d9480f', '#1c7ed6', '#2b8a3e', '#ae3ec9', '#e67700', '#0b7285', '#c2255c', '#5f3dc4'];

export class TemperatureChart {
  readonly #el: HTMLElement;
  readonly #legend: HTMLElement;
  readonly #windowMs: number;
  readonly #maxRows: number;
  readonly #minGap: number;
  #series: ChartSeries[] = [];
  /** Time (ms) of each row and the value of each series symbol at that time. */
  #times: number[] = [];
  #values = new Map<string, Array<number | null>>();
  #plot: uPlot | null = null;
  #resize: ResizeObserver | null = null;

  constructor(
    el: HTMLElement,
    legend: HTMLElement,
    opts: { windowMs?: number; maxRows?: number; minGap?: number } = {},
  ) {
    this.#el = el;
    this.#legend = legend;
    this.#windowMs = opts.windowMs ?? 10 * 60_000;
    this.#maxRows = opts.maxRows ?? 600;
    this.#minGap = opts.minGap ?? 1000;
  }

  /** Rows held in memory (bounded by the window and `maxRows`). */
  get rows(): number {
    return this.#times.length;
  }

  /** Sets the series (labels may change with the language; history of a symbol is kept). */
  setSeries(series: ChartSeries[]): void {
    const same =
      series.length === this.#series.length &&
      series.every((s, i) => {
        const o = this.#series[i];
        return o !== undefined && o.symbol === s.symbol && o.label === s.label && o.unit === s.unit;
      });
    if (same) return;
    this.#series = series;
    for (const s of series)
      if (!this.#values.has(s.symbol))
        this.#values.set(
          s.symbol,
          this.#times.map(() => null),
        );
    for (const k of [...this.#values.keys()]) if (!series.some((s) => s.symbol === k)) this.#values.delete(k);
    this.#renderLegend();
    this.#build();
  }

  /** Adds the current values (one row per snapshot, coalesced within `minGap`). */
  push(now: number, values: ReadonlyMap<string, number | null>): void {
    const last = this.#times.length - 1;
    const overwrite = last >= 0 && now - (this.#times[last] as number) < this.#minGap;
    if (!overwrite) this.#times.push(now);
    const at = overwrite ? last : this.#times.length - 1;
    for (const s of this.#series) {
      const col = this.#values.get(s.symbol) as Array<number | null>;
      col[at] = values.get(s.symbol) ?? null;
    }
    // Bounds: the window, then the row cap.
    let drop = 0;
    while (
      drop < this.#times.length &&
      (now - (this.#times[drop] as number) > this.#windowMs || this.#times.length - drop > this.#maxRows)
    )
      drop++;
    if (drop > 0) {
      this.#times.splice(0, drop);
      for (const col of this.#values.values()) col.splice(0, drop);
    }
    this.#el.dataset.rows = String(this.#times.length);
    this.#plot?.setData(this.#data());
  }

  #data(): uPlot.AlignedData {
    return [this.#times.map((t) => t / 1000), ...this.#series.map((s) => this.#values.get(s.symbol) ?? [])];
  }

  #renderLegend(): void {
    const items = this.#series.map((s, i) => {
      const li = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = COLORS[i % COLORS.length] as string;
      swatch.setAttribute('aria-hidden', 'true');
      const text = document.createElement('span');
      text.textContent = s.unit ? `${s.label} (${s.unit})` : s.label; // catalog text: textContent only
      li.append(swatch, text);
      return li;
    });
    this.#legend.replaceChildren(...items);
  }

  #build(): void {
    this.#plot?.destroy();
    this.#resize?.disconnect();
    const styles = getComputedStyle(document.documentElement);
    const fg = styles.getPropertyValue('--muted').trim() || '#555';
    const grid = styles.getPropertyValue('--grid').trim() || '#ddd';
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const opts: uPlot.Options = {
      width: Math.max(this.#el.clientWidth, 240),
      height: 220,
      legend: { show: false }, // our own legend (textContent), also readable by screen readers
      cursor: { drag: { x: false, y: false } },
      // The x axis spans the data held (at most the window), ending at the newest row.
      scales: {
        x: {
          time: true,
          range: (_u, min, max) => (max > min ? [Math.max(min, max - this.#windowMs / 1000), max] : [max - 60, max]),
        },
      },
      axes: [axis, { ...axis, size: 44 }],
      series: [
        {},
        ...this.#series.map((s, i) => ({
          label: s.label,
          stroke: COLORS[i % COLORS.length] as string,
          width: 2,
          spanGaps: true,
        })),
      ],
    };
    this.#plot = new uPlot(opts, this.#data(), this.#el);
    this.#resize = new ResizeObserver(() =>
      this.#plot?.setSize({ width: Math.max(this.#el.clientWidth, 240), height: 220 }),
    );
    this.#resize.observe(this.#el);
  }

  /** Rebuilds the plot with the page's current colours (after a theme change). */
  restyle(): void {
    if (this.#plot) this.#build();
  }

  destroy(): void {
    this.#plot?.destroy();
    this.#plot = null;
    this.#resize?.disconnect();
    this.#resize = null;
  }
}
