import { UsageError } from '../../core/errors.js';
import type { RenderedFixture } from '../../core/fixtures/schema.js';
import { checkMidasReply, midasReply, MIDAS_OK_REPLY } from '../../core/midas/reply.js';
import { encodeMidasQuery, midasSign, midasVerify, parseMidasQuery, type MidasParams } from '../../core/midas/signature.js';
import type { HttpResponse } from '../../transport/http.js';
import type {
  AdapterOptions,
  BuildContext,
  CapturedDelivery,
  ExpectSpec,
  IncomingDelivery,
  OutgoingDelivery,
  ReceiveResult,
  Receiver,
  ReplayAdapter,
  ReplyVerdict,
} from '../webhook/adapter.js';

/** Largest accepted |ts - now| for a delivery callback, seconds (15 minutes). */
export const MIDAS_MAX_SKEW = 900;
/** How old `--tamper stale` makes ts: 20 minutes. */
const STALE_SECONDS = 20 * 60;

function requireAppkey(opts: AdapterOptions): string {
  if (!opts.appkey) throw new UsageError('missing_setting', 'missing the Midas appkey (--appkey or MIDAS_APPKEY)', { hint: 'pass --appkey or set MIDAS_APPKEY' });
  return opts.appkey;
}

/** Fixture body → string parameters (numbers and booleans as text; nested values refused). */
function fixtureParams(fx: RenderedFixture): MidasParams {
  const body = fx.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new UsageError('bad_fixture', `fixture ${fx.name}: a midas delivery body must be an object of parameters`, { hint: 'see fbpay fixtures show midas-delivery' });
  }
  const out: MidasParams = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'object') throw new UsageError('bad_fixture', `fixture ${fx.name}: parameter ${k} must be a string or number`, { hint: 'midas callbacks carry flat key=value parameters' });
    out[k] = String(v);
  }
  return out;
}

/** Changes one value after signing: the amount when there is one, else the first parameter. */
function tamperParams(params: MidasParams): string {
  const key = 'amt' in params ? 'amt' : 'payitem' in params ? 'payitem' : Object.keys(params).find((k) => k !== 'sig' && k !== 'ts');
  if (!key) return '(none)';
  const v = params[key];
  params[key] = /^\d+$/.test(v) ? String(Number(v) + 1) : v + 'x';
  return key;
}

function wrongSig(sig: string): string {
  const c = sig[0] === 'A' ? 'B' : 'A';
  return c + sig.slice(1);
}

/**
 * Replays Midas delivery callbacks: a GET whose query carries every fixture parameter plus a fresh
 * `ts` and the callback-rule `sig` over the target URL's path (or `opts.path`), each key and value
 * rawurlencoded so `+`, `=`, `/` in the sig survive. Replies are judged by Midas' rules.
 */
export function createReplayAdapter(opts: AdapterOptions): ReplayAdapter {
  const appkey = requireAppkey(opts);
  return {
    provider: 'midas',
    build(input: RenderedFixture | CapturedDelivery, ctx: BuildContext): OutgoingDelivery {
      if ('captured' in input) return buildCaptured(input, ctx);
      const target = ctx.target;
      const fxPath = input.delivery.path;
      const path = opts.path ?? (target.pathname !== '/' || !fxPath ? target.pathname : fxPath);
      const params: MidasParams = {};
      for (const [k, v] of target.searchParams) params[k] = v;
      Object.assign(params, fixtureParams(input));
      delete params.sig;
      const now = ctx.now();
      params.ts = String(ctx.tamper === 'stale' ? now - STALE_SECONDS : now);
      const signed = midasSign({ method: 'GET', path, params, appkey, rule: 'callback' });
      let sig = signed.sig;
      let tampered: string | undefined;
      if (ctx.tamper === 'signature') sig = wrongSig(sig);
      if (ctx.tamper === 'body') tampered = tamperParams(params);
      const url = `${target.origin}${path}?${encodeMidasQuery({ ...params, sig })}`;
      return {
        label: input.step ?? input.name,
        method: 'GET',
        url,
        headers: { 'user-agent': 'fbpay-midas-replay' },
        meta: {
          billno: params.billno,
          payitem: params.payitem,
          openid: params.openid,
          providetype: params.providetype,
          ...(ctx.tamper ? { tamper: ctx.tamper } : {}),
          ...(tampered ? { tampered_param: tampered } : {}),
        },
      };
    },
    judge: judgeMidasReply,
  };
}

