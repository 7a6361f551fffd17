import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeSignedRequest, parseSignedRequest, signSignedRequest } from '../../src/core/facebook/signed-request.js';
import { FbpayError } from '../../src/core/errors.js';
import { decodeDoc, decodeNdjsonLine, isoOf } from '../../src/ui/render/decode.js';
import { decodeBatch } from '../../src/providers/facebook/decode-batch.js';

const jsonObject = fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 }).map((o) => {
  const out: Record<string, unknown> = JSON.parse(JSON.stringify(o));
  delete out.issued_at;
  out.algorithm = 'HMAC-SHA256';
  return out;
});
const secret = fc.string({ minLength: 1, maxLength: 40, unit: 'binary' });

/** Decoding outcome: 'valid', 'invalid' (exit 1) or 'malformed' (exit 2); anything else thrown fails the test. */
function outcome(sr: string, key: string | undefined, verify = true): 'valid' | 'invalid' | 'unverified' | 'malformed' {
  try {
    const r = decodeSignedRequest(sr, key, { verify, now: 1_700_000_000 });
    if (r.valid === true) return 'valid';
    if (r.valid === false) {
      expect(r.error).toBeInstanceOf(FbpayError);
      expect(r.error!.exitCode).toBe(1);
      return 'invalid';
    }
    return 'unverified';
  } catch (e) {
    if (!(e instanceof FbpayError)) throw e;
    expect(e.exitCode).toBe(2);
    return 'malformed';
  }
}

describe('signed_request properties', () => {
  it('sign → decode returns the payload, padded or not, for arbitrary JSON objects and secrets', () => {
    fc.assert(
      fc.property(jsonObject, secret, fc.boolean(), (payload, key, padded) => {
        const sr = signSignedRequest(payload, key, { padded });
        const r = decodeSignedRequest(sr, key, { now: 1_700_000_000 });
        expect(r.valid).toBe(true);
        expect(r.payload).toStrictEqual(payload);
      }),
      { numRuns: 1000 },
    );
  });

  it('any single-character change in either segment fails (exit 1 or 2), never valid', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=.! \n';
    fc.assert(
      fc.property(jsonObject, secret, fc.boolean(), fc.nat(), fc.constantFrom(...alphabet), (payload, key, padded, pos, ch) => {
        const sr = signSignedRequest(payload, key, { padded });
        const i = pos % sr.length;
        if (sr[i] === ch) return;
        const dot = sr.indexOf('.');
        // In the signature, '+' and '/' are accepted spellings of '-' and '_' (standard alphabet, with a warning).
        const same: Record<string, string> = { '-': '+', '+': '-', _: '/', '/': '_' };
        if (i < dot && same[sr[i]] === ch) return;
        // Whitespace at either end is trimmed (with a warning) before anything is checked.
        if ((i === 0 || i === sr.length - 1) && /\s/.test(ch)) return;
        const tampered = sr.slice(0, i) + ch + sr.slice(i + 1);
        expect(outcome(tampered, key)).not.toBe('valid');
      }),
      { numRuns: 2000 },
    );
  });

  it('the wrong secret never verifies', () => {
    fc.assert(
      fc.property(jsonObject, secret, secret, (payload, a, b) => {
        fc.pre(Buffer.from(a).equals(Buffer.from(b)) === false);
        expect(outcome(signSignedRequest(payload, a), b)).toBe('invalid');
      }),
      { numRuns: 1000 },
    );
  });

  it('arbitrary strings only ever give a result or an FbpayError (exit 1 or 2)', () => {
    const b64 = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/='.split('')), maxLength: 60 });
    // Near-valid: a real signed_request, as signed, or with one character of its signature changed, or
    // with a random signature, or checked with another secret. These decode, so the assertions on the
    // result below run for them.
    const nearValid = fc
      .tuple(jsonObject, secret, fc.constantFrom('as-signed', 'one-change', 'random-sig', 'other-secret'), fc.nat(), fc.constantFrom(...'Aa0-_+/='), b64)
      .map(([p, key, how, pos, ch, randomSig]) => {
        const sr = signSignedRequest(p, key);
        const dot = sr.indexOf('.');
        const sig = sr.slice(0, dot);
        const i = pos % dot;
        if (how === 'one-change') return { input: `${sig.slice(0, i)}${ch}${sig.slice(i + 1)}${sr.slice(dot)}`, key };
        if (how === 'random-sig') return { input: `${randomSig}${sr.slice(dot)}`, key };
        return { input: sr, key: how === 'other-secret' ? `${key}x` : key };
      });
    const anything = fc.oneof(
      fc.record({ input: fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.tuple(b64, b64).map(([a, b]) => `${a}.${b}`)), key: fc.oneof(secret, fc.constant(undefined)) }),
      nearValid,
    );
    const reached = { samples: 0, valid: 0, invalid: 0, unverified: 0 };
    fc.assert(
      fc.property(anything, ({ input, key }) => {
        reached.samples++;
        for (const verify of [true, false]) {
          try {
            const r = decodeSignedRequest(input, key, { verify });
            if (verify) {
              expect(typeof r.valid).toBe('boolean');
              reached[r.valid ? 'valid' : 'invalid']++;
            } else {
              expect(r.valid).toBeNull();
              reached.unverified++;
            }
            // Whatever decoded must print in both output shapes.
            JSON.parse(JSON.stringify(decodeDoc(r, { next: true })));
            JSON.parse(decodeNdjsonLine(r, 1));
          } catch (e) {
            expect(e).toBeInstanceOf(FbpayError);
            expect([1, 2]).toContain((e as FbpayError).exitCode);
          }
        }
        try {
          parseSignedRequest(input);
        } catch (e) {
          expect(e).toBeInstanceOf(FbpayError);
        }
      }),
      { numRuns: 3000 },
    );
    // The near-valid half really reaches the assertions on a result: about 1 sample in 8 verifies,
    // 3 in 8 decode and fail, and at least half decode unverified. The floors are far below that
    // (the run count is capped under Stryker, so they are fractions, not counts).
    expect(reached.samples).toBeGreaterThanOrEqual(100);
    expect(reached.valid).toBeGreaterThanOrEqual(reached.samples / 40);
    expect(reached.invalid).toBeGreaterThanOrEqual(reached.samples / 10);
    expect(reached.unverified).toBeGreaterThanOrEqual(reached.samples / 4);
  });

  it('the NDJSON line carries the same data as the --json document', () => {
    fc.assert(
      fc.property(jsonObject, fc.option(fc.integer({ min: -1e10, max: 1e10 }), { nil: undefined }), fc.boolean(), (payload, issuedAt, good) => {
        const p = issuedAt === undefined ? payload : { ...payload, issued_at: issuedAt };
        const sr = signSignedRequest(p, good ? 's' : 'other');
        const r = decodeSignedRequest(sr, 's', { now: 1_700_000_000, maxAge: 3600 });
        const line = JSON.parse(decodeNdjsonLine(r, 7));
        const doc = decodeDoc(r);
        expect(line).toStrictEqual({ line: 7, ...JSON.parse(JSON.stringify(doc)) });
      }),
      { numRuns: 1000 },
    );
  });

  it('isoOf matches Date#toISOString for every whole and fractional second', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -8.64e12, max: 8.64e12 }), fc.double({ min: -8.64e12, max: 8.64e12, noNaN: true })), (t) => {
        expect(isoOf(t)).toBe(new Date(t * 1000).toISOString());
      }),
      { numRuns: 5000 },
    );
    expect(isoOf(8.64e12 + 1)).toBeNull();
    expect(isoOf(Number.NaN)).toBeNull();
  });
});

