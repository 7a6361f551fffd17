import { httpRequest } from '../../transport/http.js';
import type { DemoStep } from './steps.js';
import type { ReceiverLedger } from './services.js';

/**
 * The Graph emulator's own section of `fbpay demo`: `fbpay trigger` makes Facebook-side payment
 * changes, and each signed update reaches the sample receiver through its webhook subscription
 * (retried like Facebook does); the receiver looks the payment up and revokes, then restores.
 */
export const graphTriggerStep: DemoStep = {
  id: 'graph-trigger',
  title: 'fbpay trigger: a chargeback and its reversal reach the subscribed receiver',
  async run(env, rec) {
    const { emulator, receiver } = env.services;
    const ledger = async (): Promise<ReceiverLedger> => {
      await emulator.idle();
      const res = await httpRequest({ method: 'GET', url: `${receiver.url}/ledger`, timeoutMs: 5000, signal: env.signal });
      return JSON.parse(res.body.toString('utf8')) as ReceiverLedger;
    };
    const run = async (args: string[]) => {
      rec.cmd(`fbpay trigger ${args.join(' ')} --emulator ${emulator.url}`);
      const r = await env.cli(['trigger', ...args, '--emulator', emulator.url, '--json']);
      let doc: { ids?: Record<string, unknown>; deliveries?: Array<{ url: string; status: number | null; ok: boolean; attempts: number }> } = {};
      try {
        doc = JSON.parse(r.stdout);
      } catch {
        // checked below
      }
      rec.check(r.code === 0, `fbpay trigger ${args[0]} exited ${r.code}: ${r.stderr.split('\n')[0] || r.stdout.split('\n')[0]}`);
      for (const d of doc.deliveries ?? []) rec.say(`update → ${d.url} ${d.status ?? '—'} (${d.attempts} attempt(s))`, d.ok ? 'ok' : 'bad');
      rec.check((doc.deliveries ?? []).some((d) => d.ok && d.url.startsWith(receiver.url)), `${args[0]}: no accepted delivery to the receiver's subscription`);
      return doc;
    };
    const cb = await run(['fb-chargeback']);
    const paymentId = String(cb.ids?.payment ?? '');
    const afterCb = await ledger();
    const revoked = afterCb.decisions.some((d) => d.payment_id === paymentId && d.verdict === 'revoke');
    rec.say(`receiver decision for ${paymentId}: ${revoked ? 'revoke' : 'none'}`, revoked ? 'ok' : 'bad');
    rec.check(revoked, `the receiver did not revoke payment ${paymentId} after the chargeback`);
    await run(['fb-chargeback-reversal', `payment=${paymentId}`]);
    const restored = (await ledger()).decisions.some((d) => d.payment_id === paymentId && d.verdict === 'restore');
    rec.say(`receiver decision for ${paymentId}: ${restored ? 'restore' : 'none'}`, restored ? 'ok' : 'bad');
    rec.check(restored, `the receiver did not restore payment ${paymentId} after the reversal`);
    Object.assign(rec.data, { payment_id: paymentId, revoked, restored });
  },
};
