/** fast-check generators of VALID wire payloads (PROTOCOL.md §3–§4), the seeds of the near-miss generators. */
import fc from 'fast-check';

/** ISO-8601 instant with a zone, as the cloud sends it. */
export const isoDate = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .chain((d) =>
    fc.constantFrom(d.toISOString(), d.toISOString().replace('Z', '+00:00'), d.toISOString().replace('.000Z', 'Z')),
  );

const int = fc.integer({ min: -1_000_000, max: 2_000_000_000 });
const name = fc.string({ maxLength: 16 });
const nullableStr = fc.option(fc.string({ maxLength: 10 }), { nil: null });

/** `GET /user` record (§4.2). */
export const validUser = fc.record({
  id: int,
  name,
  email: fc.string({ maxLength: 20 }),
  language: fc.constantFrom('en', 'pl', 'de'),
  allow_email_type_informations: fc.boolean(),
  allow_email_type_alarms: fc.boolean(),
  allow_email_type_marketing: fc.boolean(),
  allow_email_type_warnings: fc.boolean(),
  activated_at: isoDate,
  show_rate_us_modal: fc.boolean(),
});

/** Permission item: a string or `{ name }` (§4.3). */
export const validPermission = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.record({ name: fc.string({ maxLength: 12 }) }),
);

/** Row of `GET /objects` (§4.4). */
export const validObject = fc.record(
  {
    id: int,
    name,
    addressCountry: fc.string({ maxLength: 3 }),
    addressCity: nullableStr,
    addressPostCode: nullableStr,
    addressStreet: nullableStr,
    addressHouseNumber: nullableStr,
  },
  { requiredKeys: ['id', 'name', 'addressCountry'] },
);

/** `GET /objects/{id}` (§4.5). */
export const validObjectDetails = fc.record({
  object: fc.record({ id: int, name, addressCountry: fc.string({ maxLength: 3 }) }, { requiredKeys: ['id', 'name'] }),
  status: fc.constantFrom('SUCCESS', 'OFFLINE', 'X'),
});

/** Content of `devices`/`services`/`moduleServices` is [U]: a few fixed shapes keep generation cheap. */
const smallList = fc.constantFrom([], [1], [{}], [{ id: 1, name: 'x' }], [null]);

const gateway = fc.oneof(
  fc.constant(null),
  fc.record({ address: nullableStr, interface: nullableStr, version: nullableStr }),
);

/** Row of `GET /modules` (§4.7), including the degraded variants the cloud really sends. */
export const validModule = fc.record(
  {
    id: int,
    devid: fc.string({ minLength: 1, maxLength: 12 }),
    name,
    moduleTitle: name,
    gateway,
    deviceMenu: fc.integer({ min: 0, max: 20 }),
    deviceLanguageVariant: fc.integer({ min: 0, max: 5 }),
    devices: smallList,
    services: smallList,
    moduleServices: smallList,
    permissions: fc.constantFrom([], ['DISPLAY_MENU_DHW'], ['A', 'B']),
    acceptedAt: int,
    connectedAt: fc.oneof(fc.constant(null), fc.constant(0), int),
    moduleAlarms: fc.integer({ min: 0, max: 9 }),
    parameterSchemas: fc.constantFrom(
      [],
      [{ name: 'schema', id: 1, value: {} }],
      [{ name: 'x', id: 2, value: { a: 1 } }],
    ),
    moduleAddress: nullableStr,
    moduleInterface: nullableStr,
    moduleVersion: nullableStr,
    isAcceptedAt: isoDate,
    isConnectedAt: fc.option(isoDate, { nil: null }),
  },
  {
    requiredKeys: [
      'id',
      'devid',
      'name',
      'moduleTitle',
      'deviceMenu',
      'deviceLanguageVariant',
      'devices',
      'services',
      'moduleServices',
      'permissions',
      'acceptedAt',
      'moduleAlarms',
      'parameterSchemas',
      'isAcceptedAt',
    ],
  },
);

