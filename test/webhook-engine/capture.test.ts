import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FbpayError } from '../../src/core/errors.js';
import type { IncomingDelivery } from '../../src/providers/webhook/adapter.js';
import { formatCaptureLine, inferCaptureProvider, isCaptureFile, parseCaptureLine, readCapture, toCaptureLine } from '../../src/providers/webhook/capture.js';

const delivery = (over: Partial<IncomingDelivery> = {}): IncomingDelivery => ({
  method: 'POST',
  path: '/webhook',
  rawQuery: '',
  headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=abc' },
  body: Buffer.from('{"object":"payments"}'),
  receivedAt: new Date('2026-11-21T23:00:00.000Z'),
  ...over,
});

describe('capture format', () => {
  it('writes the documented line and reads it back with exact bytes', () => {
    const line = toCaptureLine(delivery(), true);
    expect(Object.keys(line)).toEqual(['received_at', 'method', 'path', 'headers', 'body_b64', 'verified']);
    const text = formatCaptureLine(line);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trim().includes('\n')).toBe(false);
    const back = parseCaptureLine(text.trim(), 'c.ndjson:1');
    expect(back).toMatchObject({ captured: true, method: 'POST', path: '/webhook', verified: true, label: 'c.ndjson:1', received_at: '2026-11-21T23:00:00.000Z' });
    expect(back.body.equals(delivery().body)).toBe(true);
  });

  it('round-trips arbitrary bodies, paths and headers byte for byte', () => {
    const header = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/), fc.string({ maxLength: 40 }));
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('GET', 'POST', 'PUT'),
        fc.stringMatching(/^\/[\w./-]{0,30}$/),
        fc.stringMatching(/^([\w.%-]+=[\w.%+-]*(&|$)){0,4}$/),
        fc.array(header, { maxLength: 5 }),
        fc.boolean(),
        (body, method, path, rawQuery, headers, verified) => {
          const h = Object.fromEntries(headers.filter(([k]) => !['authorization', 'cookie', 'x-api-key', 'x-auth-token', 'proxy-authorization'].includes(k)));
          const d = delivery({ body: Buffer.from(body), method, path, rawQuery, headers: h });
          const back = parseCaptureLine(formatCaptureLine(toCaptureLine(d, verified, { keepSecrets: true })).trim(), 'x:1');
          expect(back.body.equals(Buffer.from(body))).toBe(true);
          expect(back.method).toBe(method);
          expect(back.path).toBe(rawQuery ? `${path}?${rawQuery}` : path);
          expect(back.headers).toEqual(h);
          expect(back.verified).toBe(verified);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('arbitrary lines only ever throw a usage error naming file:line', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ method: 'POST', path: '/', headers: {}, body_b64: v }))), (text) => {
        try {
          const d = parseCaptureLine(text, 'f.ndjson:7');
          expect(Buffer.isBuffer(d.body)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(FbpayError);
          expect((e as FbpayError).exitCode).toBe(2);
          expect((e as FbpayError).message).toMatch(/^f\.ndjson:7: /);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects each malformed field with its name', () => {
    const good = { received_at: 'x', method: 'POST', path: '/a', headers: { a: 'b' }, body_b64: 'e30=', verified: true };
    for (const [field, value] of [
      ['method', 'post'],
      ['path', 'no-slash'],
      ['headers', []],
      ['body_b64', 'not base64!'],
      ['body_b64', 'abc'],
      ['verified', 'yes'],
    ] as const) {
      expect(() => parseCaptureLine(JSON.stringify({ ...good, [field]: value }), 'f:1')).toThrowError(new RegExp(`"${field}`));
    }
    expect(() => parseCaptureLine(JSON.stringify({ ...good, headers: { a: 1 } }), 'f:1')).toThrowError(/headers\.a/);
    expect(() => parseCaptureLine('[1]', 'f:1')).toThrowError(/\(line\)/);
  });

  it('never records credentials unless asked: Authorization dropped, token query values and known secrets masked', () => {
    const secret = 'the-app-secret-123456';
    const d = delivery({
      rawQuery: 'hub.verify_token=vt-secret-xyz&access_token=EAAB123456789&x=1',
      headers: { authorization: 'Bearer abcdef', cookie: 'sid=1', 'x-echo': `k=${secret}`, 'x-hub-signature-256': 'sha256=00' },
      body: Buffer.from(`{"leak":"${secret}"}`),
    });
    const line = toCaptureLine(d, false, { secrets: [secret] });
    const text = formatCaptureLine(line);
    for (const s of ['Bearer abcdef', 'sid=1', secret, 'vt-secret-xyz', 'EAAB123456789']) expect(text).not.toContain(s);
    expect(line.headers['x-hub-signature-256']).toBe('sha256=00');
    expect(line.path).toMatch(/^\/webhook\?hub\.verify_token=[^&]+&access_token=[^&]+&x=1$/);
    expect(line.redacted).toEqual(expect.arrayContaining(['header authorization', 'header cookie', 'header x-echo', 'query hub.verify_token', 'query access_token', 'body']));
    const kept = toCaptureLine(d, false, { secrets: [secret], keepSecrets: true });
    expect(formatCaptureLine(kept)).toContain('Bearer abcdef');
    expect(Buffer.from(kept.body_b64, 'base64').toString()).toContain(secret);
    expect(kept.redacted).toBeUndefined();
  });

  it('infers the provider from headers and the Midas signed GET', () => {
    expect(inferCaptureProvider({ method: 'POST', path: '/', headers: { 'x-hub-signature': 'sha1=1' } })).toBe('facebook');
    expect(inferCaptureProvider({ method: 'POST', path: '/', headers: { 'x-hub-signature-256': 'sha256=1' } })).toBe('facebook');
    expect(inferCaptureProvider({ method: 'POST', path: '/', headers: { 'paypal-transmission-id': 'x' } })).toBe('paypal');
    expect(inferCaptureProvider({ method: 'GET', path: '/cb?openid=1&sig=abc%3D', headers: {} })).toBe('midas');
    expect(inferCaptureProvider({ method: 'POST', path: '/cb?sig=abc', headers: {} })).toBeUndefined();
    expect(inferCaptureProvider({ method: 'POST', path: '/', headers: {} })).toBeUndefined();
  });

  it('streams a file (blank lines skipped, errors name the line) and recognises captures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fbpay-capture-'));
    const file = join(dir, 'traffic.log');
    const a = formatCaptureLine(toCaptureLine(delivery({ body: Buffer.from('one') }), true));
    const b = formatCaptureLine(toCaptureLine(delivery({ body: Buffer.from('two') }), false));
    writeFileSync(file, a + '\n' + b + '{oops\n');
    expect(isCaptureFile(file)).toBe(true);
    expect(isCaptureFile(join(dir, 'x.ndjson'))).toBe(true);
    const fixture = join(dir, 'fx.json');
    writeFileSync(fixture, '{"name":"x","provider":"facebook"}');
    expect(isCaptureFile(fixture)).toBe(false);
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const d of readCapture(file, 'traffic.log')) got.push(`${d.label}=${d.body.toString()}`);
      })(),
    ).rejects.toThrowError(/traffic\.log:4: not a JSON line/);
    expect(got).toEqual(['traffic.log:1=one', 'traffic.log:3=two']);
    await expect(
      (async () => {
        for await (const _d of readCapture(join(dir, 'missing.ndjson'), 'missing.ndjson')) void _d;
      })(),
    ).rejects.toThrowError(/cannot read capture missing\.ndjson: no such file/);
  });
});
