import { FbpayError } from '../../core/errors.js';
import { explainCode } from '../../core/explain/lookup.js';
import { buildPreset } from '../../core/facebook/presets.js';
import { KIND_LABELS } from '../../core/facebook/payload-kind.js';
import { base64UrlEncode, decodeSignedRequest, signSignedRequest } from '../../core/facebook/signed-request.js';
import { maskSecret, redact } from '../../core/mask.js';
import { safeEqual } from '../../core/safe-equal.js';
import { encodeMidasQuery, midasSign, midasVerify } from '../../core/midas/signature.js';
import { MIDAS_OK_REPLY } from '../../core/midas/reply.js';
import { signPaypalWebhook } from '../../core/paypal/sign.js';
import { generateTestKeyPair } from '../../core/paypal/test-cert.js';
import { verifyPaypalWebhook } from '../../core/paypal/verify.js';
import { httpRequest } from '../../transport/http.js';
import type { DemoServices, ReceiverLedger } from './services.js';
import { paypalSubscriptionStep } from './paypal-emulator.js';
import { ellipsize } from '../../core/text.js';
import { midasFlow } from './midas.js';
import { graphTriggerStep } from './graph-trigger.js';

/**
 * The sections of `fbpay demo`. Each one drives the real pieces (the core functions, the CLI
 * commands in-process, the Graph emulator, the sample receiver) and records what happened as
 * lines to show and data for `--json`, plus the checks that decide whether it did what it should.
 * Nothing here prints: the command renders.
 */
export type Tone = 'plain' | 'ok' | 'bad' | 'dim' | 'cmd' | 'raw';

export interface DemoLine {
  text: string;
  tone: Tone;
}

export interface StepResult {
  id: string;
  title: string;
  ok: boolean;
  /** The checks that failed (empty when ok). */
  failures: string[];
  lines: DemoLine[];
  data: Record<string, unknown>;
  ms: number;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface DemoEnv {
  services: DemoServices;
  /** Runs an fbpay command in-process with captured output (no TTY, no prompts). */
  cli(argv: string[]): Promise<CliRun>;
  /** Whether the human output is wanted (false with --json: CLI runs use --json themselves). */
  human: boolean;
  signal: AbortSignal;
  now: () => number;
}

export class StepRecorder {
  readonly lines: DemoLine[] = [];
  readonly failures: string[] = [];
  readonly data: Record<string, unknown> = {};
  constructor(private readonly secrets: string[]) {}

