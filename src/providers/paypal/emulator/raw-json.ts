/**
 * The exact text of one top-level member of a JSON object, without parsing it into values: how the
 * emulator gets the `webhook_event` bytes a verify-webhook-signature request carries. `text` must
 * already be valid JSON (JSON.parse succeeded); undefined when the member is absent.
 */
export function rawJsonMember(text: string, key: string): string | undefined {
  let i = ws(text, 0);
  if (text[i] !== '{') return undefined;
  i = ws(text, i + 1);
  while (i < text.length && text[i] !== '}') {
    if (text[i] !== '"') return undefined;
    const keyEnd = skipString(text, i);
    const k = JSON.parse(text.slice(i, keyEnd)) as string;
    i = ws(text, keyEnd);
    if (text[i] !== ':') return undefined;
    const start = ws(text, i + 1);
    const end = skipValue(text, start);
    if (k === key) return text.slice(start, end);
    i = ws(text, end);
    if (text[i] === ',') i = ws(text, i + 1);
  }
  return undefined;
}

function ws(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  return i;
}

/** i at the opening quote → index after the closing quote. */
function skipString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return j + 1;
  }
  return text.length;
}

function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return skipString(text, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const d = text[j];
      if (d === '"') j = skipString(text, j) - 1;
      else if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return text.length;
  }
  let j = i;
  while (j < text.length && !',}] \n\r\t'.includes(text[j])) j++;
  return j;
}

/** A JSON value with object keys sorted: two values are equal exactly when their canonical texts are. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}
