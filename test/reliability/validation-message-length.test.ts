/**
 * Regression (fixed): a ResponseValidationError message echoes a whole response body.
 *
 * valibot's default issue messages quote the received value in full (`Invalid type: Expected Object but received
 * "<html>…"`), and `ResponseValidationError` (src/errors.ts) puts the first issue's message into `error.message`
 * unshortened (and every issue message into `issues`). A 200 text/html page from a captive portal or a proxy, or a
 * long string in a JSON field, therefore becomes a multi-kilobyte, multi-line error message — STYLE.md: "messages …
 * never contain … a megabyte of upstream HTML". Fix: shorten (≈120 chars) and `redactText` each issue message in
 * `toIssues` (src/schemas/parse.ts), and collapse whitespace in the `ResponseValidationError` message.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BragerOneApiClient } from '../../src/client.js';
import { ResponseValidationError } from '../../src/errors.js';
import { fcParams, memoryFetch } from './helpers.js';

const MAX_MESSAGE = 400;
let page = '';
const client = new BragerOneApiClient({
  apiBase: 'http://fuzz.invalid/v1',
  logLevel: 'silent',
  fetch: memoryFetch(() => ({ status: 200, body: page, contentType: 'text/html' })),
  credsProvider: () => ({ email: 'fuzz@example.test', password: 'fuzz-password' }),
});
// Permission endpoints are not here: a body without a list answers [] (docs/PROTOCOL.md §4.3), checked below.
const calls = [
  () => client.getUser(),
  () => client.getObject(1),
  () => client.getModuleCard('X'),
  () => client.getSystemVersion(),
];

describe('ResponseValidationError stays one short line', () => {
  it('for a long text/html body on any JSON endpoint', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: calls.length - 1 }),
        fc.string({ minLength: 500, maxLength: 3000 }),
        async (i, text) => {
          page = `<html><body>\n${text}\n</body></html>`;
          const err = await (calls[i] as () => Promise<unknown>)().then(
            () => null,
            (e: unknown) => e,
          );
          expect(err).toBeInstanceOf(ResponseValidationError);
          const e = err as ResponseValidationError;
          expect(e.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
          expect(e.message).not.toContain('\n');
          for (const issue of e.issues) expect(issue.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
        },
      ),
      fcParams(500),
    );
  });

  it('permission endpoints answer [] for an HTML page (no list), as the reference does', async () => {
    page = '<html><body>captive portal</body></html>';
    expect(await client.getUserPermissions()).toEqual([]);
  });
});