  say(text: string, tone: Tone = 'plain'): void {
    this.lines.push({ text: redact(text, this.secrets), tone });
  }
  cmd(text: string): void {
    this.say(`$ ${text}`, 'cmd');
  }
  /** Records a check; a false one fails the step (the demo goes on with the next one). */
  check(ok: boolean, what: string): boolean {
    if (!ok) this.failures.push(redact(what, this.secrets));
    return ok;
  }
}

export interface DemoStep {
  id: string;
  title: string;
  run(env: DemoEnv, rec: StepRecorder): Promise<void>;
}

/** Runs one step; a thrown error fails it (with its message) instead of stopping the demo, except Ctrl-C. */
export async function runStep(step: DemoStep, env: DemoEnv): Promise<StepResult> {
  const s = env.services;
  const rec = new StepRecorder([s.appSecret, s.verifyToken, `${s.appId}|${s.appSecret}`]);
  const t0 = performance.now();
  try {
    await step.run(env, rec);
  } catch (e) {
    if (env.signal.aborted) throw e;
    const msg = e instanceof FbpayError ? `${e.message}${e.hint ? ` (${e.hint})` : ''}` : String((e as Error)?.message ?? e);
    rec.check(false, `stopped: ${msg}`);
  }
  return { id: step.id, title: step.title, ok: rec.failures.length === 0, failures: rec.failures, lines: rec.lines, data: rec.data, ms: Math.round(performance.now() - t0) };
}

// ---------------------------------------------------------------------------------------------------

interface JsonReply {
  status: number;
  body: any;
}

async function call(env: DemoEnv, method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonReply> {
  const res = await httpRequest({
    method,
    url,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    timeoutMs: 10_000,
    signal: env.signal,
  });
  const text = res.body.toString('utf8');
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed };
}

const short = (s: string, n = 48) => ellipsize(s, n + 1);
const firstLine = (s: string) => s.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';

async function ledger(env: DemoEnv): Promise<ReceiverLedger> {
  await env.services.emulator.idle();
  return (await call(env, 'GET', `${env.services.receiver.url}/ledger`)).body as ReceiverLedger;
}

// ---------------------------------------------------------------------------------------------------

const litePurchase: DemoStep = {
  id: 'lite-purchase',
  title: 'Payments Lite: sign and decode a purchase',
  async run(env, rec) {
    const { appId, appSecret } = env.services;
    const payload = buildPreset('lite-purchase', { now: env.now(), appId });
    const sr = signSignedRequest(payload, appSecret);
    rec.cmd(`fbpay sign --preset lite-purchase --app-id ${appId} --secret "$FB_APP_SECRET"`);
    rec.say(`signed_request: ${short(sr, 64)}`, 'dim');
    const d = decodeSignedRequest(sr, appSecret, { now: env.now(), maxAge: 3600 });
    rec.cmd('fbpay decode "$SIGNED_REQUEST" --secret "$FB_APP_SECRET" --max-age 3600');
    const p = d.payload;
    rec.check(d.valid === true, `decode: expected a valid signature, got ${d.error?.message ?? String(d.valid)}`);
    rec.check(d.kind === 'payments_lite_purchase', `decode: expected a Payments Lite purchase, got ${d.kind}`);
    rec.say(`${d.valid ? 'valid' : 'INVALID'} ${KIND_LABELS[d.kind] ?? d.kind}: ${p.quantity} × ${p.product_id} for ${p.amount} ${p.currency}, payment ${p.payment_id}, purchase_token ${p.purchase_token}`, d.valid ? 'ok' : 'bad');

    // The classic forgery: keep Facebook's signature, change the price in the payload.
    const sig = sr.slice(0, sr.indexOf('.'));
    const tampered = `${sig}.${base64UrlEncode(JSON.stringify({ ...payload, amount: '0.01' }))}`;
    const t = decodeSignedRequest(tampered, appSecret, { now: env.now() });
    rec.check(t.valid === false, 'a tampered signed_request was not refused');
    rec.say(`amount changed to 0.01 under the same signature → refused: ${t.error?.message ?? 'accepted!'}`, t.valid === false ? 'ok' : 'bad');
    const w = decodeSignedRequest(sr, appSecret + 'x', { now: env.now() });
    rec.check(w.valid === false, 'a signed_request checked with the wrong secret was not refused');
    rec.say(`another app's secret → refused: ${w.error?.message ?? 'accepted!'}`, w.valid === false ? 'ok' : 'bad');
    Object.assign(rec.data, { kind: d.kind, valid: d.valid, payment_id: p.payment_id, product_id: p.product_id, tampered_refused: t.valid === false, wrong_secret_refused: w.valid === false });
  },
};

const repurchase: DemoStep = {
  id: 'repurchase-1383001',
  title: 'The 1383001 repurchase failure, and its fix',
  async run(env, rec) {
    const { emulator, receiver, appId, appSecret } = env.services;
    const appToken = `${appId}|${appSecret}`;
    const user = await call(env, 'POST', `${emulator.url}/_fbpay/users`, {});
    if (!rec.check(user.status === 200 && typeof user.body?.access_token === 'string', `the emulator did not mint a user (${user.status})`)) return;
    const userToken: string = user.body.access_token;
    const buy = () => call(env, 'POST', `${emulator.url}/_fbpay/purchases`, { access_token: userToken, product_id: 'coins_100' });

    const first = await buy();
    rec.check(first.status === 200, `first purchase: expected 200, got ${first.status}`);
    rec.say(`player buys coins_100 → ok (payment ${first.body?.payment_id}, purchase_token ${first.body?.purchase_token})`, first.status === 200 ? 'ok' : 'bad');
    const second = await buy();
    const code = second.body?.error?.code;
    rec.check(second.status === 400 && code === 1383001, `second purchase: expected 400 with 1383001, got ${second.status} ${code ?? ''}`);
    rec.say(`player buys coins_100 again → ${second.status} error ${code}: the first purchase was never consumed`, code === 1383001 ? 'ok' : 'bad');
    const ex = explainCode('1383001');
    rec.cmd('fbpay explain 1383001');
    if (ex.found) rec.say(`1383001: ${ex.entry.cause}`, 'dim');

    const purchaseToken = String(first.body?.purchase_token ?? '');
    rec.cmd(`fbpay consume ${purchaseToken} --access-token "APP_ID|APP_SECRET" --graph-url ${emulator.url}`);
    const refused = await env.cli(['consume', purchaseToken, '--access-token', appToken, '--graph-url', emulator.url, '--graph-version', 'none']);
    rec.check(refused.code === 2, `consume with the app token: expected exit 2 (refused before any request), got ${refused.code}`);
    rec.say(`refused before any request (exit ${refused.code}): ${firstLine(refused.stderr).replace(/^error:\s*/, '')}`, refused.code === 2 ? 'ok' : 'bad');
    const direct = await call(env, 'POST', `${emulator.url}/${encodeURIComponent(purchaseToken)}/consume`, { access_token: appToken });
    rec.check(direct.status >= 400 && direct.body?.error?.code === 100, `Graph accepted an app token for consume (${direct.status})`);
    rec.say(`sent anyway, Graph answers ${direct.status} error ${direct.body?.error?.code}: ${short(String(direct.body?.error?.message ?? ''), 90)}`, 'dim');

    rec.say(`the fix: the client posts the purchase and its USER token to the receiver, which verifies and consumes it`);
    rec.cmd(`curl -X POST ${receiver.url}/purchase -d signed_request=… -d access_token="$USER_TOKEN"`);
    const posted = await call(env, 'POST', `${receiver.url}/purchase`, { signed_request: first.body?.signed_request, access_token: userToken });
    rec.check(posted.status === 200 && posted.body?.consumed === true, `receiver /purchase: expected 200 consumed, got ${posted.status} ${JSON.stringify(posted.body).slice(0, 120)}`);
    rec.say(`receiver → ${posted.status} ${JSON.stringify(posted.body)}`, posted.status === 200 ? 'ok' : 'bad');
    if (posted.body?.duplicate === true) rec.say('duplicate: true — the payments update the emulator sent for this purchase had already granted it (same ledger key, granted once)', 'dim');
    const third = await buy();
    rec.check(third.status === 200, `repurchase after consume: expected 200, got ${third.status}`);
    rec.say(`player buys coins_100 again → ${third.status === 200 ? 'ok' : `${third.status} ${third.body?.error?.code ?? ''}`}`, third.status === 200 ? 'ok' : 'bad');
    Object.assign(rec.data, {
      first_purchase: first.status,
      repurchase_error: code ?? null,
      app_token_consume_exit_code: refused.code,
      graph_error_for_app_token: direct.body?.error?.code ?? null,
      receiver_consumed: posted.body?.consumed === true,
      repurchase_after_consume: third.status,
    });
  },
};

const webhooks: DemoStep = {
  id: 'payment-webhooks',
  title: 'Payments webhooks: charge, dispute, chargeback, reversal at the sample receiver',
  async run(env, rec) {
    const { emulator, receiver, appSecret } = env.services;
    const before = await ledger(env);
    const known = new Set(before.decisions.map((d) => d.key));
    rec.cmd(`fbpay webhook replay fb-dispute-lifecycle --to ${receiver.url}/webhook --secret "$FB_APP_SECRET" --graph-url ${emulator.url} --duplicate`);
    rec.say('each step seeds the emulator with the payment, then delivers the signed update twice (Facebook retries)', 'dim');
    const r = await env.cli(['webhook', 'replay', 'fb-dispute-lifecycle', '--to', `${receiver.url}/webhook`, '--secret', appSecret, '--graph-url', emulator.url, '--duplicate', '--json']);
    const lines = r.stdout.split('\n').filter((l) => l.trim().startsWith('{'));
    const docs = lines.map((l) => {
      try {
        return JSON.parse(l) as Record<string, any>;
      } catch {
        return {} as Record<string, any>;
      }
    });
    const deliveries = docs.filter((d) => d.type === 'delivery');
    rec.check(r.code === 0, `webhook replay exited ${r.code}: ${firstLine(r.stderr) || firstLine(r.stdout)}`);
    rec.check(deliveries.length >= 4 && deliveries.length % 2 === 0, `expected each update delivered twice, got ${deliveries.length} deliveries`);
    rec.check(deliveries.every((d) => d.ok === true), `the receiver did not answer every delivery with 2xx: ${deliveries.filter((d) => d.ok !== true).map((d) => `${d.fixture} ${d.status ?? d.reason}`).join('; ')}`);
    const byLabel = new Map<string, number[]>();
    for (const d of deliveries) byLabel.set(String(d.fixture), [...(byLabel.get(String(d.fixture)) ?? []), d.status]);
    for (const [label, statuses] of byLabel) rec.say(`${label.padEnd(44)} → ${statuses.join(', ')}`, statuses.every((s) => s >= 200 && s < 300) ? 'ok' : 'bad');

    const after = await ledger(env);
    const fresh = after.decisions.filter((d) => !known.has(d.key) && d.source === 'webhook');
    rec.say(`receiver decisions (GET ${receiver.url}/ledger): ${after.duplicates - before.duplicates} duplicate(s) changed nothing`);
    for (const d of fresh) rec.say(`  ${d.verdict.padEnd(8)} ${d.key}  ${d.reason}`, d.verdict === 'dispute' ? 'dim' : 'plain');
    const verdicts = fresh.map((d) => d.verdict).filter((v) => v !== 'dispute');
    rec.check(JSON.stringify(verdicts) === JSON.stringify(['fulfil', 'revoke', 'restore']), `expected decisions fulfil, revoke, restore; got ${verdicts.join(', ') || 'none'}`);
    rec.check(after.duplicates - before.duplicates >= 4, `expected every duplicate delivery to change nothing (≥ 4 duplicates), got ${after.duplicates - before.duplicates}`);
    Object.assign(rec.data, {
      deliveries: deliveries.map((d) => ({ fixture: d.fixture, status: d.status ?? null, ok: Boolean(d.ok) })),
      decisions: fresh.map((d) => ({ key: d.key, verdict: d.verdict, reason: d.reason })),
      duplicates_ignored: after.duplicates - before.duplicates,
    });
  },
};

const paypal: DemoStep = {
  id: 'paypal',
  title: 'PayPal: sign a delivery with a test key, verify it',
  async run(env, rec) {
    const now = env.now();
    const { keyPem, certPem } = generateTestKeyPair({ now, days: 1 });
    rec.cmd('fbpay paypal keygen --out ./paypal-test');
    const webhookId = '8PT597110X687430LKGECATA';
    const subscription = 'I-BW452GLLEP1G';
    const body = Buffer.from(
      JSON.stringify({
        id: 'WH-2WR32451HC0233532-67976317FL4543714',
        event_version: '1.0',
        create_time: new Date(now * 1000).toISOString(),
        resource_type: 'sale',
        event_type: 'PAYMENT.SALE.COMPLETED',
        summary: 'Payment completed for $ 9.99 USD',
        resource: { id: '80021663DE681814L', state: 'completed', amount: { total: '9.99', currency: 'USD' }, billing_agreement_id: subscription, custom: 'player-42' },
      }),
    );
    const signed = signPaypalWebhook({ body, webhookId, key: keyPem, certUrl: 'http://127.0.0.1/fbpay-test-cert.pem', now: () => now });
    rec.cmd(`fbpay paypal sign --body body.json --key paypal-test/key.pem --webhook-id ${webhookId}`);
    rec.say(`signed string: ${signed.signedString}`, 'dim');
    rec.cmd(`fbpay paypal verify --body body.json --headers headers.json --webhook-id ${webhookId} --cert paypal-test/cert.pem`);
    const v = await verifyPaypalWebhook(body, signed.headers, { webhookId, certPem, now });
    rec.check(v.valid, `verify: expected valid, failed checks: ${v.checks.filter((c) => !c.ok).map((c) => `${c.check}: ${c.detail}`).join('; ')}`);
    // A self-signed test certificate: the verdict rests on --cert, never on PayPal's CA, and says so.
    rec.check(v.trust === '--cert', `verify: the test certificate was trusted by ${v.trust ?? 'nothing'}, not --cert`);
    const verdict = v.valid ? `VERIFIED, trusted because you passed ${v.trust} (a self-signed test certificate; PayPal's own chain to PayPal's CA)` : 'NOT VERIFIED';
    rec.say(`${verdict}: crc32 ${v.crc}, SHA256withRSA ok; ${v.event.eventType} for subscription ${v.event.subscriptionId ?? '(none)'} (${v.event.subscriptionSource ?? 'no billing_agreement_id'})`, v.valid ? 'ok' : 'bad');
    const tampered = Buffer.from(body.toString('utf8').replace('9.99', '0.99'));
    const t = await verifyPaypalWebhook(tampered, signed.headers, { webhookId, certPem, now, diagnose: false });
    rec.check(!t.valid, 'a tampered PayPal body verified');
    rec.say(`amount changed 9.99 → 0.99 in the body → ${t.valid ? 'accepted!' : 'refused (the crc32 in the signed string differs)'}`, t.valid ? 'bad' : 'ok');
    const other = await verifyPaypalWebhook(body, signed.headers, { webhookId: 'WEBHOOK_ID', certPem, now, diagnose: false });
    rec.check(!other.valid, 'a PayPal delivery verified under another webhook id');
    rec.say(`checked with another webhook id (WEBHOOK_ID) → ${other.valid ? 'accepted!' : 'refused'}`, other.valid ? 'bad' : 'ok');
    Object.assign(rec.data, { valid: v.valid, trusted_by: v.trust ?? null, signed_string: signed.signedString, subscription_id: v.event.subscriptionId ?? null, tampered_refused: !t.valid, other_webhook_id_refused: !other.valid });
  },
};

const midas: DemoStep = {
  id: 'midas',
  title: 'Midas: sign a delivery callback with the callback rule, verify it',
  async run(env, rec) {
    const appkey = 'fbpayDemoAppkey-2026';
    const path = '/midas/deliver';
    const ts = String(env.now());
    const params: Record<string, string> = {
      amt: '600',
      appid: '1450000000',
      appmeta: 'order-42*qdqb*qq',
      billno: '-APPDJSX12345-20261121-1200000001',
      openid: '0FC2B2C4B8B8B1D5F1B3C4A1E2D3F4A5',
      payamt_coins: '0',
      payitem: 'gold_100*10*1',
      providetype: '5',
      pubacct_payamt_coins: '',
      token: '53227955F80B805B50FFB511E5AD51E025360',
      ts,
      version: 'v3',
      zoneid: '1',
    };
    const s = midasSign({ method: 'GET', path, params, appkey, rule: 'callback' });
    // The whole command, values quoted for a shell: a printed fbpay line must be one a user can paste.
    const words = Object.entries(params).map(([k, v]) => (/^[\w.-]+$/.test(v) ? `${k}=${v}` : `'${k}=${v}'`));
    rec.cmd(`fbpay midas sign --callback --path ${path} --appkey "$MIDAS_APPKEY" ${words.join(' ')}`);
    rec.say(`source string: ${s.source_string}`, 'dim');
    rec.say(`key appkey& → sig ${s.sig}`);
    const plain = midasSign({ method: 'GET', path, params, appkey, rule: 'openapi' });
    const differs = !safeEqual(plain.sig, s.sig);
    rec.say(`the plain OpenAPI rule gives ${plain.sig}${differs ? ' — different: callback values are %XX-encoded first (everything but 0-9 a-z A-Z ! * ( ), so "-" becomes %2D while "*" is kept)' : ''}`, 'dim');
    rec.cmd(`fbpay midas verify --path ${path} --appkey "$MIDAS_APPKEY" --now ${ts} --query '${encodeMidasQuery({ ...params, sig: s.sig })}'`);
    const v = midasVerify({ method: 'GET', path, params, sig: s.sig, appkey, now: env.now() });
    rec.check(v.valid && v.rule === 'callback', `verify: expected valid under the callback rule, got ${v.rule ?? 'no rule'} (${v.problems.join('; ')})`);
    rec.say(`${v.valid ? 'valid' : 'INVALID'} (rule: ${v.rule ?? 'none'}); the receiver must answer exactly ${MIDAS_OK_REPLY} within 2 s`, v.valid ? 'ok' : 'bad');
    const bad = midasVerify({ method: 'GET', path, params: { ...params, amt: '6000' }, sig: s.sig, appkey, now: env.now() });
    rec.check(!bad.valid, 'a Midas callback with a changed amt verified');
    rec.say(`amt changed 600 → 6000 → ${bad.valid ? 'accepted!' : 'refused: reply {"ret":4,"msg":"sig error"}'}`, bad.valid ? 'bad' : 'ok');
    rec.check(differs, 'the callback rule and the plain rule gave the same sig for values that need the callback encoding');
    Object.assign(rec.data, { rule: v.rule, valid: v.valid, source_string: s.source_string, sig: s.sig, plain_rule_sig: plain.sig, tampered_refused: !bad.valid });
  },
};

const check: DemoStep = {
  id: 'webhook-check',
  title: 'webhook check: the conformance battery against the sample receiver',
  async run(env, rec) {
    const { receiver, appSecret, verifyToken } = env.services;
    const argv = ['webhook', 'check', '--to', `${receiver.url}/webhook`, '--provider', 'facebook', '--secret', appSecret, '--verify-token', verifyToken];
    rec.cmd(`fbpay webhook check --to ${receiver.url}/webhook --provider facebook --secret "$FB_APP_SECRET" --verify-token "$FB_VERIFY_TOKEN"`);
    const r = await env.cli(env.human ? argv : [...argv, '--json']);
    rec.check(r.code === 0, `webhook check exited ${r.code}: ${firstLine(r.stderr) || 'a required check failed'}`);
    if (env.human) {
      for (const l of r.stdout.replace(/\n+$/, '').split('\n')) rec.say(l, 'raw');
      if (r.code !== 0 && r.stderr.trim()) rec.say(firstLine(r.stderr), 'bad');
    } else {
      try {
        const doc = JSON.parse(r.stdout) as Record<string, unknown>;
        Object.assign(rec.data, { passed: doc.passed, failed: doc.failed, checks: doc.checks });
      } catch {
        rec.data.output = firstLine(r.stdout) || firstLine(r.stderr);
      }
    }
    rec.data.exit_code = r.code;
  },
};

/** In order: each section builds on the services, not on the previous section. */
export const DEMO_STEPS: readonly DemoStep[] = [litePurchase, repurchase, webhooks, graphTriggerStep, paypal, paypalSubscriptionStep, midas, midasFlow, check];

/** The app credentials shown in the header (masked: even demo secrets are never printed whole). */
export function describeServices(s: DemoServices): { graph_url: string; receiver_url: string; app_id: string; app_secret: string } {
  return { graph_url: s.emulator.url, receiver_url: s.receiver.url, app_id: s.appId, app_secret: maskSecret(s.appSecret) };
}
