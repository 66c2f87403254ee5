/** Replaced at build time (Vite `define`, also in the Vitest config) with the version in package.json. */
declare const __BRAGERONE_VERSION__: string;

/**
 * `User-Agent` of REST requests and of the socket handshake in Node (browsers keep their own). A bundle of the
 * source made without the `define` (a test harness) says `bragerone/dev`.
 */
export const USER_AGENT = `bragerone/${typeof __BRAGERONE_VERSION__ === 'string' ? __BRAGERONE_VERSION__ : 'dev'}`;
