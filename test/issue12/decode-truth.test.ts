import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runBin, runCli } from '../helpers/cli.js';
import { decodeSignedRequest, signSignedRequest } from '../../src/core/facebook/signed-request.js';
import { extractSignedRequest } from '../../src/core/facebook/signed-request-input.js';
import { durationOption } from '../../src/commands/option-values.js';

// Issue 12 §3–§5: what `fbpay decode` says is true at the edges.
const SECRET = 'd25da68caa30b617e2b4e3990cb91e4e';
const NOW = 1_700_000_000;
const env = { FB_APP_SECRET: SECRET };
const b64 = (s: string) => Buffer.from(s).toString('base64url');
/** A signed_request over exactly these JSON bytes (big integers and all). */
const signRaw = (json: string) => {
  const seg = b64(json);
  return `${createHmac('sha256', SECRET).update(seg).digest('base64url')}.${seg}`;
};
// A login signed_request as the JS SDK gives it (a bare user_id would be the Deauthorize/Data Deletion shape).
const login = (issuedAt: number) => signSignedRequest({ algorithm: 'HMAC-SHA256', code: 'AQDlogincode', issued_at: issuedAt, user_id: '10001' }, SECRET);

describe('decode: issued_at', () => {
  it('a correctly signed request from the future says the signature is valid and how far ahead it is', async () => {
    const r = await runCli(['decode', login(NOW + 1000), '--now', String(NOW)], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/signature valid; issued_at is 1000 s in the future/);
    expect(r.stdout).not.toMatch(/UNVERIFIED/);
    const j = JSON.parse((await runCli(['decode', login(NOW + 1000), '--now', String(NOW), '--json'], { env })).stdout);
    expect(j).toMatchObject({ valid: false, signature_valid: true, error: { code: 'issued_in_future' } });
  });

  it('a 9-year-old request without --max-age is valid but warned about; with --max-age it is refused', async () => {
    const old = login(NOW - 9 * 365 * 86400);
    const r = await runCli(['decode', old, '--now', String(NOW)], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/issued_at is 9 year\(s\) old and no --max-age was given/);
    const day = await runCli(['decode', login(NOW - 3600), '--now', String(NOW)], { env });
    expect(day.stderr).toBe('');
    const refused = await runCli(['decode', old, '--now', String(NOW), '--max-age', '7d'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).not.toMatch(/no --max-age/);
  });

  it('a payload without issued_at says its age was not checked', () => {
    const r = decodeSignedRequest(signSignedRequest({ algorithm: 'HMAC-SHA256', user_id: '1' }, SECRET), SECRET);
    expect(r.valid).toBe(true);
    expect(r.warnings).toContain('the payload has no issued_at, so its age was not checked (Facebook always sends one)');
  });

  it('--max-age takes durations (90s, 15m, 1h, 7d) and plain seconds; anything else is exit 2', async () => {
    const p = durationOption('--max-age');
    expect([p('90'), p('90s'), p('15m'), p('1h'), p('7d')]).toEqual([90, 90, 900, 3600, 604800]);
    expect(() => p('soon')).toThrow(/90s, 15m, 1h or 7d/);
    const ok = await runCli(['decode', login(NOW - 3000), '--now', String(NOW), '--max-age', '1h'], { env });
    expect(ok.code).toBe(0);
    const stale = await runCli(['decode', login(NOW - 3000), '--now', String(NOW), '--max-age', '15m'], { env });
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/more than --max-age 900 s/);
    // The binary's fast lane parses it the same way.
    const bin = await runBin(['decode', login(NOW - 3000), '--now', String(NOW), '--max-age', '15m'], { env });
    expect(bin.code).toBe(1);
    const bad = await runBin(['decode', login(NOW), '--max-age', 'soon'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-age must be a duration/);
  });
});

describe('decode: altered requests are invalid (exit 1); exit 2 only for what is not a signed_request', () => {
  const valid = login(NOW);
  const [sig, seg] = valid.split('.');
  it('an altered payload segment that no longer decodes to JSON is exit 1, not 2', async () => {
    const altered = `${sig}.${seg.slice(0, 10)}X${seg.slice(11)}`;
    const truncated = `${sig}.${seg.slice(0, -3)}`;
    for (const sr of [altered, truncated, `${sig}.bm90IGpzb24`]) {
      const r = await runCli(['decode', sr, '--now', String(NOW), '--json'], { env });
      expect(r.code, sr).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ valid: false, signature_valid: false, error: { code: 'signature_mismatch', message: expect.stringMatching(/altered or truncated/) } });
    }
    const human = await runCli(['decode', truncated, '--now', String(NOW)], { env });
    expect(human.stdout).toMatch(/✘ INVALID: signature mismatch/);
  });
  it('still exit 2: no dot, two dots, characters outside base64url, and --no-verify of an unreadable payload', async () => {
    for (const sr of ['not-a-signed-request', 'a.b.c', `${sig}.${seg}!`]) expect((await runCli(['decode', sr], { env })).code, sr).toBe(2);
    expect((await runCli(['decode', `${sig}.bm90IGpzb24`, '--no-verify'])).code).toBe(2);
  });
  it('a signature with the right bytes but a non-canonical last character is refused with that reason', () => {
    const last = sig[42];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) + 1];
    const r = decodeSignedRequest(`${sig.slice(0, 42)}${twin}.${seg}`, SECRET, { now: NOW });
    expect(r.valid).toBe(false);
    expect(r.error?.code).toBe('non_canonical_signature');
    expect(r.error?.message).toMatch(new RegExp(`last base64url character "${twin}" is not canonical \\(Facebook writes "${last}"\\)`));
  });
});

