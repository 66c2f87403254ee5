/**
 * Lenient parsing as the reference (pydantic's lax mode, docs/PROTOCOL.md §4): every lax variant of every typed field
 * parses to the same output as its canonical form, and a module row or a login never fails over a field the SDK does
 * not use. The variants are written out here, independently of the simulator's `laxData` generator.
 */
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { tokenFromLoginPayload } from '../../src/auth/token.js';
import {
  AuthResponseSchema,
  BragerObjectSchema,
  ModuleCardSchema,
  ModuleSchema,
  ObjectDetailsSchema,
  SystemVersionSchema,
  UserSchema,
  laxBoolean,
  laxDateTime,
  laxInteger,
} from '../../src/schemas/index.js';
import {
  validCard,
  validLogin,
  validModule,
  validObject,
  validUser,
  validVersion,
} from '../reliability/arbitraries.js';

type Kind = 'int' | 'bool' | 'datetime';

/** The lax forms of one canonical value (the canonical value first). */
function variants(kind: Kind, value: unknown): unknown[] {
  if (value === null || value === undefined) return [value];
  if (kind === 'int') {
    const n = value as number;
    return [n, String(n), ` ${n} `, n >= 0 ? `+${n}` : `${n}`];
  }
  if (kind === 'bool') {
    const b = value as boolean;
    return [b, b ? 1 : 0, b ? 'true' : 'false', b ? '1' : '0', b ? 'True' : 'FALSE'];
  }
  const ms = Date.parse(value as string);
  const iso = new Date(ms).toISOString();
  return [
    value,
    ms / 1000, // epoch seconds (fractional when the instant has milliseconds)
    String(ms / 1000),
    ms, // epoch milliseconds (above 2·10¹⁰, so read as ms)
    iso.slice(0, -1), // zone-less: UTC
    iso.replace('Z', '+00:00'),
    iso.replace('T', ' '),
  ];
}

/** Typed fields per schema (top level). */
const FIELDS = {
  UserSchema: {
    id: 'int',
    allow_email_type_informations: 'bool',
    allow_email_type_alarms: 'bool',
    allow_email_type_marketing: 'bool',
    allow_email_type_warnings: 'bool',
    activated_at: 'datetime',
    show_rate_us_modal: 'bool',
  },
  BragerObjectSchema: { id: 'int' },
  ModuleSchema: {
    id: 'int',
    deviceMenu: 'int',
    deviceLanguageVariant: 'int',
    acceptedAt: 'int',
    connectedAt: 'int',
    moduleAlarms: 'int',
    isAcceptedAt: 'datetime',
    isConnectedAt: 'datetime',
  },
  ModuleCardSchema: { id: 'int', moduleId: 'int', createdAt: 'datetime', updatedAt: 'datetime' },
  SystemVersionSchema: { devMode: 'bool' },
  AuthResponseSchema: { expiresAt: 'datetime' },
} as const satisfies Record<string, Record<string, Kind>>;

const CASES = [
  ['UserSchema', UserSchema, validUser],
  ['BragerObjectSchema', BragerObjectSchema, validObject],
  ['ModuleSchema', ModuleSchema, validModule],
  ['ModuleCardSchema', ModuleCardSchema, validCard],
  ['SystemVersionSchema', SystemVersionSchema, validVersion],
  ['AuthResponseSchema', AuthResponseSchema, validLogin],
] as const;

function parse(schema: v.GenericSchema, data: unknown): unknown {
  const r = v.safeParse(schema, data);
  if (!r.success)
    throw new Error(`did not parse: ${r.issues.map((i) => i.message).join('; ')} in ${JSON.stringify(data)}`);
  return r.output;
}

/** A copy of `row` whose typed fields each take one of their lax forms. */
function laxified(row: Record<string, unknown>, fields: Record<string, Kind>): fc.Arbitrary<Record<string, unknown>> {
  const picks: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, kind] of Object.entries(fields)) {
    if (k in row) picks[k] = fc.constantFrom(...variants(kind, row[k]));
  }
  return fc.record(picks).map((p) => ({ ...row, ...p }));
}

const PARAMS = { numRuns: 300, seed: 20260502 };

