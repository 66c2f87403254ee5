/**
 * Valibot schemas of the cloud's responses (wire field names, docs/PROTOCOL.md §3–§4).
 * As lenient as the reference (pydantic's lax mode): integers from integral numeric strings, booleans from `0`/`1`
 * and `"true"`/`"false"`, date-times from epoch seconds (always returned as normalised ISO strings, a zone-less one
 * read as UTC). Nullable fields the cloud is known to degrade are coerced here, in one place.
 */
import * as v from 'valibot';
import { LaxBool, LaxDateTime, LaxInt } from './lax.js';

export { LaxBool, LaxDateTime, LaxInt, laxBoolean, laxDateTime, laxInteger } from './lax.js';

const int = LaxInt;
const bool = LaxBool;
const isoDateTime = LaxDateTime;
const optStr = v.fallback(v.nullish(v.string(), ''), '');
/** A field the SDK does not rely on: its reading, or `fallback` when it is missing or unreadable (never an issue). */
const soft = <S extends v.GenericSchema, const F extends v.InferInput<S> | null>(schema: S, fallback: F) =>
  v.fallback(v.nullish(schema, fallback), fallback);
const anyList = soft(v.array(v.unknown()), []);

/** `GET /user` record (snake_case on the wire). */
export const UserSchema = v.object({
  id: int,
  name: v.string(),
  email: v.string(),
  language: v.string(),
  allow_email_type_informations: bool,
  allow_email_type_alarms: bool,
  allow_email_type_marketing: bool,
  allow_email_type_warnings: bool,
  activated_at: isoDateTime,
  show_rate_us_modal: bool,
});
/** The signed-in user. */
export type User = v.InferOutput<typeof UserSchema>;

/** A permission name such as `DISPLAY_MENU_DHW`. */
export type Permission = string;
/** One permission item: a string or `{ name }`. */
export const PermissionSchema = v.union([
  v.string(),
  v.pipe(
    v.looseObject({ name: v.string() }),
    v.transform((o) => o.name),
  ),
]);

/**
 * Row of `GET /objects`: one building ("object", also `group_id`). `id` and `name` are required (a bad row fails the
 * list, as in the reference); the address fields, which the SDK does not use, fall back to `''`/`null`.
 */
export const BragerObjectSchema = v.object({
  id: int,
  name: v.string(),
  addressCountry: optStr,
  addressCity: soft(v.string(), null),
  addressPostCode: soft(v.string(), null),
  addressStreet: soft(v.string(), null),
  addressHouseNumber: soft(v.string(), null),
});
/** A building with controller modules. */
export type BragerObject = v.InferOutput<typeof BragerObjectSchema>;

/** `GET /objects/{id}`: the object plus its operational `status` string (`SUCCESS`, `OFFLINE`, …). */
export const ObjectDetailsSchema = v.object({
  object: v.looseObject({ id: int, name: v.string(), addressCountry: v.optional(v.string()) }),
  status: v.string(),
});
/** Object details with operational status. */
export type ObjectDetails = v.InferOutput<typeof ObjectDetailsSchema>;

/** Internet gateway of a module; null members become `""`, a null gateway becomes all `""`. */
export const ModuleGatewaySchema = v.object({
  address: optStr,
  interface: optStr,
  version: optStr,
});
/** Gateway metadata of a module. */
export type ModuleGateway = v.InferOutput<typeof ModuleGatewaySchema>;

const EMPTY_GATEWAY = (): ModuleGateway => ({ address: '', interface: '', version: '' });

const ParameterSchemaSchema = v.looseObject({ name: v.string(), id: int, value: v.record(v.string(), v.unknown()) });

/**
 * Row of `GET /modules`: one controller module. `connectedAt` 0 = offline. Only an unusable `devid` (not a
 * non-empty string) fails a row; every other field falls back to a neutral value when it is missing or unreadable:
 * `0` for numbers (so an unreadable `connectedAt` reads as offline, as the reference's skipped row does), `''` for
 * strings, `[]` for lists (non-string permissions are dropped), `null` for the date-times.
 */
export const ModuleSchema = v.object({
  id: soft(int, 0),
  devid: v.pipe(v.string(), v.nonEmpty('expected a module code')),
  name: optStr,
  moduleTitle: optStr,
  gateway: v.fallback(v.nullish(ModuleGatewaySchema, EMPTY_GATEWAY), EMPTY_GATEWAY),
  deviceMenu: soft(int, 0),
  deviceLanguageVariant: soft(int, 0),
  devices: anyList,
  services: anyList,
  moduleServices: anyList,
  permissions: v.pipe(
    anyList,
    v.transform((list) => (list ?? []).filter((p): p is string => typeof p === 'string')),
  ),
  acceptedAt: soft(int, 0),
  connectedAt: soft(int, 0),
  moduleAlarms: soft(int, 0),
  parameterSchemas: v.pipe(
    anyList,
    v.transform((list) =>
      (list ?? []).flatMap((x) => {
        const r = v.safeParse(ParameterSchemaSchema, x);
        return r.success ? [r.output] : [];
      }),
    ),
  ),
  moduleAddress: optStr,
  moduleInterface: optStr,
  moduleVersion: optStr,
  isAcceptedAt: soft(isoDateTime, null),
  isConnectedAt: soft(isoDateTime, null),
});
/** A controller module. */
export type Module = v.InferOutput<typeof ModuleSchema>;

/** `GET /modules/{devid}/card`: installer/customer card (personal data — never log it). */
export const ModuleCardSchema = v.object({
  id: int,
  moduleId: int,
  clientFullName: v.string(),
  clientPhoneNumber: v.string(),
  clientAddressStreetAndNumber: v.string(),
  clientAddressPostalCode: v.string(),
  clientAddressCity: v.string(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
/** Module card. */
export type ModuleCard = v.InferOutput<typeof ModuleCardSchema>;

/** `GET /system/version` (inner object). */
export const SystemVersionSchema = v.object({ version: v.string(), devMode: bool });
/** Live web-app build. */
export type SystemVersion = v.InferOutput<typeof SystemVersionSchema>;

/**
 * `POST /auth/user` response. Only a non-empty string `accessToken` is required: an unreadable `expiresAt` becomes
 * `null` ("never expires"), an odd `user` record `null`, odd `refreshToken`/`type`/`objects` their defaults.
 */
export const AuthResponseSchema = v.looseObject({
  accessToken: v.pipe(v.string(), v.minLength(1, 'expected a non-empty access token')),
  refreshToken: soft(v.string(), null),
  type: soft(v.string(), 'bearer'),
  expiresAt: soft(isoDateTime, null),
  user: soft(UserSchema, null),
  objects: soft(v.array(v.unknown()), null),
});
/** Login response. */
export type AuthResponse = v.InferOutput<typeof AuthResponseSchema>;
