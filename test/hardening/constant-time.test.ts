import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { findTimingUnsafeComparisons } from './helpers/constant-time-lint.js';

/**
 * Issue 7 / 17: every signature or digest comparison goes through safeEqual (crypto.timingSafeEqual).
 * This lint fails on `===` / `!==` / `==` / `!=` where either side holds a digest (followed from the
 * `.digest()`/`.sign()` call through variables and functions, whatever they are called) or is named
 * like a signature, anywhere in src/. That comparisons go through safeEqual at run time, and that its
 * answer decides, is tested by behaviour in test/core/constant-time-calls.test.ts.
 */
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const show = (o: { file: string; line: number; text: string }) => `${relative(ROOT, o.file)}:${o.line}: ${o.text}`;

describe('constant-time comparisons', () => {
  it('no === on signatures, digests, proofs or tokens in src/', () => {
    const files = walk(join(ROOT, 'src'));
    expect(files.length).toBeGreaterThan(50);
    expect(findTimingUnsafeComparisons(files).map(show), 'use safeEqual() from src/core/safe-equal.ts').toEqual([]);
  }, 120_000);

  it('the lint flags exactly the unsafe comparisons of a fixture file, and none of the safe ones', () => {
    const fixture = join(ROOT, 'test/hardening/fixtures/timing-unsafe.ts');
    const marked = readFileSync(fixture, 'utf8')
      .split('\n')
      .flatMap((line, i) => (/\/\/ unsafe$/.test(line) ? [i + 1] : []));
    expect(marked.length).toBe(9);
    const found = findTimingUnsafeComparisons([fixture, join(ROOT, 'test/hardening/fixtures/timing-unsafe-helper.ts')]);
    expect(found.map((o) => o.line)).toEqual(marked);
    expect(found.every((o) => o.file.endsWith('timing-unsafe.ts'))).toBe(true);
  }, 120_000);
});
