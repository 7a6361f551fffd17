import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM example with JSDoc types, no declaration file
import { startReceiver as startSample } from '../../examples/facebook-receiver/server.mjs';
import { runBin, runCli } from '../helpers/cli.js';
import { fixedHandler, startReceiver, type Reply, type Req, type Running } from './receivers.js';
import { parseJunitFile } from './xml.js';

// `webhook check --kind deauthorize|data-deletion` against the reference receiver and against Node
// receivers written here with node:crypto only, each correct or with one typical mistake.
const SECRET = 'callback0check0secret00000000042';
const ALL = ['valid-request', 'wrong-signature', 'wrong-secret', 'tampered-payload', 'unsigned', 'no-signed-request', 'duplicate', 'budget'];
const REFUSALS = ['wrong-signature', 'wrong-secret', 'tampered-payload', 'unsigned', 'no-signed-request'];

interface JsonCheck {
  id: string;
  ok: boolean | null;
  result: string;
  inconclusive: boolean;
  status: number | null;
  detail: string;
}
interface JsonReport {
  provider: string;
  kind?: string;
  passed: number;
  required_failed: number;
  inconclusive: number;
  cause: string | null;
  checks: JsonCheck[];
}

async function check(kind: string, url: string, extra: string[] = []) {
  const r = await runCli(['--json', 'webhook', 'check', '--kind', kind, '--to', url, '--secret', SECRET, ...extra]);
  let doc: JsonReport | undefined;
  try {
    doc = JSON.parse(r.stdout) as JsonReport;
  } catch {
    doc = undefined;
  }
  const by = (id: string) => doc?.checks.find((c) => c.id === id);
  return { ...r, doc: doc!, by, results: Object.fromEntries((doc?.checks ?? []).map((c) => [c.id, c.result])) };
}

/** The user_id of a genuine signed_request (HMAC-SHA256 over the payload segment, this app's secret), or undefined. */
function verifiedUserId(body: Buffer): string | undefined {
  const sr = new URLSearchParams(body.toString('utf8')).get('signed_request') ?? '';
  const [sig, payload] = sr.split('.');
  if (!sig || !payload) return undefined;
  const expected = createHmac('sha256', SECRET).update(payload).digest();
  const got = Buffer.from(sig, 'base64url');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return undefined;
  const doc = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { user_id?: string };
  return doc.user_id;
}

