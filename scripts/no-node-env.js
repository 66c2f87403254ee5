// `#node-env` for browser bundlers (package.json `imports`, `browser` condition; copied to dist/no-node-env.js):
// browsers set no User-Agent/Origin/Referer and cannot change TLS (the client refuses `verify` ≠ true there).
export const nodeHeaders = () => ({});
export const nodeFetch = () => undefined;
export const tlsOptions = () => null;
export const preconnect = () => null;
