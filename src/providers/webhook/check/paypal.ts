import { randomInt } from 'node:crypto';
import { generateTestKeyPair } from '../../../core/paypal/test-cert.js';
import { startCertServer, type CertServer } from '../../paypal/cert-server.js';
import { issueSigningCert } from '../../paypal/local-ca.js';
import { createReplayAdapter } from '../../paypal/webhook-adapter.js';
import type { ReplayAdapter, TamperMode } from '../adapter.js';
import { expectAccepted, expectAcceptedTwice, expectRejected, expectWithinBudget, fixtureRenderer } from './common.js';
import type { Battery, BatteryOptions, Check, CheckDeps } from './types.js';

const EVENT = 'paypal-sale-completed';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A webhook id shaped like PayPal's (17 upper-case alphanumerics) that is not `than`. */
function otherWebhookId(than: string): string {
  for (;;) {
    // Stryker disable next-line StringLiteral: the other webhook id only enters the signed string; a prefix cannot be seen by a receiver
    let id = '';
    // Stryker disable next-line EqualityOperator: the other webhook id only enters the signed string: no receiver can see its length, only that the signature does not verify
    for (let i = 0; i < 17; i++) id += ALNUM[randomInt(ALNUM.length)];
    // Stryker disable next-line ConditionalExpression: 36^17 ids: drawing the receiver's own id cannot happen in practice
    if (id !== than) return id;
  }
}

/**
 * PayPal webhooks: the valid delivery is signed by the replay adapter with fbpay's test key (or
 * --key), its certificate served on loopback by the adapter's open(), over https when a local CA's
 * server certificate is given, or at --cert-url. With a local CA (--https-ca) the test certificates are
 * issued by it, so a receiver that trusts that CA checks the chain for real. The refusals are built by
 * more adapters on the same certificate URL: another key, another webhook id; and an "attacker" key
 * whose certificate (from the same CA when there is one: only its host is wrong) sits on a host that is
 * neither PayPal's nor the loopback address the valid certificate uses (`localhost` instead of 127.0.0.1).
 */
