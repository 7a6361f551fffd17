import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../helpers/cli.js';

/**
 * Issue 7: every signature or digest comparison goes through safeEqual (crypto.timingSafeEqual).
 * This lint fails on `===` / `!==` / `==` between expressions whose names say they hold a
 * signature, digest, HMAC, proof or token, anywhere in src/.
 */
const SUSPECT = /\b\w*(sig(?!nal)|signature|digest|hmac|proof|mac|expected_?sig|computed|verify_?token)\w*\b/i;
const ALLOWED = [/typeof\s/, /\.length\b/, /===?\s*(undefined|null|true|false|''|""|0)\b/, /(undefined|null)\s*!==?/, /\.(kind|type|mode|status|provider|algorithm|name|code|rule|method)\b/, /\balgorithm\s*[!=]==?\s*[A-Z_]+\b/, /[=!]==?\s*'[\w .:-]*'/i, /'[\w .:-]*'\s*[=!]==?/i];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('constant-time comparisons', () => {
  it('no === on signatures, digests, proofs or tokens in src/', () => {
    const offenders: string[] = [];
    for (const file of walk(join(ROOT, 'src'))) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, '');
        const m = /([^=!<>]+?)\s*(===|!==|==|!=)\s*([^=;&|)?:,]+)/.exec(code);
        if (!m) return;
        const [, left, , right] = m;
        if (!SUSPECT.test(left) && !SUSPECT.test(right)) return;
        if (ALLOWED.some((re) => re.test(code))) return;
        offenders.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders, 'use safeEqual() from src/core/safe-equal.ts').toEqual([]);
  });

  it('the lint catches what it is meant to catch', () => {
    const sample = 'if (computedSig === header) return true;';
    const m = /([^=!<>]+?)\s*(===|!==|==|!=)\s*([^=;&|)?:,]+)/.exec(sample)!;
    expect(SUSPECT.test(m[1]) || SUSPECT.test(m[3])).toBe(true);
    expect(ALLOWED.some((re) => re.test(sample))).toBe(false);
  });
});
