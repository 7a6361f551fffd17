import { UsageError } from '../errors.js';

/** The five headers PayPal signs a webhook delivery with (lower-cased, as fbpay stores them). */
export const PAYPAL_HEADERS = {
  transmissionId: 'paypal-transmission-id',
  transmissionTime: 'paypal-transmission-time',
  transmissionSig: 'paypal-transmission-sig',
  certUrl: 'paypal-cert-url',
  authAlgo: 'paypal-auth-algo',
} as const;

export const REQUIRED_PAYPAL_HEADERS: readonly string[] = Object.values(PAYPAL_HEADERS);

/** The PAYPAL-* values of one delivery, any of which may be missing. */
export interface PaypalTransmission {
  transmissionId?: string;
  transmissionTime?: string;
  transmissionSig?: string;
  certUrl?: string;
  authAlgo?: string;
}

const MAX_HEADERS_TEXT = 256 * 1024;

/**
 * Parses the `--headers` input: a JSON object (`{"PAYPAL-TRANSMISSION-ID": "…"}`, values strings or
 * arrays of strings) or raw `Name: value` lines as copied from a request dump. Names are returned
 * lower-cased, except a name given more than once in different case: every spelling is then kept as
 * given, in order, so the verifier can say which one it used; a request line (`POST /hook HTTP/1.1`), blank lines and anything after the first
 * blank line that follows headers (the body of a dump) are ignored. Throws UsageError on anything else.
 */
export function parseHeaders(input: string | Uint8Array): Record<string, string> {
  const text = (typeof input === 'string' ? input : Buffer.from(input).toString('utf8')).replace(/^\uFEFF/, '');
  if (text.length > MAX_HEADERS_TEXT) throw new UsageError('bad_headers', 'headers input is larger than 256 KiB', { hint: 'pass only the request headers' });
  const trimmed = text.trim();
  if (trimmed === '') throw new UsageError('bad_headers', 'headers input is empty', { hint: 'pass a JSON object or "Name: value" lines' });
  if (trimmed.startsWith('{')) return headersFromJson(trimmed);
  return headersFromLines(text);
}

function headersFromJson(text: string): Record<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    // Stryker disable next-line MethodExpression: V8's JSON.parse messages quote at most 10 characters of input and stay under 120; the cap only guards a longer one
    throw new UsageError('bad_headers', `headers are not valid JSON: ${(e as Error).message.slice(0, 120)}`, {
      hint: 'pass a JSON object {"PAYPAL-TRANSMISSION-ID": "…"} or raw "Name: value" lines',
    });
  }
  // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: unreachable today (only text starting with '{' gets here, and it parses to an object); kept so a change of the caller cannot let an array through
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new UsageError('bad_headers', 'headers JSON must be an object of name → value');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    let v: string;
    if (typeof value === 'string') v = value;
    else if (typeof value === 'number' || typeof value === 'boolean') v = String(value);
    else if (Array.isArray(value) && value.every((x) => typeof x === 'string')) v = value.join(', ');
    else throw new UsageError('bad_headers', `header "${name.slice(0, 60)}" must be a string`, { hint: 'header values are strings' });
    put(out, name, v);
  }
  return out;
}

/** Stores a header under its lower-cased name; a second spelling of the same name keeps both spellings as given. */
function put(out: Record<string, string>, name: string, value: string): void {
  const lower = name.toLowerCase();
  let spellings = SPELLINGS.get(out);
  if (!spellings) SPELLINGS.set(out, (spellings = new Map()));
  const earlier = spellings.get(lower);
  if (earlier === undefined) {
    spellings.set(lower, name);
    out[lower] = value;
    return;
  }
  if (earlier !== name && lower in out) {
    const v = out[lower];
    delete out[lower];
    out[earlier] = v;
  }
  // The entry given last goes last, so the verifier (which reads the last spelling) uses the value given last.
  const key = earlier === name && !(name in out) ? lower : name;
  delete out[key];
  out[key] = value;
}
const SPELLINGS = new WeakMap<object, Map<string, string>>();

function headersFromLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let seenHeader = false;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '') {
      if (seenHeader) break;
      continue;
    }
    if (!seenHeader && /^[A-Z]+ \S+ HTTP\/\d(\.\d)?$/.test(line)) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      throw new UsageError('bad_headers', `not a "Name: value" header line: "${line.slice(0, 60)}"`, {
        hint: 'pass a JSON object or one "Name: value" header per line',
      });
    }
    const name = line.slice(0, colon).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new UsageError('bad_headers', `invalid header name "${name.slice(0, 60)}"`);
    put(out, name, line.slice(colon + 1).trim());
    seenHeader = true;
  }
  if (!seenHeader) throw new UsageError('bad_headers', 'no headers found', { hint: 'pass a JSON object or "Name: value" lines' });
  return out;
}

/** Picks the PAYPAL-* values out of a header map (names case-insensitive). */
export function readTransmission(headers: Record<string, string | undefined>): PaypalTransmission {
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) lower[k.toLowerCase()] = v;
  return {
    transmissionId: lower[PAYPAL_HEADERS.transmissionId],
    transmissionTime: lower[PAYPAL_HEADERS.transmissionTime],
    transmissionSig: lower[PAYPAL_HEADERS.transmissionSig],
    certUrl: lower[PAYPAL_HEADERS.certUrl],
    authAlgo: lower[PAYPAL_HEADERS.authAlgo],
  };
}
