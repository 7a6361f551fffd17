import * as z from 'zod/mini';
import { UsageError } from '../errors.js';
import { validate } from '../validate.js';

// The Graph API payment object (`GET /{payment-id}`), validated loosely: the fields fbpay reasons
// about are typed, everything else Facebook adds is kept as it came. Graph sends ids and amounts as
// strings, test fixtures sometimes as numbers: both are kept as strings.
const Digits = z.pipe(z.union([z.string(), z.number()]), z.transform((v) => String(v)));
const text = z.optional(z.string());

export const PaymentActionSchema = z.looseObject({
  type: z.string(),
  status: z.string(),
  currency: text,
  amount: z.optional(Digits),
  time_created: text,
  time_updated: text,
});

export const PaymentDisputeSchema = z.looseObject({
  status: z.string(),
  reason: text,
  user_comment: text,
  user_email: text,
  time_created: text,
});

export const PaymentSchema = z.looseObject({
  id: Digits,
  user: z.optional(z.looseObject({ id: text, name: text })),
  request_id: text,
  application: z.optional(z.looseObject({ id: text, name: text })),
  actions: z.optional(z.array(PaymentActionSchema)),
  items: z.optional(z.array(z.looseObject({ type: text, product: text, quantity: z.optional(z.number()) }))),
  country: text,
  created_time: text,
  refundable_amount: z.optional(z.looseObject({ currency: z.string(), amount: Digits })),
  disputes: z.optional(z.array(PaymentDisputeSchema)),
  test: z.optional(z.union([z.number(), z.boolean()])),
});

export type PaymentAction = z.infer<typeof PaymentActionSchema>;
export type PaymentDispute = z.infer<typeof PaymentDisputeSchema>;
export type Payment = z.infer<typeof PaymentSchema>;

/** Validates a payment object; a malformed one is a UsageError naming the first bad field. */
export function parsePayment(value: unknown): Payment {
  const r = validate(PaymentSchema, value);
  if (r.ok) return r.data;
  throw new UsageError('bad_payment', `not a Graph payment object: ${r.path || '(root)'}: ${r.message}`, {
    hint: 'a payment object has at least "id" and usually "actions": [{"type","status","amount","currency"}]',
  });
}

export type VerdictAction = 'fulfil' | 'revoke' | 'partial_refund' | 'restore' | 'wait' | 'none';

export interface PaymentVerdict {
  action: VerdictAction;
  reason: string;
  /** partial_refund: what was refunded and what is left, in the payment's currency. */
  refunded?: { amount: string; of: string; remaining: string; currency: string };
}

export interface VerdictOptions {
  /** Options to repeat on the follow-up commands the verdict prints (e.g. `--graph-url http://127.0.0.1:4000`), so pasting one queries the same Graph. */
  followUpOptions?: string;
}

/** An action amount without its sign: one convention (positive, as Graph sends them) but tolerant of signed fixtures. */
function magnitude(amount: string | undefined): string | undefined {
  // Stryker disable next-line OptionalChaining: equivalent: every caller is inside refundTotals' try, where the TypeError of a missing amount gives the same "unknown totals" as undefined
  return amount?.trim().replace(/^[-+]/, '');
}

/** Completed charges, and completed refunds after the last completed charge, summed exactly; undefined when an amount is unreadable. */
function refundTotals(payment: Pick<Payment, 'actions' | 'refundable_amount'>): { charged: string; refunded: string; remaining: string; currency: string } | undefined {
  let charged = '0';
  let refunded = '0';
  let currency = payment.refundable_amount?.currency ?? '';
  try {
    // Stryker disable next-line ArrayDeclaration: unreachable: verdict asks for totals only when the payment has a latest action, so actions is never missing here
    for (const a of payment.actions ?? []) {
      if (a.status !== 'completed') continue;
      const amount = magnitude(a.amount);
      if (amount === undefined) return undefined;
      if (a.type === 'charge') {
        charged = addAmounts(charged, amount);
        currency ||= a.currency ?? '';
      } else if (a.type === 'refund') refunded = addAmounts(refunded, amount);
    }
    const remaining = payment.refundable_amount ? magnitude(payment.refundable_amount.amount)! : subtractAmounts(charged, refunded);
    compareAmounts(remaining, '0');
    return { charged, refunded, remaining, currency };
  } catch {
    // an amount that is not a decimal number: the totals are unknown
  }
  return undefined;
}

/** The action that decides the verdict: the most recently updated one (array order breaks ties). */
export function latestAction(payment: Pick<Payment, 'actions'>): PaymentAction | undefined {
  const actions = payment.actions ?? [];
  let best: PaymentAction | undefined;
  let bestTime = -Infinity;
  for (const a of actions) {
    // Stryker disable next-line StringLiteral: equivalent: Date.parse of any non-date text is NaN, as for ''
    const t = Date.parse(a.time_updated ?? a.time_created ?? '');
    const time = Number.isFinite(t) ? t : bestTime;
    if (!best || time >= bestTime) {
      best = a;
      bestTime = time;
    }
  }
  return best;
}

/**
 * What a game server should do about a payment, from its latest action:
 * charge completed → fulfil; a refund of the whole payment, a chargeback or a decline → revoke;
 * a refund that leaves part of the payment refundable → partial_refund (what was refunded and what
 * is left: the developer decides what to take back); chargeback_reversal → restore;
 * initiated → wait; failed → none. A pending dispute adds a reminder to respond to it.
 */