describe('lax variants parse to the canonical output', () => {
  for (const [name, schema, valid] of CASES) {
    const fields: Record<string, Kind> = FIELDS[name];

    it(`${name}: every variant of every typed field, one field at a time`, () => {
      fc.assert(
        fc.property(valid, (canonical) => {
          const row = canonical as Record<string, unknown>;
          const want = parse(schema, row);
          for (const [k, kind] of Object.entries(fields)) {
            if (!(k in row)) continue;
            for (const variant of variants(kind, row[k])) {
              expect(parse(schema, { ...row, [k]: variant }), `${k} = ${JSON.stringify(variant)}`).toEqual(want);
            }
          }
        }),
        { ...PARAMS, numRuns: 60 },
      );
    });

    it(`${name}: any mix of lax variants`, () => {
      const mixed = valid.chain((canonical) =>
        laxified(canonical as Record<string, unknown>, fields).map((lax) => ({ canonical, lax })),
      );
      fc.assert(
        fc.property(mixed, ({ canonical, lax }) => {
          expect(parse(schema, lax)).toEqual(parse(schema, canonical));
        }),
        PARAMS,
      );
    });
  }

  it('ObjectDetailsSchema: a numeric-string object id', () => {
    const canonical = { object: { id: 1201, name: 'Home', addressCountry: 'PL' }, status: 'SUCCESS' };
    expect(parse(ObjectDetailsSchema, { ...canonical, object: { ...canonical.object, id: '1201' } })).toEqual(
      parse(ObjectDetailsSchema, canonical),
    );
  });

  it('date-times come out as normalised ISO strings; a zone-less one is UTC', () => {
    expect(laxDateTime('2026-05-01T12:00:00')).toBe('2026-05-01T12:00:00.000Z');
    expect(laxDateTime('2026-05-01 12:00')).toBe('2026-05-01T12:00:00.000Z');
    expect(laxDateTime('2026-05-01T14:00:00+0200')).toBe('2026-05-01T12:00:00.000Z');
    expect(laxDateTime(1767225600)).toBe('2026-01-01T00:00:00.000Z');
    expect(laxDateTime('1767225600')).toBe('2026-01-01T00:00:00.000Z');
    for (const bad of ['', 'soon', 'Mon, 01 Jan 2026', '2026-13-45T99:00:00Z', Number.NaN, true, {}, null]) {
      expect(laxDateTime(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it('integers and booleans refuse what the reference refuses', () => {
    for (const bad of ['1.5', '1e3', '', 'x', 1.5, Number.POSITIVE_INFINITY, true, null, '99999999999999999999']) {
      expect(laxInteger(bad), JSON.stringify(bad)).toBeUndefined();
    }
    for (const bad of [2, -1, 'maybe', '', null, [], 0.5]) expect(laxBoolean(bad), JSON.stringify(bad)).toBeUndefined();
  });
});

/** Any JSON value, or the key left out (`undefined`). */
const junk = fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 2 }), fc.anything({ maxDepth: 1 }));

describe('a row or a login never fails over a field the SDK does not use', () => {
  const MODULE_KEYS = Object.keys(ModuleSchema.entries).filter((k) => k !== 'devid');

  it('ModuleSchema: any value (or none) in every field but devid still parses, devid kept', () => {
    const row = fc.record({
      devid: fc.string({ minLength: 1, maxLength: 12 }),
      rest: fc.record(Object.fromEntries(MODULE_KEYS.map((k) => [k, junk])), { requiredKeys: [] }),
    });
    fc.assert(
      fc.property(row, ({ devid, rest }) => {
        const out = parse(ModuleSchema, { ...rest, devid }) as {
          devid: string;
          connectedAt: unknown;
          permissions: unknown[];
        };
        expect(out.devid).toBe(devid);
        expect(Number.isInteger(out.connectedAt)).toBe(true);
        expect(out.permissions.every((p) => typeof p === 'string')).toBe(true);
      }),
      PARAMS,
    );
  });

  it('ModuleSchema: only an unusable devid skips a row', () => {
    for (const devid of [undefined, null, '', 42, {}, []]) {
      expect(v.safeParse(ModuleSchema, { devid, id: 1 }).success, JSON.stringify(devid)).toBe(false);
    }
  });

  it('login: any value (or none) in every field but accessToken still gives a token', () => {
    const login = fc.record({
      accessToken: fc.string({ minLength: 1, maxLength: 40 }),
      rest: fc.record(
        { refreshToken: junk, type: junk, expiresAt: junk, user: junk, objects: junk, extra: junk },
        { requiredKeys: [] },
      ),
    });
    fc.assert(
      fc.property(login, ({ accessToken, rest }) => {
        const payload = { ...rest, accessToken };
        expect(v.safeParse(AuthResponseSchema, payload).success).toBe(true);
        const t = tokenFromLoginPayload(payload);
        expect(t.accessToken).toBe(accessToken);
        expect(t.expiresAt === null || laxDateTime(t.expiresAt) === t.expiresAt).toBe(true);
        expect(t.userId === null || Number.isSafeInteger(t.userId)).toBe(true);
      }),
      PARAMS,
    );
  });

  it('login: the user id is read laxly and an odd user never fails', () => {
    expect(
      tokenFromLoginPayload({ accessToken: 'a', user: { id: '4711', allow_email_type_alarms: 'perhaps' } }).userId,
    ).toBe(4711);
    expect(tokenFromLoginPayload({ accessToken: 'a', user: 'nobody' }).userId).toBeNull();
    expect(tokenFromLoginPayload({ accessToken: 'a', user: { id: 'x' } }).userId).toBeNull();
    expect(tokenFromLoginPayload({ accessToken: 'a', expiresAt: '2026-05-01T12:00:00' }).expiresAt).toBe(
      '2026-05-01T12:00:00.000Z',
    );
    expect(tokenFromLoginPayload({ accessToken: 'a', expiresAt: 1777636800 }).expiresAt).toBe(
      '2026-05-01T12:00:00.000Z',
    );
    for (const expiresAt of [undefined, null, '', 'never', {}]) {
      expect(tokenFromLoginPayload({ accessToken: 'a', expiresAt }).expiresAt, JSON.stringify(expiresAt)).toBeNull();
    }
  });
});
