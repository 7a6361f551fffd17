import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin, runCli } from '../helpers/cli.js';
import { freePort, NO_PHP, startPhp } from '../helpers/php.js';
import { NO_XML_PARSER, parseJunitFile, XML_PARSER } from './xml.js';
import { requireTool, skipWithout, toolRuns } from '../helpers/tools.js';
import { facebookHandler, fixedHandler, startReceiver, type FacebookMode, type Running } from './receivers.js';

const SECRET = 'check0test0app0secret0000000abcd';
const TOKEN = 'check-verify-token-42';
const ALL = ['handshake', 'handshake-wrong-token', 'valid-update', 'missing-signature', 'wrong-signature', 'wrong-secret', 'tampered-body', 'duplicate', 'disputes-update', 'action-types', 'budget', 'sha256-only', 'sha1-only'];

interface JsonReport {
  provider: string;
  target: string;
  passed: number;
  failed: number;
  required_failed: number;
  skipped: number;
  inconclusive: number;
  cause: string | null;
  checks: Array<{ id: string; required: boolean; ok: boolean | null; result: string; skipped: boolean; inconclusive: boolean; status: number | null; detail: string; why: string }>;
}

async function check(url: string, extra: string[] = []) {
  const r = await runCli(['--json', 'webhook', 'check', '--to', url, '--secret', SECRET, '--verify-token', TOKEN, ...extra]);
  let doc: JsonReport | undefined;
  try {
    doc = JSON.parse(r.stdout) as JsonReport;
  } catch {
    doc = undefined;
  }
  return {
    ...r,
    doc: doc!,
    failing: doc?.checks?.filter((c) => c.ok === false).map((c) => c.id) ?? [],
    inconclusive: doc?.checks?.filter((c) => c.inconclusive).map((c) => c.id) ?? [],
  };
}

const REFUSALS = ['missing-signature', 'wrong-signature', 'wrong-secret', 'tampered-body'];

describe('webhook check --provider facebook: a check passes only when it observed what it claims', () => {
  const servers: Record<string, Running> = {};
  beforeAll(async () => {
    servers.notFound = await startReceiver(fixedHandler(404));
    for (const mode of ['accept202', 'accept204', 'careless202', 'echo500'] as FacebookMode[]) servers[mode] = await startReceiver(facebookHandler(mode, { secret: SECRET, verifyToken: TOKEN }));
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => s.close()));
  });

  it('a mistyped path (every request 404): no refusal passes, they are inconclusive; exit 1 and the summary names the cause', async () => {
    const r = await check(servers.notFound.url + '/webhok');
    expect(r.code).toBe(1);
    expect(r.doc.passed).toBe(0);
    expect(r.inconclusive).toEqual(['handshake-wrong-token', ...REFUSALS, 'budget']);
    expect(r.failing).toEqual(['handshake', 'valid-update', 'duplicate', 'disputes-update', 'action-types', 'sha256-only', 'sha1-only']);
    expect(r.doc.cause).toBe('every request got 404: is the path right?');
    const miss = r.doc.checks.find((c) => c.id === 'missing-signature')!;
    expect(miss).toMatchObject({ ok: null, result: 'inconclusive', status: 404 });
    expect(miss.detail).toBe('404 (rejected) proves nothing: valid-update was not accepted (404 "Cannot POST /webhok": expected 200)');
    const human = await runCli(['webhook', 'check', '--to', servers.notFound.url + '/webhok', '--secret', SECRET]);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/missing-signature\s+required\s+\? inconclusive/);
    expect(human.stdout).not.toMatch(/✓ pass/);
    expect(human.stdout).toMatch(/\nlikely cause: every request got 404: is the path right\?\n$/);
  });

  it('--only a refusal still checks its premise first: alone against a 404 it is inconclusive (exit 1), against a correct receiver it passes', async () => {
    const r = await check(servers.notFound.url, ['--only', 'wrong-signature']);
    expect(r.code).toBe(1);
    expect(r.doc.checks.map((c) => [c.id, c.result])).toEqual([['wrong-signature', 'inconclusive']]);
    expect(servers.notFound.requests.at(-2)!.headers['x-hub-signature-256']).toMatch(/^sha256=/);
  });

  it('a receiver that verifies but answers 202 or 204: the 200 checks fail, its refusals are observed passes (the valid delivery was accepted)', async () => {
    for (const [mode, status] of [['accept202', 202], ['accept204', 204]] as const) {
      const r = await check(servers[mode].url);
      expect(r.code, mode).toBe(1);
      expect(r.failing, mode).toEqual(['valid-update', 'duplicate', 'disputes-update', 'action-types', 'sha256-only', 'sha1-only']);
      expect(r.inconclusive, mode).toEqual([]);
      expect(r.doc.checks.find((c) => c.id === 'valid-update')!.detail, mode).toMatch(new RegExp(`^${status}( "queued")?: expected 200$`));
      for (const id of REFUSALS) expect(r.doc.checks.find((c) => c.id === id), `${mode} ${id}`).toMatchObject({ result: 'pass', status: 403 });
      expect(r.doc.cause).toBeNull();
    }
  });

  it('a receiver that answers 202 to every POST: a 202 to a forged delivery is an acceptance, a fail, not an inconclusive', async () => {
    const r = await check(servers.careless202.url);
    expect(r.code).toBe(1);
    expect(r.failing).toEqual(['valid-update', ...REFUSALS, 'duplicate', 'disputes-update', 'action-types', 'sha256-only', 'sha1-only']);
    expect(r.doc.checks.find((c) => c.id === 'wrong-signature')!.detail).toBe('202: accepted a wrong signature');
  });

  it('a receiver that echoes any challenge with HTTP 500: the handshake needs 200 (fail), and a wrong-token echo is a fail whatever the status', async () => {
    const r = await check(servers.echo500.url);
    expect(r.code).toBe(1);
    expect(r.failing).toEqual(['handshake', 'handshake-wrong-token']);
    expect(r.doc.checks[0].detail).toMatch(/^500 "\d+": expected 200 with exactly "\d+"$/);
    expect(r.doc.checks[1].detail).toMatch(/^500 "\d+": echoed the challenge for a wrong verify token$/);
  });

  it('duplicate claims only the two replies it saw, never that it detected (or ruled out) a double grant', async () => {
    const r = await runCli(['--json', 'webhook', 'check', '--list']);
    const dup = JSON.parse(r.stdout).checks.find((c: { id: string }) => c.id === 'duplicate');
    expect(dup.why).not.toMatch(/double-grant|not .*double/);
    expect(dup.why).toMatch(/not whether it granted twice/);
  });
});

