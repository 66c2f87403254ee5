/**
 * Compressed long soak (issue [chaos], scenario 5; driver: soak.ts). The CI run lasts `SOAK_SECONDS` (default 75) with
 * the schedule compressed `SOAK_COMPRESS`× (default 4: a token dies every 7.5 s, a socket drop every 5 s, a 1.25 s 503
 * storm every 15 s, a half-open socket every 30 s). `npm run soak` runs 600 s uncompressed and prints the figures.
 *
 * Bounds are deliberately loose (a loaded 2-core CI machine): times are printed, not asserted; liveness guards only.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { type SoakReport, describeReport, runSoak } from './soak.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 75);
const COMPRESS = Number(process.env.SOAK_COMPRESS ?? 4);
/** Heap growth (MB) each half of the run must exceed before the soak calls it a leak: one reading is noisy. */
const HEAP_GROWTH_MB = 6;

it(
  `soak: ${SECONDS} s, schedule compressed ${COMPRESS}×: converges, one login per token expiry, no leaks`,
  async () => {
    const r: SoakReport = await runSoak({
      durationMs: SECONDS * 1000,
      compress: COMPRESS,
      progress: process.env.SOAK_VERBOSE ? (line) => console.log(line) : undefined,
    });
    const text = describeReport(r);
    console.log(text);
    await mkdir('test-artifacts', { recursive: true });
    await writeFile(join('test-artifacts', `soak-${SECONDS}s-x${COMPRESS}.json`), `${JSON.stringify(r, null, 2)}\n`);

    expect(r.unhandledRejections).toEqual([]);
    expect(r.storesEqual, text).toBe(true);
    expect(r.lastSetPoint.stored).toEqual(r.lastSetPoint.sent);

    // the faults happened, and each was noticed and recovered from
    const of = (k: string) => r.faults.filter((f) => f.kind === k);
    expect(of('drop').length).toBeGreaterThanOrEqual(Math.floor((SECONDS * COMPRESS) / 20) - 1);
    expect(of('storm').length).toBeGreaterThanOrEqual(1);
    expect(of('half-open').length).toBeGreaterThanOrEqual(1);
    for (const f of of('half-open')) expect(f.detectMs, `half-open at ${f.at} ms never noticed`).not.toBeNull();
    for (const f of r.faults)
      if (f.kind !== 'storm') expect(f.recoverMs, `${f.kind} at ${f.at} ms never recovered`).not.toBeNull();
    expect(r.rest.upstream5xx).toBeGreaterThan(0); // the storms reached the client

    // at most one login per token expiry, and the expiries did force logins
    expect(r.tokens.expiries).toBeGreaterThanOrEqual(2);
    expect(r.tokens.logins).toBeLessThanOrEqual(r.tokens.expiries);
    expect(r.tokens.logins).toBeGreaterThanOrEqual(1);
    expect(r.tokens.clientLogins).toBeGreaterThanOrEqual(r.tokens.logins);

    // the catalog followed the new build; the module view shows its label and the live value
    expect(r.catalog.after).not.toBe(r.catalog.before);
    expect(r.catalog.after.endsWith(r.catalog.expected)).toBe(true);
    expect(r.catalog.labelAfter).toBe('Boiler set-point (build 2)');
    expect(r.catalog.viewValueOk).toBe(true);

    // nothing accumulates
    const growth = [r.heapMB.mid - r.heapMB.start, r.heapMB.end - r.heapMB.mid];
    expect(
      Math.min(...growth),
      `heap growth per half: ${growth.map((g) => g.toFixed(2)).join(' MB, ')} MB`,
    ).toBeLessThan(HEAP_GROWTH_MB);
    expect(r.handles.serverSockets).toBe(1);
    expect(r.handles.proxyOpenEnd).toBeLessThanOrEqual(r.handles.proxyOpenStart + 2);
    expect(r.handles.tcpEnd).toBeLessThanOrEqual(r.handles.tcpStart + 8);
    expect(r.handles.end).toBeLessThanOrEqual(r.handles.start + 12);
    expect(r.listeners.managerEnd).toBe(r.listeners.managerStart);
    expect(r.listeners.busEnd).toBe(r.listeners.busStart);
  },
  (SECONDS + 180) * 1000,
);
