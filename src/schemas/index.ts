/**
 * Valibot schemas of the cloud's responses (wire field names, PROTOCOL.md §3–§4).
 * Nullable fields the cloud is known to degrade are coerced here, in one place.
 */
import * as v from 'valibot';

const isoDateTime = v.pipe(
  v.string(),
  v.check((s) => Number.isFinite(Date.parse(s)), 'expected an ISO-8601 date-time'),
);
const int = v.pipe(v.number(), v.integer());
const optStr = v.nullish(v.string(), '');

/** `GET /user` record (snake_case on the wire). */
export const UserSchema = v.object({
  id: int,
  name: v.string(),
  email: v.string(),
  language: v.string(),
  allow_email_type_informations: v.boolean(),
  allow_email_type_alarms: v.boolean(),
  allow_email_type_marketing: v.boolean(),
  allow_email_type_warnings: v.boolean(),
  activated_at: isoDateTime,
  show_rate_us_modal: v.boolean(),
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

/** Row of `GET /objects`: one building ("object", also `group_id`). */
export const BragerObjectSchema = v.object({
  id: int,
  name: v.string(),
  addressCountry: v.string(),
  addressCity: v.nullish(v.string(), null),
  addressPostCode: v.nullish(v.string(), null),
  addressStreet: v.nullish(v.string(), null),
  addressHouseNumber: v.nullish(v.string(), null),
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

/** Row of `GET /modules`: one controller module. `connectedAt` 0 = offline. */
export const ModuleSchema = v.object({
  id: int,
  devid: v.string(),
  name: v.string(),
  moduleTitle: v.string(),
  gateway: v.nullish(ModuleGatewaySchema, EMPTY_GATEWAY),
  deviceMenu: int,
  deviceLanguageVariant: int,
  devices: v.array(v.unknown()),
  services: v.array(v.unknown()),
  moduleServices: v.array(v.unknown()),
  permissions: v.array(v.string()),
  acceptedAt: int,
  connectedAt: v.nullish(int, 0),
  moduleAlarms: int,
  parameterSchemas: v.array(v.looseObject({ name: v.string(), id: int, value: v.record(v.string(), v.unknown()) })),
  moduleAddress: optStr,
  moduleInterface: optStr,
  moduleVersion: optStr,
  isAcceptedAt: isoDateTime,
  isConnectedAt: v.nullish(isoDateTime, null),
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
export const SystemVersionSchema = v.object({ version: v.string(), devMode: v.boolean() });
/** Live web-app build. */
export type SystemVersion = v.InferOutput<typeof SystemVersionSchema>;

/** `POST /auth/user` response. */
export const AuthResponseSchema = v.looseObject({
  accessToken: v.pipe(v.string(), v.minLength(1, 'expected a non-empty access token')),
  refreshToken: v.nullish(v.string(), null),
  type: v.nullish(v.string(), 'bearer'),
  expiresAt: v.nullish(isoDateTime, null),
  user: v.nullish(UserSchema, null),
  objects: v.nullish(v.array(v.unknown()), null),
});
/** Login response. */
export type AuthResponse = v.InferOutput<typeof AuthResponseSchema>;
