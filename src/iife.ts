/** Script-tag entry: the IIFE build exposes this namespace as the global `BragerOne`. */
export * from './index.js';
