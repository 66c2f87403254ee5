/** The response wrappers the cloud is known to vary (docs/PROTOCOL.md §9.3), normalised in one place. */
import * as v from 'valibot';
import { type Permission, PermissionSchema } from './index.js';
import { parseWith } from './parse.js';

const PERMISSIONS = v.array(PermissionSchema);

/** `data[key]` when it is an object (`{user: {...}}`), else `data` itself (a bare record). Never throws. */
export function unwrap(data: unknown, key: string): unknown {
  if (data && typeof data === 'object' && !Array.isArray(data) && Object.hasOwn(data, key)) {
    const inner = (data as Record<string, unknown>)[key];
    if (inner && typeof inner === 'object') return inner;
  }
  return data;
}

/** A bare list, or the first of `keys` holding a list (`{data: [...]}`, `{objects: [...]}`); `null` otherwise. Never throws. */
export function pickList(data: unknown, keys: readonly string[]): unknown[] | null {
  if (Array.isArray(data)) return data;
  if (data && typeof data === 'object') {
    for (const k of keys) {
      const inner = Object.hasOwn(data, k) ? (data as Record<string, unknown>)[k] : undefined;
      if (Array.isArray(inner)) return inner;
    }
  }
  return null;
}

/**
 * `{permissions: [...]}` or a bare list of strings or `{name}` items → names. A body without such a list (`{}`,
 * `{data: …}`, a string, no body) → `[]`, as the reference; a list holding other items → ResponseValidationError.
 */
export function parsePermissions(data: unknown, label: string): Permission[] {
  const list = pickList(data, ['permissions']);
  return list ? parseWith(PERMISSIONS, list, label) : [];
}
