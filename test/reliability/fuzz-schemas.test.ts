/**
 * Fuzz / property tests of every response parser: the valibot schemas through the client's parse path
 * (`parseWith`), and the resource methods' wrappers (`{data}`, `{objects}`, `{user}`, `{permissions}`, bare) through
 * a real client whose `fetch` answers from memory with arbitrary JSON and near-miss shapes.
 *
 * Contract: a parser returns a valid value or throws an SDK error (`isBragerOneError`) — never a TypeError, never a
 * hang; an error message stays short.
 */
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { BragerOneApiClient } from '../../src/client.js';
import { isApiError, isBragerOneError, ResponseValidationError } from '../../src/errors.js';
import {
  AuthResponseSchema,
  BragerObjectSchema,
  ModuleCardSchema,
  ModuleSchema,
  ObjectDetailsSchema,
  PermissionSchema,
  SystemVersionSchema,
  UserSchema,
} from '../../src/schemas/index.js';
import { parseWith } from '../../src/schemas/parse.js';
import {
  validCard,
  validLogin,
  validModule,
  validObject,
  validObjectDetails,
  validPermission,
  validUser,
  validVersion,
} from './arbitraries.js';
import { fcParams, jsonValue, memoryFetch, nearMiss, typedOrValue, typedOrValueAsync, viaJson } from './helpers.js';

const SCHEMAS = [
  ['UserSchema', UserSchema, validUser],
  ['BragerObjectSchema', BragerObjectSchema, validObject],
  ['ObjectDetailsSchema', ObjectDetailsSchema, validObjectDetails],
  ['ModuleSchema', ModuleSchema, validModule],
  ['ModuleCardSchema', ModuleCardSchema, validCard],
  ['SystemVersionSchema', SystemVersionSchema, validVersion],
  ['PermissionSchema', PermissionSchema, validPermission],
  ['AuthResponseSchema', AuthResponseSchema, validLogin],
] as const;

/** Plain checks (no `expect`) inside properties: 10 000 runs must stay fast. */
function checkValidationError(e: unknown, context: string): void {
  if (!(e instanceof ResponseValidationError)) throw new Error(`not a ResponseValidationError: ${String(e)}`);
  if (!e.message.startsWith(`${context}: unexpected response`)) throw new Error(`message: ${e.message}`);
  if (e.issues.length === 0) throw new Error('no issues');
  for (const i of e.issues)
    if (typeof i.path !== 'string' || typeof i.message !== 'string') throw new Error('bad issue');
}

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(what);
}

describe('valibot schemas through parseWith (valid samples, near misses, arbitrary JSON)', () => {
  for (const [name, schema, valid] of SCHEMAS) {
    it(`${name}: a valid value (idempotent, re-validates) or ResponseValidationError; valid samples always parse`, () => {
      const sch = schema as v.GenericSchema;
      fc.assert(
        fc.property(
          fc.oneof(
            valid.map((x) => ({ kind: 'valid', input: viaJson(x) })),
            nearMiss(valid).map((input) => ({ kind: 'near', input })),
            jsonValue.map((input) => ({ kind: 'json', input })),
          ),
          ({ kind, input }) => {
            const r = typedOrValue(() => parseWith(sch, input, name));
            if (!r.ok) {
              if (kind === 'valid') throw new Error(`valid sample rejected: ${(r.error as Error).message}`);
              checkValidationError(r.error, name);
              return;
            }
            // whatever was accepted satisfies the schema again, unchanged (no half-coerced output)
            const again = parseWith(sch, r.value, name);
            if (JSON.stringify(again) !== JSON.stringify(r.value)) throw new Error('parse is not idempotent');
          },
        ),
        fcParams(),
      );
    });
  }
});

// ——— the client's resource methods (wrappers + schemas + status rules) ———

type Answer = { status: number; body: unknown; contentType?: string };
let current: Answer = { status: 200, body: null };
const client = new BragerOneApiClient({
  apiBase: 'http://fuzz.invalid/v1',
  logLevel: 'silent',
  fetch: memoryFetch(() => current),
  credsProvider: () => ({ email: 'fuzz@example.test', password: 'fuzz-password' }),
  concurrency: 64,
});

const isObject = (x: unknown) => v.safeParse(BragerObjectSchema, x).success;
const isModule = (x: unknown) => v.safeParse(ModuleSchema, x).success;
const isStringList = (x: unknown) => Array.isArray(x) && x.every((p) => typeof p === 'string');

