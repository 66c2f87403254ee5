/** The catalog's error class (API.md, Catalog). */
import { BragerOneError, isBragerOneError } from '../errors.js';

/** Why a catalog operation failed; `undefined` for failures without a finer code. */
export type CatalogErrorCode =
  | 'unknown-symbol'
  | 'not-writable'
  | 'out-of-range'
  | 'not-a-number'
  | 'invalid-value'
  | 'no-rule'
  | 'unavailable'
  | 'not-confirmed';

/** A catalog failure: unknown symbol, a write that cannot be prepared, a catalog that cannot load. */
export class CatalogError extends BragerOneError {
  /** Finer reason, when known. */
  readonly code: CatalogErrorCode | undefined;
  constructor(message: string, options?: { cause?: unknown; code?: CatalogErrorCode }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CatalogError';
    this.code = options?.code;
  }
}

/** True for a {@link CatalogError} (any bundle copy). */
export function isCatalogError(err: unknown): err is CatalogError {
  return err instanceof CatalogError || (isBragerOneError(err) && (err as Error).name === 'CatalogError');
}