/** Reads the user_id without verifying anything: the mistake of a receiver that only decodes. */
function decodedUserId(body: Buffer): string | undefined {
  const sr = new URLSearchParams(body.toString('utf8')).get('signed_request') ?? '';
  try {
    return (JSON.parse(Buffer.from(sr.split('.')[1] ?? '', 'base64url').toString('utf8')) as { user_id?: string }).user_id ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

type Mode = 'no-code' | 'no-url' | 'accepts-forged' | 'deletes-twice-fails' | 'text-reply';
function deletionHandler(mode: Mode) {
  const codes = new Map<string, string>();
  return (r: Req): Reply => {
    const user = mode === 'accepts-forged' ? decodedUserId(r.body) : verifiedUserId(r.body);
    if (!user) return { status: 403, body: '{"error":"bad signed_request"}' };
    const seen = codes.has(user);
    if (!seen) codes.set(user, randomBytes(6).toString('hex'));
    const code = codes.get(user)!;
    const url = `http://127.0.0.1/deletion?code=${code}`;
    switch (mode) {
      case 'no-code':
        return { status: 200, body: JSON.stringify({ url }) };
      case 'no-url':
        return { status: 200, body: JSON.stringify({ confirmation_code: code }) };
      case 'text-reply':
        return { status: 200, body: 'deletion started' };
      case 'deletes-twice-fails':
        return seen ? { status: 500, body: 'already deleted' } : { status: 200, body: JSON.stringify({ url, confirmation_code: code }) };
      default:
        return { status: 200, body: JSON.stringify({ url, confirmation_code: code }) };
    }
  };
}

describe('webhook check --kind data-deletion|deauthorize', () => {
  const servers: Record<string, Running> = {};
  let sample: { url: string; close(): Promise<void>; ledger: { toJSON(): { deletions: unknown[]; deauthorized: unknown[] } } };
  let dir: string;
  beforeAll(async () => {
    sample = await startSample({ port: 0, appId: '1000000000000001', appSecret: SECRET, verifyToken: 'unused', log: () => undefined });
    for (const mode of ['no-code', 'no-url', 'accepts-forged', 'deletes-twice-fails', 'text-reply'] as Mode[]) servers[mode] = await startReceiver(deletionHandler(mode));
    servers.notFound = await startReceiver(fixedHandler(404));
    dir = mkdtempSync(join(tmpdir(), 'fbpay-callbacks-'));
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => s.close()));
    await sample?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the reference receiver (examples/facebook-receiver) passes every data-deletion check, and it really recorded the requests', async () => {
    const before = sample.ledger.toJSON().deletions.length;
    const r = await check('data-deletion', `${sample.url}/data-deletion`);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.doc.kind).toBe('data-deletion');
    expect(r.doc.checks.map((c) => c.id)).toEqual(ALL);
    expect(r.doc.checks.filter((c) => c.ok !== true).map((c) => c.id)).toEqual([]);
    expect(r.by('valid-request')!.detail).toMatch(/^200 \{"url","confirmation_code":"[0-9a-f]+"\}$/);
    // The receiver gives a repeat the same code: said as observed, not judged.
    expect(r.by('duplicate')!.detail).toContain('the same confirmation_code');
    for (const id of REFUSALS) expect(r.by(id)!.status, id).toBe(403);
    // Only genuine requests reached the ledger: valid, the duplicate pair and budget (fresh user ids each build).
    expect(sample.ledger.toJSON().deletions.length - before).toBe(3);
  });

  it('the reference receiver passes every deauthorize check; the root URL reaches the fixture path /deauthorize', async () => {
    const r = await check('deauthorize', sample.url);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.doc.checks.every((c) => c.ok === true)).toBe(true);
    expect(r.by('valid-request')!.detail).toBe('200 (accepted)');
    expect(sample.ledger.toJSON().deauthorized.length).toBeGreaterThanOrEqual(3);
  });

  it('the real binary (bin/fbpay.js) runs the deauthorize battery against the reference receiver: table on stdout, exit 0', async () => {
    const r = await runBin(['webhook', 'check', '--kind', 'deauthorize', '--to', `${sample.url}/deauthorize`], { env: { FB_APP_SECRET: SECRET } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✓ facebook deauthorize http:\/\/127\.0\.0\.1:\d+\/deauthorize: 8 passed in/);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('a reply without confirmation_code fails valid-request and duplicate, naming the field; the refusals still count (the request was accepted)', async () => {
    const r = await check('data-deletion', servers['no-code'].url + '/data-deletion');
    expect(r.code).toBe(1);
    expect(r.by('valid-request')!.result).toBe('fail');
    expect(r.by('valid-request')!.detail).toContain('no "confirmation_code"');
    expect(r.by('duplicate')!.result).toBe('fail');
    for (const id of REFUSALS) expect(r.results[id], id).toBe('pass');
    expect(r.by('budget')!.result).toBe('pass');
    expect(r.doc.cause).toBeNull();
  });

  it('a reply without url, or not JSON at all, fails naming what is wrong', async () => {
    const noUrl = await check('data-deletion', servers['no-url'].url, ['--only', 'valid-request']);
    expect(noUrl.code).toBe(1);
    expect(noUrl.by('valid-request')!.detail).toContain('no "url"');
    const text = await check('data-deletion', servers['text-reply'].url, ['--only', 'valid-request']);
    expect(text.code).toBe(1);
    expect(text.by('valid-request')!.detail).toContain('not JSON');
  });

  it('a 200 text reply passes deauthorize (any 2xx), though it fails data-deletion (above)', async () => {
    const r = await check('deauthorize', servers['text-reply'].url, ['--only', 'valid-request,duplicate']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.results).toEqual({ 'valid-request': 'pass', duplicate: 'pass' });
  });

  it('a receiver that decodes without verifying fails every refusal check, each saying what it accepted', async () => {
    const r = await check('data-deletion', servers['accepts-forged'].url);
    expect(r.code).toBe(1);
    expect(r.by('valid-request')!.result).toBe('pass');
    for (const id of REFUSALS) expect(r.results[id], id).toBe('fail');
    expect(r.by('wrong-signature')!.detail).toMatch(/^200 .*: accepted a signed_request with a wrong signature$/);
    expect(r.by('unsigned')!.detail).toContain('accepted a signed_request without a signature');
    expect(r.by('no-signed-request')!.detail).toContain('accepted a POST without a signed_request');
  });

  it('a receiver that fails the repeat fails duplicate with both replies', async () => {
    const r = await check('data-deletion', servers['deletes-twice-fails'].url, ['--only', 'duplicate']);
    expect(r.code).toBe(1);
    expect(r.by('duplicate')!.detail).toMatch(/^200, then on the same request again: 500 "already deleted": expected 200/);
  });

  it('404 everywhere: no refusal passes (inconclusive), exit 1, and the cause names the path', async () => {
    const r = await check('data-deletion', servers.notFound.url + '/data-delettion');
    expect(r.code).toBe(1);
    expect(r.doc.passed).toBe(0);
    expect(r.doc.checks.filter((c) => c.inconclusive).map((c) => c.id)).toEqual([...REFUSALS, 'budget']);
    expect(r.by('wrong-signature')!.detail).toContain('proves nothing: valid-request was not accepted');
    expect(r.doc.cause).toBe('every request got 404: is the path right?');
  });

  it('prints a table and writes JUnit with the kind in the suite name', async () => {
    const file = join(dir, 'callbacks.xml');
    const r = await runCli(['--no-color', 'webhook', 'check', '--kind', 'data-deletion', '--to', servers['no-code'].url, '--secret', SECRET, '--junit', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/valid-request\s+required\s+✗ FAIL/);
    expect(r.stdout).toMatch(/✗ facebook data-deletion http:\/\/127\.0\.0\.1:\d+\/: 6 passed, 2 required failed \(valid-request, duplicate\)/);
    expect(readFileSync(file, 'utf8')).toContain('<testsuite name="fbpay webhook check facebook data-deletion"');
    const suite = parseJunitFile(file);
    expect(suite.props).toMatchObject({ provider: 'facebook', kind: 'data-deletion' });
    expect(suite.failures).toBe('2');
    expect(new Set(suite.cases.map((c) => c.classname))).toEqual(new Set(['fbpay.webhook-check.facebook.data-deletion']));
    expect(suite.cases.map((c) => c.name.split(':')[0])).toEqual(ALL);
    expect(suite.cases.filter((c) => c.failure).map((c) => c.name.split(':')[0])).toEqual(['valid-request', 'duplicate']);
    expect(suite.cases[0].failure).toContain('no "confirmation_code"');
  });

  it('--list --kind deauthorize lists the callback checks; bad combinations are usage errors (exit 2)', async () => {
    const list = await runCli(['--json', 'webhook', 'check', '--kind', 'deauthorize', '--list']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({ provider: 'facebook', kind: 'deauthorize' });
    expect(JSON.parse(list.stdout).checks.map((c: { id: string }) => c.id)).toEqual(ALL);
    const midas = await runCli(['webhook', 'check', '--provider', 'midas', '--kind', 'data-deletion', '--to', 'http://127.0.0.1:9/x', '--appkey', 'k']);
    expect(midas.code).toBe(2);
    expect(midas.stderr).toContain('--kind is for --provider facebook');
    const vt = await runCli(['webhook', 'check', '--kind', 'data-deletion', '--to', 'http://127.0.0.1:9/x', '--secret', SECRET, '--verify-token', 't']);
    expect(vt.code).toBe(2);
    expect(vt.stderr).toContain('--verify-token is for the payments webhook');
    const bad = await runCli(['webhook', 'check', '--kind', 'deletion', '--to', 'http://127.0.0.1:9/x', '--secret', SECRET]);
    expect(bad.code).toBe(2);
    const noSecret = await runCli(['webhook', 'check', '--kind', 'deauthorize', '--to', 'http://127.0.0.1:9/x']);
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain('FB_APP_SECRET');
  });
});
