import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Bundles a source module (path relative to `src/`) into one ESM file for child processes, which cannot import
 * TypeScript; every dependency is inlined. Resolves `outfile`.
 */
export async function bundleForChild(srcPath: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [fileURLToPath(new URL(`../../src/${srcPath}`, import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

/** Minimal in-memory Web Storage. `quota` (characters of keys + values) makes `setItem` throw `QuotaExceededError`. */
export class MemoryStorage implements Storage {
  readonly #map = new Map<string, string>();
  constructor(readonly quota = Number.POSITIVE_INFINITY) {}
  get length(): number {
    return this.#map.size;
  }
  clear(): void {
    this.#map.clear();
  }
  getItem(key: string): string | null {
    return this.#map.get(String(key)) ?? null;
  }
  key(index: number): string | null {
    return [...this.#map.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.#map.delete(String(key));
  }
  setItem(key: string, value: string): void {
    const k = String(key);
    const v = String(value);
    let used = k.length + v.length;
    for (const [kk, vv] of this.#map) if (kk !== k) used += kk.length + vv.length;
    if (used > this.quota) {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
    this.#map.set(k, v);
  }
  [name: string]: unknown;
}
