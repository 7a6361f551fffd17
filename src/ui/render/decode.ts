import type { DecodedSignedRequest } from '../../core/facebook/signed-request.js';
import { describePayload } from '../../core/facebook/payload-kind.js';
import type { Ctx } from '../context.js';

/** ISO date of a unix time, or null when it is outside what a Date can hold. */
export function isoOf(unix: number | undefined): string | null {
  if (unix === undefined || !Number.isFinite(unix) || Math.abs(unix) > 8.64e12) return null;
  if (!Number.isInteger(unix) || unix < 0 || unix >= 253402300800 /* year 10000: extended format */) return new Date(unix * 1000).toISOString();
  // Whole seconds (Facebook's issued_at): the day's date is cached, the time of day is arithmetic.
  // Batch decoding formats one per line and Date#toISOString was a visible share of its time.
  const day = Math.floor(unix / 86400);
  if (day !== lastDay) {
    lastDay = day;
    lastDate = new Date(day * 86400000).toISOString().slice(0, 11);
  }
  const t = unix - day * 86400;
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  return `${lastDate}${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${sec < 10 ? '0' : ''}${sec}.000Z`;
}
let lastDay = NaN;
let lastDate = '';

/** The --json (and --batch NDJSON) shape of a decode result. Keys snake_case; numbers in the payload stay numbers. */
export function decodeDoc(r: DecodedSignedRequest, extra: { line?: number; next?: boolean; note?: string } = {}): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  if (extra.line !== undefined) doc.line = extra.line;
  doc.valid = r.valid;
  doc.payload_verified = r.valid === true;
  doc.signature_valid = r.signatureValid;
  doc.algorithm = r.algorithm;
  doc.kind = r.kind;
  doc.issued_at = isoOf(r.issuedAt);
  doc.age_seconds = r.ageSeconds ?? null;
  doc.payload = r.payload;
  doc.warnings = r.warnings;
  if (r.error) doc.error = r.error.toJSON();
  // near_miss only for a correction that was tried and matched; a shape remark (matched: false) is a note.
  if (r.nearMiss?.matched) doc.near_miss = r.nearMiss;
  else if (r.nearMiss) doc.notes = [r.nearMiss];
  if (extra.next) doc.next_steps = r.valid === true ? describePayload(r.inexactNumbers ? exactTopLevel(r) : r.payload, r.kind).next : [];
  if (extra.note) doc.input_note = extra.note;
  return doc;
}

const PAYLOAD_SENTINEL = 'fbpay-payload-8d1f3c2e-exact-json';

/**
 * The --json document of a decode as text. When the payload holds numbers JSON.parse could not keep
 * (integers past 2^53, out-of-range literals), it is spliced in from the bytes it was decoded from,
 * so they print exactly as sent.
 */
export function decodeJsonText(doc: Record<string, unknown>, r: DecodedSignedRequest): string {
  if (!r.inexactNumbers) return JSON.stringify(doc, null, 2);
  const text = JSON.stringify({ ...doc, payload: PAYLOAD_SENTINEL }, null, 2);
  const at = text.indexOf(`"${PAYLOAD_SENTINEL}"`);
  return text.slice(0, at) + prettyJsonText(r.payloadJson, 1) + text.slice(at + PAYLOAD_SENTINEL.length + 2);
}

/**
 * JSON text re-indented like JSON.stringify(v, null, 2), every token kept as written: numbers are
 * never parsed, so 9007199254740993 and 1e400 print as sent.
 */
export function prettyJsonText(json: string, level = 0): string {
  let out = '';
  let depth = level;
  const nl = () => '\n' + '  '.repeat(depth);
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      let j = i + 1;
      while (j < json.length && json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      out += json.slice(i, j + 1);
      i = j;
    } else if (c === '{' || c === '[') {
      let j = i + 1;
      while (j < json.length && /\s/.test(json[j])) j++;
      if (json[j] === (c === '{' ? '}' : ']')) {
        out += c + json[j];
        i = j;
      } else {
        depth++;
        out += c + nl();
      }
    } else if (c === '}' || c === ']') {
      depth--;
      out += nl() + c;
    } else if (c === ',') out += ',' + nl();
    else if (c === ':') out += ': ';
    else if (!/\s/.test(c)) out += c;
  }
  return out;
}

/**
 * One NDJSON line for `decode --batch`: the --json shape plus `line`, with the payload spliced in as
 * the JSON text it was decoded from (byte-exact: big integers survive; no re-serialisation cost),
 * unless that text spans lines, when it is re-serialised so the record stays on one line.
 */
