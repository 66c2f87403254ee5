/** In-process stream of parameter updates with sequence numbers, listeners and async iterators. */
import { ListenerSet } from '../internal/listeners.js';
import type { ParamEntry } from './payload.js';
import { BragerOneError } from '../errors.js';

/** One parameter change: which module/pool/channel/index, the new value and its metadata. */
export interface ParamUpdate extends ParamEntry {
  /** Time of publication in epoch milliseconds. */
  ts: number;
  /** Monotonic sequence number, starting at 0 per bus. */
  seq: number;
}

/** An async iterator over bus updates that also reports how many updates it dropped. */
export interface ParamUpdateIterator extends AsyncIterableIterator<ParamUpdate> {
  /** Updates discarded because the consumer fell more than `capacity` updates behind. */
  readonly dropped: number;
}

/** Options of {@link EventBus}. */
export interface EventBusOptions {
  /** Default buffer size of each {@link EventBus.subscribe} iterator. Default 1024. */
  capacity?: number;
  /** Called with errors thrown by listeners; default: ignored. */
  onError?: (err: unknown) => void;
}

/** Options of {@link EventBus.subscribe}. */
export interface EventBusSubscribeOptions {
  /** Aborting ends the iteration (pending `next()` resolves `done`). */
  signal?: AbortSignal;
  /** Buffer size of this iterator; overrides the bus default. */
  capacity?: number;
}

/** Default buffer of one async iterator. */
export const DEFAULT_ITERATOR_CAPACITY = 1024;

/**
 * Synchronous fan-out of {@link ParamUpdate}s.
 *
 * - `publish()` stamps a sequence number (0, 1, 2, …) and delivers synchronously to every listener
 *   registered at that moment; a throwing listener is reported through `onError` and never stops delivery.
 * - `subscribe()` returns an async iterator with a bounded buffer (default 1024). When a slow consumer
 *   falls behind, the **oldest** buffered update is dropped and counted in `dropped` — the newest state
 *   always wins. `return()` (or `break` in `for await`) detaches; aborting the signal ends the iteration.
 */
export class EventBus {
  #seq = -1;
  /** `on()` listeners and iterators, in order (a throwing one is reported through `onError`). */
  readonly #listeners: ListenerSet<[ParamUpdate]>;
  readonly #capacity: number;

  constructor(opts: EventBusOptions = {}) {
    this.#capacity = normalizeCapacity(opts.capacity);
    const onError = opts.onError;
    this.#listeners = new ListenerSet(onError && ((err) => onError(err)));
  }

  /** Stamps `seq`, delivers to every listener and returns the published update. */
  publish(update: Omit<ParamUpdate, 'seq'>): ParamUpdate {
    const u: ParamUpdate = {
      devid: update.devid,
      pool: update.pool,
      chan: update.chan,
      idx: update.idx,
      value: update.value,
      meta: update.meta,
      ts: update.ts,
      seq: ++this.#seq,
    };
    this.#listeners.emit(u);
    return u;
  }

  /** Registers a listener; returns a function that removes it (idempotent). */
  on(listener: (u: ParamUpdate) => void): () => void {
    return this.#listeners.add(listener);
  }

  /** Number of registered listeners (iterators included). */
  listenerCount(): number {
    return this.#listeners.size;
  }

  /** Sequence number of the last published update; -1 before the first publish. */
  lastSeq(): number {
    return this.#seq;
  }

  /** Async iterator over future updates with a bounded drop-oldest buffer (see class docs). */
  subscribe(opts: EventBusSubscribeOptions = {}): ParamUpdateIterator {
    const capacity = opts.capacity === undefined ? this.#capacity : normalizeCapacity(opts.capacity);
    const signal = opts.signal;
    // Ring buffer: `head` is the oldest item, `size` the number buffered.
    const ring: Array<ParamUpdate | undefined> = [];
    let head = 0;
    let size = 0;
    let dropped = 0;
    let done = false;
    let waiter: ((r: IteratorResult<ParamUpdate>) => void) | null = null;
    let off: (() => void) | null = null;

    const finish = (): void => {
      if (done) return;
      done = true;
      off?.();
      off = null;
      signal?.removeEventListener('abort', finish);
      ring.length = 0;
      size = 0;
      const w = waiter;
      waiter = null;
      w?.({ value: undefined, done: true });
    };

    const push = (u: ParamUpdate): void => {
      if (waiter) {
        const w = waiter;
        waiter = null;
        w({ value: u, done: false });
        return;
      }
      if (size === capacity) {
        ring[head] = undefined;
        head = (head + 1) % capacity;
        size--;
        dropped++;
      }
      ring[(head + size) % capacity] = u;
      size++;
    };

    if (signal?.aborted) done = true;
    else {
      off = this.on(push);
      signal?.addEventListener('abort', finish, { once: true });
    }

    const it: ParamUpdateIterator = {
      get dropped() {
        return dropped;
      },
      next(): Promise<IteratorResult<ParamUpdate>> {
        if (size > 0) {
          const u = ring[head] as ParamUpdate;
          ring[head] = undefined;
          head = (head + 1) % capacity;
          size--;
          return Promise.resolve({ value: u, done: false });
        }
        if (done) return Promise.resolve({ value: undefined, done: true });
        if (waiter)
          return Promise.reject(
            new BragerOneError('EventBus iterator: next() called while a previous call is pending'),
          );
        return new Promise((resolve) => {
          waiter = resolve;
        });
      },
      return(): Promise<IteratorResult<ParamUpdate>> {
        finish();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return it;
      },
    };
    return it;
  }
}

function normalizeCapacity(c: number | undefined): number {
  if (c === undefined) return DEFAULT_ITERATOR_CAPACITY;
  if (!Number.isFinite(c) || c < 1) throw new BragerOneError('EventBus capacity must be a positive number');
  return Math.floor(c);
}