describe('decode: the inputs users paste', () => {
  const valid = login(NOW);
  it('a form body: the signed_request field is used, with a note naming it', async () => {
    const r = await runCli(['decode', `signed_request=${valid}&access_token=EAAB123`, '--now', String(NOW)], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✔ valid/);
    expect(r.stderr).toMatch(/note: decoded the "signed_request" field of the form body \(other fields, not signed: access_token\)/);
  });
  it('the FB.ui pay response JSON: the signed_request field is used, the note says so (stdin too)', async () => {
    const doc = JSON.stringify({ payment_id: 1621702554627001, amount: '0.99', currency: 'USD', quantity: '1', request_id: 'r1', status: 'completed', signed_request: valid });
    const r = await runCli(['decode', '-', '--now', String(NOW), '--json'], { env, stdin: doc });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, input_note: expect.stringMatching(/"signed_request" field of the Pay Dialog \(FB\.ui\) response JSON/) });
    expect(extractSignedRequest(valid)).toEqual({ signedRequest: valid });
  });
});

describe('decode: values printed as sent; -q', () => {
  it('--json and the human output print integers past 2^53 and out-of-range numbers exactly', async () => {
    const sr = signRaw(`{"algorithm":"HMAC-SHA256","issued_at":${NOW},"payment_id":9007199254740993,"amount":1e400}`);
    const j = await runCli(['decode', sr, '--now', String(NOW), '--json'], { env });
    expect(j.code).toBe(0);
    expect(j.stdout).toContain('"payment_id": 9007199254740993');
    expect(j.stdout).toContain('"amount": 1e400');
    expect(j.stdout).not.toContain('9007199254740992');
    expect(() => JSON.parse(j.stdout)).not.toThrow();
    const h = await runCli(['decode', sr, '--now', String(NOW)], { env });
    expect(h.stdout).toContain('"payment_id": 9007199254740993');
    expect(h.stdout).not.toContain('9007199254740992');
  });
  it('-q prints the verdict only', async () => {
    const ok = await runCli(['decode', login(NOW), '--now', String(NOW), '-q'], { env });
    expect(ok.stdout.trim().split('\n')).toEqual(['✔ valid signed_request (HMAC-SHA256) — login']);
    const bad = await runCli(['decode', login(NOW), '--now', String(NOW), '-q', '--secret', 'x'.repeat(32)]);
    expect(bad.code).toBe(1);
    expect(bad.stdout.trim().split('\n')).toHaveLength(1);
    const bin = await runBin(['decode', login(NOW), '--now', String(NOW), '-q'], { env });
    expect(bin.stdout.trim().split('\n')).toHaveLength(1);
  });
});