export async function createPaypalBattery(opts: BatteryOptions): Promise<Battery> {
  const render = opts.render ?? (await fixtureRenderer(opts));
  const webhookId = opts.webhookId!;
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  const own = opts.keyPem !== undefined || opts.certPem !== undefined || opts.certUrl !== undefined;
  const fresh = () => (opts.signingCa ? issueSigningCert(opts.signingCa, { now: now() }) : generateTestKeyPair({ now: now() }));
  const mine = own ? { keyPem: opts.keyPem, certPem: opts.certPem } : fresh();
  const tls = opts.certServerTls;
  // Throws the usage error (exit 2) for --cert without --key, --key without a certificate, before anything is sent.
  const valid = createReplayAdapter({ webhookId, keyPem: mine.keyPem, certPem: mine.certPem, certUrl: opts.certUrl, now, certServerTls: tls });
  let otherKey: ReplayAdapter | undefined;
  let otherId: ReplayAdapter | undefined;
  let offHost: ReplayAdapter | undefined;
  let attackerServer: CertServer | undefined;
  // Stryker disable next-line StringLiteral: set in open() before any check reads it
  let offHostUrl = '';

  const build = (adapter: ReplayAdapter, deps: CheckDeps, target: URL, tamper?: TamperMode) => adapter.build(render(EVENT), { target, now: deps.now, tamper });

  const checks: Check[] = [
    {
      id: 'valid-delivery',
      title: 'valid delivery gets 2xx',
      required: true,
      why: 'PayPal retries non-2xx replies for days, then marks the webhook failing',
      run: async (target, deps) => expectAccepted(deps, await build(valid, deps, target)),
    },
    {
      id: 'tampered-body',
      premise: 'valid-delivery',
      title: 'tampered body rejected',
      required: true,
      why: 'the signed string carries crc32 of the raw body: verify the bytes received, not a re-serialized object',
      run: async (target, deps) => expectRejected(deps, await build(valid, deps, target, 'body'), 'a body changed after signing'),
    },
    {
      id: 'other-key',
      premise: 'valid-delivery',
      title: 'signature from another key rejected',
      required: true,
      why: 'the signature must be checked against the certificate\u2019s public key, not just decoded',
      run: async (target, deps) => expectRejected(deps, await build(otherKey!, deps, target), 'a delivery signed by a key that is not the certificate\u2019s'),
    },
    {
      id: 'other-webhook-id',
      premise: 'valid-delivery',
      title: 'delivery for another webhook id rejected',
      required: true,
      why: 'the webhook id is in the signed string: it ties a delivery to your subscription',
      run: async (target, deps) => expectRejected(deps, await build(otherId!, deps, target), 'a delivery signed for another webhook id'),
    },
    {
      id: 'cert-url-off-host',
      premise: 'valid-delivery',
      title: 'certificate URL off PayPal\u2019s hosts rejected',
      required: false,
      why: 'fetching whatever PAYPAL-CERT-URL names lets anyone sign with their own certificate (advisory: test-mode receivers may allow loopback)',
      async run(target, deps) {
        const r = await expectRejected(deps, await build(offHost!, deps, target), `a delivery whose certificate is at ${new URL(offHostUrl).host}`);
        const fetched = attackerServer && attackerServer.hits > 0 ? `; it fetched the certificate from ${new URL(offHostUrl).host}` : '';
        return { ...r, detail: r.detail + fetched };
      },
    },
    {
      id: 'duplicate',
      title: 'same delivery twice accepted both times',
      required: true,
      why: 'PayPal redelivers the same event; a receiver must answer 2xx again (only the replies are seen here, not whether it granted twice)',
      run: async (target, deps) => expectAcceptedTwice(deps, await build(valid, deps, target)),
    },
    {
      id: 'budget',
      title: 'reply within budget',
      required: true,
      why: 'slow replies are retried as failures',
      run: async (target, deps) => expectWithinBudget(deps, await build(valid, deps, target)),
    },
  ];

  const premiseNote =
    opts.certUrl !== undefined ? undefined
    : tls ? `the certificate was served over https by a server the local CA issued${own ? '' : ', and the CA issued it too'}: the receiver must have been started trusting that CA (the lines printed above)`
    : own ? undefined
    : 'fbpay signed the valid delivery with a self-signed test certificate served over plain http on 127.0.0.1: a receiver that checks the chain or fetches certificates only over https refuses it whatever else it does; --https-ca <dir> issues it from a local CA your receiver can trust';
  return {
    provider: 'paypal',
    premiseNote,
    checks,
    async open(signal) {
      // Stryker disable next-line OptionalChaining,LogicalOperator: the PayPal adapter always has open(), and it takes no signal
      await valid.open?.(signal ?? new AbortController().signal);
      // The certificate URL the valid adapter serves: the refusals point at the same one.
      const probe = await valid.build(render(EVENT), { target: new URL('http://127.0.0.1/'), now });
      // Stryker disable next-line OptionalChaining,LogicalOperator,StringLiteral: every PayPal delivery carries PAYPAL-CERT-URL; the fallback cannot be reached
      const certUrl = Object.entries(probe.headers).find(([k]) => k.toLowerCase() === 'paypal-cert-url')?.[1] ?? '';
      const stranger = fresh();
      otherKey = createReplayAdapter({ webhookId, keyPem: stranger.keyPem, certUrl, now });
      otherId = createReplayAdapter({ webhookId: otherWebhookId(webhookId), keyPem: mine.keyPem!, certUrl, now });
      attackerServer = await startCertServer({ 'CERT-attacker': stranger.certPem }, { tls });
      offHostUrl = attackerServer.urlFor('CERT-attacker').replace('//127.0.0.1:', '//localhost:');
      offHost = createReplayAdapter({ webhookId, keyPem: stranger.keyPem, certUrl: offHostUrl, now });
    },
    async close() {
      // Stryker disable next-line OptionalChaining: the PayPal adapter always has close()
      await valid.close?.();
      // Stryker disable next-line OptionalChaining: runBattery calls close() only after open() succeeded, which sets attackerServer
      await attackerServer?.close();
    },
  };
}
