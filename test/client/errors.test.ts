/**
 * The error tree: one status → class mapping, "no credentials" as NotAuthenticatedError (still ApiError 401), and
 * a 2xx that is never an ApiError. A stubbed fetch stands in for answers the simulator does not give (GET /modules 201).
 */
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  BragerOneApiClient,
  BragerOneError,
  NotAuthenticatedError,
  ResponseValidationError,
  isApiError,
} from '../../src/index.js';
import { errorForStatus } from '../../src/errors.js';

const TOKEN = {
  accessToken: 'tok-123456',
  refreshToken: null,
  tokenType: 'bearer',
  expiresAt: null,
  userId: 1,
  objects: [],
};

function answering(status: number, body: unknown): typeof globalThis.fetch {
  return async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('errors', () => {
  it('errorForStatus: 4xx/5xx → ApiError, 2xx/3xx → ResponseValidationError (never ApiError)', () => {
    for (const s of [400, 401, 404, 500, 503]) expect(errorForStatus(s, null, {}, 'GET /x')).toBeInstanceOf(ApiError);
    for (const s of [201, 204, 304]) {
      const e = errorForStatus(s, null, {}, 'GET /x');
      expect(e).toBeInstanceOf(ResponseValidationError);
      expect(isApiError(e)).toBe(false);
      expect(e.message).toContain(`unexpected HTTP ${s}`);
    }
  });

  it('no token and no credentials → NotAuthenticatedError, an ApiError with status 401, nothing sent', async () => {
    let calls = 0;
    const fetch: typeof globalThis.fetch = async () => {
      calls++;
      return new Response('{}', { status: 200 });
    };
    const c = new BragerOneApiClient({
      apiBase: 'https://api.invalid/v1',
      tokenStore: null,
      fetch,
      logLevel: 'silent',
    });
    const err = await c.getUser().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotAuthenticatedError);
    expect(err).toBeInstanceOf(ApiError);
    expect(isApiError(err)).toBe(true);
    expect(err).toMatchObject({ status: 401, name: 'NotAuthenticatedError' });
    expect(() => c.accessToken).toThrow(NotAuthenticatedError);
    expect(calls).toBe(0);
  });

  it('getModules: a 2xx other than 200 rejects with a BragerOneError that is not an ApiError', async () => {
    const c = new BragerOneApiClient({
      apiBase: 'https://api.invalid/v1',
      tokenStore: null,
      fetch: answering(201, { data: [] }),
      logLevel: 'silent',
      validateOnStart: false,
    });
    c.setTokenStore({ load: () => TOKEN, save: () => {}, clear: () => {} });
    const err = await c.getModules(1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BragerOneError);
    expect(err).toBeInstanceOf(ResponseValidationError);
    expect(isApiError(err)).toBe(false);
    expect((err as Error).message).toMatch(/^GET \/modules: .*unexpected HTTP 201/);
  });

  it('moduleCommandAuto with both or neither route rejects with a BragerOneError', async () => {
    const c = new BragerOneApiClient({
      apiBase: 'https://api.invalid/v1',
      tokenStore: null,
      fetch: answering(200, {}),
      logLevel: 'silent',
    });
    await expect(
      c.moduleCommandAuto({ devid: 'D', command: 'X', pool: 'P4', parameter: 'v1', value: 1 }),
    ).rejects.toBeInstanceOf(BragerOneError);
    await expect(c.moduleCommandAuto({ devid: 'D', value: 1 })).rejects.toBeInstanceOf(BragerOneError);
  });
});
