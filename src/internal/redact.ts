/** Internal (not public): the one redaction helper every log and error path uses. */

const MAX_MESSAGE = 160;

/** Short, single-line summary of an error body: a JSON `message`, or the first words of text (HTML stripped). */
export function describeBody(data: unknown, context?: string): string {
  let text = '';
  if (typeof data === 'string') {
    text = data.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ');
  } else if (data && typeof data === 'object') {
    const rec = data as { message?: unknown; status?: unknown; error?: unknown };
    const msg = rec.message ?? rec.error ?? rec.status;
    if (typeof msg === 'string') text = msg;
  }
  text = redactText(text.replace(/\s+/g, ' ').trim());
  if (text.length > MAX_MESSAGE) text = `${text.slice(0, MAX_MESSAGE)}…`;
  const prefix = context ? `${context}` : '';
  if (!text) return prefix || 'request failed';
  return prefix ? `${prefix}: ${text}` : text;
}

const BEARER_RE = /(bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const JWT_RE = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9._-]+/g;
const JSON_SECRET_RE =
  /("?(?:access_?token|refresh_?token|token|password|authorization)"?\s*[:=]\s*)("[^"]*"|[^\s,}&]+)/gi;

/** Masks bearer tokens, JWT-looking strings and `password`/`token` fields in free text. */
export function redactText(text: string): string {
  return text
    .replace(BEARER_RE, '$1<redacted>')
    .replace(JWT_RE, '<redacted>')
    .replace(JSON_SECRET_RE, '$1"<redacted>"');
}

/** Removes every occurrence of the given secrets from a string. */
export function scrubSecrets(text: string, secrets: Iterable<string | null | undefined>): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('<redacted>');
  return out;
}

/** Returns `value` with every string occurrence of the secrets replaced (objects and arrays copied, depth-bounded). */
export function scrubDeep(value: unknown, secrets: ReadonlyArray<string>, depth = 0): unknown {
  if (typeof value === 'string') return scrubSecrets(value, secrets);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((x) => scrubDeep(x, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(value)) out[k] = scrubDeep(x, secrets, depth + 1);
  return out;
}
