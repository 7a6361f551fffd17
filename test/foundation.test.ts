import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runBin } from './helpers/cli.js';
import { safeEqual } from '../src/core/safe-equal.js';
import { maskSecret, redact } from '../src/core/mask.js';
import { applySets, parseSetArg } from '../src/core/set-path.js';
import { assertTargetAllowed, isLoopbackUrl, backoffMs } from '../src/transport/http.js';

describe('errors and exit codes', () => {
  it('unknown option is a usage error (exit 2) with a hint, no stack', async () => {
    const r = await runCli(['--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: unknown option '--bogus'/);
    expect(r.stderr).toMatch(/hint:/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  it('--json errors are one JSON document on stdout', async () => {
    const r = await runCli(['--json', '--bogus']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.error.code).toBe('unknown_option');
    expect(doc.error.hint).toBeTruthy();
  });
  it('--version prints the version and exits 0, the same with and without the start-up fast path', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    for (const argv of [['--version'], ['-V']]) {
      const fast = await runCli(argv);
      const slow = await runCli(argv, { env: { FBPAY_NO_FAST_PATH: '1' } });
      expect(fast.code).toBe(0);
      expect(fast.stdout).toBe(`${version}\n`);
      expect(slow.stdout).toBe(fast.stdout);
    }
  });
  it('a bad option value says which values the option accepts', async () => {
    const r = await runCli(['webhook', 'replay', 'fb-payment-charge', '--to', 'http://127.0.0.1:9/', '--tamper', 'nope', '--secret', 's']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid --tamper: Invalid option: expected one of "body"\|"signature"\|"stale"/);
  });
  it('the binary runs and exits 0 on --help', async () => {
    const r = await runBin(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: fbpay/);
  });
});

describe('config show', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fbpay-cfg-'));
  writeFileSync(
    join(dir, 'fbpay.config.json'),
    JSON.stringify({ appId: '111', appSecret: 'config-secret-value-123', profiles: { staging: { appId: '222', FB_APP_SECRET: 'staging-secret-value-456' } } }),
  );
  it('resolves flag > env > profile > config > default and masks secrets', async () => {
    const r = await runCli(['config', 'show', '--json', '--profile', 'staging'], { cwd: dir, env: { FB_GRAPH_VERSION: 'v99.0' } });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const by = Object.fromEntries(doc.settings.map((s: any) => [s.name, s]));
    expect(by.appId).toMatchObject({ value: '222', source: 'profile' });
    expect(by.appSecret.source).toBe('profile');
    expect(by.appSecret.value).not.toContain('staging-secret-value-456');
    expect(by.graphVersion).toMatchObject({ value: 'v99.0', source: 'env' });
    expect(by.graphUrl).toMatchObject({ value: 'https://graph.facebook.com', source: 'default' });
    expect(r.stdout + r.stderr).not.toContain('secret-value');
  });
  it('human output masks too', async () => {
    const r = await runCli(['config', 'show'], { cwd: dir });
    expect(r.stdout).toMatch(/appSecret/);
    expect(r.stdout).not.toContain('config-secret-value-123');
  });
  it('an unknown profile is exit 2 naming the known ones', async () => {
    const r = await runCli(['config', 'show', '--profile', 'prod'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/staging/);
  });
  it('a broken config file is exit 2 with a reason', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'fbpay-cfg-'));
    writeFileSync(join(bad, 'fbpay.config.json'), '{nope');
    const r = await runCli(['config', 'show'], { cwd: bad });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not valid JSON/);
  });
});

describe('core helpers', () => {
  it('safeEqual compares bytes, any length', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual(Buffer.from('x'), Buffer.from('x'))).toBe(true);
  });
  it('maskSecret never shows the whole secret', () => {
    const s = 'd25da68caa30b617e2b4e3990cb91e4e';
    expect(maskSecret(s)).not.toContain(s.slice(4, -2));
    expect(maskSecret('short')).not.toContain('short');
    expect(redact(`token ${s} here`, [s])).not.toContain(s);
  });
  it('--set paths create objects and arrays, values are JSON when they parse', () => {
    expect(applySets({ a: { b: 1 } }, ['a.b=2', '+a.c="2"', '+x.0.y=true', '+name=plain text'])).toEqual({ a: { b: 2, c: '2' }, x: [{ y: true }], name: 'plain text' });
    expect(() => parseSetArg('novalue')).toThrow(/path=value/);
    expect(() => parseSetArg('__proto__.x=1')).toThrow(/not allowed/);
  });
  it('loopback detection is by URL alone', () => {
    for (const u of ['http://127.0.0.1:1/x', 'http://localhost/', 'http://[::1]:80/', 'http://127.9.9.9/']) expect(isLoopbackUrl(u)).toBe(true);
    for (const u of ['http://10.0.0.1/', 'https://example.com/', 'http://127.0.0.1.evil.com/', 'not a url']) expect(isLoopbackUrl(u)).toBe(false);
    expect(() => assertTargetAllowed('https://example.com/hook', false)).toThrow(/not a loopback/);
    expect(assertTargetAllowed('https://example.com/hook', true).host).toBe('example.com');
  });
  it('backoff honours Retry-After and grows otherwise', () => {
    expect(backoffMs(0, '2')).toBe(2000);
    expect(backoffMs(3)).toBeGreaterThanOrEqual(800);
    expect(backoffMs(20)).toBeLessThanOrEqual(5000);
  });
});

