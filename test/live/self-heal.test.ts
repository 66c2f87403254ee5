/** The poll and self-heal unit (§7.3) on injected time: a hand-driven poll scheduler and a clock that only moves when told. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveLogger } from '../../src/internal/logger.js';
import {
  intervalScheduler,
  type PollScheduler,
  SelfHeal,
  type SelfHealHost,
  type SelfHealOptions,
} from '../../src/live/self-heal.js';
import { captureLogger } from '../helpers/logger.js';

type Tunables = Partial<Pick<SelfHealOptions, 'pollInterval' | 'stalePrimeAfter' | 'zombieHardRestartAfter'>>;

/**
 * A self-heal unit whose host is a small world the test sets: session up/bound, what fails, when the last update
 * was. Like the gateway, the host reports each applied prime through `heal.primed()` and stamps `lastUpdate`.
 */
function harness(tunables: Tunables = {}) {
  const world = {
    clock: 1_000,
    up: true,
    connected: true,
    bound: true,
    stopped: false,
    last: 1_000 as number | null,
    listingError: null as Error | null,
    primeError: null as Error | null,
    /** Held listing: resolves when the test calls it. */
    holdListing: null as Promise<void> | null,
  };
  const did: string[] = [];
  const failures: string[] = [];
  const log = captureLogger();
  const poll = { interval: 0, tick: null as (() => Promise<void>) | null, cancelled: 0 };
  const scheduler: PollScheduler = (interval, tick) => {
    poll.interval = interval;
    poll.tick = tick;
    return () => {
      poll.tick = null;
      poll.cancelled++;
    };
  };
  const host: SelfHealHost = {
    refreshConnectivity: async () => {
      did.push('listing');
      if (world.holdListing) await world.holdListing;
      if (world.listingError) throw world.listingError;
    },
    unbound: () => world.connected && !world.bound,
    rebind: async () => {
      did.push('rebind');
      world.bound = true;
    },
    sessionUp: () => world.up,
    prime: async () => {
      did.push('prime');
      if (world.primeError) throw world.primeError;
      world.last = world.clock;
      heal.primed();
      return true;
    },
    lastUpdate: () => world.last,
    forceReconnect: async () => {
      did.push('reconnect');
    },
    stopped: () => world.stopped,
    logFailure: (what) => failures.push(what),
  };
  const heal: SelfHeal = new SelfHeal({
    host,
    pollInterval: 60_000,
    stalePrimeAfter: 180_000,
    zombieHardRestartAfter: 2,
    now: () => world.clock,
    scheduler,
    log: resolveLogger(log),
    ...tunables,
  });
  /** One scheduled poll tick, awaited to its end. */
  const tick = async (): Promise<void> => {
    if (!poll.tick) throw new Error('the poll is not scheduled');
    await poll.tick();
  };
  const take = (): string[] => did.splice(0);
  return { heal, world, poll, tick, take, failures, log };
}

describe('SelfHeal: scheduling', () => {
  it('schedules the poll at its interval once; stop() cancels it; interval 0 never polls', () => {
    const h = harness({ pollInterval: 60 });
    expect(h.heal.polling).toBe(false);
    h.heal.start();
    h.heal.start();
    expect(h.heal.polling).toBe(true);
    expect(h.poll.interval).toBe(60);
    h.heal.stop();
    expect(h.heal.polling).toBe(false);
    expect(h.poll.cancelled).toBe(1);
    expect(h.poll.tick).toBeNull();

    const off = harness({ pollInterval: 0 });
    off.heal.start();
    expect(off.heal.polling).toBe(false);
    expect(off.poll.tick).toBeNull();
  });

  describe('intervalScheduler (fake timers)', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('ticks every interval until cancelled', async () => {
      vi.useFakeTimers();
      let ticks = 0;
      const cancel = intervalScheduler(1_000, async () => {
        ticks++;
      });
      await vi.advanceTimersByTimeAsync(999);
      expect(ticks).toBe(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(ticks).toBe(1);
      await vi.advanceTimersByTimeAsync(3_000);
      expect(ticks).toBe(4);
      expect(vi.getTimerCount()).toBe(1);
      cancel();
      expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(ticks).toBe(4);
    });
  });
});

