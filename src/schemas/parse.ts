import * as v from 'valibot';
import { ResponseValidationError, type ValidationIssue } from '../errors.js';

/** Converts valibot issues to `{ path, message }` pairs (dotted paths). */
export function toIssues(issues: ReadonlyArray<v.BaseIssue<unknown>>): ValidationIssue[] {
  return issues.map((i) => ({
    path: (i.path ?? []).map((p) => String(p.key)).join('.'),
    message: i.message,
  }));
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
