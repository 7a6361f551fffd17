import { safeEqual } from '../../../core/safe-equal.js';
import { createReplayAdapter } from '../../facebook/webhook-adapter.js';
import type { OutgoingDelivery, ReplayAdapter, TamperMode } from '../adapter.js';
import { describeReply, expectAccepted, expectAcceptedTwice, expectRejected, expectWithinBudget, fixtureRenderer, withoutHeaders } from './common.js';
import type { Battery, BatteryOptions, Check, CheckDeps, CheckResult } from './types.js';

/** The update every delivery check sends unless it says otherwise. */
const UPDATE = 'fb-payment-charge';
const DISPUTE = 'fb-payment-dispute';
/** One fixture per payment action type. */
const ACTIONS: Array<[type: string, fixture: string]> = [
  ['charge', 'fb-payment-charge'],
  ['refund', 'fb-payment-refund'],
  ['chargeback', 'fb-payment-chargeback'],
  ['chargeback_reversal', 'fb-payment-chargeback-reversal'],
  ['decline', 'fb-payment-decline'],
];

/** A hub.challenge like Facebook's: decimal digits (some receivers parse it as an integer). */
function challengeFrom(random: string): string {
  // Stryker disable next-line Regex,StringLiteral: a BigInt's decimal string never starts with 0 unless it is 0 (24 random hex digits), so the zero-stripping and its '1' fallback cannot change a challenge
  return BigInt('0x' + random).toString().slice(0, 10).replace(/^0+/, '') || '1';
}

function handshakeDelivery(target: URL, token: string, challenge: string): OutgoingDelivery {
  const u = new URL(target);
  u.searchParams.set('hub.mode', 'subscribe');
  u.searchParams.set('hub.challenge', challenge);
  u.searchParams.set('hub.verify_token', token);
  return {
    // Stryker disable next-line StringLiteral: the label names the delivery in replay logs; webhook check never shows it
    label: 'handshake',
    method: 'GET',
    url: u.toString(),
    headers: { 'user-agent': 'facebookexternalua (fbpay check)' },
  };
}

/**
 * Facebook payments webhooks: the hub.challenge handshake, X-Hub-Signature(-256) enforcement,
 * idempotent redelivery, every action type, and the reply budget. Deliveries are built by the
 * Facebook replay adapter (one per header variant and one with a wrong secret), never re-signed here.
 */
