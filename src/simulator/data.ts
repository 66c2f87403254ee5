import { ParamState, withMeta } from './params.js';
import type {
  PlantKind,
  PoolsInit,
  SimAccountInit,
  SimGateway,
  SimModuleCard,
  SimModuleInit,
  SimObjectInit,
  SimUser,
} from './types.js';
import { DESCRIPTION } from './webapp/description.js';
import { BragerOneError } from '../errors.js';

/** Email of the demo account. */
export const DEMO_EMAIL = 'demo@bragerone.local';
/** Password of the demo account. */
export const DEMO_PASSWORD = 'demo';
/** User id of the demo account. */
export const DEMO_USER_ID = 4711;
/** Object (installation) id of the demo house. */
export const DEMO_OBJECT_ID = 1201;
/** Module codes of the demo house: boiler first, mixing circuit second. */
export const DEMO_MODULES: readonly string[] = Object.freeze(['DEMO0A1B2C', 'DEMO0D3E4F']);
/** Default user permissions. */
export const DEMO_PERMISSIONS: readonly string[] = Object.freeze([
  'DISPLAY_MENU_OBJECTS',
  'DISPLAY_MENU_DHW',
  'DISPLAY_MENU_HEATING',
  'DISPLAY_MENU_CIRCUITS',
  'DISPLAY_MENU_ALERTS',
  'DISPLAY_PARAMETER_LEVEL_1',
  'SUBMISSION_CREATE',
]);

/**
 * Raw parameters of the demo pellet boiler (synthetic). Unit codes (`u`) are keys of the web app's unit
 * descriptor table (`webapp/description.ts`): 1 = tenths of °C, 2 = whole °C, 10 = tens of kg, 11 = %,
 * 20 = operating mode enum, 47 = °C with offset 127, 49 = tenths of kW, 66 = time of day in 10-minute steps.
 * `P5.s0` bits: 0 CH pump, 1 DHW pump, 3 burner. `P5.s1` bit 0: alarm. `P5.s40` sensor configuration:
 * bit 0 feeder sensor fitted (0 → the feeder temperature is hidden), bit 1 DHW disabled (1 → DHW hidden).
 * `P4.v59`/`v60`: burner operating time in minutes, low and high 16-bit words.
 */
export const BOILER_PARAMS: PoolsInit = {
  P4: {
    v1: { value: 612 },
    u1: { value: 1 },
    n1: 100,
    x1: 900, // boiler temperature
    v2: { storable: true }, // meta-only entry
    v3: { value: 478 },
    u3: { value: 1 }, // DHW temperature
    v4: { value: 35 },
    u4: { value: 1 }, // outside temperature
    v5: { value: 1420 },
    u5: { value: 1 }, // flue gas temperature
    v6: { value: 178 },
    u6: { value: 47 }, // return temperature (raw − 127 = °C)
    v7: { value: 254 },
    u7: { value: 1 }, // feeder temperature (sensor not fitted: hidden)
    v8: { value: 65 },
    u8: { value: 2 },
    n8: { value: 40 },
    x8: { value: 85 }, // boiler set-point
    v9: { value: 50 },
    u9: { value: 2 },
    n9: { value: 35 },
    x9: { value: 65 }, // DHW set-point
    v12: { value: 73 },
    u12: { value: 11 }, // fuel level %
    v13: { value: 1234 },
    u13: { value: 10 }, // fuel consumed, tens of kg
    v14: { value: 200 },
    u14: { value: 49 }, // burner power, tenths of kW
    v20: { value: 43 },
    u20: { value: 66 },
    n20: { value: 0 },
    x20: { value: 144 }, // DHW heating start 07:00
    v59: { value: 12345 },
    v60: { value: 1 }, // burner operating time in minutes (two words)
  },
  P5: { s0: { value: 9 }, s1: { value: 0 }, s40: { value: 0 } },
  P6: { v0: { value: 1 }, u0: { value: 20 }, n0: 0, x0: 3, v1: { value: 40 }, u1: { value: 11 } },
};

/** Raw parameters of the demo mixing circuit (tenths of °C; room set-point 10.0–30.0 °C). `P5.s0` bit 0: circuit pump. */
export const MIXER_PARAMS: PoolsInit = {
  P4: {
    v1: { value: 385 },
    u1: { value: 1 },
    n1: 200,
    x1: 700, // flow temperature
    v2: { value: 212 },
    u2: { value: 1 }, // room temperature
    v4: { value: 35 },
    u4: { value: 1 }, // outside temperature
    v8: { value: 215 },
    u8: { value: 1 },
    n8: { value: 100 },
    x8: { value: 300 }, // room set-point
    v10: { storable: true }, // meta-only entry
  },
  P5: { s0: { value: 1 } },
  P6: { v0: { value: 1 }, u0: { value: 20 }, n0: 0, x0: 3 },
};

/** The demo account with its house and two modules. */
export function demoAccount(): SimAccountInit {
  return {
    email: DEMO_EMAIL,
    password: DEMO_PASSWORD,
    user: { id: DEMO_USER_ID, name: 'Demo User', language: 'en' },
    permissions: [...DEMO_PERMISSIONS],
    objects: [
      {
        id: DEMO_OBJECT_ID,
        name: 'Demo house',
        addressCountry: 'PL',
        addressCity: 'Sampletown',
        addressPostCode: '00-000',
        addressStreet: 'Example St',
        addressHouseNumber: '1',
        modules: [
          {
            devid: 'DEMO0A1B2C',
            id: 301,
            name: 'Boiler room',
            moduleTitle: 'Pellet Boiler 25kW',
            gateway: { address: '192.0.2.10', interface: 'wifi', version: 'V2.08' },
            params: BOILER_PARAMS,
            plant: 'boiler',
            card: { id: 175 },
            deviceMenu: DESCRIPTION.deviceMenus.boiler,
            permissions: [...DESCRIPTION.permissions.boiler],
          },
          {
            devid: 'DEMO0D3E4F',
            id: 302,
            name: 'Mixing circuit',
            moduleTitle: 'Mixing Valve Controller',
            gateway: { address: '192.0.2.11', interface: 'eth0', version: 'V2.08' },
            params: MIXER_PARAMS,
            plant: 'mixer',
            card: { id: 176 },
            deviceMenu: DESCRIPTION.deviceMenus.mixer,
            permissions: [...DESCRIPTION.permissions.mixer],
          },
        ],
      },
    ],
  };
}

