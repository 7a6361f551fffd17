import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { APP_TOKEN, startEmu } from './helpers.js';
import type { GraphEmulator } from '../../src/providers/graph/emulator/server.js';

let emu: GraphEmulator;
beforeAll(async () => {
  emu = await startEmu();
});
afterAll(() => emu.close());

describe('emulator robustness', () => {
  it('arbitrary requests get a JSON answer, never a 5xx or a crash (each case is an HTTP round trip: 300 runs)', async () => {
    const segment = fc.oneof(
      fc.constantFrom('v21.0', '_fbpay', 'users', 'purchases', 'payments', 'actions', 'disputes', 'faults', 'stats', 'app', 'consume', 'refunds', 'dispute', 'subscriptions', 'products', '1000000000000001', '123'),
      fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'DELETE'),
        fc.array(segment, { maxLength: 4 }),
        fc.option(fc.oneof(fc.json(), fc.string(), fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1'))), { nil: undefined }),
        fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain'),
        fc.boolean(),
        async (method, parts, body, type, withToken) => {
          // no faults from the fuzzer: it must not switch the emulator into failure mode
          const path = '/' + parts.filter((p) => p !== 'faults').join('/');
          const res = await fetch(emu.url + path, {
            method,
            headers: { 'content-type': type, ...(withToken ? { authorization: `OAuth ${APP_TOKEN}` } : {}) },
            body: method === 'GET' ? undefined : body,
          });
          expect(res.status).toBeLessThan(500);
          const doc = (await res.json()) as Record<string, unknown>;
          expect(typeof doc).toBe('object');
          if (res.status >= 400) expect(doc.error).toMatchObject({ code: expect.any(Number), message: expect.any(String) });
        },
      ),
      { numRuns: 300 },
    );
  }, 120_000);
});
