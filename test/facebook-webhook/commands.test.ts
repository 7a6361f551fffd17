import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { runCli } from '../helpers/cli.js';
import { readVector } from '../helpers/vectors.js';
import { hubSignature } from '../../src/core/facebook/hub-signature.js';
import { startServer } from './servers.js';

const SECRET = 'd25da68caa30b617e2b4e3990cb91e4e';
const dir = mkdtempSync(join(tmpdir(), 'fbpay-wh-'));
const RAW = '{"object":"payments","entry":[{"id":"1621702554627001","time":1565186944,"changed_fields":["actions"]}]}';
const bodyFile = join(dir, 'body.json');
writeFileSync(bodyFile, RAW);

describe('fbpay webhook sign', () => {
  it('prints both headers for the exact bytes', async () => {
    const r = await runCli(['webhook', 'sign', '--body', bodyFile, '--secret', SECRET]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`X-Hub-Signature: ${hubSignature(RAW, SECRET, 'sha1')}\nX-Hub-Signature-256: ${hubSignature(RAW, SECRET, 'sha256')}\n`);
  });
  it('matches the shared vector (stdin, FB_APP_SECRET, --json)', async () => {
    const v = readVector('facebook.json').hub_signatures[0];
    const r = await runCli(['--json', 'webhook', 'sign', '--body', '-'], { stdin: v.body, env: { FB_APP_SECRET: v.secret } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ headers: { 'X-Hub-Signature': v.x_hub_signature, 'X-Hub-Signature-256': v.x_hub_signature_256 }, bytes: v.body.length });
  });
  it('--curl prints a ready command (file body by reference, stdin body inlined and quoted)', async () => {
    const f = await runCli(['webhook', 'sign', '--body', bodyFile, '--secret', SECRET, '--curl', 'http://127.0.0.1:3000/webhook']);
    expect(f.stdout).toContain(`--data-binary @${bodyFile}`);
    expect(f.stdout).toContain(`-H 'X-Hub-Signature-256: ${hubSignature(RAW, SECRET)}'`);
    expect(f.stdout).toContain("-H 'Content-Type: application/json'");
    const s = await runCli(['webhook', 'sign', '--body', '-', '--secret', SECRET, '--curl', 'http://127.0.0.1:3000/'], { stdin: `{"q":"it's"}` });
    expect(s.stdout).toContain(`--data-binary '{"q":"it'\\''s"}'`);
  });
  it('without a secret and no TTY: exit 2 naming FB_APP_SECRET; secret never printed', async () => {
    const r = await runCli(['webhook', 'sign', '--body', bodyFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/FB_APP_SECRET/);
    const ok = await runCli(['webhook', 'sign', '--body', bodyFile, '--secret', SECRET]);
    expect(ok.stdout + ok.stderr).not.toContain(SECRET);
  });
  it('missing body file is exit 2; other providers are pointed to their command', async () => {
    expect((await runCli(['webhook', 'sign', '--body', join(dir, 'nope.json'), '--secret', 's'])).code).toBe(2);
    const p = await runCli(['webhook', 'sign', '--body', bodyFile, '--provider', 'paypal']);
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/fbpay paypal sign/);
  });
});

describe('fbpay webhook verify', () => {
  const sig256 = hubSignature(RAW, SECRET);
  const sig1 = hubSignature(RAW, SECRET, 'sha1');
  it('exit 0 for either header form', async () => {
    for (const sig of [sig256, sig1, `X-Hub-Signature-256: ${sig256}`]) {
      const r = await runCli(['webhook', 'verify', '--body', bodyFile, '--signature', sig, '--secret', SECRET]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/✓ X-Hub-Signature(-256)? valid/);
    }
  });
  it('exit 1 with a diagnosis for a pretty-printed body', async () => {
    const pretty = join(dir, 'pretty.json');
    writeFileSync(pretty, JSON.stringify(JSON.parse(RAW), null, 2) + '\n');
    const r = await runCli(['webhook', 'verify', '--body', pretty, '--signature', sig256, '--secret', SECRET]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ X-Hub-Signature-256 does not match/);
    expect(r.stdout).toMatch(/re-serialized/);
    const j = await runCli(['--json', 'webhook', 'verify', '--body', pretty, '--signature', sig256, '--secret', SECRET]);
    const doc = JSON.parse(j.stdout);
    expect(doc.valid).toBe(false);
    expect(doc.checks[0].diagnosis[0]).toMatchObject({ matched: true });
  });
  it('exit 1 naming the secret whitespace, without printing the secret', async () => {
    const r = await runCli(['webhook', 'verify', '--body', bodyFile, '--signature', sig256], { env: { FB_APP_SECRET: ` ${SECRET}\n` } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/whitespace/);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });
  it('a malformed --signature is exit 2', async () => {
    const r = await runCli(['webhook', 'verify', '--body', bodyFile, '--signature', 'md5=abc', '--secret', SECRET]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sha256=<hex>/);
    expect((await runCli(['webhook', 'verify', '--body', bodyFile, '--secret', SECRET])).code).toBe(2);
  });
  it('--delivery reads a recorded line (inline or file:line) and checks every X-Hub header', async () => {
    const good = { received_at: '2024-01-01T00:00:00Z', method: 'POST', path: '/webhook', headers: { 'content-type': 'application/json', 'x-hub-signature': sig1, 'x-hub-signature-256': sig256 }, body_b64: Buffer.from(RAW).toString('base64'), verified: true };
    const bad = { ...good, body_b64: Buffer.from(RAW.replace('1565186944', '1565186945')).toString('base64'), verified: false };
    const cap = join(dir, 'capture.ndjson');
    writeFileSync(cap, JSON.stringify(good) + '\n' + JSON.stringify(bad) + '\n');
    const a = await runCli(['--json', 'webhook', 'verify', '--delivery', `${cap}:1`, '--secret', SECRET]);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout).checks.map((c: any) => c.header)).toEqual(['X-Hub-Signature-256', 'X-Hub-Signature']);
    const b = await runCli(['webhook', 'verify', '--delivery', `${cap}:2`, '--secret', SECRET]);
    expect(b.code).toBe(1);
    const inline = await runCli(['webhook', 'verify', '--delivery', JSON.stringify(good), '--secret', SECRET]);
    expect(inline.code).toBe(0);
    expect((await runCli(['webhook', 'verify', '--delivery', `${cap}:9`, '--secret', SECRET])).code).toBe(2);
    expect((await runCli(['webhook', 'verify', '--delivery', '{"nope":1}', '--secret', SECRET])).code).toBe(2);
  });
});

