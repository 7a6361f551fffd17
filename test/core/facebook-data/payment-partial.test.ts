import { describe, expect, it } from 'vitest';
import { verdict, type PaymentAction } from '../../../src/core/facebook/payment.js';

/** `fbpay payment get`'s verdict after a refund: take everything back, or (partial refund) say what is still paid. */
type Act = Partial<PaymentAction> & { type: string; status: string };
const pay = (actions: Act[], refundable?: { amount: string; currency: string }) => verdict({ id: '42', actions: actions as PaymentAction[], ...(refundable ? { refundable_amount: refundable } : {}) });
const charge = (amount: string | undefined, status = 'completed', currency = 'USD'): Act => ({ type: 'charge', status, ...(amount === undefined ? {} : { amount }), currency });
const refund = (amount: string | undefined, status = 'completed'): Act => ({ type: 'refund', status, ...(amount === undefined ? {} : { amount }), currency: 'USD' });
const partialReason = (what: string, refunded: string, of: string, remaining: string, cur = 'USD') =>
  `latest action: ${what}; a partial refund: ${refunded} of ${of} ${cur} refunded, ${remaining} ${cur} still paid — decide what to take back (not necessarily all the items)`;
const REVOKE = (what: string) => ({ action: 'revoke', reason: `latest action: ${what}; take the items back` });

describe('partial refunds', () => {
  it('a refund of part of the charge says what was refunded, of what, and what is still paid', () => {
    expect(pay([charge('10.00'), refund('4.00')])).toEqual({
      action: 'partial_refund',
      reason: partialReason('refund completed (4.00 USD)', '4.00', '10.00', '6.00'),
      refunded: { amount: '4.00', of: '10.00', remaining: '6.00', currency: 'USD' },
    });
  });
  it('a refund of the whole charge, or of nothing, takes the items back', () => {
    expect(pay([charge('10.00'), refund('10.00')])).toEqual(REVOKE('refund completed (10.00 USD)'));
    expect(pay([charge('10.00'), refund('0.00')])).toEqual(REVOKE('refund completed (0.00 USD)'));
    expect(pay([charge('10.00'), refund('6.00'), refund('4.00')])).toEqual(REVOKE('refund completed (4.00 USD)'));
  });
  it('adds up completed charges and completed refunds only', () => {
    const v = pay([charge('5.00'), charge('5.50'), charge('9.00', 'failed'), refund('2.00', 'failed'), { type: 'chargeback_reversal', status: 'completed', amount: '1.00', currency: 'USD' }, refund('1.50'), refund('2.00')]);
    expect(v.refunded).toEqual({ amount: '3.50', of: '10.50', remaining: '7.00', currency: 'USD' });
  });
  it('the refundable amount Graph reports is what is still paid, in its currency', () => {
    expect(pay([charge('10.00'), refund('4.00')], { amount: '5.00', currency: 'EUR' })).toMatchObject({ action: 'partial_refund', refunded: { amount: '4.00', of: '10.00', remaining: '5.00', currency: 'EUR' } });
    expect(pay([charge('10.00'), refund('4.00')], { amount: '0.00', currency: 'USD' })).toEqual(REVOKE('refund completed (4.00 USD)'));
  });
  it('without a refundable amount, the currency is the first charge\'s', () => {
    expect(pay([charge('10.00', 'completed', 'GBP'), charge('1.00', 'completed', 'USD'), refund('4.00')]).refunded).toEqual({ amount: '4.00', of: '11.00', remaining: '7.00', currency: 'GBP' });
  });
  it('a charge without a currency leaves the currency empty rather than invented', () => {
    expect(pay([{ type: 'charge', status: 'completed', amount: '10.00' }, refund('4.00')]).refunded).toEqual({ amount: '4.00', of: '10.00', remaining: '6.00', currency: '' });
  });
  it('only a refund can be partial: a chargeback after a partial refund takes the items back', () => {
    expect(pay([charge('10.00'), refund('4.00'), { type: 'chargeback', status: 'completed', amount: '6.00', currency: 'USD' }])).toEqual(REVOKE('chargeback completed (6.00 USD)'));
    expect(pay([charge('10.00'), refund('4.00'), { type: 'decline', status: 'completed', amount: '6.00', currency: 'USD' }])).toEqual(REVOKE('decline completed (6.00 USD)'));
  });
  it('reads signed amounts as their size, but refuses an amount it cannot read (then takes the items back)', () => {
    expect(pay([charge('+10.00'), refund(' -4.00 ')]).refunded).toEqual({ amount: '4.00', of: '10.00', remaining: '6.00', currency: 'USD' });
    expect(pay([charge('10.00'), refund('4.00')], { amount: '-6.00', currency: 'USD' }).refunded).toMatchObject({ remaining: '6.00' });
    expect(pay([charge('10.00'), refund('4.00-')]).action).toBe('revoke');
    expect(pay([charge('10.00'), refund('four')]).action).toBe('revoke');
    expect(pay([charge('10.00'), refund('4.00')], { amount: 'n/a', currency: 'USD' }).action).toBe('revoke');
  });
  it('a completed action without an amount makes the totals unknown: the items are taken back', () => {
    expect(pay([charge(undefined), refund('4.00')]).action).toBe('revoke');
    expect(pay([charge('10.00'), { type: 'chargeback', status: 'completed' }, refund('4.00')]).action).toBe('revoke');
    expect(pay([charge('10.00'), refund(undefined, 'failed'), refund('4.00')]).action).toBe('partial_refund');
  });
});

describe('a pending dispute', () => {
  it('repeats the follow-up options on the command it prints', () => {
    const disputed = (opts?: { followUpOptions?: string }) => verdict({ id: '42', actions: [charge('1.00') as PaymentAction], disputes: [{ status: 'pending' }] as never }, opts);
    const base = 'latest action: charge completed (1.00 USD); deliver the items; a dispute is pending: settle it with `fbpay payment dispute 42 --reason GRANTED_REPLACEMENT_ITEM';
    expect(disputed({ followUpOptions: '--graph-url http://127.0.0.1:4000' }).reason).toBe(`${base} --graph-url http://127.0.0.1:4000\` (or --reason DENIED_REFUND, BANNED_USER)`);
    expect(disputed().reason).toBe(`${base}\` (or --reason DENIED_REFUND, BANNED_USER)`);
  });
});