describe('config file secrets and git', () => {
  it('warns when a config file with secrets would be committed, not once it is ignored', async () => {
    const { execFileSync } = await import('node:child_process');
    const repo = mkdtempSync(join(tmpdir(), 'fbpay-git-'));
    execFileSync('git', ['init', '-q'], { cwd: repo });
    writeFileSync(join(repo, 'fbpay.config.json'), JSON.stringify({ appSecret: 'tracked-secret-value-789' }));
    const tracked = await runCli(['config', 'show'], { cwd: repo });
    expect(tracked.code).toBe(0);
    expect(tracked.stderr).toMatch(/holds secrets and git would commit it/);
    expect(tracked.stdout + tracked.stderr).not.toContain('tracked-secret-value-789');
    writeFileSync(join(repo, '.gitignore'), 'fbpay.config.json\n');
    const ignored = await runCli(['config', 'show'], { cwd: repo });
    expect(ignored.stderr).not.toMatch(/git would commit/);
  });
  it('no warning for a config without secrets', async () => {
    const { execFileSync } = await import('node:child_process');
    const repo = mkdtempSync(join(tmpdir(), 'fbpay-git-'));
    execFileSync('git', ['init', '-q'], { cwd: repo });
    writeFileSync(join(repo, 'fbpay.config.json'), JSON.stringify({ appId: '42' }));
    const r = await runCli(['config', 'show'], { cwd: repo });
    expect(r.stderr).not.toMatch(/git would commit/);
  });
});

describe('tables', () => {
  it('pads columns to terminal width: wide CJK characters count two, ANSI colour codes nothing', async () => {
    const { renderTable } = await import('../src/ui/table.js');
    const out = (await renderTable(['name', 'x'], [['系统繁忙', '1'], ['\x1b[31mbusy\x1b[39m', '2'], ['ok', '3']])).split('\n');
    // "系统繁忙" is 8 columns wide: every second column starts at column 10.
    const plain = out.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''));
    expect(plain[0]).toBe('name      x');
    expect(plain[2]).toBe('系统繁忙  1');
    expect(plain[3]).toBe('busy      2');
    expect(plain[4]).toBe('ok        3');
    expect(plain[1]).toBe('────────  ─');
  });
  it('on a narrow terminal the last column is cut to fit, keeping its colour; never below 16 columns (rows become blocks instead); piped output is never cut', async () => {
    const { renderTable } = await import('../src/ui/table.js');
    const why = 'Facebook only subscribes an endpoint that answers the GET with exactly the challenge';
    const rows = [['handshake', '\x1b[2m' + why + '\x1b[22m']];
    const visible = (l: string) => l.replace(/\x1b\[[0-9;]*m/g, '').length;
    expect(await renderTable(['check', 'why it matters'], rows)).toContain(why);
    const cut = (await renderTable(['check', 'why it matters'], rows, { width: 60 })).split('\n');
    for (const l of cut) expect(visible(l)).toBeLessThanOrEqual(60);
    expect(cut[2]).toMatch(/^handshake  \x1b\[2mFacebook only subscribes .*…\x1b\[22m$/);
    // 'handshake  ' + 16 columns do not fit 20: the row becomes a block of "header value" lines, each within 20.
    const narrow = (await renderTable(['check', 'why it matters'], rows, { width: 20 })).split('\n');
    expect(narrow.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''))).toEqual(['check handshake', '  why it matters Fa…']);
  });
  it('a wide last column is cut by terminal columns, between whole characters', async () => {
    const { renderTable } = await import('../src/ui/table.js');
    const out = (await renderTable(['code', 'name'], [['midas:1', '系统繁忙 (system busy) 👍🏽👍🏽 and more words here']], { width: 30 })).split('\n');
    // 'midas:1  ' takes 9 columns, leaving 21: 20 for text (系统繁忙 is 8 of them) and 1 for the "…".
    expect(out[2]).toBe('midas:1  系统繁忙 (system bus…');
    const emoji = (await renderTable(['code', 'name'], [['midas:1', '系统繁忙 👍🏽👍🏽 and more']], { width: 9 + 16 })).split('\n');
    // 16 columns: 系统繁忙 8, space 1, each 👍🏽 (one grapheme) 2, space 1, "a" 1 = 15, and 1 for the "…".
    expect(emoji[2]).toBe('midas:1  系统繁忙 👍🏽👍🏽 a…');
  });
  it('Ctx.columns is the terminal width only when stdout is a terminal', async () => {
    const { Ctx } = await import('../src/ui/context.js');
    const io = (stdout: { isTTY?: boolean; columns?: number }) => ({ stdout: { write: () => true, ...stdout }, stderr: { write: () => true }, stdin: process.stdin, env: {}, cwd: '/' });
    expect(new Ctx(io({ isTTY: true, columns: 100 }), new AbortController().signal).columns).toBe(100);
    expect(new Ctx(io({ columns: 100 }), new AbortController().signal).columns).toBeUndefined();
    expect(new Ctx(io({ isTTY: true }), new AbortController().signal).columns).toBeUndefined();
  });
  it('ellipsize: at most max characters, never through a surrogate pair', async () => {
    const { ellipsize } = await import('../src/core/text.js');
    expect(ellipsize('short', 10)).toBe('short');
    expect(ellipsize('abcdefghij', 5)).toBe('abcd…');
    expect(ellipsize('ok 👍👍👍', 5)).toBe('ok 👍…');
    expect(ellipsize('👍👍👍', 3)).toBe('👍👍👍');
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.integer({ min: 1, max: 80 }), (text, max) => {
        const out = ellipsize(text, max);
        const n = [...text].length;
        if (n <= max) return out === text;
        expect(out.endsWith('…')).toBe(true);
        expect([...out]).toHaveLength(max);
        expect(text.startsWith(out.slice(0, -1))).toBe(true);
        expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
        return true;
      }),
    );
  });
});
