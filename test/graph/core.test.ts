import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { appsecretProof, verifyAppsecretProof } from '../../src/core/facebook/appsecret-proof.js';
import { compareAmounts, latestAction, parsePayment, refundProblem, subtractAmounts, addAmounts, verdict } from '../../src/core/facebook/payment.js';
import { EXPLAIN_ENTRIES, explainCode, normalizeCode } from '../../src/core/explain/lookup.js';
import { graphError, parseGraphError } from '../../src/providers/graph/errors.js';
import { GraphClient, isAppToken } from '../../src/providers/graph/client.js';
import { FbpayError } from '../../src/core/errors.js';
import { readVector } from '../helpers/vectors.js';

describe('appsecret_proof', () => {
  it('matches the php-graph-sdk vectors', () => {
    const vectors = readVector<{ appsecret_proof: Array<{ access_token: string; secret: string; proof: string }> }>('facebook.json').appsecret_proof;
    expect(vectors.length).toBeGreaterThanOrEqual(3);
    for (const v of vectors) {
      expect(appsecretProof(v.access_token, v.secret)).toBe(v.proof);
      expect(verifyAppsecretProof(v.proof, v.access_token, v.secret)).toBe(true);
      expect(verifyAppsecretProof(v.proof.toUpperCase(), v.access_token, v.secret)).toBe(true);
      expect(verifyAppsecretProof(v.proof, v.access_token + 'x', v.secret)).toBe(false);
    }
  });
  it('is lowercase hex of 64 chars; round-trips; any single-character change fails', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.nat(), (token, secret, pos) => {
        const proof = appsecretProof(token, secret);
        expect(proof).toMatch(/^[0-9a-f]{64}$/);
        expect(verifyAppsecretProof(proof, token, secret)).toBe(true);
        const i = pos % proof.length;
        const tampered = proof.slice(0, i) + (proof[i] === '0' ? '1' : '0') + proof.slice(i + 1);
        expect(verifyAppsecretProof(tampered, token, secret)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
  it('arbitrary proofs never throw and never verify by accident', () => {
    fc.assert(fc.property(fc.string(), (p) => {
          expect(verifyAppsecretProof(p, 'tok', 'sec')).toBe(p.toLowerCase() === appsecretProof('tok', 'sec'));
        }), { numRuns: 1000 });
  });
});

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString().replace('.000Z', '+0000');
const pay = (actions: Array<[string, string]>, disputes: Array<{ status: string }> = []) => ({
  id: '42',
  actions: actions.map(([type, status], i) => ({ type, status, amount: '0.99', currency: 'USD', time_created: t(i), time_updated: t(i) })),
  disputes,
});

describe('verdict', () => {
  it.each([
    [[['charge', 'completed']], 'fulfil'],
    [[['charge', 'completed'], ['refund', 'completed']], 'revoke'],
    [[['charge', 'completed'], ['chargeback', 'completed']], 'revoke'],
    [[['charge', 'completed'], ['decline', 'completed']], 'revoke'],
    [[['charge', 'completed'], ['chargeback', 'completed'], ['chargeback_reversal', 'completed']], 'restore'],
    [[['charge', 'initiated']], 'wait'],
    [[['charge', 'completed'], ['refund', 'initiated']], 'wait'],
    [[['charge', 'failed']], 'none'],
    // A status fbpay does not know is never read as completed: a pending charge delivers nothing.
    [[['charge', 'pending']], 'none'],
    [[['charge', 'completed'], ['refund', 'pending']], 'none'],
    [[['charge', 'completed'], ['refund', 'COMPLETED']], 'none'],
    [[['charge', 'completed'], ['upgrade', 'completed']], 'none'],
    [[], 'none'],
  ] as Array<[Array<[string, string]>, string]>)('%j → %s', (actions, expected) => {
    expect(verdict(pay(actions)).action).toBe(expected);
  });
  it('an unknown status or type says so in the reason', () => {
    expect(verdict(pay([['charge', 'pending']])).reason).toMatch(/charge pending \(0\.99 USD\); unknown status/);
    expect(verdict(pay([['upgrade', 'completed']])).reason).toMatch(/upgrade completed \(0\.99 USD\); unknown action type/);
  });
  it('actions updated at the same time: the later one in the array decides', () => {
    const at = (type: string) => ({ type, status: 'completed', time_created: t(0), time_updated: t(5) });
    expect(verdict({ id: '1', actions: [at('charge'), at('refund')] }).action).toBe('revoke');
    expect(verdict({ id: '1', actions: [at('refund'), at('charge')] }).action).toBe('fulfil');
    // time_updated decides over time_created; an action without any time never displaces a dated later one
    expect(latestAction({ actions: [{ ...at('refund'), time_updated: t(9) }, { ...at('charge'), time_created: t(20) }] })?.type).toBe('refund');
    expect(latestAction({ actions: [at('charge'), { type: 'refund', status: 'completed' }] })?.type).toBe('refund');
    expect(latestAction({ actions: [{ type: 'refund', status: 'completed' }, at('charge')] })?.type).toBe('charge');
  });
  it('a pending dispute adds the reminder; a resolved one does not', () => {
    expect(verdict(pay([['charge', 'completed']], [{ status: 'pending' }])).reason).toMatch(/fbpay payment dispute 42/);
    expect(verdict(pay([['charge', 'completed']], [{ status: 'resolved' }])).reason).not.toMatch(/dispute/);
  });
  it('the latest action is chosen by time, not array order', () => {
    const p = { actions: [{ type: 'refund', status: 'completed', time_updated: t(10) }, { type: 'charge', status: 'completed', time_updated: t(1) }] };
    expect(latestAction(p)?.type).toBe('refund');
    expect(verdict({ id: '1', ...p }).action).toBe('revoke');
  });
});

describe('payment schema', () => {
  it('keeps unknown fields and normalizes numeric ids and amounts to strings', () => {
    const p = parsePayment({ id: 123, actions: [{ type: 'charge', status: 'completed', amount: 1.5 }], fraud_status: 'UNKNOWN' });
    expect(p.id).toBe('123');
    expect(p.actions?.[0].amount).toBe('1.5');
    expect((p as Record<string, unknown>).fraud_status).toBe('UNKNOWN');
  });
  it('arbitrary input only ever throws a UsageError', () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        try {
          parsePayment(v);
        } catch (e) {
          expect(e).toBeInstanceOf(FbpayError);
          expect((e as FbpayError).exitCode).toBe(2);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('amounts', () => {
  // 0 to 6 decimals, and optional whitespace around (as a flag value or a fixture may carry it)
  const dec = fc
    .tuple(fc.nat(100000), fc.nat(6), fc.nat(999999), fc.constantFrom('', ' ', '\t'), fc.constantFrom('', ' ', '\n'))
    .map(([i, n, f, pre, post]) => pre + (n === 0 ? `${i}` : `${i}.${String(f).padStart(6, '0').slice(0, n)}`) + post);
  /** The amount in millionths, computed from the digits alone. */
  const micros = (s: string) => {
    const [whole, frac = ''] = s.trim().split('.');
    return BigInt(whole + frac.padEnd(6, '0'));
  };
  it('compare, add and subtract exactly (no float rounding), whatever the number of decimals', () => {
    fc.assert(
      fc.property(dec, dec, (a, b) => {
        const d = micros(a) - micros(b);
        expect(compareAmounts(a, b)).toBe(d < 0n ? -1 : d > 0n ? 1 : 0);
        expect(micros(subtractAmounts(a, b))).toBe(d < 0n ? 0n : d);
        expect(micros(addAmounts(a, b))).toBe(micros(a) + micros(b));
        expect(subtractAmounts(a, b)).toMatch(/^\d+\.\d{2,}$/);
      }),
      { numRuns: 1000 },
    );
    expect(compareAmounts('0.30', '0.3')).toBe(0);
    expect(compareAmounts('1.10', '1.09')).toBe(1);
    expect(compareAmounts('1.005', '1.01')).toBe(-1);
    expect(compareAmounts(' 1.555', '1.6')).toBe(-1);
    expect(subtractAmounts('1', '0.999')).toBe('0.001');
    expect(subtractAmounts('0.5', '2')).toBe('0.00');
    expect(addAmounts('0.5', '0.25')).toBe('0.75');
  });
  it('malformed amounts are usage errors (exit 2), on either side; well-formed ones never throw', () => {
    const wellFormed = /^\s*\d+(\.\d+)?\s*$/;
    let samples = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^-?\d{0,3}[.,]?\d{0,3}[a-z]?$/)), fc.boolean(), (s, left) => {
        samples++;
        const call = () => (left ? compareAmounts(s, '1') : compareAmounts('1', s));
        if (wellFormed.test(s)) return void expect(call).not.toThrow();
        refused++;
        expect(call).toThrow(FbpayError);
        try {
          call();
        } catch (e) {
          expect((e as FbpayError).exitCode).toBe(2);
          expect((e as FbpayError).code).toBe('bad_amount');
        }
      }),
      { numRuns: 1000 },
    );
    // both branches ran: most samples are refused, some are amounts
    expect(refused).toBeGreaterThan(samples / 2);
    expect(refused).toBeLessThan(samples);
    for (const bad of ['', ' ', '1.', '.5', '-1', '1e3', '1,5', 'abc', '0x10', '1.2.3', 'NaN', 'Infinity']) {
      expect(() => compareAmounts(bad, '1'), bad).toThrow(/is not an amount/);
      expect(() => subtractAmounts('1', bad), bad).toThrow(/is not an amount/);
      expect(() => addAmounts(bad, '1'), bad).toThrow(/is not an amount/);
    }
  });
  it('refundProblem: above refundable, wrong currency, zero', () => {
    const p = { refundable_amount: { currency: 'USD', amount: '0.99' } };
    expect(refundProblem(p, '0.99', 'usd')).toBeUndefined();
    expect(refundProblem(p, '1.00', 'USD')).toMatch(/more than the refundable 0.99 USD/);
    expect(refundProblem(p, '0.50', 'EUR')).toMatch(/currency EUR does not match/);
    expect(refundProblem(p, '0', 'USD')).toMatch(/more than 0/);
    expect(refundProblem({}, '100', 'USD')).toBeUndefined();
  });
});

describe('explain table', () => {
  it('covers every code the brief lists', () => {
    const want = [
      '1383001', '1383010', ...Array.from({ length: 6 }, (_, i) => String(1383004 + i)), ...Array.from({ length: 11 }, (_, i) => String(1383043 + i)),
      '1383068', '1383104', '1383146', '1', '2', '4', '10', '17', '32', '100', '102', '190', '200', '368', '613',
      'paypal:crc-mismatch', 'paypal:cert-host', 'paypal:cert-expired', 'paypal:simulator-webhook-id', 'midas:0', 'midas:1', 'midas:2', 'midas:3', 'midas:4',
    ];
    for (const c of want) expect(explainCode(c).found, c).toBe(true);
    expect(new Set(EXPLAIN_ENTRIES.map((e) => e.code)).size).toBe(EXPLAIN_ENTRIES.length);
  });
  it('1383001 explains the unconsumed purchase and the consume fix with a user token', () => {
    const r = explainCode('1383001');
    if (!r.found) throw new Error('not found');
    expect(r.entry.cause).toMatch(/unconsumed/);
    expect(r.entry.fix).toMatch(/consume/);
    expect(r.entry.fix).toMatch(/USER access token/);
  });
  it('Graph permission codes 200–299 share the 200 entry', () => {
    const r = explainCode('(#210)');
    expect(r.found && r.entry.code).toBe('200');
    expect(explainCode('300').found).toBe(false);
  });
  it('normalizes the ways people paste codes', () => {
    expect(normalizeCode('(#100)')).toBe('100');
    expect(normalizeCode('#190')).toBe('190');
    expect(normalizeCode('OAuthException 190')).toBe('190');
    expect(normalizeCode('PAYPAL crc_mismatch')).toBe('paypal:crc-mismatch');
    expect(normalizeCode('midas 4')).toBe('midas:4');
  });
  it('unknown codes come with the nearest known ones of the same family', () => {
    const r = explainCode('1383002');
    expect(r.found).toBe(false);
    if (r.found) return;
    expect(r.nearest.map((e) => e.code)).toContain('1383001');
    expect(r.nearest.every((e) => e.family === 'pay-dialog')).toBe(true);
    const p = explainCode('paypal:crc');
    expect(p.found).toBe(false);
    if (!p.found) expect(p.nearest[0].code).toBe('paypal:crc-mismatch');
  });
  it('arbitrary input never throws', () => {
    fc.assert(fc.property(fc.string(), (s) => void explainCode(s)), { numRuns: 1000 });
  });
});

describe('Graph error mapping', () => {
  it('keeps code, subcode and fbtrace_id; exit 3; hint by code and call', () => {
    const e = graphError({ message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190, error_subcode: 463, fbtrace_id: 'AbC123' }, 400, { tokenKind: 'user' });
    expect(e.exitCode).toBe(3);
    expect(e.code).toBe('graph_190');
    expect(e.message).toMatch(/Graph error 190\/463 OAuthException/);
    expect(e.message).toMatch(/fbtrace_id AbC123/);
    expect(e.hint).toMatch(/expired|invalid/);
    const c = graphError({ message: 'x', code: 100 }, 400, { operation: 'consume', tokenKind: 'app' });
    expect(c.hint).toMatch(/USER access token/);
    expect(graphError({ code: 4, message: 'limit' }, 403).hint).toMatch(/retries|Back off|Slow down/i);
    expect(graphError({ code: 1383001, message: 'x' }, 400).hint).toMatch(/fbpay explain 1383001/);
  });
  it('never echoes the token or secret', () => {
    const e = graphError({ message: 'bad token EAAsecret-token-value', code: 190 }, 400, { secrets: ['EAAsecret-token-value'] });
    expect(e.message).not.toContain('EAAsecret-token-value');
  });
  it('parseGraphError never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array(), (b) => void parseGraphError(Buffer.from(b))), { numRuns: 1000 });
    fc.assert(fc.property(fc.json(), (j) => void parseGraphError(j)), { numRuns: 1000 });
  });
});

describe('Graph client URLs', () => {
  it('adds the version unless the path has one; works without a version', () => {
    expect(new GraphClient({ baseUrl: 'http://h:1/', version: 'v21.0' }).url('/123').toString()).toBe('http://h:1/v21.0/123');
    expect(new GraphClient({ baseUrl: 'http://h:1', version: 'v21.0' }).url('v19.0/123').toString()).toBe('http://h:1/v19.0/123');
    expect(new GraphClient({ baseUrl: 'http://h:1', version: 'none' }).url('app/purchases').toString()).toBe('http://h:1/app/purchases');
    expect(new GraphClient({ baseUrl: 'http://h:1' }).url('123').toString()).toBe('http://h:1/123');
    expect(isAppToken('1|s')).toBe(true);
    expect(isAppToken('EAAB')).toBe(false);
  });
});
