/**
 * `bragerone/node` — everything of `bragerone` plus the Node-only file token store and cache adapter.
 * @packageDocumentation
 */
export * from './index.js';
