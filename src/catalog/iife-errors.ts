/**
 * Stand-in for `src/errors.ts` inside `dist/bragerone-catalog.iife.js` only (see vite.config.ts): the catalog's
 * script-tag file reuses the classes of the main script-tag file, so `CatalogError` is a `BragerOneError` of the
 * page's `BragerOne` global and `isBragerOneError` guards agree. Load `bragerone.iife.js` first.
 */
import type * as Main from '../errors.js';

type ErrorsModule = typeof Main;

function main(): ErrorsModule {
  const g = (globalThis as { BragerOne?: Partial<ErrorsModule> }).BragerOne;
  if (!g || typeof g.BragerOneError !== 'function') {
    throw new Error('bragerone-catalog.iife.js needs bragerone.iife.js: load it first (global BragerOne is missing)');
  }
  return g as ErrorsModule;
}

const m = main();
export const BragerOneError: ErrorsModule['BragerOneError'] = m.BragerOneError;
export const ApiError: ErrorsModule['ApiError'] = m.ApiError;
export const NetworkError: ErrorsModule['NetworkError'] = m.NetworkError;
export const TimeoutError: ErrorsModule['TimeoutError'] = m.TimeoutError;
export const ResponseValidationError: ErrorsModule['ResponseValidationError'] = m.ResponseValidationError;
export const isBragerOneError: ErrorsModule['isBragerOneError'] = m.isBragerOneError;
export const isApiError: ErrorsModule['isApiError'] = m.isApiError;
export const isNetworkError: ErrorsModule['isNetworkError'] = m.isNetworkError;
export const isTimeoutError: ErrorsModule['isTimeoutError'] = m.isTimeoutError;
