import { pathToFileURL } from 'node:url';
import { httpRequest } from '../../transport/http.js';
import { findSampleReceiver } from './services.js';
import type { DemoEnv, DemoStep, StepRecorder } from './steps.js';

/**
 * The demo's PayPal subscription section: `fbpay mock paypal` and examples/paypal-receiver on
 * loopback (started and stopped here, so the rest of the demo is untouched). A subscription is
 * created and approved on the emulator, ACTIVATED and PAYMENT.SALE.COMPLETED reach the receiver
 * (signed, verified against the emulator CA), the receiver grants; then `fbpay trigger
 * paypal-subscription-cancel` and CANCELLED revokes.
 */

interface PaypalLedger {
  subscriptions: Array<{ id: string; status: string; custom_id: string | null; entitled: boolean; sales: string[] }>;
  grants: Array<{ subscription: string; action: string; why: string }>;
  rejected: number;
}

interface PaypalReceiver {
  url: string;
  close(): Promise<void>;
}

const WEBHOOK_PATH = '/paypal/webhook';

export const paypalSubscriptionStep: DemoStep = {
  id: 'paypal-subscription',
  title: 'PayPal: a subscription on `fbpay mock paypal`, delivered to the reference receiver',
  async run(env, rec) {
    const { startPaypalEmulator } = await import('../paypal/emulator/index.js');
    const rxModule = (await import(pathToFileURL(findSampleReceiver(undefined, 'examples/paypal-receiver/server.mjs')).href)) as {
      startReceiver(o: { webhookId: string; certHosts: string[]; caPem: string }): Promise<PaypalReceiver>;
    };
    const emu = await startPaypalEmulator({ retrySchedule: [50, 100] });
    let rx: PaypalReceiver | undefined;
    try {
      const tok = await json(env, 'POST', `${emu.url}/v1/oauth2/token`, 'grant_type=client_credentials', {
        authorization: `Basic ${Buffer.from('fbpay-emulator-client-id:fbpay-emulator-client-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      });
      const bearer = { authorization: `Bearer ${tok.body.access_token as string}`, 'content-type': 'application/json' };
      // The receiver verifies against the emulator's CA, fetching the certificate from 127.0.0.1 only.
      rec.cmd('fbpay mock paypal --port 4100   # prints its CA path');
      const hook = await json(env, 'POST', `${emu.url}/v1/notifications/webhooks`, { url: 'http://127.0.0.1:1/placeholder', event_types: [{ name: '*' }] }, bearer);
      const webhookId = hook.body.id as string;
      rx = await rxModule.startReceiver({ webhookId, certHosts: ['127.0.0.1'], caPem: emu.paypal.pki.caPem });
      const patched = await json(env, 'PATCH', `${emu.url}/v1/notifications/webhooks/${webhookId}`, [{ op: 'replace', path: '/url', value: `${rx.url}${WEBHOOK_PATH}` }], bearer);
      rec.check(patched.status === 200, `updating the webhook URL returned HTTP ${patched.status}`);
      rec.cmd(`PAYPAL_WEBHOOK_ID=${webhookId} PAYPAL_CERT_HOSTS=127.0.0.1 PAYPAL_CA=<emulator ca.pem> node examples/paypal-receiver/server.mjs`);

      const created = await run(env, rec, emu.url, ['paypal-subscription-create', 'custom_id=player-42']);
      const sub = created.ids?.subscription as string;
      rec.check(typeof sub === 'string' && sub.startsWith('I-'), 'paypal-subscription-create gave no subscription id');
      rec.say(`subscription ${sub}: ${String(created.status)}, buyer approves at ${String(created.approve_url).replace(/ba_token=.*/, 'ba_token=…')}`);

      const approve = await httpRequest({ method: 'GET', url: String(created.approve_url), timeoutMs: 10_000, signal: env.signal });
      rec.check(approve.status === 200, `approving returned HTTP ${approve.status}`);
      await emu.idle();
      const got = await json(env, 'GET', `${emu.url}/v1/billing/subscriptions/${sub}`, undefined, bearer);
      rec.check(got.body.status === 'ACTIVE', `after approval the subscription is ${String(got.body.status)}, not ACTIVE`);
      const activeLedger = await ledger(env, rx);
      const s1 = activeLedger.subscriptions.find((x) => x.id === sub);
      rec.check(Boolean(s1?.entitled) && s1?.custom_id === 'player-42', 'the receiver did not grant the subscriber after ACTIVATED + PAYMENT.SALE.COMPLETED');
      rec.check((s1?.sales.length ?? 0) === 1, 'the receiver did not link the sale to the subscription by billing_agreement_id');
      rec.say(`ACTIVATED and PAYMENT.SALE.COMPLETED delivered → receiver: ${s1?.custom_id ?? '?'} ${s1?.entitled ? 'granted' : 'NOT granted'}, sale ${s1?.sales[0] ?? '?'} linked by billing_agreement_id`, s1?.entitled ? 'ok' : 'bad');
      rec.say(
        'the receiver accepted them because it was started trusting the emulator’s CA (PAYPAL_CA, what --ca is to paypal verify): a local test CA, not PayPal’s; PayPal’s own certificates chain to PayPal’s CA',
        'dim',
      );

      const cancelled = await run(env, rec, emu.url, ['paypal-subscription-cancel', `subscription=${sub}`]);
      const endLedger = await ledger(env, rx);
      const s2 = endLedger.subscriptions.find((x) => x.id === sub);
      rec.check(cancelled.status === 'CANCELLED' && s2?.status === 'CANCELLED' && !s2.entitled, 'CANCELLED did not reach the receiver, or it did not revoke');
      rec.check(endLedger.rejected === 0, `the receiver rejected ${endLedger.rejected} emulator deliveries`);
      rec.say(`CANCELLED delivered → receiver: ${s2?.entitled === false ? 'revoked' : 'still granted!'}`, s2?.entitled === false ? 'ok' : 'bad');
      Object.assign(rec.data, { subscription_id: sub, webhook_id: webhookId, receiver_trusted_by: 'PAYPAL_CA (the emulator CA, as --ca)', granted: Boolean(s1?.entitled), final_status: s2?.status ?? null, revoked: s2?.entitled === false, grants: endLedger.grants });
    } finally {
      await rx?.close();
      await emu.close();
    }
  },
};

/** `fbpay trigger <event> --emulator URL --json`, in process; each delivery shown. */
async function run(env: DemoEnv, rec: StepRecorder, url: string, args: string[]): Promise<Record<string, any>> {
  rec.cmd(`fbpay trigger ${args[0]} --emulator ${url} ${args.slice(1).join(' ')}`.trim());
  const r = await env.cli(['trigger', args[0], '--emulator', url, '--json', ...args.slice(1)]);
  rec.check(r.code === 0, `fbpay trigger ${args[0]} exited ${r.code}: ${r.stderr.trim().split('\n')[0] ?? ''}`);
  const doc = r.stdout ? (JSON.parse(r.stdout) as Record<string, any>) : {};
  for (const d of (doc.deliveries ?? []) as Array<{ event_type: string; status: number | null; ok: boolean }>) rec.say(`${d.ok ? '✓' : '✗'} ${d.event_type} → receiver ${d.status ?? '—'}`, d.ok ? 'ok' : 'bad');
  return doc;
}

async function json(env: DemoEnv, method: 'GET' | 'POST' | 'PATCH', url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: Record<string, any> }> {
  const res = await httpRequest({ method, url, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body), timeoutMs: 10_000, signal: env.signal });
  return { status: res.status, body: res.body.length ? (JSON.parse(res.body.toString('utf8')) as Record<string, any>) : {} };
}

async function ledger(env: DemoEnv, rx: PaypalReceiver): Promise<PaypalLedger> {
  return (await json(env, 'GET', `${rx.url}/ledger`, undefined, {})).body as PaypalLedger;
}
