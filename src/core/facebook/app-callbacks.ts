/**
 * The two callbacks every Facebook app that reads user data must answer (App Dashboard → Settings):
 * - Deauthorize callback: a form POST of `signed_request` whose payload names the `user_id` that
 *   removed the app; any 2xx acknowledges it.
 * - Data Deletion Request callback: the same form POST; the app starts deleting and must reply JSON
 *   `{"url":"<status page>","confirmation_code":"<alphanumeric code>"}` (developers.facebook.com/docs/
 *   development/create-an-app/app-dashboard/data-deletion-callback).
 * Pure: no I/O.
 */

export type DataDeletionReplyVerdict = { ok: true; url: string; confirmation_code: string } | { ok: false; reason: string; missing?: 'url' | 'confirmation_code' };

const EXPECTED = 'Facebook expects {"url":"<status page>","confirmation_code":"<code>"}';

/** Checks a Data Deletion Request callback's reply body, naming the field that is missing or wrong. */
export function validateDataDeletionReply(text: string): DataDeletionReplyVerdict {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, reason: `the reply is not JSON (${EXPECTED})` };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { ok: false, reason: `the reply is not a JSON object (${EXPECTED})` };
  const o = doc as Record<string, unknown>;
  if (o.url === undefined || o.url === null || o.url === '') return { ok: false, missing: 'url', reason: `the reply has no "url" (${EXPECTED})` };
  if (typeof o.url !== 'string' || !isHttpUrl(o.url)) return { ok: false, reason: `"url" is not an http(s) URL: ${JSON.stringify(o.url).slice(0, 80)}` };
  if (o.confirmation_code === undefined || o.confirmation_code === null || o.confirmation_code === '') {
    return { ok: false, missing: 'confirmation_code', reason: `the reply has no "confirmation_code" (${EXPECTED})` };
  }
  if (typeof o.confirmation_code !== 'string' || !/^[A-Za-z0-9]+$/.test(o.confirmation_code)) {
    return { ok: false, reason: `"confirmation_code" must be an alphanumeric string, got ${JSON.stringify(o.confirmation_code).slice(0, 60)}` };
  }
  return { ok: true, url: o.url, confirmation_code: o.confirmation_code };
}

function isHttpUrl(s: string): boolean {
  if (!URL.canParse(s)) return false;
  const { protocol } = new URL(s);
  return protocol === 'https:' || protocol === 'http:';
}
