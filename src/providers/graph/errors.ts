import { NetworkError, type FbpayError } from '../../core/errors.js';
import { graphCodeEntry } from '../../core/explain/lookup.js';
import { redact } from '../../core/mask.js';

/** Graph's error envelope: `{"error":{message,type,code,error_subcode,fbtrace_id}}`. */
export interface GraphErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  fbtrace_id?: string;
  error_user_title?: string;
  error_user_msg?: string;
}

/** Graph codes that mean "slow down": retried with backoff like a 5xx. */
export const THROTTLING_CODES: ReadonlySet<number> = new Set([4, 17, 32, 613]);

/** Hints that depend on what the caller was doing, on top of the explain table's generic fix. */
export interface GraphCallContext {
  /** e.g. "consume", "payment" (GET), "refund", "dispute", "purchases" */
  operation?: string;
  /** "app" | "user" — which kind of token was sent. */
  tokenKind?: 'app' | 'user';
  /** Secrets to mask in any echoed message. */
  secrets?: ReadonlyArray<string | undefined>;
}

/** Reads the envelope out of a response body, or undefined when it is not one. */
export function parseGraphError(body: Buffer | string): GraphErrorBody | undefined {
  try {
    const doc = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
    if (doc && typeof doc === 'object' && doc.error && typeof doc.error === 'object') return doc.error as GraphErrorBody;
  } catch {
    /* not JSON */
  }
  return undefined;
}

/**
 * The one mapping from a Graph error envelope to an FbpayError (exit 3). The message keeps the code,
 * subcode and fbtrace_id (what Facebook support asks for); the hint comes from the explain table,
 * sharpened by what the call was.
 */
export function graphError(err: GraphErrorBody, httpStatus: number, call: GraphCallContext = {}): FbpayError {
  const code = typeof err.code === 'number' ? err.code : undefined;
  const sub = typeof err.error_subcode === 'number' ? `/${err.error_subcode}` : '';
  const trace = err.fbtrace_id ? `, fbtrace_id ${err.fbtrace_id}` : '';
  const text = redact(String(err.message ?? 'no message').replace(/\s+/g, ' ').slice(0, 300), call.secrets ?? []);
  const message = `Graph error ${code ?? '?'}${sub}${err.type ? ` ${err.type}` : ''}: ${text} (HTTP ${httpStatus}${trace})`;
  return new NetworkError(code !== undefined ? `graph_${code}` : 'graph_error', message, {
    hint: graphHint(code, call, typeof err.error_subcode === 'number' ? err.error_subcode : undefined),
    details: {
      graph: { code: code ?? null, error_subcode: err.error_subcode ?? null, type: err.type ?? null, fbtrace_id: err.fbtrace_id ?? null, http_status: httpStatus },
    },
  });
}

function graphHint(code: number | undefined, call: GraphCallContext, subcode?: number): string {
  if (code === 100 && call.operation === 'consume' && call.tokenKind !== 'user') {
    return "consume needs the buyer's USER access token, not the app token; get it in the client with FB.getLoginStatus(r => r.authResponse.accessToken)";
  }
  if (code === 100 && (call.operation === 'consume' || call.operation === 'purchases')) {
    return 'check the purchase token (from the Pay Dialog response or `fbpay purchases`) and that the user token belongs to the buyer';
  }
  if (code === 100 && (call.operation === 'payment' || call.operation === 'dispute') && subcode === 33) {
    return 'no payment with that id is visible to this token: check the id (from the Pay Dialog response, a webhook entry id or a signed_request) and that the token is the APP token (APP_ID|APP_SECRET) of the app that sold it';
  }
  if (code === 100 && call.operation === 'payment') {
    return 'check the payment id, and that it is read with the APP token of the app that sold it (APP_ID|APP_SECRET)';
  }
  if (code === 100 && call.operation === 'refund') {
    return 'check the payment id, that the APP token of the app that sold it is used, and that amount and currency match the refundable amount (`fbpay payment get` shows it)';
  }
  if (code === 100 && call.operation === 'subscriptions') {
    return 'Graph refused a parameter of the subscription (object, callback_url, fields, verify_token): the message names it; the fbpay emulator takes only loopback callback URLs unless started with --allow-remote';
  }
  // Error 100's explain entry is about consuming purchases; any other call only learns that a parameter was refused.
  if (code === 100 && call.operation !== 'consume' && call.operation !== 'purchases') {
    return 'Graph says a parameter of this call is invalid or missing (error 100): the message names it; run again with --verbose to see the request';
  }
  if ((code === 2200 || code === 2201) && call.operation === 'subscriptions') {
    return 'Facebook could not verify the callback: it must answer GET ?hub.mode=subscribe&hub.challenge=N&hub.verify_token=T with 200 and exactly N (check --verify-token matches the receiver; try it with fbpay webhook challenge)';
  }
  if (code === 190 && call.tokenKind === 'app') return 'the app token is wrong or from another app: use APP_ID|APP_SECRET of this app (check --app-id, --secret / FB_APP_SECRET)';
  if (code === 190) return 'the token expired or is invalid: get a fresh user token with FB.getLoginStatus in the client, or check it in the Access Token Debugger';
  if (code !== undefined && code >= 200 && code <= 299) return graphCodeEntry(200)!.fix;
  if (code !== undefined && code >= 1_383_000 && code < 1_384_000) return `see \`fbpay explain ${code}\``;
  const entry = code !== undefined ? graphCodeEntry(code) : undefined;
  if (entry) return `${entry.fix} (fbpay explain ${code})`;
  return 'see the Graph API error reference; run again with --verbose to see the request and Graph\'s answer';
}