/** Midas' rules on a reply (exact `{"ret":0,"msg":"OK"}` for 2xx, or the ret asked for); needs no appkey, so verbatim capture replays use it too. */
export function judgeMidasReply(res: HttpResponse, _delivery: OutgoingDelivery, expect: ExpectSpec): ReplyVerdict | undefined {
  if (expect.kind === 'ret') return checkMidasReply(res, { expectRet: expect.ret });
  if (expect.kind === 'class' && expect.cls === 2) {
    const r = checkMidasReply(res);
    return r.ok ? { ok: true } : { ok: false, reason: r.reason };
  }
  return undefined;
}

/** A recorded delivery goes out unchanged (same path and query) to the new target; `--tamper signature` breaks its sig. */
function buildCaptured(c: CapturedDelivery, ctx: BuildContext): OutgoingDelivery {
  const q = c.path.indexOf('?');
  const path = q < 0 ? c.path : c.path.slice(0, q);
  let query = q < 0 ? '' : c.path.slice(q + 1);
  if (ctx.tamper === 'signature') query = query.replace(/(^|&)sig=([^&]*)/, (_m, p: string, s: string) => `${p}sig=${wrongSig(s || 'A')}`);
  return {
    label: c.label,
    method: c.method === 'POST' ? 'POST' : 'GET',
    url: `${ctx.target.origin}${path}${query ? '?' + query : ''}`,
    headers: {},
    ...(c.method === 'POST' ? { body: c.body } : {}),
    meta: { captured: true },
  };
}

/**
 * `webhook listen --provider midas`: verifies each callback with the callback rule and the ts window
 * and answers as a correct game server does — `{"ret":0,"msg":"OK"}` or ret 4 naming the parameter.
 */
export function createReceiver(opts: AdapterOptions): Receiver {
  const appkey = requireAppkey(opts);
  const nowFn = opts.now ?? (() => Math.floor(Date.now() / 1000));
  return {
    provider: 'midas',
    receive(d: IncomingDelivery): ReceiveResult {
      const raw = d.method === 'POST' && d.body.length > 0 ? d.body.toString('utf8') : d.rawQuery;
      let parsed;
      try {
        parsed = parseMidasQuery(raw, { formEncoded: d.method === 'POST' });
      } catch (e) {
        return reject('query', `unreadable query: ${(e as Error).message}`, '(unparsed)');
      }
      const summary = describe(parsed.params);
      const path = opts.path ?? d.path;
      let r = midasVerify({ method: d.method, path, params: parsed.params, sig: parsed.sig, appkey, now: nowFn(), maxSkew: MIDAS_MAX_SKEW, rules: ['callback'] });
      if (!r.signature_ok && raw.includes('+') && d.method !== 'POST') {
        // A PHP server reads '+' in a query as a space: accept what such a server would.
        const alt = parseMidasQuery(raw, { formEncoded: true });
        const r2 = midasVerify({ method: d.method, path, params: alt.params, sig: alt.sig, appkey, now: nowFn(), maxSkew: MIDAS_MAX_SKEW, rules: ['callback'] });
        if (r2.signature_ok) r = r2;
      }
      if (!r.signature_ok) {
        const plain = midasVerify({ method: d.method, path, params: parsed.params, sig: parsed.sig, appkey, now: nowFn(), rules: ['openapi'] });
        const why = parsed.sig === undefined ? 'no sig parameter' : plain.signature_ok ? 'signed with the plain OpenAPI rule, not the callback rule' : 'sig does not match (callback rule)';
        return reject('sig', why, summary);
      }
      if (!r.valid) return reject('ts', r.problems.join('; '), summary);
      return { verified: true, summary, reply: { status: 200, headers: { 'content-type': 'application/json' }, body: MIDAS_OK_REPLY } };
    },
  };
}

function describe(p: MidasParams): string {
  return `billno ${p.billno ?? '?'} payitem ${p.payitem ?? '?'} openid ${p.openid ?? '?'}`;
}

function reject(param: string, reason: string, summary: string): ReceiveResult {
  return { verified: false, reason, summary, reply: { status: 200, headers: { 'content-type': 'application/json' }, body: midasReply(4, param) } };
}
