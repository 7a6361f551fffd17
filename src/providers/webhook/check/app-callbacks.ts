import { validateDataDeletionReply } from '../../../core/facebook/app-callbacks.js';
import { base64UrlEncode } from '../../../core/facebook/signed-request.js';
import type { HttpResponse } from '../../../transport/http.js';
import { createReplayAdapter } from '../../facebook/webhook-adapter.js';
import type { OutgoingDelivery, ReplayAdapter, TamperMode } from '../adapter.js';
import { describeReply, expectRejected, expectWithinBudget, fixtureRenderer, is2xx } from './common.js';
import type { Battery, BatteryOptions, Check, CheckDeps, CheckResult } from './types.js';

/** The app callbacks `webhook check --kind` checks, each with the fixture its deliveries come from. */
export const APP_CALLBACK_KINDS = ['deauthorize', 'data-deletion'] as const;
export type AppCallbackKind = (typeof APP_CALLBACK_KINDS)[number];
const FIXTURE: Record<AppCallbackKind, string> = { deauthorize: 'fb-deauthorize', 'data-deletion': 'fb-data-deletion' };

/** Replaces (or, with `undefined`, drops) the signed_request field of a form delivery; the other fields keep their bytes. */
function withSignedRequest(d: OutgoingDelivery, value: string | undefined): OutgoingDelivery {
  // Stryker disable next-line OptionalChaining,LogicalOperator,StringLiteral: every app-callback delivery is a form POST with a body
  const form = new URLSearchParams(d.body?.toString('utf8') ?? '');
  if (value === undefined) form.delete('signed_request');
  else form.set('signed_request', value);
  // Stryker disable next-line StringLiteral: Buffer.from(string) encodes UTF-8 by default, so the encoding name cannot change the bytes
  return { ...d, body: Buffer.from(form.toString(), 'utf8') };
}

function signedRequestOf(d: OutgoingDelivery): string {
  // Stryker disable next-line OptionalChaining,LogicalOperator,StringLiteral: called only on the valid delivery, a form POST that always carries a signed_request
  return new URLSearchParams(d.body?.toString('utf8') ?? '').get('signed_request') ?? '';
}

/**
 * What one reply says, by the callback's rule: Deauthorize wants any 2xx; Data Deletion Request wants
 * 200 with `{"url","confirmation_code"}` (the verdict names the field that is missing). `accepted`
 * (the premise of the refusal checks) is any 2xx: a receiver that verified the request and answered
 * 200 without a confirmation code still shows that its refusals mean something.
 */
function judge(kind: AppCallbackKind, res: HttpResponse): CheckResult & { code?: string } {
  const base = { accepted: is2xx(res.status), status: res.status, latencyMs: res.latencyMs };
  if (kind === 'deauthorize') return { ...base, ok: is2xx(res.status), detail: is2xx(res.status) ? `${res.status} (accepted)` : `${describeReply(res)}: expected 2xx` };
  if (res.status !== 200) return { ...base, ok: false, detail: `${describeReply(res)}: expected 200 with {"url","confirmation_code"}` };
  const v = validateDataDeletionReply(res.body.toString('utf8'));
  if (!v.ok) return { ...base, ok: false, detail: `200, but ${v.reason}` };
  return { ...base, ok: true, code: v.confirmation_code, detail: `200 {"url","confirmation_code":"${v.confirmation_code}"}` };
}

/**
 * The Deauthorize and Data Deletion Request callbacks (App Dashboard → Settings): Facebook form-POSTs
 * a `signed_request` naming the user. Checks: the valid request is accepted (data deletion: with a
 * JSON `url` and `confirmation_code`), a wrong signature, another app's secret, a payload changed
 * after signing, an unsigned signed_request and a POST without one are refused, a repeat is accepted
 * again, and the reply comes within the budget. Deliveries are built by the Facebook replay adapter
 * from the shipped fixtures; refusals rest on the valid request being accepted.
 */
