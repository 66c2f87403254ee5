import * as v from 'valibot';
import { ResponseValidationError, type ValidationIssue } from '../errors.js';
import { redactText } from '../internal/redact.js';

/** Converts valibot issues to `{ path, message }` pairs (dotted paths). */
export function toIssues(issues: ReadonlyArray<v.BaseIssue<unknown>>): ValidationIssue[] {
  return issues.map((i) => ({
    path: short((i.path ?? []).map((p) => String(p.key)).join('.'), 120),
    message: short(i.message, 120),
  }));
}

/** One line, redacted, at most `max` characters: valibot quotes received values, which may be a whole HTML page. */
function short(text: string, max: number): string {
  const one = redactText(text.replace(/\s+/g, ' ').trim());
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

/** Parses `data` with `schema`, or throws {@link ResponseValidationError} naming `context` (method + path). */
export function parseWith<S extends v.GenericSchema>(schema: S, data: unknown, context: string): v.InferOutput<S> {
  const r = v.safeParse(schema, data);
  if (r.success) return r.output;
  throw new ResponseValidationError(context, toIssues(r.issues), data);
}

/** Like {@link parseWith} but returns `undefined` on failure (for skip-bad-row semantics). */
export function tryParse<S extends v.GenericSchema>(schema: S, data: unknown): v.InferOutput<S> | undefined {
  const r = v.safeParse(schema, data);
  return r.success ? r.output : undefined;
}