describe('sign: values are never changed silently', () => {
  const secret = ['--secret', SECRET];
  it('big integers are signed exactly as written; 1e400 and __proto__ are refused with exit 2 naming the field', async () => {
    const r = await runCli(['sign', '-', ...secret, '--json'], { stdin: '{"payment_id":9007199254740993,"price":1.50}' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('"payment_id": 9007199254740993');
    const sr = JSON.parse(r.stdout).signed_request as string;
    expect(Buffer.from(sr.split('.')[1], 'base64url').toString()).toBe('{"algorithm":"HMAC-SHA256","payment_id":9007199254740993,"price":1.50}');
    expect(decodeSignedRequest(sr, SECRET).valid).toBe(true);
    const inf = await runCli(['sign', '-', ...secret], { stdin: '{"order":{"amount":1e400}}' });
    expect(inf.code).toBe(2);
    expect(inf.stderr).toMatch(/order\.amount is 1e400/);
    const proto = await runCli(['sign', '-', ...secret], { stdin: '{"user":{"__proto__":{"admin":true}}}' });
    expect(proto.code).toBe(2);
    expect(proto.stderr).toMatch(/user\.__proto__ is a "__proto__" key/);
    const viaSet = await runCli(['sign', '--preset', 'pay-dialog', ...secret, '--set', 'payment_id=9007199254740993', '--json']);
    expect(viaSet.stdout).toContain('"payment_id": 9007199254740993');
  });
  it('--set on a fixture (whose body is serialized as plain JSON) refuses an integer it would round, instead of sending it changed', async () => {
    const big = await runCli(['fixtures', 'show', 'fb-payment-charge', '--set', 'entry.0.time=12345678901234567890']);
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/would be sent changed/);
    const ok = await runCli(['--json', 'fixtures', 'show', 'fb-payment-charge', '--set', 'entry.0.time=1700000000']);
    expect(JSON.parse(ok.stdout).body.entry[0].time).toBe(1700000000);
  });

  it('--set on a path the template does not have is refused with did-you-mean; +path adds it', async () => {
    const typo = await runCli(['fixtures', 'show', 'fb-payment-charge', '--set', 'entry.0.idd="1"']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/--set entry\.0\.idd: entry\.0 has no "idd"; did you mean entry\.0\.id\?/);
    expect(typo.stderr).toMatch(/--set \+entry\.0\.idd=/);
    const added = await runCli(['--json', 'fixtures', 'show', 'fb-payment-charge', '--set', '+entry.0.idd="1"']);
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout).body.entry[0].idd).toBe('1');
    const sign = await runCli(['sign', '--preset', 'lite-purchase', ...secret, '--set', 'ammount="2.99"']);
    expect(sign.code).toBe(2);
    expect(sign.stderr).toMatch(/did you mean amount\?/);
    // With no preset and no payload file, --set builds the payload: nothing to mistype against.
    expect((await runCli(['sign', ...secret, '--set', 'user_id="42"'])).code).toBe(0);
  });
  it('--ascii writes non-ASCII as \\uXXXX escapes; the signature covers those bytes', async () => {
    const r = await runCli(['sign', '-', ...secret, '--ascii'], { stdin: '{"user_id":"42","name":"Zoë 日本 😀"}' });
    expect(r.code, r.stderr).toBe(0);
    const json = Buffer.from(r.stdout.trim().split('.')[1], 'base64url').toString('latin1');
    expect(json).toBe('{"algorithm":"HMAC-SHA256","user_id":"42","name":"Zo\\u00eb \\u65e5\\u672c \\ud83d\\ude00"}');
    const d = decodeSignedRequest(r.stdout.trim(), SECRET);
    expect(d.valid).toBe(true);
    expect(d.payload.name).toBe('Zoë 日本 😀');
  });
});

describe('exact JSON (property)', () => {
  it('compact JSON round-trips byte for byte through parseJsonExact/stringifyExact, big integers included', async () => {
    const fc = (await import('fast-check')).default;
    const { parseJsonExact, stringifyExact } = await import('../../src/core/exact-json.js');
    const bigInt = fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((n) => ({ raw: n.toString() }));
    const leaf = fc.oneof(fc.string().map((s) => JSON.stringify(s)), fc.integer().map(String), bigInt.map((b) => b.raw), fc.constantFrom('true', 'false', 'null', '1.50', '0.1'));
    const doc = fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }).filter((k) => k !== '__proto__'), leaf, { maxKeys: 6 }).map(
      (o) => `{${Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`,
    );
    fc.assert(fc.property(doc, (text) => stringifyExact(parseJsonExact(text, 'x')) === text), { numRuns: 300 });
  });
});
