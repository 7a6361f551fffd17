import { describe, expect, it } from 'vitest';
import { FbpayError } from '../../src/core/errors.js';
import { addAmounts, compareAmounts, parsePayment, subtractAmounts, verdict } from '../../src/core/facebook/payment.js';

/** What `fbpay payment get` prints as the verdict line, for each kind of latest action. */
describe('payment verdict reasons', () => {
  const one = (type: string, status: string, extra: Record<string, string> = {}) => verdict({ id: '42', actions: [{ type, status, ...extra }] });

  it.each([
    ['charge', 'completed', 'fulfil', 'latest action: charge completed (0.99 USD); deliver the items'],
    ['refund', 'completed', 'revoke', 'latest action: refund completed (0.99 USD); take the items back'],
    ['chargeback_reversal', 'completed', 'restore', 'latest action: chargeback_reversal completed (0.99 USD); give the items back'],
    ['charge', 'initiated', 'wait', 'latest action: charge initiated (0.99 USD); wait for the update that completes it'],
    ['charge', 'failed', 'none', 'latest action: charge failed (0.99 USD); nothing to deliver or take back'],
    ['charge', 'pending', 'none', 'latest action: charge pending (0.99 USD); unknown status'],
    ['upgrade', 'completed', 'none', 'latest action: upgrade completed (0.99 USD); unknown action type'],
  ])('%s %s → %s', (type, status, action, reason) => {
    expect(one(type, status, { amount: '0.99', currency: 'USD' })).toEqual({ action, reason });
  });

  it('the amount is shown only when known, the currency when given', () => {
    expect(one('charge', 'completed').reason).toBe('latest action: charge completed; deliver the items');
    expect(one('charge', 'completed', { amount: '5' }).reason).toBe('latest action: charge completed (5); deliver the items');
    expect(verdict({ id: '1' })).toEqual({ action: 'none', reason: 'the payment has no actions' });
    expect(verdict({ id: '1', actions: [] })).toEqual({ action: 'none', reason: 'the payment has no actions' });
  });

  it('the dispute reminder: only when one of the disputes is pending, with a command that names the payment', () => {
    const actions = [{ type: 'charge', status: 'completed' }];
    expect(verdict({ id: '42', actions, disputes: [{ status: 'resolved' }, { status: 'pending' }] }).reason).toBe(
      'latest action: charge completed; deliver the items; a dispute is pending: settle it with `fbpay payment dispute 42 --reason GRANTED_REPLACEMENT_ITEM` (or --reason DENIED_REFUND, BANNED_USER)',
    );
    expect(verdict({ id: '42', actions, disputes: [{ status: 'resolved' }] }).reason).toBe('latest action: charge completed; deliver the items');
    expect(verdict({ id: '42', actions, disputes: [] }).reason).toBe('latest action: charge completed; deliver the items');
    // no id in the object: a placeholder that still parses, never "undefined"
    expect(verdict({ actions, disputes: [{ status: 'pending' }] } as Parameters<typeof verdict>[0]).reason).toMatch(/`fbpay payment dispute "\$PAYMENT_ID" --reason GRANTED_REPLACEMENT_ITEM` \(or --reason DENIED_REFUND, BANNED_USER\)$/);
  });
});

describe('parsePayment errors', () => {
  const error = (v: unknown) => {
    try {
      parsePayment(v);
    } catch (e) {
      expect(e).toBeInstanceOf(FbpayError);
      return e as FbpayError;
    }
    throw new Error('expected parsePayment to throw');
  };
  it('name the first bad field, or the root, with a hint showing the shape', () => {
    const root = error(42);
    expect(root.code).toBe('bad_payment');
    expect(root.exitCode).toBe(2);
    expect(root.message).toMatch(/^not a Graph payment object: \(root\): /);
    expect(root.hint).toBe('a payment object has at least "id" and usually "actions": [{"type","status","amount","currency"}]');
    expect(error({ id: '1', actions: [{ type: 'charge' }] }).message).toMatch(/^not a Graph payment object: actions\.0\.status: /);
    expect(parsePayment({ id: '1', actions: [{ type: 'charge', status: 'completed' }] }).actions).toHaveLength(1);
  });
});

describe('amount edge cases a user meets', () => {
  it('whole amounts keep two decimals after arithmetic, more when given more', () => {
    expect(addAmounts('100', '2')).toBe('102.00');
    expect(subtractAmounts('100', '2')).toBe('98.00');
    expect(addAmounts('1.005', '2')).toBe('3.005');
    expect(subtractAmounts('2', '2')).toBe('0.00');
  });
  it('a long malformed amount is quoted shortened, with the hint', () => {
    try {
      compareAmounts(`${'9'.repeat(50)}x`, '1');
      expect.unreachable();
    } catch (e) {
      expect((e as FbpayError).message).toBe(`"${'9'.repeat(40)}" is not an amount`);
      expect((e as FbpayError).hint).toBe('use a decimal number like 1.99');
    }
  });
});
