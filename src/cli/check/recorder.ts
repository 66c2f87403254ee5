/** A `fetch` wrapper that keeps the raw responses a client received, so `check` can inspect their shapes. */

/** One request/response pair. Bodies stay in memory and are only inspected structurally, never printed. */
export interface Exchange {
  method: string;
  /** Path relative to the REST base, without the query string (full URL for other hosts). */
  path: string;
  status: number;
  /** Parsed JSON (JSON content type), text otherwise, `undefined` when unreadable. */
  body: unknown;
  /** Parsed request body — recorded for `/modules/connect` only (never for logins). */
  requestBody?: unknown;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Records every exchange made through {@link Recorder.fetch}. */
export class Recorder {
  readonly exchanges: Exchange[] = [];
  readonly #apiBase: string;

  constructor(apiBase: string) {
    this.#apiBase = apiBase;
  }

  /** Pass as the client's `fetch` option. */
  readonly fetch: typeof globalThis.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (
      init?.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET')
    ).toUpperCase();
    const res = await globalThis.fetch(input, init);
    const full = url.startsWith(this.#apiBase) ? url.slice(this.#apiBase.length) : url;
    const path = full.split('?')[0] ?? full;
    const ex: Exchange = { method, path, status: res.status, body: undefined };
    if (path === '/modules/connect' && typeof init?.body === 'string') ex.requestBody = parseJson(init.body);
    try {
      const text = await res.clone().text();
      const type = res.headers.get('content-type') ?? '';
      ex.body = type.includes('json') ? (text === '' ? null : parseJson(text)) : text;
    } catch {
      /* body unreadable: leave undefined */
    }
    this.exchanges.push(ex);
    return res;
  };

  /** The newest exchange since index `from` that matches. */
  find(from: number, method: string, path: string | RegExp): Exchange | undefined {
    for (let i = this.exchanges.length - 1; i >= from; i--) {
      const ex = this.exchanges[i] as Exchange;
      if (ex.method === method && (typeof path === 'string' ? ex.path === path : path.test(ex.path))) return ex;
    }
    return undefined;
  }
}
