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
export function decodeDoc(r: DecodedSignedRequest, extra: { line?: number; next?: boolean } = {}): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  if (extra.line !== undefined) doc.line = extra.line;
  doc.valid = r.valid;
  doc.payload_verified = r.valid === true;
  doc.algorithm = r.algorithm;
  doc.kind = r.kind;
  doc.issued_at = isoOf(r.issuedAt);
  doc.age_seconds = r.ageSeconds ?? null;
  doc.payload = r.payload;
  doc.warnings = r.warnings;
  if (r.error) doc.error = r.error.toJSON();
  if (r.nearMiss) doc.near_miss = r.nearMiss;
  if (extra.next) doc.next_steps = describePayload(r.payload, r.kind).next;
  return doc;
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
  let head = `{"line":${line},"valid":${r.valid},"payload_verified":${r.valid === true},"algorithm":${algorithm},"kind":"${r.kind}","issued_at":${iso === null ? 'null' : `"${iso}"`},"age_seconds":${age},"warnings":${r.warnings.length === 0 ? '[]' : JSON.stringify(r.warnings)}`;
  if (r.error) head += `,"error":${JSON.stringify(r.error.toJSON())}`;
  if (r.nearMiss) head += `,"near_miss":${JSON.stringify(r.nearMiss)}`;
  const json = r.payloadJson;
  const payload = json.includes('\n') || json.includes('\r') ? JSON.stringify(r.payload) : json.trim();
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

/** Human output of `fbpay decode`: verdict line, what the payload is, key facts, the pretty payload, next steps. Warnings go to stderr. */
export function renderDecode(ctx: Ctx, r: DecodedSignedRequest): void {
  const c = ctx.chalk;
  const desc = describePayload(r.payload, r.kind);
  if (r.valid === true) {
    ctx.out(`${c.green('✔ valid')} signed_request (HMAC-SHA256) — ${desc.label}`);
  } else if (r.valid === false) {
    ctx.out(`${c.red.bold('✘ INVALID')}: ${r.error?.message ?? 'not valid'}`);
    if (r.error?.hint) ctx.out(`  ${r.nearMiss?.matched ? c.yellow('→') : c.dim('hint:')} ${r.error.hint}`);
  } else {
    ctx.out(c.yellow.bold('⚠ NOT VERIFIED — decoded with --no-verify; nothing about this payload is authentic until its signature is checked'));
  }
  const rows: Array<[string, string]> = [['kind', desc.label]];
  if (r.issuedAt !== undefined) {
    const iso = isoOf(r.issuedAt);
    rows.push(['issued_at', iso ? `${iso} (${humanAge(r.ageSeconds ?? 0)})` : String(r.issuedAt)]);
  }
  rows.push(...desc.facts);
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) ctx.out(`${c.dim(k.padEnd(width))}  ${v}`);
  ctx.out('');
  ctx.out(r.valid === true ? c.bold('payload:') : c.yellow.bold('payload (UNVERIFIED — do not trust it):'));
  ctx.out(JSON.stringify(r.payload, null, 2));
  if (r.valid === true && desc.next.length > 0) {
    ctx.out('');
    ctx.out(c.bold('next:'));
    for (const step of desc.next) ctx.out(`  • ${step}`);
  }
  for (const w of r.warnings) if (!w.startsWith('NOT VERIFIED')) ctx.warn(w);
}