export function decodeNdjsonLine(r: DecodedSignedRequest, line: number): string {
  // Built by hand: this runs once per input line and is most of what --batch adds to the HMAC check.
  const iso = isoOf(r.issuedAt);
  const algorithm = r.algorithm === 'HMAC-SHA256' ? '"HMAC-SHA256"' : r.algorithm === null ? 'null' : JSON.stringify(r.algorithm);
  const age = r.ageSeconds === undefined ? 'null' : Number.isSafeInteger(r.ageSeconds) ? String(r.ageSeconds) : JSON.stringify(r.ageSeconds);
  let head = `{"line":${line},"valid":${r.valid},"payload_verified":${r.valid === true},"signature_valid":${r.signatureValid},"algorithm":${algorithm},"kind":"${r.kind}","issued_at":${iso === null ? 'null' : `"${iso}"`},"age_seconds":${age},"warnings":${r.warnings.length === 0 ? '[]' : JSON.stringify(r.warnings)}`;
  if (r.error) head += `,"error":${JSON.stringify(r.error.toJSON())}`;
  if (r.nearMiss?.matched) head += `,"near_miss":${JSON.stringify(r.nearMiss)}`;
  else if (r.nearMiss) head += `,"notes":[${JSON.stringify(r.nearMiss)}]`;
  const json = r.payloadJson;
  const payload = !r.payloadDecoded ? '{}' : json.includes('\n') || json.includes('\r') ? (r.inexactNumbers ? prettyJsonText(json).replace(/\n */g, '') : JSON.stringify(r.payload)) : json.trim();
  return `${head},"payload":${payload}}`;
}

/** "3 h ago", "in 2 min", "6 years ago". */
export function humanAge(seconds: number): string {
  const s = Math.abs(seconds);
  const units: Array<[number, string]> = [
    [365 * 86400, 'year'],
    [30 * 86400, 'month'],
    [86400, 'day'],
    [3600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  if (s < 1) return 'just now';
  let text = `${Math.round(s)} s`;
  for (const [size, name] of units) {
    if (s >= size) {
      const n = Math.floor(s / size);
      text = name.length > 3 ? `${n} ${name}${n === 1 ? '' : 's'}` : `${n} ${name}`;
      break;
    }
  }
  return seconds >= 0 ? `${text} ago` : `in ${text}`;
}

/** Human output of `fbpay decode`: verdict line, what the payload is, key facts, the pretty payload, next steps. Warnings go to stderr; -q prints the verdict only. */
export function renderDecode(ctx: Ctx, r: DecodedSignedRequest, note?: string): void {
  const c = ctx.chalk;
  const desc = describePayload(r.inexactNumbers ? exactTopLevel(r) : r.payload, r.kind);
  if (note && !ctx.opts.quiet) ctx.io.stderr.write(`${c.dim('note:')} ${note}\n`);
  if (r.valid === true) {
    ctx.out(`${c.green('✔ valid')} signed_request (HMAC-SHA256) — ${desc.label}`);
  } else if (r.valid === false) {
    ctx.out(`${c.red.bold('✘ INVALID')}: ${r.error?.message ?? 'not valid'}`);
    if (ctx.opts.quiet) return;
    if (r.error?.hint) ctx.out(`  ${r.nearMiss?.matched ? c.yellow('→') : c.dim('hint:')} ${r.error.hint}`);
    if (r.nearMiss && !r.nearMiss.matched) ctx.out(`  ${c.dim('note:')} ${r.nearMiss.message}`);
  } else {
    ctx.out(c.yellow.bold('⚠ NOT VERIFIED — decoded with --no-verify; nothing about this payload is authentic until its signature is checked'));
  }
  if (ctx.opts.quiet) return;
  if (!r.payloadDecoded) return;
  const rows: Array<[string, string]> = [['kind', desc.label]];
  if (r.issuedAt !== undefined) {
    const iso = isoOf(r.issuedAt);
    rows.push(['issued_at', iso ? `${iso} (${humanAge(r.ageSeconds ?? 0)})` : String(r.issuedAt)]);
  }
  rows.push(...desc.facts);
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) ctx.out(`${c.dim(k.padEnd(width))}  ${v}`);
  ctx.out('');
  const heading =
    r.valid === true
      ? c.bold('payload:')
      : r.signatureValid === true
        ? c.yellow.bold('payload (signature valid, but the request is refused: see above):')
        : c.yellow.bold('payload (UNVERIFIED — do not trust it):');
  ctx.out(heading);
  ctx.out(r.inexactNumbers ? prettyJsonText(r.payloadJson) : JSON.stringify(r.payload, null, 2));
  if (r.valid === true && desc.next.length > 0) {
    ctx.out('');
    ctx.out(c.bold('next:'));
    for (const step of desc.next) ctx.out(`  • ${step}`);
  }
  for (const w of r.warnings) if (!w.startsWith('NOT VERIFIED')) ctx.warn(w);
}

/** The payload with each top-level number JSON.parse could not keep replaced by its literal text, for facts and next steps. */
function exactTopLevel(r: DecodedSignedRequest): Record<string, unknown> {
  const out: Record<string, unknown> = { ...r.payload };
  for (const [k, v] of Object.entries(r.payload)) {
    if (typeof v !== 'number' || (Number.isFinite(v) && (!Number.isInteger(v) || Number.isSafeInteger(v)))) continue;
    const m = new RegExp(`"${k.replace(/[^A-Za-z0-9_]/g, '.')}"\\s*:\\s*(-?[0-9][0-9.eE+-]*)`).exec(r.payloadJson);
    if (m) out[k] = m[1];
  }
  return out;
}