/** `GET /modules/{devid}/card` (§4.8). */
export const validCard = fc.record({
  id: int,
  moduleId: int,
  clientFullName: name,
  clientPhoneNumber: name,
  clientAddressStreetAndNumber: name,
  clientAddressPostalCode: name,
  clientAddressCity: name,
  createdAt: isoDate,
  updatedAt: isoDate,
});

/** `GET /system/version` inner object (§4.1). */
export const validVersion = fc.record({ version: fc.string({ maxLength: 16 }), devMode: fc.boolean() });

/** A non-empty opaque token. */
export const tokenString = fc.string({ minLength: 1, maxLength: 48 }).filter((s) => s.length > 0);

/** `POST /auth/user` 200 body (§3.1), with the optional parts sometimes null or missing. */
export const validLogin = fc.record(
  {
    accessToken: tokenString,
    refreshToken: fc.option(tokenString, { nil: null }),
    type: fc.option(fc.constantFrom('bearer', 'Bearer'), { nil: null }),
    expiresAt: fc.option(isoDate, { nil: null }),
    user: fc.option(validUser, { nil: null }),
    objects: fc.option(fc.array(validObject, { maxLength: 2 }), { nil: null }),
  },
  { requiredKeys: ['accessToken'] },
);

/** A persisted token record (§3.6): the SDK's camelCase form or the reference client's snake_case form. */
export const validStoredToken = fc.oneof(
  fc.record(
    {
      accessToken: tokenString,
      refreshToken: fc.option(tokenString, { nil: null }),
      tokenType: fc.constant('bearer'),
      expiresAt: fc.option(isoDate, { nil: null }),
      userId: fc.option(fc.integer(), { nil: null }),
      objects: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 }),
    },
    { requiredKeys: ['accessToken'] },
  ),
  fc.record(
    {
      access_token: tokenString,
      token_type: fc.constant('bearer'),
      refresh_token: fc.option(tokenString, { nil: null }),
      expires_at: fc.option(isoDate, { nil: null }),
      objects: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 }),
    },
    { requiredKeys: ['access_token'] },
  ),
);

/** Pool key as seen on the wire, including the tolerated (`4`, `p4`) and junk forms. */
export const poolKey = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 12 }).map((n) => `P${n}`) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 12 }).map((n) => `${n}`) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 12 }).map((n) => `p${n}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('P', '', 'PX', 'P4.', 'P-1', 'P1e3', '__proto__', 'constructor', 'P 4', 'P４'),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 5 }) },
);

/** `<chan><idx>` key as seen on the wire, including leading zeros, capitals and junk. */
export const chanKey = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.constantFrom('v', 's', 'u', 'n', 'x', 't'), fc.integer({ min: 0, max: 60 }))
      .map(([c, i]) => `${c}${i}`),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom('v', 'V', 'z'), fc.integer({ min: 0, max: 9 })).map(([c, i]) => `${c}0${i}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('v', 'x', 'vX', '1v', 'v-1', 'v1.5', 'v 1', '__proto__', 'v99999999999999', 'v１', ''),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);

/** Entry body: a value object, a meta-only object, or a bare scalar. */
export const entryBody = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      {
        value: fc.oneof(
          fc.integer(),
          fc.double({ noNaN: true }),
          fc.string({ maxLength: 4 }),
          fc.boolean(),
          fc.constant(null),
        ),
        storable: fc.boolean(),
        updatedAt: fc.integer(),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.boolean(), fc.constant(null)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
);

/** A prime / delta payload `devid → pool → chanIdx → body`, with junk mixed in at every level. */
export function paramPayload(devids: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  const pools = fc.dictionary(chanKey, entryBody, { maxKeys: 5 });
  const module = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.dictionary(
        poolKey,
        fc.oneof({ weight: 8, arbitrary: pools }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) }),
        { maxKeys: 3 },
      ),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
  return fc.dictionary(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...devids) },
      { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
    ),
    module,
    {
      maxKeys: 3,
    },
  );
}
