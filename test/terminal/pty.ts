import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import stringWidth from 'string-width';
import { BIN, ROOT } from '../helpers/cli.js';

/** python3 runs the pseudo-terminal (its `pty` module). Tests that need it skip visibly without it. */
export const HAS_PYTHON = spawnSync('python3', ['-c', 'import pty']).status === 0;
if (!HAS_PYTHON) console.warn('[fbpay tests] python3 not found: the real-terminal tests (test/terminal) are SKIPPED');

const RELAY = fileURLToPath(new URL('./pty-relay.py', import.meta.url));
const CSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export interface PtyRun {
  /** Everything the terminal showed so far, raw (escape codes included). */
  readonly raw: string;
  /** Types bytes at the keyboard (`'\x03'` is Ctrl-C). */
  type(bytes: string): void;
  /** Resolves once the terminal has shown text matching `re`. */
  waitFor(re: RegExp, ms?: number): Promise<void>;
  /** The exit code, and when it came (performance.now()). */
  readonly exit: Promise<{ code: number; at: number }>;
  kill(): void;
}

/**
 * Runs `fbpay …` (or `sh -c script` with `shell`) on a real pseudo-terminal of the given size through
 * pty-relay.py: stdin, stdout and stderr are the terminal, as when a person runs it, unless the shell
 * script redirects them. CI and NO_COLOR are unset, FORCE_COLOR=0 keeps colour codes out.
 */
export function startPty(argv: string[], opts: { columns?: number; rows?: number; env?: Record<string, string | undefined>; shell?: boolean } = {}): PtyRun {
  const columns = opts.columns ?? 120;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, TERM: 'xterm-256color', COLUMNS: String(columns), LINES: String(opts.rows ?? 40), FORCE_COLOR: '0', ...(opts.env ?? {}) })) {
    if (v !== undefined) env[k] = v;
  }
  if (!opts.env || !('CI' in opts.env)) delete env.CI;
  delete env.NO_COLOR;
  const command = opts.shell ? ['sh', '-c', argv[0]] : [process.execPath, BIN, ...argv];
  const child = spawn('python3', [RELAY, String(columns), String(opts.rows ?? 40), '--', ...command], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'inherit'] });
  let raw = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    raw += d;
    for (const w of waiters) w();
  });
  const exit = new Promise<{ code: number; at: number }>((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, at: performance.now() })));
  return {
    get raw() {
      return raw;
    },
    type: (bytes) => void child.stdin.write(bytes),
    waitFor(re, ms = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!re.test(screenText(raw))) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the terminal never showed ${re}; it showed:\n${screenText(raw)}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    exit,
    kill: () => void child.kill('SIGKILL'),
  };
}

/**
 * The lines as they stay on screen: escape codes removed, and a line rewritten in place (a
 * spinner's `\r` or cursor-to-column-1) reduced to its last version.
 */
export function screenLines(raw: string): string[] {
  return raw
    .replace(/\x1b\[1?G/g, '\r')
    .replace(CSI, '')
    .split('\n')
    .map((l) => l.replace(/\r+$/, '').split('\r').at(-1) ?? '');
}

export const screenText = (raw: string) => screenLines(raw).join('\n');

/** Terminal columns a line takes. */
export const columnsOf = (line: string) => stringWidth(line);

/** A loopback HTTP server that accepts requests and never answers them: the slow remote. */
export async function silentServer(): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer(() => {
    hits++;
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