/** Internal account model. */
export interface AccountModel {
  email: string;
  password: string;
  user: SimUser;
  permissions: string[];
  objectIds: number[];
}

/** Internal object model. */
export interface ObjectModel {
  id: number;
  name: string;
  addressCountry: string;
  addressCity: string | null;
  addressPostCode: string | null;
  addressStreet: string | null;
  addressHouseNumber: string | null;
  status: string;
  permissions: string[];
  devids: string[];
  owner: string;
}

/** Internal module model. */
export interface ModuleModel {
  devid: string;
  id: number;
  name: string;
  moduleTitle: string;
  objectId: number;
  /** Epoch seconds of the current connection; 0 = offline. */
  connectedAt: number;
  gateway: SimGateway;
  permissions: string[];
  deviceMenu: number;
  acceptedAt: number;
  card: SimModuleCard;
  plant: PlantKind;
  params: ParamState;
}

/** Everything the simulator serves. */
export interface World {
  accounts: Map<string, AccountModel>;
  objects: Map<number, ObjectModel>;
  modules: Map<string, ModuleModel>;
}

const ACCEPTED_AT = 1704067200; // 2024-01-01T00:00:00Z

/** Builds the world from account inits; throws on duplicate emails, object ids or devids. */
export function buildWorld(inits: SimAccountInit[], nowMs: number): World {
  const world: World = { accounts: new Map(), objects: new Map(), modules: new Map() };
  const nowSec = Math.floor(nowMs / 1000);
  let nextUserId = 5000;
  let nextModuleId = 900;
  for (const a of inits) {
    const key = a.email.trim().toLowerCase();
    if (world.accounts.has(key)) throw new BragerOneError(`Duplicate simulator account ${a.email}`);
    const perms = a.permissions ? [...a.permissions] : [...DEMO_PERMISSIONS];
    const user: SimUser = {
      id: nextUserId++,
      name: 'Simulated User',
      email: a.email,
      language: 'en',
      allow_email_type_informations: true,
      allow_email_type_alarms: true,
      allow_email_type_marketing: false,
      allow_email_type_warnings: true,
      activated_at: '2024-02-03T10:00:00.000Z',
      show_rate_us_modal: false,
      ...a.user,
    };
    const account: AccountModel = { email: a.email, password: a.password, user, permissions: perms, objectIds: [] };
    world.accounts.set(key, account);
    for (const o of a.objects ?? []) {
      if (world.objects.has(o.id)) throw new BragerOneError(`Duplicate simulator object ${o.id}`);
      world.objects.set(o.id, objectModel(o, perms, key));
      account.objectIds.push(o.id);
      for (const m of o.modules ?? []) {
        if (world.modules.has(m.devid)) throw new BragerOneError(`Duplicate simulator module ${m.devid}`);
        world.modules.set(m.devid, moduleModel(m, o.id, m.id ?? nextModuleId++, nowSec));
        world.objects.get(o.id)?.devids.push(m.devid);
      }
    }
  }
  return world;
}

function objectModel(o: SimObjectInit, perms: string[], owner: string): ObjectModel {
  return {
    id: o.id,
    name: o.name,
    addressCountry: o.addressCountry ?? 'PL',
    addressCity: o.addressCity ?? null,
    addressPostCode: o.addressPostCode ?? null,
    addressStreet: o.addressStreet ?? null,
    addressHouseNumber: o.addressHouseNumber ?? null,
    status: o.status ?? 'SUCCESS',
    permissions: o.permissions ? [...o.permissions] : [...perms],
    devids: [],
    owner,
  };
}

function moduleModel(m: SimModuleInit, objectId: number, id: number, nowSec: number): ModuleModel {
  const params = withMeta(m.params ?? BOILER_PARAMS, nowSec - 86_400, nowSec);
  return {
    devid: m.devid,
    id,
    name: m.name ?? `Module ${m.devid}`,
    moduleTitle: m.moduleTitle ?? 'Generic Controller',
    objectId,
    connectedAt: m.online === false ? 0 : nowSec - 3600,
    gateway: m.gateway ?? { address: '192.0.2.20', interface: 'wifi', version: 'V2.08' },
    permissions: m.permissions ?? ['DISPLAY_MENU_DHW', 'DISPLAY_PARAMETER_LEVEL_1'],
    deviceMenu: m.deviceMenu ?? 0,
    acceptedAt: ACCEPTED_AT,
    card: {
      id: 100 + id,
      clientFullName: 'Jane Example',
      clientPhoneNumber: '+00 000 000 000',
      clientAddressStreetAndNumber: 'Example St 1',
      clientAddressPostalCode: '00-000',
      clientAddressCity: 'Sampletown',
      createdAt: '2024-01-15T10:30:00.000+00:00',
      updatedAt: '2024-01-15T11:45:00.000+00:00',
      ...m.card,
    },
    plant: m.plant ?? 'none',
    params: new ParamState(params),
  };
}