describe('webhook check --provider facebook against node receivers', () => {
  const servers: Partial<Record<FacebookMode, Running>> = {};
  beforeAll(async () => {
    for (const mode of ['correct', 'careless', 'dup500', 'echo-any-token', 'slow'] as FacebookMode[]) {
      servers[mode] = await startReceiver(facebookHandler(mode, { secret: SECRET, verifyToken: TOKEN, delayMs: 60 }));
    }
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => s!.close()));
  });

  it('a correct receiver passes every check (exit 0), in order', async () => {
    const r = await check(servers.correct!.url + '/webhook');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.doc.checks.map((c) => c.id)).toEqual(ALL);
    expect(r.failing).toEqual([]);
    expect(r.doc).toMatchObject({ provider: 'facebook', target: servers.correct!.url + '/webhook', passed: ALL.length, failed: 0, skipped: 0 });
    // Real deliveries reached it: 2 handshakes, 5 single updates, a duplicate pair, dispute, 5 actions, budget, 2 header variants.
    expect(servers.correct!.requests.length).toBeGreaterThanOrEqual(18);
  });

  it('a careless receiver (accepts everything) fails exactly the signature and token checks (exit 1)', async () => {
    const r = await check(servers.careless!.url);
    expect(r.code).toBe(1);
    expect(r.failing).toEqual(['handshake-wrong-token', 'missing-signature', 'wrong-signature', 'wrong-secret', 'tampered-body']);
    expect(r.doc.checks.find((c) => c.id === 'missing-signature')!.detail).toMatch(/^200 .*accepted an unsigned delivery/);
    expect(r.doc.checks.find((c) => c.id === 'duplicate')!.detail).toBe('200, then 200 on the same delivery again');
  });

  it('a receiver that 500s on a redelivery fails exactly "duplicate"', async () => {
    const r = await check(servers.dup500!.url);
    expect(r.code).toBe(1);
    expect(r.failing).toEqual(['duplicate']);
    const dup = r.doc.checks.find((c) => c.id === 'duplicate')!;
    expect(dup).toMatchObject({ status: 500, required: true });
    expect(dup.detail).toMatch(/^200, then 500/);
  });

  it('a receiver that echoes the challenge for any token fails exactly "handshake-wrong-token"', async () => {
    const r = await check(servers['echo-any-token']!.url);
    expect(r.code).toBe(1);
    expect(r.failing).toEqual(['handshake-wrong-token']);
  });

  it('a slow receiver fails exactly "budget"', async () => {
    // Every reply takes at least 60 ms; a 30 ms budget (not the 2 s default) keeps the test fast.
    const r = await check(servers.slow!.url, ['--budget-ms', '30']);
    expect(r.code).toBe(1);
    expect(r.failing).toEqual(['budget']);
    expect(r.doc.checks.find((c) => c.id === 'budget')!.detail).toMatch(/^\d+ ms > 30 ms budget \(status 200\)$/);
  });

  it('a reply slower than --timeout counts as no reply, not as unreachable', async () => {
    const r = await check(servers.slow!.url, ['--only', 'valid-update,budget', '--timeout', '30', '--budget-ms', '20']);
    expect(r.code).toBe(1);
    expect(r.failing).toEqual(['valid-update', 'budget']);
    expect(r.doc.checks[0].detail).toMatch(/no reply: .*did not answer within 30 ms/);
  });

  it('without --verify-token the handshake is skipped with a note, not failed', async () => {
    const r = await runCli(['--json', 'webhook', 'check', '--to', servers.correct!.url, '--secret', SECRET, '--only', 'handshake,valid-update']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as JsonReport;
    expect(doc.checks[0]).toMatchObject({ id: 'handshake', ok: null, skipped: true, status: null });
    expect(doc).toMatchObject({ passed: 1, failed: 0, skipped: 1 });
    expect(r.stderr).toMatch(/handshake check is skipped/);
  });

  it('--only and --skip pick checks by id; an unknown id is exit 2 listing the ids', async () => {
    const only = await check(servers.careless!.url, ['--only', 'valid-update,wrong-secret']);
    expect(only.doc.checks.map((c) => c.id)).toEqual(['valid-update', 'wrong-secret']);
    expect(only.code).toBe(1);
    const skip = await check(servers.careless!.url, ['--skip', 'handshake-wrong-token,missing-signature,wrong-signature,wrong-secret,tampered-body']);
    expect(skip.code).toBe(0);
    expect(skip.doc.checks).toHaveLength(ALL.length - 5);
    const bad = await runCli(['webhook', 'check', '--to', servers.correct!.url, '--secret', SECRET, '--only', 'valid-update,nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no check named "nope"/);
    expect(bad.stderr).toMatch(/hint: checks: handshake, handshake-wrong-token, valid-update/);
  });

  it('a wrong secret on our side fails the accepting checks, and the secret never appears in output', async () => {
    const r = await runCli(['webhook', 'check', '--to', servers.correct!.url, '--secret', 'the-wrong-secret-0000', '--verify-token', TOKEN]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/valid-update\s+required\s+✗ FAIL\s+403 "bad signature": expected 200/);
    expect(r.stdout + r.stderr).not.toContain('the-wrong-secret-0000');
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it('human output: a table with kind, result, what came back and why; a summary line', async () => {
    const r = await runCli(['webhook', 'check', '--to', servers.dup500!.url, '--secret', SECRET], { env: { FB_VERIFY_TOKEN: TOKEN } });
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^check\s+kind\s+result\s+what came back\s+why it matters$/);
    expect(lines.find((l) => l.startsWith('duplicate '))).toMatch(/required\s+✗ FAIL\s+200, then 500 .*answer 200 again/);
    expect(lines.find((l) => l.startsWith('sha1-only '))).toMatch(/advisory\s+✓ pass/);
    expect(lines.at(-1)).toMatch(/^✗ facebook http:\/\/127\.0\.0\.1:\d+\/: 12 passed, 1 required failed \(duplicate\) in \d+\.\d s$/);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('exit 3 with one line when nothing listens; exit 2 for a remote target or a missing secret', async () => {
    const port = await freePort();
    const down = await runCli(['webhook', 'check', '--to', `http://127.0.0.1:${port}/webhook`, '--secret', SECRET]);
    expect(down.code).toBe(3);
    expect(down.stdout).toBe('');
    expect(down.stderr).toMatch(/\nerror: connection refused by http:\/\/127\.0\.0\.1:\d+: the endpoint cannot be reached, nothing was checked\nhint: [^\n]+\n$/);
    const downJson = await runCli(['--json', 'webhook', 'check', '--to', `http://127.0.0.1:${port}/`, '--secret', SECRET]);
    expect(downJson.code).toBe(3);
    expect(JSON.parse(downJson.stdout).error.code).toBe('connection_refused');
    const remote = await runCli(['webhook', 'check', '--to', 'http://example.com/webhook', '--secret', SECRET]);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(/not a loopback address/);
    const nosecret = await runCli(['webhook', 'check', '--to', servers.correct!.url], { env: { FB_APP_SECRET: undefined } });
    expect(nosecret.code).toBe(2);
    expect(nosecret.stderr).toMatch(/FB_APP_SECRET/);
  });

  it('through the binary (bin/fbpay.js): exit 0 against the correct receiver, 1 against the careless one, plain output when piped', async () => {
    const ok = await runBin(['webhook', 'check', '--to', servers.correct!.url, '--secret', SECRET, '--verify-token', TOKEN]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/\n✓ facebook http:\/\/127\.0\.0\.1:\d+\/: 13 passed in \d+\.\d s\n$/);
    expect(ok.stdout).not.toMatch(/\x1b\[/);
    const bad = await runBin(['--json', 'webhook', 'check', '--to', servers.careless!.url, '--secret', SECRET, '--only', 'missing-signature']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).checks[0]).toMatchObject({ id: 'missing-signature', ok: false, status: 200 });
  });

  it('--help shows the options and examples', async () => {
    const r = await runCli(['webhook', 'check', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--to', '--provider', '--verify-token', '--only', '--skip', '--budget-ms', '--junit', '--allow-remote']) expect(r.stdout).toContain(flag);
    expect(r.stdout).toMatch(/Examples:\n  \$ fbpay webhook check /);
  });

  it('--list prints the checks without sending anything', async () => {
    const r = await runCli(['--json', 'webhook', 'check', '--list']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.checks.map((c: { id: string }) => c.id)).toEqual(ALL);
    expect(doc.checks.filter((c: { required: boolean }) => !c.required).map((c: { id: string }) => c.id)).toEqual(['sha256-only', 'sha1-only']);
  });
});

const XMLLINT = toolRuns('xmllint');
const NO_XMLLINT = skipWithout('xmllint', XMLLINT, 'apt-get install libxml2-utils');

describe.skipIf(NO_XML_PARSER)(`webhook check --junit, read back by an independent XML parser (${XML_PARSER})`, () => {
  let careless: Running;
  let dir: string;
  beforeAll(async () => {
    careless = await startReceiver(facebookHandler('careless', { secret: SECRET, verifyToken: TOKEN }));
    dir = mkdtempSync(join(tmpdir(), 'fbpay-junit-'));
  });
  afterAll(async () => {
    await careless.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('one testcase per check: failure for failed, skipped for skipped', async () => {
    const file = join(dir, 'report.xml');
    const r = await runCli(['webhook', 'check', '--to', careless.url + '/hook?a=1&b=<x>', '--secret', SECRET, '--junit', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`JUnit report: ${file}`);
    const doc = parseJunitFile(file);
    expect(doc.tests).toBe(String(ALL.length));
    expect(doc.failures).toBe('5');
    expect(doc.skipped).toBe('1');
    expect(doc.props).toEqual({ provider: 'facebook', target: careless.url + '/hook?a=1&b=%3Cx%3E' });
    expect(doc.cases.map((c: { name: string }) => c.name.split(':')[0])).toEqual(ALL);
    const failed = doc.cases.filter((c: { failure: string | null }) => c.failure !== null).map((c: { name: string }) => c.name.split(':')[0]);
    expect(failed).toEqual(['handshake-wrong-token', 'missing-signature', 'wrong-signature', 'wrong-secret', 'tampered-body']);
    expect(doc.cases[0]).toMatchObject({ skipped: true, failure: null });
    expect(doc.cases[2].failure).toBeNull();
    expect(doc.cases.find((c) => c.name.startsWith('sha1-only'))?.classname).toBe('fbpay.webhook-check.facebook.advisory');
    expect(readFileSync(file, 'utf8')).not.toContain(SECRET);
  });

  it.skipIf(NO_XMLLINT)('the report is well-formed XML for xmllint (libxml2)', async () => {
    requireTool('xmllint', XMLLINT, 'apt-get install libxml2-utils');
    const file = join(dir, 'xmllint.xml');
    const r = await runCli(['webhook', 'check', '--to', careless.url + '/hook?a=1&b=<x>', '--secret', SECRET, '--junit', file]);
    expect(r.code).toBe(1);
    const lint = spawnSync('xmllint', ['--noout', file], { encoding: 'utf8' });
    expect(lint.status, lint.stderr).toBe(0);
    writeFileSync(join(dir, 'broken.xml'), '<testsuites><testsuite></testsuites>');
    expect(spawnSync('xmllint', ['--noout', join(dir, 'broken.xml')]).status).not.toBe(0);
  });

  it('an unwritable --junit path is exit 2', async () => {
    const r = await runCli(['webhook', 'check', '--to', careless.url, '--secret', SECRET, '--only', 'valid-update', '--junit', join(dir, 'no/such/dir/r.xml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write the JUnit report .*ENOENT/);
  });
});

describe.skipIf(NO_PHP)('webhook check against a PHP receiver written like the published samples', () => {
  let php: Awaited<ReturnType<typeof startPhp>>;
  beforeAll(async () => {
    php = await startPhp(fileURLToPath(new URL('./php/', import.meta.url)), 'fb-router.php', { FB_APP_SECRET: SECRET, FB_VERIFY_TOKEN: TOKEN });
  });
  afterAll(() => php?.stop());

  it('passes every required check; only the advisory sha256-only fails (the sample checks sha1 only)', async () => {
    const r = await check(php.url + '/webhook.php');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.failing).toEqual(['sha256-only']);
    expect(r.doc.checks.find((c) => c.id === 'sha256-only')).toMatchObject({ required: false, status: 403 });
    expect(r.doc.required_failed).toBe(0);
  });
});