describe('decodeBatch line splitting', () => {
  const collect = async (chunks: string[], maxLine?: number) => {
    let out = '';
    const summary = await decodeBatch(
      (async function* () {
        for (const c of chunks) yield Buffer.from(c, 'latin1');
      })(),
      { write: (s) => ((out += s), true) },
      { secret: 's', now: 1_700_000_000, toLine: decodeNdjsonLine, maxLine },
    );
    return { summary, lines: out.split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
  };

  it('same results, in order, whatever the chunk boundaries', async () => {
    const good = signSignedRequest({ algorithm: 'HMAC-SHA256', issued_at: 1_700_000_000, user_id: '1' }, 's');
    const bad = signSignedRequest({ algorithm: 'HMAC-SHA256', user_id: '2' }, 'x');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(good, bad, 'garbage', '', `${good}\r`), { minLength: 1, maxLength: 30 }), fc.array(fc.nat(), { maxLength: 10 }), async (rows, cuts) => {
        const text = rows.join('\n') + '\n';
        const points = [...new Set(cuts.map((c) => c % text.length))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let last = 0;
        for (const p of points) {
          chunks.push(text.slice(last, p));
          last = p;
        }
        chunks.push(text.slice(last));
        if (rows.every((r) => r === '')) return;
        const { summary, lines } = await collect(chunks);
        const expected = rows.map((r, i) => ({ r: r.replace(/\r$/, ''), line: i + 1 })).filter((x) => x.r !== '');
        expect(lines.map((l) => l.line)).toEqual(expected.map((x) => x.line));
        expect(lines.map((l) => l.valid)).toEqual(expected.map((x) => (x.r === good ? true : false)));
        expect(summary.malformed).toBe(expected.filter((x) => x.r === 'garbage').length);
      }),
      { numRuns: 300 },
    );
  });

  it('an overlong line is reported as malformed and skipped, without buffering it', async () => {
    const good = signSignedRequest({ algorithm: 'HMAC-SHA256', user_id: '1' }, 's');
    const huge = 'A'.repeat(5000);
    const { summary, lines } = await collect([good + '\n' + huge.slice(0, 100), huge, huge, '\n' + good + '\n' + huge], 1000);
    expect(lines.map((l) => [l.line, l.valid])).toEqual([
      [1, true],
      [2, false],
      [3, true],
      [4, false],
    ]);
    expect(lines[1].error.message).toMatch(/longer than 1000 bytes/);
    expect(summary).toMatchObject({ lines: 4, valid: 2, malformed: 2 });
  });
});
