/** Maps Socket.IO / Engine.IO connect failures to the SDK's typed, redacted errors. */

import { type ApiError, type BragerOneError, NetworkError, TimeoutError, errorForStatus } from '../errors.js';
import { redactText, scrubSecrets } from '../internal/redact.js';

type Rec = Record<string, unknown>;

const STATUS_RE = /(?:response|status|code|HTTP)\D{0,3}([1-5]\d\d)\b/i;
const AUTH_RE = /unauthori[sz]ed|invalid[\s_-]*token|jwt|not authenticated/i;
const FORBIDDEN_RE = /forbidden/i;

function asRec(v: unknown): Rec | null {
  return typeof v === 'object' && v !== null ? (v as Rec) : null;
}

/**
 * Collects the human-readable messages of a socket.io-client connect error: its own, its `description` (the
 * WebSocket error event, e.g. `Unexpected server response: 503` in Node) and its `data` (a refused join's payload).
 */
function messagesOf(err: unknown): string[] {
  const out: string[] = [];
  const add = (v: unknown): void => {
    if (typeof v === 'string' && v) out.push(v);
  };
  const e = asRec(err);
  if (!e) {
    add(err);
    return out;
  }
  add(e.message);
  const desc = asRec(e.description);
  if (desc) {
    add(desc.message);
    add(asRec(desc.error)?.message);
  }
  add(asRec(e.data)?.message);
  add(e.data);
  return out;
}

/** HTTP status of a refused handshake, when it can be told from the error. */
export function handshakeStatus(err: unknown): number | null {
  const e = asRec(err);
  if (e) {
    // engine.io-client: a polling request failure carries the HTTP status as `description`, its request as `context`
    if (typeof e.description === 'number' && e.description >= 400) return e.description;
    const ctx = asRec(e.context);
    if (ctx && typeof ctx.status === 'number' && ctx.status >= 400) return ctx.status;
    if (typeof e.status === 'number' && e.status >= 400) return e.status;
    const data = asRec(e.data);
    if (data && typeof data.status === 'number' && data.status >= 400) return data.status;
  }
  for (const m of messagesOf(err)) {
    const hit = STATUS_RE.exec(m);
    if (hit?.[1]) return Number(hit[1]);
    if (AUTH_RE.test(m)) return 401;
    if (FORBIDDEN_RE.test(m)) return 403;
  }
  return null;
}

/**
 * Builds the error a failed connect rejects with. A known HTTP status becomes an {@link ApiError}
 * (so 502/503/504 satisfy `isExpectedUpstreamUnavailable`), a timeout a {@link TimeoutError}, anything
 * else a {@link NetworkError}. Messages are redacted and never contain `secrets`; the original error
 * (which may hold request headers) is not kept as `cause`.
 */
export function toConnectError(
  err: unknown,
  where: string,
  secrets: ReadonlyArray<string | null | undefined>,
): BragerOneError {
  const clean = (s: string): string => scrubSecrets(redactText(s), secrets).replace(/\s+/g, ' ').slice(0, 200);
  const first = messagesOf(err)[0] ?? 'connect failed';
  const detail = clean(first);
  const status = handshakeStatus(err);
  if (status !== null) {
    return errorForStatus(status, { message: detail }, {}, `Socket.IO handshake ${where}`);
  }
  return new NetworkError(`Socket.IO connect ${where} failed: ${detail}`, { cause: new Error(detail) });
}

/** The error of a connect that did not complete within `ms`. */
export function connectTimeoutError(where: string, ms: number): TimeoutError {
  return new TimeoutError(`Socket.IO connect ${where} timed out after ${ms} ms`);
}
