/** Version of the installed package, read from the nearest `package.json` named `bragerone` above the running bin. */

import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | undefined;

function findUp(start: string): string | undefined {
  let dir = start;
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'bragerone' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      /* not here; look one level up */
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

/**
 * `0.1.0`-style version, or `unknown`. Looks above the script being run (`bin/bragerone.js`, symlinks resolved),
 * which works for the ESM and the CJS build alike (no `import.meta`).
 */
export function cliVersion(): string {
  if (cached !== undefined) return cached;
  let found: string | undefined;
  try {
    const script = process.argv[1];
    if (script) found = findUp(dirname(realpathSync(script)));
  } catch {
    /* no script path */
  }
  cached = found ?? 'unknown';
  return cached;
}