describe('fbpay webhook challenge', () => {
  const servers: Array<Awaited<ReturnType<typeof startServer>>> = [];
  let correct: string, wrongTokenEchoes: string, fails500: string, slow: string, jsonWrapped: string;
  beforeAll(async () => {
    const make = async (h: Parameters<typeof startServer>[0]) => {
      const s = await startServer(h);
      servers.push(s);
      return s.url + '/webhook';
    };
    correct = await make((req, res) => {
      const q = new URL(req.url, 'http://x').searchParams;
      if (q.get('hub.mode') === 'subscribe' && q.get('hub.verify_token') === 'secret-token') res.writeHead(200).end(q.get('hub.challenge'));
      else res.writeHead(403).end('wrong verify token');
    });
    wrongTokenEchoes = await make((req, res) => res.writeHead(200).end(new URL(req.url, 'http://x').searchParams.get('hub.challenge')));
    fails500 = await make((_req, res) => res.writeHead(500).end('Internal Server Error\nstack…'));
    slow = await make(() => {
      /* never answers */
    });
    jsonWrapped = await make((req, res) => res.writeHead(200).end(JSON.stringify({ challenge: new URL(req.url, 'http://x').searchParams.get('hub.challenge') })));
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it('exit 0 when the endpoint echoes the challenge; the GET carries the three hub.* params', async () => {
    const r = await runCli(['webhook', 'challenge', '--to', correct, '--verify-token', 'secret-token']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✓ .* echoed the challenge/);
    const q = new URL(servers[0].received.at(-1)!.url, 'http://x').searchParams;
    expect(q.get('hub.mode')).toBe('subscribe');
    expect(q.get('hub.challenge')).toMatch(/^\d+$/);
    const j = await runCli(['--json', 'webhook', 'challenge', '--to', correct], { env: { FB_VERIFY_TOKEN: 'secret-token' } });
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: true, status: 200 });
    // a fresh random challenge each run
    expect(new URL(servers[0].received.at(-1)!.url, 'http://x').searchParams.get('hub.challenge')).not.toBe(q.get('hub.challenge'));
  });
  it('exit 1 on a wrong token, saying what came back', async () => {
    const r = await runCli(['webhook', 'challenge', '--to', correct, '--verify-token', 'other']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/status 403.*wrong verify token/);
  });
  it('an endpoint that echoes whatever token it gets passes the handshake (it is `webhook check` that probes wrong tokens)', async () => {
    expect((await runCli(['webhook', 'challenge', '--to', wrongTokenEchoes, '--verify-token', 'anything'])).code).toBe(0);
  });
  it('exit 1 on a 500 and on a wrapped challenge', async () => {
    const r = await runCli(['webhook', 'challenge', '--to', fails500, '--verify-token', 't']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/status 500/);
    const w = await runCli(['--json', 'webhook', 'challenge', '--to', jsonWrapped, '--verify-token', 't']);
    expect(w.code).toBe(1);
    expect(JSON.parse(w.stdout).reason).toMatch(/wraps the challenge/);
  });
  it('exit 3 when the endpoint is down or too slow', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const down = await runCli(['webhook', 'challenge', '--to', `http://127.0.0.1:${port}/webhook`, '--verify-token', 't']);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/connection refused/);
    // The reason names the 300 ms timeout: it fired (no wall-clock bound: CI is a busy 2-core box).
    const s = await runCli(['webhook', 'challenge', '--to', slow, '--verify-token', 't', '--timeout', '300']);
    expect(s.code).toBe(3);
    expect(s.stderr).toMatch(/did not answer within 300 ms/);
  });
  it('refuses non-loopback targets before any request unless --allow-remote; the token is not printed', async () => {
    const r = await runCli(['webhook', 'challenge', '--to', 'http://example.invalid/webhook', '--verify-token', 'tok-very-secret']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a loopback/);
    const v = await runCli(['-v', 'webhook', 'challenge', '--to', correct, '--verify-token', 'secret-token-long']);
    expect(v.stdout + v.stderr).not.toContain('secret-token-long');
  });
  it('without a verify token and no TTY: exit 2 naming FB_VERIFY_TOKEN', async () => {
    const r = await runCli(['webhook', 'challenge', '--to', correct]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/FB_VERIFY_TOKEN/);
  });
});
