/**
 * Stands in for `ws` in the self-contained browser bundles: browsers use their own `WebSocket`, so the
 * Node-only `import('ws')` is never reached there (see `webSocketImpl`).
 */
export const WebSocket: undefined = undefined;
