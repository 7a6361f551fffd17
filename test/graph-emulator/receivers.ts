import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, ROOT } from '../helpers/cli.js';

export interface Hit {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A Node receiver on 127.0.0.1 that does what a Facebook webhook endpoint must: answers the
 * handshake only with its own verify token, checks X-Hub-Signature-256 over the raw bytes, and
 * answers updates with the next status of `plan` (then 200).
 */
export async function nodeReceiver(opts: { verifyToken: string; secret: string; plan?: number[] }) {
  const hits: Hit[] = [];
  const updates: Array<{ body: Record<string, any>; status: number }> = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      hits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const u = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET') {
        if (u.searchParams.get('hub.mode') === 'subscribe' && u.searchParams.get('hub.verify_token') === opts.verifyToken) {
          res.writeHead(200, { 'content-type': 'text/plain' }).end(u.searchParams.get('hub.challenge') ?? '');
        } else res.writeHead(403).end('wrong verify token');
        return;
      }
      const expected = 'sha256=' + createHmac('sha256', opts.secret).update(body).digest('hex');
      let status = expected === req.headers['x-hub-signature-256'] ? (opts.plan?.[n++] ?? 200) : 403;
      if (status === 200 && !body.length) status = 400;
      updates.push({ body: body.length ? JSON.parse(body.toString('utf8')) : {}, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'EVENT_RECEIVED' : 'refused');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
    hits,
    updates,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

/** `fbpay mock graph --json …` as a child process; resolves with its listening line. */
export async function spawnMockGraph(args: string[]): Promise<{ url: string; listening: Record<string, any>; proc: ChildProcess; stop(): Promise<{ code: number | null; stdout: string; stderr: string }> }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, CI: 'true', FORCE_COLOR: '0' })) if (v !== undefined) env[k] = v;
  const proc = spawn(process.execPath, [BIN, '--json', 'mock', 'graph', '--port', '0', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d) => (stdout += d));
  proc.stderr!.on('data', (d) => (stderr += d));
  const closed = new Promise<number | null>((r) => proc.on('close', (code) => r(code)));
  const listening = await new Promise<Record<string, any>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mock graph did not start\n${stdout}\n${stderr}`)), 15_000);
    const check = () => {
      const line = stdout.split('\n')[0];
      if (!stdout.includes('\n')) return;
      try {
        const doc = JSON.parse(line) as Record<string, any>;
        if (doc.type !== 'listening') return;
        clearTimeout(timer);
        resolve(doc);
      } catch {
        // not a listening line: an error document follows, and the process exits
      }
    };
    proc.stdout!.on('data', check);
    void closed.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`mock graph exited ${code}: ${stdout}${stderr}`), { code, stdout, stderr }));
    });
  });
  return {
    url: listening.url,
    listening,
    proc,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const code = await closed;
      return { code, stdout, stderr };
    },
  };
}

/** The PHP receiver: its own verify token, X-Hub-Signature and -256 checked with hash_hmac over php://input. */
export const PHP_RECEIVER = `<?php
$secret = getenv('FB_APP_SECRET');
$token = getenv('FB_VERIFY_TOKEN');
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path === '/__ping') { echo 'pong'; return true; }
if ($_SERVER['REQUEST_METHOD'] === 'GET') {
  // PHP turns the dots of hub.mode, hub.verify_token, hub.challenge into underscores.
  if (($_GET['hub_mode'] ?? '') === 'subscribe' && hash_equals($token, $_GET['hub_verify_token'] ?? '')) {
    header('Content-Type: text/plain');
    echo $_GET['hub_challenge'];
  } else {
    http_response_code(403);
    echo 'wrong verify token';
  }
  return true;
}
$raw = file_get_contents('php://input');
$sha1 = 'sha1=' . hash_hmac('sha1', $raw, $secret);
$sha256 = 'sha256=' . hash_hmac('sha256', $raw, $secret);
if (!hash_equals($sha1, $_SERVER['HTTP_X_HUB_SIGNATURE'] ?? '') || !hash_equals($sha256, $_SERVER['HTTP_X_HUB_SIGNATURE_256'] ?? '')) {
  http_response_code(403);
  echo 'bad signature';
  return true;
}
file_put_contents(__DIR__ . '/received.ndjson', $raw . "\\n", FILE_APPEND);
echo 'EVENT_RECEIVED';
return true;
`;
