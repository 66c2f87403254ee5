import { describe, expect, it, vi } from 'vitest';
import { ListenerSet } from '../../src/internal/listeners.js';
import { resolveLogger } from '../../src/internal/logger.js';
import { backoffDelay, retry } from '../../src/internal/retry.js';
// The SDK's abortable sleep, the unit under test here (on fake timers), not a wait of the test.
import { sleep as abortableSleep } from '../../src/internal/sleep.js';

describe('internal/sleep', () => {
  it('rejects with the signal reason when aborted before or during the wait', async () => {
    const before = new AbortController();
    before.abort(new Error('early'));
    await expect(abortableSleep(10, before.signal)).rejects.toThrow('early');
    vi.useFakeTimers();
    try {
      const during = new AbortController();
      const p = abortableSleep(1_000, during.signal);
      during.abort(new Error('late'));
      await expect(p).rejects.toThrow('late');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('internal/retry', () => {
  it('retries errors shouldRetry accepts, on the fixed schedule, then rethrows', async () => {
    vi.useFakeTimers();
    try {
      const waits: number[] = [];
      const fn = vi.fn(async (n: number) => {
        throw new Error(`fail ${n}`);
      });
      const p = retry(fn, { delays: [200, 400], shouldRetry: () => true, onRetry: (_n, d) => waits.push(d) });
      const settled = expect(p).rejects.toThrow('fail 3');
      await vi.runAllTimersAsync();
      await settled;
      expect(fn).toHaveBeenCalledTimes(3);
      expect(waits).toEqual([200, 400]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not retry an error shouldRetry refuses', async () => {
    const fn = vi.fn(async () => {
      throw new Error('final');
    });
    await expect(retry(fn, { delays: [1, 1], shouldRetry: () => false })).rejects.toThrow('final');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('retries unusable results with backoff and returns the last one when attempts run out', async () => {
    const fn = vi.fn(async (n: number) => n);
    await expect(retry(fn, { attempts: 3, backoff: { initial: 1, max: 2 }, retryResult: (v) => v < 10 })).resolves.toBe(
      3,
    );
    await expect(retry(fn, { attempts: 3, backoff: { initial: 1, max: 2 }, retryResult: (v) => v < 2 })).resolves.toBe(
      2,
    );
  });

  it('backoffDelay doubles up to the cap; equal jitter stays in [d/2, d]', () => {
    const b = { initial: 500, max: 15_000 };
    expect([0, 1, 2, 5, 10].map((f) => backoffDelay(b, f))).toEqual([500, 1_000, 2_000, 15_000, 15_000]);
    expect(backoffDelay({ ...b, jitter: 'equal' }, 1, () => 0)).toBe(500);
    expect(backoffDelay({ ...b, jitter: 'equal' }, 1, () => 1)).toBe(1_000);
  });
});

describe('internal/logger', () => {
  it('is idempotent on a resolved logger (no second prefix) and drops disabled levels', () => {
    const lines: unknown[][] = [];
    const sink = {
      debug: (...a: unknown[]) => lines.push(a),
      info: (...a: unknown[]) => lines.push(a),
      warn: (...a: unknown[]) => lines.push(a),
      error: (...a: unknown[]) => lines.push(a),
    };
    const once = resolveLogger(sink, 'info');
    expect(resolveLogger(once)).toBe(once);
    resolveLogger(once).info('hello');
    resolveLogger(once).debug('dropped');
    expect(lines).toEqual([['[bragerone]', 'hello']]);
  });
});

describe('internal/listeners', () => {
  it('a throwing listener is reported with the arguments and the others still run', () => {
    const seen: string[] = [];
    const errors: unknown[] = [];
    const set = new ListenerSet<[string]>((err, [x]) => errors.push([(err as Error).message, x]));
    set.add(() => {
      throw new Error('boom');
    });
    const off = set.add((x) => seen.push(x));
    set.emit('a');
    off();
    off();
    set.emit('b');
    expect(seen).toEqual(['a']);
    expect(errors).toEqual([
      ['boom', 'a'],
      ['boom', 'b'],
    ]);
    expect(set.size).toBe(1);
  });
});
