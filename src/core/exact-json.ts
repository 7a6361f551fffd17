import { randomBytes } from 'node:crypto';
import { UsageError } from './errors.js';

/**
 * JSON whose numbers survive a round trip through JavaScript: a payload someone signs must be
 * signed with the number literals they wrote. JSON.parse turns 9007199254740993 into …992 and
 * 1e400 into Infinity (which JSON.stringify writes as null); here a literal that a double does not
 * reproduce is kept as written, a literal out of a double's range is refused (exit 2, naming the
 * field), and so is a `__proto__` key (which a merge would silently drop or turn into a prototype).
 */
const TOKEN = `\u0000fbpay-exact-${randomBytes(4).toString('hex')}:`;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** A number literal kept as text inside parsed JSON (see parseJsonExact). */
export function exactNumberText(v: unknown): string | undefined {
  return typeof v === 'string' && v.startsWith(TOKEN) ? v.slice(TOKEN.length) : undefined;
}

/** Marks a number literal to be written exactly as `literal` by stringifyExact. */
export function exactNumber(literal: string): string {
  return TOKEN + literal;
}

/** A literal that JSON.parse cannot keep: out of range (refused) or not reproduced (kept as text). */
function classify(literal: string): 'same' | 'exact' | 'out_of_range' {
  const n = Number(literal);
  // Stryker disable next-line StringLiteral: equivalent: any kind other than 'same' and 'exact' takes the refusal path
  if (!Number.isFinite(n)) return 'out_of_range';
  return String(n) === literal ? 'same' : 'exact';
}

/** JSON.parse that keeps number literals a double would change (see the module comment). `what` names the input in errors. */
export function parseJsonExact(text: string, what: string): unknown {
  let rewritten = '';
  let last = 0;
  // Stryker disable next-line EqualityOperator: `<=` is equivalent (one more step reads charCodeAt(length), NaN, which matches nothing); the `>=` mutant ignored with it is caught by the exact-number tests
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (
        i++;
        // Stryker disable next-line EqualityOperator: equivalent: an unterminated string stops one step later, at NaN, and JSON.parse refuses it either way (the `>=` mutant ignored with it is caught by the numbers-in-strings test)
        i < text.length &&
        text.charCodeAt(i) !== 34;
        i++
      ) {
        if (text.charCodeAt(i) === 92) i++;
      }
      continue;
    }
    // Stryker disable next-line ConditionalExpression,LogicalOperator: a fast pre-check only: NUMBER itself matches nothing that does not start with '-' or a digit (the `false` mutants ignored with it are caught by the exact-number tests)
    if (c === 45 || (c >= 48 && c <= 57)) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) continue;
      const kind = classify(m[0]);
      if (kind !== 'same') {
        rewritten += text.slice(last, i) + JSON.stringify((kind === 'exact' ? TOKEN : TOKEN + '!') + m[0]);
        last = i + m[0].length;
      }
      i += m[0].length - 1;
    }
  }
  // Stryker disable next-line ConditionalExpression: equivalent: with nothing rewritten, rewritten + text.slice(0) is text
  const value = JSON.parse(last === 0 ? text : rewritten + text.slice(last));
  checkValues(value, what, []);
  return value;
}

function checkValues(v: unknown, what: string, path: string[]): void {
  if (typeof v === 'string') {
    const t = exactNumberText(v);
    if (t?.startsWith('!')) {
      throw new UsageError('number_out_of_range', `${what}: ${path.join('.') || '(root)'} is ${t.slice(1, 40)}, a number beyond what JSON parsers read (it would become Infinity, or null when written back)`, {
        hint: 'Facebook never sends such numbers; use a number in range, or a string if the text itself matters',
      });
    }
    return;
  }
  // Stryker disable next-line ConditionalExpression: equivalent: a number or boolean has no keys to walk
  if (v === null || typeof v !== 'object') return;
  for (const k of Object.keys(v)) {
    if (k === '__proto__') {
      throw new UsageError('forbidden_key', `${what}: ${[...path, k].join('.')} is a "__proto__" key, which JavaScript merges drop or turn into a prototype`, {
        hint: 'remove it; Facebook payloads never carry one',
      });
    }
    checkValues((v as Record<string, unknown>)[k], what, [...path, k]);
  }
}

/** JSON.stringify that writes kept number literals back exactly as they were read. */
export function stringifyExact(value: unknown, indent?: number): string {
  const json = JSON.stringify(value, null, indent);
  // Stryker disable next-line ConditionalExpression,StringLiteral: a fast path only: without kept literals the replace below finds nothing
  if (!json.includes('fbpay-exact-')) return json;
  const escaped = JSON.stringify(TOKEN).slice(1, -1).replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  return json.replace(new RegExp(`"${escaped}([^"]*)"`, 'g'), '$1');
}

/** Non-ASCII characters as \uXXXX escapes (UTF-16 units, surrogate pairs as two), as PHP's json_encode writes them. */
export function asciiJson(json: string): string {
  return json.replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}
