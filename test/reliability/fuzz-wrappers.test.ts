/**
 * Fuzz the response wrappers directly (10 000 runs each): arbitrary JSON never makes them throw anything but a
 * ResponseValidationError, and a valid list is found whatever wrapper it arrives in.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResponseValidationError } from '../../src/errors.js';
import { parsePermissions, pickList, unwrap } from '../../src/schemas/wrappers.js';
import { fcParams, jsonValue, nearMiss } from './helpers.js';

const permission = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,20}$/);

describe('response wrappers', () => {
  it('pickList returns the list or null, never throws', () => {
    fc.assert(
      fc.property(jsonValue, (data) => {
        const r = pickList(data, ['data', 'objects']);
        if (r !== null && !Array.isArray(r)) throw new Error('not a list');
        if (Array.isArray(data) && r !== data) throw new Error('bare list not returned as is');
      }),
      fcParams(),
    );
  });

  it('pickList finds a list in every tolerated wrapper', () => {
    fc.assert(
      fc.property(fc.array(jsonValue, { maxLength: 5 }), fc.constantFrom('data', 'objects', 'bare'), (list, wrap) => {
        const data = wrap === 'bare' ? list : { [wrap]: list };
        expect(pickList(data, ['data', 'objects'])).toBe(list);
      }),
      fcParams(),
    );
  });

  it('unwrap never throws and only unwraps an object under the key', () => {
    fc.assert(
      fc.property(jsonValue, (data) => {
        const r = unwrap(data, 'user');
        const inner =
          data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>).user : undefined;
        if (r !== data && r !== inner) throw new Error('unwrap invented a value');
      }),
      fcParams(),
    );
  });

  it('parsePermissions: names or a ResponseValidationError, for arbitrary and near-miss input', () => {
    const valid = fc.oneof(
      fc.array(permission),
      fc.record({ permissions: fc.array(fc.oneof(permission, fc.record({ name: permission }))) }),
    );
    fc.assert(
      fc.property(fc.oneof(jsonValue, valid, nearMiss(valid)), (data) => {
        try {
          const out = parsePermissions(data, 'GET /user/permissions');
          if (!out.every((p) => typeof p === 'string')) throw new Error('non-string permission');
        } catch (e) {
          if (!(e instanceof ResponseValidationError)) throw e;
          if (e.message.length > 400) throw new Error('message too long');
        }
      }),
      fcParams(),
    );
  });
});
