/**
 * `#node-env` (package.json `imports`): src/internal/node-env.ts in Node, an empty stand-in for browser bundlers
 * (dist/no-node-env.js). The Vitest config points it at the source file; TypeScript reads these types.
 */
declare module '#node-env' {
  type M = typeof import('./internal/node-env.js');
  export const nodeHeaders: M['nodeHeaders'];
  export const nodeFetch: M['nodeFetch'];
  export const tlsOptions: M['tlsOptions'];
  export const preconnect: M['preconnect'];
  export type Preconnected = import('./internal/node-env.js').Preconnected;
}
