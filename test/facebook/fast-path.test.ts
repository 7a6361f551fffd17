import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { signSignedRequest } from '../../src/core/facebook/signed-request.js';
import { fastPath } from '../../src/commands/decode-action.js';
import { Ctx } from '../../src/ui/context.js';

// `fbpay decode` skips commander for plain argv shapes (start-up budget). Whatever path runs, the
// user must see the same thing: every case runs twice, with and without FBPAY_NO_FAST_PATH.
const SECRET = 's3cr3t-value';
const NOW = '1700000000';
const good = signSignedRequest({ algorithm: 'HMAC-SHA256', issued_at: 1_699_999_990, purchase_token: 't', product_id: 'p', payment_id: '1' }, SECRET);
const bad = signSignedRequest({ algorithm: 'HMAC-SHA256', issued_at: 1_699_999_990, user_id: '1' }, 'other');
const cwd = mkdtempSync(join(tmpdir(), 'fbpay-fast-'));
// One signature in 64 starts with '-': such a signed_request must still be read as the operand.
const dashed = (() => {
  for (let i = 0; ; i++) {
    const sr = signSignedRequest({ algorithm: 'HMAC-SHA256', issued_at: 1_699_999_990, user_id: String(i) }, SECRET);
    if (sr.startsWith('-')) return sr;
  }
})();

const cases: Array<{ argv: string[]; env?: Record<string, string>; stdin?: string }> = [
  { argv: ['decode', dashed, '--secret', SECRET, '--now', NOW, '--json'] },
  { argv: ['decode', '--secret', SECRET, dashed, '--now', NOW] },
  { argv: ['decode', '--secret', SECRET, '--now', NOW, '--', dashed] },
  { argv: ['decode', good, '--secret', SECRET, '--now', NOW] },
  { argv: ['decode', good, `--secret=${SECRET}`, `--now=${NOW}`, '--json'] },
  { argv: ['--json', 'decode', bad, '--secret', SECRET, '--now', NOW] },
  { argv: ['decode', bad, '--secret', `1|${SECRET}`, '--now', NOW] },
  { argv: ['decode', good, '--now', NOW], env: { FB_APP_SECRET: SECRET } },
  { argv: ['decode', good, '--now', NOW] },
  { argv: ['decode', good, '--now', NOW, '--json'] },
  { argv: ['decode', 'garbage', '--secret', SECRET] },
  { argv: ['-q', 'decode', 'a.b', '--secret', SECRET, '--json'] },
  { argv: ['decode', good, '--no-verify', '--now', NOW] },
  { argv: ['decode', good, '--secret', SECRET, '--max-age', '5', '--now', NOW] },
  { argv: ['decode', good, '--secret', SECRET, '--max-age', 'x'] },
  { argv: ['decode', good, '--secret', SECRET, '--now', 'yesterday'] },
  { argv: ['decode', good, '--secret', SECRET, '--now', '2023-11-14T22:13:20Z', '--no-color', '-v'] },
  { argv: ['decode', '-', '--secret', SECRET, '--now', NOW], stdin: good + '\n' },
  { argv: ['decode', '--secret', SECRET] },
  { argv: ['decode', '--batch', '--secret', SECRET, '--now', NOW], stdin: [good, bad, 'x', ''].join('\n') },
  { argv: ['decode', '--batch', '--no-verify', '--json'], stdin: good },
  { argv: ['decode', 'x', '--batch', '--secret', SECRET] },
  { argv: ['decode', good, '--profile', 'nope', '--secret', SECRET] },
];

describe('decode fast path = commander path', () => {
  it('a signed_request whose signature starts with "-" is the operand, not an unknown option', async () => {
    for (const env of [{}, { FBPAY_NO_FAST_PATH: '1' }]) {
      const r = await runCli(['decode', dashed, '--secret', SECRET, '--now', NOW, '--json'], { env, cwd });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).valid).toBe(true);
    }
  });
  for (const c of cases) {
    it(c.argv.map((a) => (a.length > 24 ? a.slice(0, 8) + '…' : a)).join(' '), async () => {
      const fast = await runCli(c.argv, { env: c.env, stdin: c.stdin, cwd });
      const slow = await runCli(c.argv, { env: { ...c.env, FBPAY_NO_FAST_PATH: '1' }, stdin: c.stdin, cwd });
      expect(fast).toEqual(slow);
    });
  }

  it('the fast path takes the plain shapes and leaves the rest to commander', () => {
    const ctx = new Ctx({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: {}, cwd }, new AbortController().signal);
    const takes = (argv: string[]) => fastPath(ctx, argv) !== undefined;
    expect(takes(['decode', good, '--secret', SECRET])).toBe(true);
    expect(takes(['--json', 'decode', '-', '--batch', '--no-verify'])).toBe(true);
    expect(takes(['decode', '--help'])).toBe(false);
    expect(takes(['decode', good, '--bogus'])).toBe(false);
    expect(takes(['decode', good, 'extra'])).toBe(false);
    expect(takes(['decode', good, '--secret'])).toBe(false);
    expect(takes(['decode', good, '--secret', '--json'])).toBe(false);
    expect(takes(['decode', good, '--json', '--json'])).toBe(false);
    // After `--` the one operand is the signed_request (how a signature starting with '-' is passed).
    expect(takes(['decode', '--', good])).toBe(true);
    expect(takes(['decode', '--', good, 'extra'])).toBe(false);
    expect(takes(['sign', '--preset', 'login'])).toBe(false);
  });
});

// The binary has its own one-file fast lane (dist/fast-decode.js, via bin/fbpay.js): the same
// cases through the real binary, fast lane against full CLI, must print the same and exit the same.
describe('the binary fast lane (dist/fast-decode.js) matches the full CLI', async () => {
  const { runBin } = await import('../helpers/cli.js');
  for (const c of cases.filter((c) => c.stdin === undefined).slice(0, 8)) {
    it(`fbpay ${c.argv.map((a) => (a.length > 20 ? a.slice(0, 8) + '…' : a)).join(' ')}`, async () => {
      const fast = await runBin(c.argv, { env: c.env, cwd });
      const full = await runBin(c.argv, { env: { ...c.env, FBPAY_NO_FAST_PATH: '1' }, cwd });
      expect(fast).toEqual(full);
    });
  }
});

// The fast lane's start-up budget (bench/cold-start.bench.mjs) holds only while it loads nothing
// from node_modules: a static import of zod, commander or chalk (directly or through a shared helper)
// is evaluated before the first line runs.
it('dist/fast-decode.js statically imports only Node built-ins', () => {
  const text = readFileSync(new URL('../../dist/fast-decode.js', import.meta.url), 'utf8');
  const imports = [...text.matchAll(/^import\s[^;]*?from\s*"([^"]+)"/gm)].map((m) => m[1]);
  expect(imports.length).toBeGreaterThan(0);
  expect(imports.filter((s) => !s.startsWith('node:'))).toEqual([]);
});
