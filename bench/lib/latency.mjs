// Shared by the start-up latency and heal benchmarks (bench/cases/startup-latency.mjs, heal-browser.mjs): the shaped
// network, the demo account, how a figure is printed, the heal target row and a fetch that times each request.

/** One-way latency of the shaped network (ms); a round trip costs twice this. */
export const LATENCY = 50;
/** Extra one-way delay drawn uniformly from [0, JITTER] ms. */
export const JITTER = 5;
export const RTT = 2 * LATENCY;
export const BOILER = 'DEMO0A1B2C';
export const OBJECT_ID = 1201;
export const DEMO = { email: 'demo@bragerone.local', password: 'demo' };
/** `reconnectDelay` of the RealtimeManager (its default): the first backoff step, jittered to [½, 1]× of it. */
export const FIRST_BACKOFF = 500;

/** `123 ms (1.2 RTT)`. */
export const fmt = (ms) => `${Math.round(ms)} ms (${(ms / RTT).toFixed(1)} RTT)`;

/** The result row of a heal case: within the first backoff step + 4 RTT. */
export function healRow(label, heal, note, data) {
  const target = FIRST_BACKOFF + 4 * RTT;
  return {
    case: label,
    baseline: `${FIRST_BACKOFF} ms step`,
    ours: fmt(heal),
    ratio: null,
    target: `≤ step + 4 RTT (${target} ms)`,
    pass: heal <= target,
    note,
    data,
  };
}

/**
 * A `fetch` that records each request as `{ what, start, end }` (method and path; ms from `now()`, sent → headers
 * in) into the list `into()` returns at that moment.
 */
export function timedFetch(into, now) {
  return (input, init) => {
    const req = new Request(input, init);
    const e = { what: `${req.method} ${new URL(req.url).pathname}`, start: now(), end: null };
    into().push(e);
    return fetch(input, init).then((r) => {
      e.end = now();
      return r;
    });
  };
}
