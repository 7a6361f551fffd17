import { UsageError } from './errors.js';
import { exactNumberText, parseJsonExact } from './exact-json.js';

/**
 * `--set path=value` support, shared by every command that edits a payload or fixture.
 * Paths are dotted (`entry.0.id`, `resource.amount.total`); values are parsed as JSON when they
 * parse (`5`, `true`, `"5"`, `{"a":1}`), otherwise kept as strings.
 */
export interface SetAssignment {
  path: string[];
  value: unknown;
  /** Written `--set +path=value`: the user says the field is new, so it need not exist in the template. */
  isNew?: boolean;
}

/** The prefix that marks a --set path as a new field: `--set +entry.0.note=…`. */
export const NEW_FIELD_PREFIX = '+';

export function parseSetArg(arg: string, exactNumbers = false): SetAssignment {
  const isNew = arg.startsWith(NEW_FIELD_PREFIX);
  if (isNew) arg = arg.slice(NEW_FIELD_PREFIX.length);
  const eq = arg.indexOf('=');
  if (eq <= 0) {
    throw new UsageError('bad_set', `--set expects path=value, got "${arg.slice(0, 80)}"`, {
      hint: 'e.g. --set amount=2.99 --set user.id=\\"123\\"',
    });
  }
  const path = arg.slice(0, eq).split('.');
  if (path.some((p) => p.length === 0)) {
    throw new UsageError('bad_set', `--set path "${arg.slice(0, eq)}" has an empty segment`, { hint: 'use dotted paths like a.b.0.c' });
  }
  for (const p of path) {
    if (p === '__proto__' || p === 'constructor' || p === 'prototype') {
      throw new UsageError('bad_set', `--set path segment "${p}" is not allowed`);
    }
  }
  return { path, value: parseLooseJson(arg.slice(eq + 1), `--set ${path.join('.')}`, exactNumbers), ...(isNew ? { isNew } : {}) };
}

/**
 * JSON when it parses, else the string itself. A number out of range, or a `__proto__` key, is
 * refused. With `exactNumbers` (sign, which serializes with stringifyExact), literals a double would
 * change are kept as written; otherwise an integer a double would round is refused (exit 2) rather
 * than sent rounded.
 */
export function parseLooseJson(text: string, what = '--set', exactNumbers = false): unknown {
  try {
    JSON.parse(text);
  } catch {
    return text;
  }
  const value = parseJsonExact(text, what);
  return exactNumbers ? value : toPlainNumbers(value, what);
}

function toPlainNumbers(v: unknown, what: string): unknown {
  const literal = exactNumberText(v);
  if (literal !== undefined) {
    if (/^-?\d+$/.test(literal)) {
      throw new UsageError('number_not_exact', `${what}: ${literal.slice(0, 40)} is an integer JSON parsers round (to ${Number(literal)}): it would be sent changed`, {
        hint: `send it as a string: ${what}='"${literal.slice(0, 40)}"'`,
      });
    }
    return Number(literal);
  }
  if (Array.isArray(v)) return v.map((x) => toPlainNumbers(x, what));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toPlainNumbers(x, what)]));
  return v;
}

/** Returns a copy of `target` with the value set at `path`, creating objects (or arrays for numeric segments) on the way. */
export function setPath<T>(target: T, path: readonly string[], value: unknown): T {
  if (path.length === 0) return value as T;
  const [head, ...rest] = path;
  const isIndex = /^\d+$/.test(head);
  const base: any = Array.isArray(target) ? [...target] : target && typeof target === 'object' ? { ...(target as object) } : isIndex ? [] : {};
  const key: string | number = Array.isArray(base) && isIndex ? Number(head) : head;
  // A far-off index would make a sparse array of millions of holes (JSON.stringify then dies in V8).
  if (typeof key === 'number' && key > base.length + 1000) {
    throw new UsageError('bad_set', `--set index ${head.slice(0, 20)} is far past the end of the array (length ${base.length})`, { hint: 'set an existing element or append at the end' });
  }
  base[key] = setPath(base[key], rest, value);
  return base as T;
}

/** Reads the value at a dotted path, or undefined. */
export function getPath(target: unknown, path: readonly string[] | string): unknown {
  const parts = typeof path === 'string' ? path.split('.') : path;
  let cur: any = target;
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[p];
  }
  return cur;
}

export interface ApplySetsOptions {
  /**
   * Refuse a path that is not in `target` (with a did-you-mean) unless written `+path=value`. Default
   * true: a typo such as `entry.0.idd` must not silently add a field next to the one meant.
   */
  strict?: boolean;
  /** Keep number literals exactly as written (the caller serializes with stringifyExact). Default false. */
  exactNumbers?: boolean;
}

export function applySets<T>(target: T, sets: ReadonlyArray<string | SetAssignment>, opts: ApplySetsOptions = {}): T {
  let out = target;
  for (const s of sets) {
    const a = typeof s === 'string' ? parseSetArg(s, opts.exactNumbers) : s;
    if (opts.strict !== false && !a.isNew) assertPathExists(out, a.path);
    out = setPath(out, a.path, a.value);
  }
  return out;
}

/** Throws a UsageError naming the first segment of `path` that `target` does not have, with the nearest existing names. */
export function assertPathExists(target: unknown, path: readonly string[]): void {
  let cur: unknown = target;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const has = cur !== null && typeof cur === 'object' && (Array.isArray(cur) ? /^\d+$/.test(seg) && Number(seg) < cur.length : Object.prototype.hasOwnProperty.call(cur, seg));
    if (!has) {
      const names = cur !== null && typeof cur === 'object' ? (Array.isArray(cur) ? cur.map((_, j) => String(j)) : Object.keys(cur)) : [];
      const near = names.filter((n) => editDistance(n, seg) <= Math.max(1, Math.floor(seg.length / 4))).slice(0, 3);
      const parent = path.slice(0, i).join('.');
      const where = cur === null || typeof cur !== 'object' ? `${parent || '(root)'} is not an object` : `${parent ? `${parent} has` : 'the template has'} no "${seg}"`;
      throw new UsageError('set_unknown_path', `--set ${path.join('.')}: ${where}${near.length ? `; did you mean ${near.map((n) => [...path.slice(0, i), n].join('.')).join(' or ')}?` : ''}`, {
        hint: `to add a new field on purpose, write --set ${NEW_FIELD_PREFIX}${path.join('.')}=… (a leading "${NEW_FIELD_PREFIX}" says the path is new)`,
      });
    }
    cur = (cur as Record<string, unknown>)[seg];
  }
}

/** Levenshtein distance (short names only: --set paths). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}
