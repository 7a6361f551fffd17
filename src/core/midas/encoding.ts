/**
 * The two percent-encodings Tencent signatures are built from. Both work on UTF-8 bytes and write
 * uppercase hex.
 *
 * - `rawurlencode`: PHP's rawurlencode (PHP ≥ 5.3, RFC 3986): keeps A-Z a-z 0-9 - _ . ~ and encodes
 *   every other byte. PHP before 5.3 also encoded `~` (%7E); Tencent's server kept that behaviour, so
 *   the official YSDK/Midas PHP SDK (SnsSigCheck::makeSource) applies `str_replace('~', '%7E', …)` to
 *   the encoded parameter string. `openapiEncode` is that: rawurlencode, then `~` → `%7E`.
 * - `callbackEncode`: the delivery-callback value rule (SnsSigCheck::encodeValue): keeps only
 *   0-9 a-z A-Z ! * ( ) and writes every other byte as %XX — so `-` becomes `%2D`, `~` `%7E`.
 */
const HEX = '0123456789ABCDEF';

/**
 * A non-UTF-8 value (a GBK callback, say) is carried as a string whose bytes ≥ 0x80 are lone
 * surrogates U+DC80–U+DCFF (Python's "surrogateescape"), so it can be signed over the exact bytes
 * received, as Tencent's PHP SDK does. `valueBytes` gives those bytes back; UTF-8 text is unchanged.
 */
const ESCAPED = /[\uDC80-\uDCFF]/;

export function valueBytes(input: string): Buffer {
  // Stryker disable next-line StringLiteral: equivalent: '' means utf8
  if (!ESCAPED.test(input)) return Buffer.from(input, 'utf8');
  const parts: Buffer[] = [];
  for (const ch of input) {
    const c = ch.charCodeAt(0);
    // Stryker disable next-line ArithmeticOperator,StringLiteral: equivalent: Buffer.of keeps the low byte and 0xdc00 is a multiple of 256, so c + 0xdc00 gives the same byte; '' means utf8
    parts.push(ch.length === 1 && c >= 0xdc80 && c <= 0xdcff ? Buffer.of(c - 0xdc00) : Buffer.from(ch, 'utf8'));
  }
  return Buffer.concat(parts);
}

function encodeBytes(input: string, keep: (b: number) => boolean): string {
  const bytes = valueBytes(input);
  let out = '';
  for (const b of bytes) {
    if (keep(b)) out += String.fromCharCode(b);
    else out += '%' + HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}

const isAlnum = (b: number) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

/** PHP ≥ 5.3 `rawurlencode`: RFC 3986 unreserved characters (A-Z a-z 0-9 - _ . ~) kept. */
export function rawurlencode(input: string): string {
  return encodeBytes(input, (b) => isAlnum(b) || b === 0x2d || b === 0x5f || b === 0x2e || b === 0x7e);
}

/** The encoding of the parameter part of an OpenAPI v3 source string: rawurlencode with `~` as `%7E` (as Tencent's SDK does). */
export function openapiEncode(input: string): string {
  return encodeBytes(input, (b) => isAlnum(b) || b === 0x2d || b === 0x5f || b === 0x2e);
}

/** The delivery-callback value rule: every UTF-8 byte except 0-9 a-z A-Z ! * ( ) becomes %XX (uppercase). */
export function callbackEncode(input: string): string {
  return encodeBytes(input, (b) => isAlnum(b) || b === 0x21 || b === 0x2a || b === 0x28 || b === 0x29);
}

/**
 * Percent-decodes once, like PHP's urldecode/rawurldecode: `%XX` becomes the byte, a malformed
 * escape is kept literally, and `+` becomes a space only when `formEncoded`. Bytes that are not
 * UTF-8 are kept as they came (surrogate-escaped, see valueBytes): they are signed as received.
 */
export function percentDecode(input: string, formEncoded = false): string {
  const src = valueBytes(input);
  const out = Buffer.alloc(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const b = src[i];
    // Stryker disable next-line ArithmeticOperator,EqualityOperator,ConditionalExpression: equivalent: isHex(undefined) is false past the end, so the bound check only saves two reads
    if (b === 0x25 && i + 2 < src.length && isHex(src[i + 1]) && isHex(src[i + 2])) {
      out[n++] = parseInt(String.fromCharCode(src[i + 1], src[i + 2]), 16);
      i += 2;
    } else if (b === 0x2b && formEncoded) {
      out[n++] = 0x20;
    } else {
      out[n++] = b;
    }
  }
  const bytes = out.subarray(0, n);
  const text = bytes.toString('utf8');
  // Stryker disable next-line StringLiteral: equivalent: '' means utf8
  if (Buffer.from(text, 'utf8').equals(bytes)) return text;
  let escaped = '';
  for (const b of bytes) escaped += String.fromCharCode(b < 0x80 ? b : 0xdc00 + b);
  return escaped;
}

function isHex(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));
}