export function verdict(payment: Pick<Payment, 'actions' | 'disputes' | 'id' | 'refundable_amount'>, opts: VerdictOptions = {}): PaymentVerdict {
  const a = latestAction(payment);
  let v: PaymentVerdict;
  if (!a) v = { action: 'none', reason: 'the payment has no actions' };
  else {
    const what = `${a.type} ${a.status}${a.amount ? ` (${a.amount} ${a.currency ?? ''})`.replace(' )', ')') : ''}`;
    if (a.status === 'initiated') v = { action: 'wait', reason: `latest action: ${what}; wait for the update that completes it` };
    else if (a.status === 'failed') v = { action: 'none', reason: `latest action: ${what}; nothing to deliver or take back` };
    else if (a.status !== 'completed') v = { action: 'none', reason: `latest action: ${what}; unknown status` };
    else if (a.type === 'charge') v = { action: 'fulfil', reason: `latest action: ${what}; deliver the items` };
    else if (a.type === 'refund' && partial(payment)) {
      const t = partial(payment)!;
      v = {
        action: 'partial_refund',
        reason: `latest action: ${what}; a partial refund: ${t.refunded} of ${t.charged} ${t.currency} refunded, ${t.remaining} ${t.currency} still paid — decide what to take back (not necessarily all the items)`,
        refunded: { amount: t.refunded, of: t.charged, remaining: t.remaining, currency: t.currency },
      };
    } else if (a.type === 'refund' || a.type === 'chargeback' || a.type === 'decline')
      v = { action: 'revoke', reason: `latest action: ${what}; take the items back` };
    else if (a.type === 'chargeback_reversal') v = { action: 'restore', reason: `latest action: ${what}; give the items back` };
    else v = { action: 'none', reason: `latest action: ${what}; unknown action type` };
  }
  // Stryker disable next-line ArrayDeclaration: equivalent: a non-empty default holds no dispute object, so none is pending
  if ((payment.disputes ?? []).some((d) => d.status === 'pending')) {
    const more = opts.followUpOptions ? ` ${opts.followUpOptions}` : '';
    v.reason += `; a dispute is pending: settle it with \`fbpay payment dispute ${payment.id ?? '"$PAYMENT_ID"'} --reason GRANTED_REPLACEMENT_ITEM${more}\` (or --reason DENIED_REFUND, BANNED_USER)`;
  }
  return v;
}

/** The refund totals when completed refunds leave part of the payment paid; undefined for a full refund. */
function partial(payment: Pick<Payment, 'actions' | 'refundable_amount'>): ReturnType<typeof refundTotals> {
  const t = refundTotals(payment);
  if (!t || compareAmounts(t.refunded, '0') <= 0 || compareAmounts(t.remaining, '0') <= 0) return undefined;
  return t;
}

/** A decimal amount as an integer of its smallest unit at `scale` decimals ("1.5", 2 → 150n). */
function toScaled(amount: string, scale: number): bigint {
  const m = /^\s*(\d+)(?:\.(\d+))?\s*$/.exec(amount);
  if (!m) throw new UsageError('bad_amount', `"${amount.slice(0, 40)}" is not an amount`, { hint: 'use a decimal number like 1.99' });
  const frac = (m[2] ?? '').padEnd(scale, '0');
  return BigInt(m[1] + frac);
}

function decimals(amount: string): number {
  const s = amount.trim();
  const i = s.indexOf('.');
  // Stryker disable next-line EqualityOperator: equivalent: i = 0 is ".5", which toScaled refuses whatever its scale
  return i < 0 ? 0 : s.length - i - 1;
}

/** Compares two decimal amounts exactly: -1, 0 or 1. Throws UsageError on a malformed amount. */
export function compareAmounts(a: string, b: string): -1 | 0 | 1 {
  const scale = Math.max(decimals(a), decimals(b));
  const x = toScaled(a, scale);
  const y = toScaled(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** a − b as a decimal string (never negative: clamps at 0). */
export function subtractAmounts(a: string, b: string): string {
  const scale = Math.max(decimals(a), decimals(b), 2);
  const d = toScaled(a, scale) - toScaled(b, scale);
  // Stryker disable next-line EqualityOperator: equivalent: d = 0n gives 0n either way
  return formatScaled(d < 0n ? 0n : d, scale);
}

export function addAmounts(a: string, b: string): string {
  const scale = Math.max(decimals(a), decimals(b), 2);
  return formatScaled(toScaled(a, scale) + toScaled(b, scale), scale);
}

function formatScaled(v: bigint, scale: number): string {
  const s = v.toString().padStart(scale + 1, '0');
  return `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`;
}

/**
 * Checks a refund against what is known of the payment before any request is made:
 * the amount must be positive, at most the refundable amount, in the payment's currency.
 * Returns a one-line problem, or undefined when the refund is acceptable.
 */
export function refundProblem(payment: Pick<Payment, 'refundable_amount'>, amount: string, currency: string): string | undefined {
  if (compareAmounts(amount, '0') <= 0) return `refund amount must be more than 0, got ${amount}`;
  const r = payment.refundable_amount;
  if (!r) return undefined;
  if (r.currency.toUpperCase() !== currency.toUpperCase()) return `currency ${currency.toUpperCase()} does not match the payment's ${r.currency}`;
  if (compareAmounts(amount, r.amount) > 0) return `amount ${amount} is more than the refundable ${r.amount} ${r.currency}`;
  return undefined;
}