/** Per method: the body generators that matter (valid wrappers) and the result contract. */
const METHODS: Array<{
  name: string;
  call: () => Promise<unknown>;
  valid: fc.Arbitrary<unknown>;
  check: (value: unknown) => boolean;
  /** A 2xx other than 200 → `[]` (`empty`), a rejection (`error`), or whatever the body parses to (`any`). */
  odd2xx: 'empty' | 'error' | 'any';
}> = [
  {
    name: 'getUser',
    call: () => client.getUser(),
    valid: fc.oneof(
      validUser,
      validUser.map((user) => ({ user })),
    ),
    check: (x) => v.safeParse(UserSchema, x).success,
    odd2xx: 'any',
  },
  {
    name: 'getSystemVersion',
    call: () => client.getSystemVersion(),
    valid: fc.oneof(
      validVersion,
      validVersion.map((version) => ({ version })),
    ),
    check: (x) => v.safeParse(SystemVersionSchema, x).success,
    odd2xx: 'any',
  },
  {
    name: 'getUserPermissions',
    call: () => client.getUserPermissions(),
    valid: fc.oneof(
      fc.array(validPermission, { maxLength: 4 }),
      fc.array(validPermission, { maxLength: 4 }).map((permissions) => ({ permissions })),
    ),
    check: isStringList,
    odd2xx: 'any',
  },
  {
    name: 'getObjectPermissions',
    call: () => client.getObjectPermissions(1201),
    valid: fc.array(validPermission, { maxLength: 4 }).map((permissions) => ({ permissions })),
    check: isStringList,
    odd2xx: 'any',
  },
  {
    name: 'getObjects',
    call: () => client.getObjects(),
    valid: fc.oneof(
      fc.array(validObject, { maxLength: 3 }),
      fc.array(validObject, { maxLength: 3 }).map((data) => ({ data })),
      fc.array(validObject, { maxLength: 3 }).map((objects) => ({ objects })),
    ),
    check: (x) => Array.isArray(x) && x.every(isObject),
    odd2xx: 'empty',
  },
  {
    name: 'getObject',
    call: () => client.getObject(1201),
    valid: validObjectDetails,
    check: (x) => v.safeParse(ObjectDetailsSchema, x).success,
    odd2xx: 'any',
  },
  {
    name: 'getModules',
    call: () => client.getModules(1201),
    valid: fc.oneof(
      fc.array(validModule, { maxLength: 3 }),
      fc.array(validModule, { maxLength: 3 }).map((data) => ({ data })),
    ),
    check: (x) => Array.isArray(x) && x.every(isModule),
    odd2xx: 'error',
  },
  {
    name: 'getModuleCard',
    call: () => client.getModuleCard('DEMO0A1B2C'),
    valid: validCard,
    check: (x) => v.safeParse(ModuleCardSchema, x).success,
    odd2xx: 'any',
  },
];

const status = fc.oneof(
  { weight: 12, arbitrary: fc.constant(200) },
  { weight: 1, arbitrary: fc.constantFrom(201, 202, 204, 206) },
  { weight: 2, arbitrary: fc.constantFrom(400, 403, 404, 408, 422, 429, 500, 502, 503, 504) },
);

/** One run: a method, a status, a body (valid wrapper, near miss, arbitrary JSON, or text) and its content type. */
const scenario = fc.oneof(
  ...METHODS.map((m, i) =>
    fc.record({
      method: fc.constant(i),
      status,
      body: fc.oneof(
        { weight: 3, arbitrary: m.valid },
        { weight: 3, arbitrary: nearMiss(m.valid) },
        { weight: 2, arbitrary: jsonValue },
        { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
      ),
      textType: fc.boolean(),
    }),
  ),
);

describe('client resource methods: wrappers and schemas on arbitrary bodies (in-memory fetch)', () => {
  it('every method returns a valid value or rejects with an SDK error; status rules hold', async () => {
    await client.ensureAuth();
    await fc.assert(
      fc.asyncProperty(scenario, async ({ method, status: st, body, textType }) => {
        const m = METHODS[method] as (typeof METHODS)[number];
        current = { status: st, body, contentType: textType && typeof body === 'string' ? 'text/html' : undefined };
        const r = await typedOrValueAsync(m.call);
        if (st >= 400) {
          assert(
            !r.ok && isApiError(r.error) && r.error.status === st,
            `${m.name}: status ${st} must reject with ApiError(${st})`,
          );
          return;
        }
        if (r.ok) {
          if (st !== 200 && m.odd2xx === 'empty')
            assert(Array.isArray(r.value) && r.value.length === 0, `${m.name}: ${st} must give []`);
          assert(!(st !== 200 && m.odd2xx === 'error'), `${m.name} accepted status ${st}`);
          assert(m.check(r.value), `${m.name}: returned an invalid value`);
        } else {
          assert(!(m.name === 'getModules' && st === 200), `getModules threw on a 200: ${String(r.error)}`);
          assert(!(m.name === 'getObjects' && st !== 200), `getObjects threw on status ${st}`);
          assert(isBragerOneError(r.error), 'not an SDK error');
        }
      }),
      fcParams(),
    );
    expect(client.stats.inFlight).toBe(0);
  });

  it('modulesParametersPrime(returnData): any body → { status, data } for 2xx, ApiError for ≥ 400', async () => {
    await fc.assert(
      fc.asyncProperty(status, jsonValue, async (st, body) => {
        current = { status: st, body };
        const r = await typedOrValueAsync(() => client.modulesParametersPrime(['A'], { returnData: true }));
        if (st >= 400) assert(!r.ok && isApiError(r.error) && r.error.status === st, `status ${st}`);
        else assert(r.ok && r.value.status === st, `status ${st} must resolve`);
      }),
      fcParams(),
    );
  });
});
