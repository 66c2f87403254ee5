import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError, isExpectedUpstreamUnavailable } from '../../src/errors.js';
import { handshakeStatus, toConnectError } from '../../src/realtime/connect-error.js';
import { WireError } from '../../src/realtime/wire.js';

describe('connect error mapping', () => {
  it('finds the HTTP status of refused handshakes in the shapes the wire client produces', () => {
    expect(handshakeStatus(new WireError('Unexpected server response: 503'))).toBe(503);
    expect(handshakeStatus(new WireError('polling request failed', 502))).toBe(502);
    expect(handshakeStatus(new WireError('Unauthorized', undefined, { message: 'Unauthorized' }))).toBe(401);
    expect(handshakeStatus(new WireError('namespace join refused', undefined, { message: 'Forbidden' }))).toBe(403);
    expect(handshakeStatus(new Error('Unauthorized'))).toBe(401);
    expect(handshakeStatus(new Error('Forbidden'))).toBe(403);
    expect(handshakeStatus(new Error('Handshake refused'))).toBeNull();
    expect(handshakeStatus(new Error('connect ECONNREFUSED 127.0.0.1:1'))).toBeNull();
  });

  it('maps to ApiError / NetworkError without secrets', () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.sig';
    const e503 = toConnectError(new WireError(`Unexpected server response: 503 ${token}`), '/ws', [token]);
    expect(e503).toBeInstanceOf(ApiError);
    expect(isExpectedUpstreamUnavailable(e503)).toBe(true);
    const net = toConnectError(new Error(`boom Bearer ${token}`), '/ws', [token]);
    expect(net).toBeInstanceOf(NetworkError);
    expect(isExpectedUpstreamUnavailable(net)).toBe(false);
    for (const e of [e503, net]) {
      expect(`${e.message} ${JSON.stringify(e)} ${String((e as { cause?: unknown }).cause)}`).not.toContain(token);
    }
  });
});