describe('SelfHeal: one cycle', () => {
  it('a healthy session: each cycle lists the modules and nothing else while the clock stands still', async () => {
    const h = harness();
    h.heal.start();
    for (let i = 0; i < 5; i++) await h.tick();
    expect(h.take()).toEqual(['listing', 'listing', 'listing', 'listing', 'listing']);
    h.world.clock += 179_999; // one millisecond short of stale
    await h.tick();
    expect(h.take()).toEqual(['listing']);
  });

  it('stale: a REST prime per stale cycle, a hard reconnect after zombieHardRestartAfter cycles, then the count starts over', async () => {
    const h = harness();
    h.heal.start();
    h.world.clock += 180_000;
    await h.tick();
    expect(h.take()).toEqual(['listing', 'prime']);
    expect(h.heal.zombieCycles).toBe(1);
    await h.tick(); // the prime stamped lastUpdate: not stale again until the clock moves
    expect(h.take()).toEqual(['listing']);
    h.world.clock += 180_000;
    await h.tick();
    expect(h.take()).toEqual(['listing', 'prime', 'reconnect']);
    expect(h.heal.zombieCycles).toBe(0);
    expect(h.log.warnings()).toEqual(['[bragerone] socket session silent for 2 poll cycles; forcing a hard reconnect']);
    h.world.clock += 180_000;
    await h.tick();
    expect(h.take()).toEqual(['listing', 'prime']); // a fresh count: one cycle does not restart
  });

  it('a live delta between stale cycles resets the zombie count', async () => {
    const h = harness();
    h.heal.start();
    h.world.clock += 180_000;
    await h.tick();
    expect(h.heal.zombieCycles).toBe(1);
    h.heal.sawDelta();
    expect(h.heal.zombieCycles).toBe(0);
    h.world.clock += 180_000;
    await h.tick();
    expect(h.take()).toEqual(['listing', 'prime', 'listing', 'prime']);
    expect(h.heal.zombieCycles).toBe(1);
  });

  it('never stale before the first update; stalePrimeAfter 0 disables the check; zombieHardRestartAfter 0 never restarts', async () => {
    const h = harness();
    h.world.last = null;
    h.heal.start();
    h.world.clock += 10_000_000;
    await h.tick();
    expect(h.take()).toEqual(['listing']);

    const off = harness({ stalePrimeAfter: 0 });
    off.heal.start();
    off.world.clock += 10_000_000;
    await off.tick();
    expect(off.take()).toEqual(['listing']);

    const noRestart = harness({ zombieHardRestartAfter: 0 });
    noRestart.heal.start();
    for (let i = 0; i < 4; i++) {
      noRestart.world.clock += 180_000;
      await noRestart.tick();
    }
    expect(noRestart.take()).toEqual(['listing', 'prime', 'listing', 'prime', 'listing', 'prime', 'listing', 'prime']);
    expect(noRestart.heal.zombieCycles).toBe(4);
  });

  it('a failed prime is retried by every cycle until one is applied, then no more', async () => {
    const h = harness();
    h.heal.start();
    h.heal.primeFailed();
    expect(h.heal.primeDue).toBe(true);
    h.world.primeError = new Error('502');
    await h.tick();
    expect(h.take()).toEqual(['listing', 'prime']);
    expect(h.failures).toEqual(['prime retry']);
    expect(h.heal.primeDue).toBe(true);
    h.world.primeError = null;
    await h.tick();
    expect(h.take()).toEqual(['listing', 'prime']);
    expect(h.heal.primeDue).toBe(false);
    await h.tick();
    expect(h.take()).toEqual(['listing']);
  });

  it('while the session is down every cycle primes over REST', async () => {
    const h = harness();
    h.heal.start();
    Object.assign(h.world, { up: false, connected: false });
    for (let i = 0; i < 2; i++) await h.tick();
    expect(h.take()).toEqual(['listing', 'prime', 'listing', 'prime']);
    Object.assign(h.world, { up: true, connected: true });
    await h.tick();
    expect(h.take()).toEqual(['listing']);
  });

  it('a connected but unbound session is re-bound, not primed', async () => {
    const h = harness();
    h.heal.start();
    h.world.bound = false;
    h.heal.primeFailed();
    await h.tick();
    expect(h.take()).toEqual(['listing', 'rebind']);
    await h.tick(); // bound now: the prime that was due
    expect(h.take()).toEqual(['listing', 'prime']);
  });

  it('logs at most one failure line per cycle', async () => {
    const h = harness();
    h.heal.start();
    h.world.up = false;
    h.world.listingError = new Error('503');
    h.world.primeError = new Error('503');
    await h.tick();
    await h.tick();
    await h.tick();
    expect(h.take()).toEqual(['listing', 'prime', 'listing', 'prime', 'listing', 'prime']);
    expect(h.failures).toEqual(['module listing', 'module listing', 'module listing']);
    h.world.listingError = null;
    await h.tick();
    expect(h.failures.at(-1)).toBe('prime while the socket is down');
    expect(h.failures).toHaveLength(4);
  });

  it('a tick while a cycle runs joins it instead of starting a second one', async () => {
    const h = harness();
    h.heal.start();
    let release = (): void => {};
    h.world.holdListing = new Promise<void>((r) => {
      release = r;
    });
    const first = h.heal.poll();
    const second = h.heal.poll();
    expect(second).toBe(first);
    expect(h.take()).toEqual(['listing']);
    h.world.holdListing = null;
    release();
    await first;
    await h.heal.poll(); // a new cycle once the first is over
    expect(h.take()).toEqual(['listing']);
  });

  it('stopped: a cycle in flight ends after its listing; later ticks do nothing', async () => {
    const h = harness();
    h.heal.start();
    h.world.clock += 180_000; // would prime
    let release = (): void => {};
    h.world.holdListing = new Promise<void>((r) => {
      release = r;
    });
    const cycle = h.heal.poll();
    h.world.stopped = true;
    h.heal.stop();
    release();
    await cycle;
    await h.heal.poll();
    expect(h.take()).toEqual(['listing']);
  });
});
