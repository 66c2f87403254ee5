/**
 * Fuzz / property tests of the realtime wire client's Socket.IO packet decoder (`decodeSio`): it never throws, it
 * inverts the Socket.IO v5 encoding for every packet a server can send (written here from the protocol's grammar,
 * independently of the decoder), and a packet whose payload is not JSON is reported as malformed, not guessed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSio } from '../../src/realtime/wire.js';
import { fcParams, jsonValue } from './helpers.js';

/** Reference encoder: `<type>[<n>-][<ns>,][<ack id>][<json>]`, with the namespace omitted for `/`. */
function encode(type: number, ns: string, ack: number | null, data: unknown, attachments: number | null): string {
  const att = attachments === null ? '' : `${attachments}-`;
  const nsp = ns === '/' ? '' : `${ns},`;
  return `${type}${att}${nsp}${ack ?? ''}${data === undefined ? '' : JSON.stringify(data)}`;
}

const ns = fc.oneof(fc.constant('/'), fc.stringMatching(/^\/[A-Za-z0-9_~.-]{1,10}$/));
/** What an event, ack, connect or error carries: an array or an object (never a bare number, which an ack id would absorb). */
const payload = fc.oneof(fc.array(jsonValue, { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 6 }), jsonValue, { maxKeys: 4 }));

describe('decodeSio (fuzz)', () => {
  it('never throws on arbitrary text, and yields a packet or null', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('', '4', '42/ws', '42/ws,', '51-', '5x-/ws,[]', '2/,[1]')), (s) => {
        const p = decodeSio(s);
        return p === null || (typeof p.type === 'number' && typeof p.ns === 'string');
      }),
      fcParams(),
    );
  });

  it('inverts the encoding of every well-formed packet', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        ns,
        fc.option(fc.nat({ max: 1e6 }), { nil: null }),
        fc.option(payload, { nil: undefined }),
        (type, space, ack, data) => {
          const attachments = type === 5 || type === 6 ? 1 : null;
          const p = decodeSio(encode(type, space, ack, data, attachments));
          expect(p).toEqual({ type, ns: space, ack, data: data === undefined ? undefined : JSON.parse(JSON.stringify(data)) });
        },
      ),
      fcParams(),
    );
  });

  it('a payload that is not JSON is malformed (null)', () => {
    fc.assert(
      fc.property(ns, payload, fc.integer({ min: 1, max: 8 }), (space, data, cut) => {
        const json = JSON.stringify(data);
        fc.pre(json.length > cut);
        const broken = json.slice(0, json.length - cut);
        let valid = true;
        try {
          JSON.parse(broken);
        } catch {
          valid = false;
        }
        fc.pre(!valid && !/^\d/.test(broken));
        expect(decodeSio(`2${space === '/' ? '' : `${space},`}${broken}`)).toBeNull();
      }),
      fcParams(),
    );
  });
});
