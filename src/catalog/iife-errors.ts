/**
 * Stand-in for `src/errors.ts` inside `dist/bragerone-catalog.iife.js` only (see vite.config.ts): the catalog's
 * script-tag file reuses the classes of the main script-tag file, so `CatalogError` is a `BragerOneError` of the
 * page's `BragerOne` global and `isBragerOneError` guards agree. Every public name of src/errors.ts is taken from the main
 * file's global (the main entry exports them all; internal ones such as `errorForStatus` are not here, and the
 * build fails if the catalog ever imports one). Load `bragerone.iife.js` first.
 */
import type * as Main from '../errors.js';

type ErrorsModule = typeof Main;

function main(): ErrorsModule {
  const g = (globalThis as { BragerOne?: Partial<ErrorsModule> }).BragerOne;
  if (!g || typeof g.BragerOneError !== 'function') {
    // Not a BragerOneError: without the main file there is no BragerOneError class to build one from.
    throw new Error('bragerone-catalog.iife.js needs bragerone.iife.js: load it first (global BragerOne is missing)');
  }
  return g as ErrorsModule;
}

export const {
  BragerOneError,
  ApiError,
  NotAuthenticatedError,
  NetworkError,
  TimeoutError,
  ResponseValidationError,
  CatalogError,
  isBragerOneError,
  isApiError,
  isNetworkError,
  isTimeoutError,
  isCatalogError,
  isExpectedUpstreamUnavailable,
}: ErrorsModule = main();