export async function createAppCallbackBattery(kind: AppCallbackKind, opts: BatteryOptions): Promise<Battery> {
  const render = opts.render ?? (await fixtureRenderer(opts));
  const fixture = FIXTURE[kind];
  const adapter = createReplayAdapter({ secret: opts.secret });
  let wrong: ReplayAdapter | undefined;
  const build = async (deps: CheckDeps, target: URL, o: { tamper?: TamperMode; wrongSecret?: boolean } = {}) => {
    const a = o.wrongSecret ? (wrong ??= createReplayAdapter({ secret: `fbpay-wrong-secret-${deps.random()}` })) : adapter;
    return a.build(render(fixture), { target, now: deps.now, tamper: o.tamper });
  };
  const what = kind === 'deauthorize' ? 'deauthorize request' : 'deletion request';

  const checks: Check[] = [
    {
      id: 'valid-request',
      title: kind === 'deauthorize' ? 'valid signed_request gets 2xx' : 'valid signed_request gets 200 with url and confirmation_code',
      required: true,
      why:
        kind === 'deauthorize'
          ? 'Facebook posts here when a user removes the app; the app must learn which user_id to forget'
          : 'Facebook shows the user the url and confirmation_code; without both the request is not acknowledged',
      run: async (target, deps) => judge(kind, await deps.send(await build(deps, target))),
    },
    {
      id: 'wrong-signature',
      premise: 'valid-request',
      title: 'wrong signature refused',
      required: true,
      why: `anyone can POST this URL: an unverified ${what} lets a stranger act for any user_id`,
      run: async (target, deps) => expectRejected(deps, await build(deps, target, { tamper: 'signature' }), 'a signed_request with a wrong signature'),
    },
    {
      id: 'wrong-secret',
      premise: 'valid-request',
      title: 'signed with another app secret refused',
      required: true,
      why: 'the HMAC key must be this app\u2019s secret, not any secret',
      run: async (target, deps) => expectRejected(deps, await build(deps, target, { wrongSecret: true }), 'a signed_request signed with another app secret'),
    },
    {
      id: 'tampered-payload',
      premise: 'valid-request',
      title: 'payload changed after signing refused',
      required: true,
      why: 'the signature covers the payload segment as sent; decoding without verifying it trusts any user_id',
      run: async (target, deps) => expectRejected(deps, await build(deps, target, { tamper: 'body' }), 'a signed_request whose payload was changed after signing'),
    },
    {
      id: 'unsigned',
      premise: 'valid-request',
      title: 'unsigned signed_request refused',
      required: true,
      why: 'a signed_request with an empty signature segment is a forgery anyone can write',
      async run(target, deps) {
        const valid = await build(deps, target);
        // Stryker disable next-line LogicalOperator,StringLiteral: the valid signed_request always has a payload segment; the fallback cannot be reached
        const payload = signedRequestOf(valid).split('.')[1] ?? base64UrlEncode('{}');
        return expectRejected(deps, withSignedRequest(valid, `.${payload}`), 'a signed_request without a signature');
      },
    },
    {
      id: 'no-signed-request',
      premise: 'valid-request',
      title: 'POST without signed_request refused',
      required: true,
      why: 'an empty POST carries no user_id and no proof: answering it as a valid request acts on nothing verified',
      run: async (target, deps) => expectRejected(deps, withSignedRequest(await build(deps, target), undefined), 'a POST without a signed_request'),
    },
    {
      id: 'duplicate',
      title: kind === 'deauthorize' ? 'same request twice gets 2xx both times' : 'same request twice gets a valid reply both times',
      required: true,
      why: 'the same user can ask again and a request can arrive twice: each must get its answer (only the replies are seen here, not what the receiver did)',
      async run(target, deps): Promise<CheckResult> {
        const d = await build(deps, target);
        const first = judge(kind, await deps.send(d));
        if (!first.ok) return { ...first, detail: `first request: ${first.detail}` };
        const second = judge(kind, await deps.send(d));
        if (!second.ok) return { ...second, latencyMs: Math.max(first.latencyMs ?? 0, second.latencyMs ?? 0), detail: `${first.status}, then on the same request again: ${second.detail}` };
        // Said as seen: whether the code is the same is a fact about the replies, not a verdict.
        const codes = kind === 'data-deletion' ? (first.code === second.code ? ' (the same confirmation_code)' : ` (confirmation_code ${first.code}, then ${second.code})`) : '';
        return { ok: true, status: second.status, latencyMs: Math.max(first.latencyMs ?? 0, second.latencyMs ?? 0), detail: `${first.status}, then ${second.status} on the same request again${codes}` };
      },
    },
    {
      id: 'budget',
      title: 'reply within budget',
      required: true,
      why: kind === 'deauthorize' ? 'acknowledge at once and do the clean-up later' : 'answer at once with where to follow the request, and delete later',
      run: async (target, deps) => expectWithinBudget(deps, await build(deps, target)),
    },
  ];
  return { provider: 'facebook', kind, checks };
}
