import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError, isExpectedUpstreamUnavailable } from '../../src/errors.js';
import { handshakeStatus, toConnectError } from '../../src/realtime/connect-error.js';

/** The shapes socket.io-client reports (engine.io-client's TransportError, a refused join's Error with `data`). */
function transportError(message: string, description: unknown, context?: unknown): Error {
  return Object.assign(new Error(message), { type: 'TransportError', description, context });
}
function joinRefused(message: string): Error {
  return Object.assign(new Error(message), { data: { message } });
}

describe('connect error mapping', () => {
  it('finds the HTTP status of refused handshakes in the shapes socket.io-client produces', () => {
    // Node: `ws` reports a refused upgrade as an error event inside `description`
    expect(handshakeStatus(transportError('websocket error', { message: 'Unexpected server response: 503' }))).toBe(
      503,
    );
    expect(
      handshakeStatus(transportError('websocket error', { error: { message: 'Unexpected server response: 401' } })),
    ).toBe(401);
    // browsers: a failed polling request carries the status as `description` (or on its request object)
    expect(handshakeStatus(transportError('xhr poll error', 502))).toBe(502);
    expect(handshakeStatus(transportError('xhr poll error', 0, { status: 400 }))).toBe(400);
    expect(handshakeStatus(joinRefused('Unauthorized'))).toBe(401);
    expect(handshakeStatus(joinRefused('Forbidden'))).toBe(403);
    expect(handshakeStatus(new Error('Unauthorized'))).toBe(401);
    expect(handshakeStatus(new Error('Forbidden'))).toBe(403);
    expect(handshakeStatus(new Error('Handshake refused'))).toBeNull();
    expect(handshakeStatus(new Error('connect ECONNREFUSED 127.0.0.1:1'))).toBeNull();
  });

  it('maps to ApiError / NetworkError without secrets', () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.sig';
    const e503 = toConnectError(
      transportError('websocket error', { message: `Unexpected server response: 503 ${token}` }),
      '/ws',
      [token],
    );
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
