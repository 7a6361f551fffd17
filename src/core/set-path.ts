import { UsageError } from './errors.js';

/**
 * `--set path=value` support, shared by every command that edits a payload or fixture.
 * Paths are dotted (`entry.0.id`, `resource.amount.total`); values are parsed as JSON when they
 * parse (`5`, `true`, `"5"`, `{"a":1}`), otherwise kept as strings.
 */
export interface SetAssignment {
  path: string[];
  value: unknown;
}

export function parseSetArg(arg: string): SetAssignment {
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
  return { path, value: parseLooseJson(arg.slice(eq + 1)) };
}

/** JSON when it parses, else the string itself. */
export function parseLooseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
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

export function applySets<T>(target: T, sets: ReadonlyArray<string | SetAssignment>): T {
  let out = target;
  for (const s of sets) {
    const a = typeof s === 'string' ? parseSetArg(s) : s;
    out = setPath(out, a.path, a.value);
  }
  return out;
}