export async function createFacebookBattery(opts: BatteryOptions): Promise<Battery> {
  const render = opts.render ?? (await fixtureRenderer(opts));
  const secret = opts.secret!;
  const adapters = new Map<string, ReplayAdapter>();
  const adapter = (variant: 'both' | 'sha1' | 'sha256' | 'wrong-secret', random: () => string): ReplayAdapter => {
    let a = adapters.get(variant);
    // Stryker disable next-line ConditionalExpression: a cache; a new adapter per delivery signs the same bytes (the wrong-secret one with another random secret, wrong either way)
    if (!a) {
      a = createReplayAdapter({
        secret: variant === 'wrong-secret' ? `fbpay-wrong-secret-${random()}` : secret,
        signatureHeader: variant === 'wrong-secret' ? 'both' : variant,
        graphUrl: opts.graphUrl,
      });
      adapters.set(variant, a);
    }
    return a;
  };
  // Fails early (exit 2) when the secret is missing, before anything is sent.
  // Stryker disable next-line ArrowFunction,StringLiteral: the 'both' adapter never calls random (only the wrong-secret one does)
  adapter('both', () => '');
  const build = async (deps: CheckDeps, target: URL, fixture = UPDATE, o: { variant?: 'both' | 'sha1' | 'sha256' | 'wrong-secret'; tamper?: TamperMode } = {}) =>
    adapter(o.variant ?? 'both', deps.random).build(render(fixture), { target, now: deps.now, tamper: o.tamper });

  const checks: Check[] = [
    {
      id: 'handshake',
      title: 'handshake echoes hub.challenge',
      required: true,
      why: 'Facebook only subscribes an endpoint that answers the GET with exactly the challenge',
      async run(target, deps): Promise<CheckResult> {
        if (!opts.verifyToken) return { ok: true, skipped: true, detail: 'skipped: pass --verify-token (or FB_VERIFY_TOKEN) to check the handshake' };
        const challenge = challengeFrom(deps.random());
        const res = await deps.send(handshakeDelivery(target, opts.verifyToken, challenge));
        const ok = res.status === 200 && safeEqual(res.body, Buffer.from(challenge));
        return { ok, status: res.status, latencyMs: res.latencyMs, detail: ok ? '200 with the challenge' : `${describeReply(res)}: expected 200 with exactly "${challenge}"` };
      },
    },
    {
      id: 'handshake-wrong-token',
      // Not echoing means something only where the right token is echoed (or, without one, where deliveries arrive).
      premise: opts.verifyToken ? 'handshake' : 'valid-update',
      title: 'wrong verify token is not echoed',
      required: true,
      why: 'echoing any challenge lets anyone subscribe your endpoint to their app',
      async run(target, deps): Promise<CheckResult> {
        const challenge = challengeFrom(deps.random());
        const res = await deps.send(handshakeDelivery(target, `fbpay-wrong-token-${deps.random()}`, challenge));
        const echoed = res.body.includes(challenge);
        // Only the first 64 KiB of a reply are read: past them, "not echoed" was not observed.
        if (!echoed && res.truncated) {
          return { ok: false, inconclusive: true, status: res.status, latencyMs: res.latencyMs, detail: `${res.status} with a reply longer than the 64 KiB fbpay reads, and no challenge in them: whether it echoes the challenge further on is unknown` };
        }
        return { ok: !echoed, status: res.status, latencyMs: res.latencyMs, detail: echoed ? `${describeReply(res)}: echoed the challenge for a wrong verify token` : `${res.status} (not echoed)` };
      },
    },
    {
      id: 'valid-update',
      title: 'valid signed update gets 200',
      required: true,
      why: 'Facebook retries, then disables, a webhook that does not answer 200',
      run: async (target, deps) => expectAccepted(deps, await build(deps, target), { exact200: true }),
    },
    {
      id: 'missing-signature',
      premise: 'valid-update',
      title: 'missing signature rejected',
      required: true,
      why: 'an unsigned POST is anyone on the internet granting themselves items',
      run: async (target, deps) => expectRejected(deps, withoutHeaders(await build(deps, target), (h) => h.startsWith('x-hub-signature')), 'an unsigned delivery'),
    },
    {
      id: 'wrong-signature',
      premise: 'valid-update',
      title: 'wrong signature rejected',
      required: true,
      why: 'a receiver that only checks the header is present verifies nothing',
      run: async (target, deps) => expectRejected(deps, await build(deps, target, UPDATE, { tamper: 'signature' }), 'a wrong signature'),
    },
    {
      id: 'wrong-secret',
      premise: 'valid-update',
      title: 'signed with another secret rejected',
      required: true,
      why: 'the HMAC key must be this app\u2019s secret, not any secret',
      run: async (target, deps) => expectRejected(deps, await build(deps, target, UPDATE, { variant: 'wrong-secret' }), 'a delivery signed with another app secret'),
    },
    {
      id: 'tampered-body',
      premise: 'valid-update',
      title: 'tampered body rejected',
      required: true,
      why: 'the signature covers the raw body bytes; verifying a re-serialized body misses edits',
      run: async (target, deps) => expectRejected(deps, await build(deps, target, UPDATE, { tamper: 'body' }), 'a body changed after signing'),
    },
    {
      id: 'duplicate',
      title: 'same update twice gets 200 both times',
      required: true,
      why: 'Facebook redelivers the same update; a receiver must answer 200 again (only the replies are seen here, not whether it granted twice)',
      run: async (target, deps) => expectAcceptedTwice(deps, await build(deps, target), { exact200: true }),
    },
    {
      id: 'disputes-update',
      title: 'disputes update gets 200',
      required: true,
      why: 'changed_fields ["disputes"] arrives too; a receiver that only handles actions drops it',
      run: async (target, deps) => expectAccepted(deps, await build(deps, target, DISPUTE), { exact200: true }),
    },
    {
      id: 'action-types',
      title: 'every action type gets 200',
      required: true,
      why: 'refunds, chargebacks and declines must be handled, not just charges',
      async run(target, deps): Promise<CheckResult> {
        const seen: string[] = [];
        let slowest = 0;
        for (const [type, fixture] of ACTIONS) {
          const res = await deps.send(await build(deps, target, fixture));
          slowest = Math.max(slowest, res.latencyMs);
          if (res.status !== 200) return { ok: false, status: res.status, latencyMs: slowest, detail: `${type}: ${describeReply(res)}${seen.length ? ` (after ${seen.join(', ')})` : ''}` };
          seen.push(`${type} 200`);
        }
        return { ok: true, status: 200, latencyMs: slowest, detail: seen.join(', ') };
      },
    },
    {
      id: 'budget',
      title: 'reply within budget',
      required: true,
      why: 'slow replies time out on Facebook\u2019s side and are retried as failures',
      run: async (target, deps) => expectWithinBudget(deps, await build(deps, target)),
    },
    {
      id: 'sha256-only',
      title: 'X-Hub-Signature-256 alone accepted',
      required: false,
      why: 'SHA-1 is being retired: a receiver should verify the sha256 header on its own',
      run: async (target, deps) => expectAccepted(deps, await build(deps, target, UPDATE, { variant: 'sha256' }), { exact200: true }),
    },
    {
      id: 'sha1-only',
      title: 'X-Hub-Signature (sha1) alone accepted',
      required: false,
      why: 'older deliveries and proxies carry only the sha1 header',
      run: async (target, deps) => expectAccepted(deps, await build(deps, target, UPDATE, { variant: 'sha1' }), { exact200: true }),
    },
  ];
  return { provider: 'facebook', checks };
}
