/** Replaced at build time (Vite `define`, also in the Vitest config) with the version in package.json. */
declare const __BRAGERONE_VERSION__: string;

/** `User-Agent` of REST requests and of the socket handshake in Node (browsers keep their own). */
export const USER_AGENT = `bragerone/${__BRAGERONE_VERSION__}`;
