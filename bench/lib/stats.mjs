// Small statistics and formatting helpers shared by the bench cases.

export function median(xs) {
  const a = [...xs].sort((x, y) => x - y);
  const n = a.length;
  if (n === 0) return Number.NaN;
  return n % 2 ? a[(n - 1) / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
}

export function min(xs) {
  return Math.min(...xs);
}

export function max(xs) {
  return Math.max(...xs);
}

/** `{ min, median, max, n }` of per-round values. */
export function summary(xs) {
  return { min: min(xs), median: median(xs), max: max(xs), n: xs.length };
}

export function fmtMs(ms) {
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 100) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(0)} ms`;
}

export function fmtBytes(b) {
  if (b >= 1024 * 1024) return `${(b / 1024 / 1024).toFixed(2)} MiB`;
  if (b >= 1024) return `${(b / 1024).toFixed(1)} KiB`;
  return `${b} B`;
}

export function fmtRate(perSec) {
  if (perSec >= 1e6) return `${(perSec / 1e6).toFixed(2)} M/s`;
  if (perSec >= 1e3) return `${(perSec / 1e3).toFixed(1)} k/s`;
  return `${perSec.toFixed(0)}/s`;
}

/** "median (best X)" for a lower-is-better per-round summary (times): best = min. */
export function medMin(s, fmt) {
  return `${fmt(s.median)} (best ${fmt(s.min)})`;
}

/** "median (best X)" for a higher-is-better per-round summary (rates): best = max. */
export function medMax(s, fmt) {
  return `${fmt(s.median)} (best ${fmt(s.max)})`;
}

/** Median of the per-round ratios `a[i] / b[i]` (rounds are paired, so slow drifts of machine load cancel). */
export function pairedRatio(a, b) {
  return median(a.map((x, i) => x / b[i]));
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
