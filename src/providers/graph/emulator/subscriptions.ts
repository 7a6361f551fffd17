import { randomInt } from 'node:crypto';
import { httpRequest, isLoopbackUrl } from '../../../transport/http.js';
import { GraphFault } from './state.js';

/**
 * `POST /{app-id}/subscriptions` as Facebook does it: the parameters are checked, then the callback
 * must pass the verification request (GET callback?hub.mode=subscribe&hub.challenge=N&hub.verify_token=T
 * answered 200 with exactly N) before anything is saved. The refusals use Facebook's own messages
 * and codes (sources in fixtures/README.md, section Facebook):
 * - the callback answers a non-2xx status: 2200 "Callback verification failed with the following
 *   errors: HTTP Status Code = 404; HTTP Message = Not Found"
 * - the callback cannot be reached: 2200 "… curl_errno = 7; curl_error = …"
 * - the callback answers 200 with something else: 2201 "response does not match challenge,
 *   expected value="N", received="…""
 */

/** The objects an app can subscribe to, and the fields of the one the emulator sends updates for. */
export const PAYMENTS_FIELDS = ['actions', 'disputes'] as const;
const GRAPH_OBJECTS = ['user', 'page', 'permissions', 'payments', 'application', 'instagram'];

export interface SubscriptionRequest {
  object: string;
  callbackUrl: string;
  fields: string[];
  verifyToken?: string;
}

/** Checks the parameters like Graph does (code 100), before any request to the callback. */
export function parseSubscriptionRequest(params: Record<string, unknown>, allowRemote: boolean): SubscriptionRequest & { url: URL } {
  const object = typeof params.object === 'string' ? params.object.trim() : '';
  if (!object) throw new GraphFault(400, 100, '(#100) The parameter object is required', 'OAuthException');
  if (!GRAPH_OBJECTS.includes(object)) throw new GraphFault(400, 100, `(#100) Param object must be one of {${GRAPH_OBJECTS.join(', ')}} - got "${object.slice(0, 40)}"`, 'OAuthException');
  if (object !== 'payments') throw new GraphFault(400, 100, `(#100) the fbpay emulator sends updates for the payments object only, not "${object}"`, 'OAuthException');
  const callbackUrl = typeof params.callback_url === 'string' ? params.callback_url : '';
  if (!callbackUrl) throw new GraphFault(400, 100, '(#100) The parameter callback_url is required', 'OAuthException');
  let url: URL;
  try {
    url = new URL(callbackUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new GraphFault(400, 100, '(#100) Param callback_url must be a valid URL', 'OAuthException');
  }
  if (!allowRemote && !isLoopbackUrl(url)) throw new GraphFault(400, 100, '(#100) callback_url must be a loopback URL in the emulator (start it with --allow-remote)', 'OAuthException');
  const fields = splitFields(params.fields);
  if (!fields.length) throw new GraphFault(400, 100, '(#100) The parameter fields is required', 'OAuthException');
  const unknown = fields.find((f) => !(PAYMENTS_FIELDS as readonly string[]).includes(f));
  if (unknown !== undefined) throw new GraphFault(400, 100, `(#100) Param fields must be a subset of {${PAYMENTS_FIELDS.join(', ')}} for object payments - got "${unknown.slice(0, 40)}"`, 'OAuthException');
  const verifyToken = params.verify_token === undefined ? undefined : String(params.verify_token);
  return { object, callbackUrl, url, fields: [...new Set(fields)], verifyToken };
}

/** `fields` as Graph takes it: a comma list or a JSON array. */
function splitFields(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  let list: unknown[] = [];
  if (Array.isArray(value)) list = value;
  else {
    const text = String(value).trim();
    if (text.startsWith('[')) {
      try {
        const doc = JSON.parse(text) as unknown;
        if (Array.isArray(doc)) list = doc;
      } catch {
        list = [text];
      }
    } else list = text.split(',');
  }
  return list.map((x) => String(x).trim()).filter(Boolean);
}

/** The verification request; resolves when the callback echoed the challenge, throws Facebook's refusal otherwise. */
export async function verifyCallback(url: URL, verifyToken: string | undefined, timeoutMs = 5000): Promise<void> {
  const challenge = String(randomInt(100_000_000, 2_000_000_000));
  const cb = new URL(url);
  cb.searchParams.set('hub.mode', 'subscribe');
  cb.searchParams.set('hub.challenge', challenge);
  if (verifyToken !== undefined) cb.searchParams.set('hub.verify_token', verifyToken);
  let status: number;
  let reply: string;
  try {
    const res = await httpRequest({ method: 'GET', url: cb, timeoutMs, headers: { 'user-agent': 'facebookplatform/1.0 (+http://developers.facebook.com)' }, maxResponseBytes: 64 * 1024 });
    status = res.status;
    reply = res.body.toString('utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    const curl = code === 'timeout' ? `curl_errno = 28; curl_error = Operation timed out after ${timeoutMs} milliseconds` : `curl_errno = 7; curl_error = Failed to connect to ${url.hostname} port ${url.port || (url.protocol === 'https:' ? 443 : 80)}: ${(e as Error).message}`;
    throw new GraphFault(400, 2200, `(#2200) Callback verification failed with the following errors: ${curl}`, 'OAuthException');
  }
  if (status < 200 || status > 299) {
    throw new GraphFault(400, 2200, `(#2200) Callback verification failed with the following errors: HTTP Status Code = ${status}; HTTP Message = ${reasonPhrase(status)}`, 'OAuthException');
  }
  if (reply !== challenge) {
    const shown = reply.length > 20 ? `${reply.slice(0, 20)}...` : reply;
    throw new GraphFault(400, 2201, `(#2201) response does not match challenge, expected value="${challenge}", received="${shown}"`, 'OAuthException');
  }
}

function reasonPhrase(status: number): string {
  const phrases: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };
  return phrases[status] ?? 'Error';
}
