import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/fbpay.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `main(argv)` in-process with captured stdout/stderr, no TTY, CI=true. */
export async function runCli(
  argv: string[],
  opts: { env?: Record<string, string | undefined>; stdin?: string | Buffer; cwd?: string; signal?: AbortSignal } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const stdin = Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]) as NodeJS.ReadableStream & { isTTY?: boolean };
  const code = await main(argv, {
    io: {
      stdout: { write: (s: string) => ((stdout += s), true), isTTY: false },
      stderr: { write: (s: string) => ((stderr += s), true), isTTY: false },
      stdin,
      env: { CI: 'true', ...(opts.env ?? {}) },
      cwd: opts.cwd ?? ROOT,
    },
    signal: opts.signal,
  });
  return { code, stdout, stderr };
}

/** Spawns the real binary (bin/fbpay.js, built by `npm test`) with CI=true FORCE_COLOR=0. */
export function runBin(
  argv: string[],
  opts: { env?: Record<string, string | undefined>; stdin?: string | Buffer; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, CI: 'true', FORCE_COLOR: '0', ...(opts.env ?? {}) })) if (v !== undefined) env[k] = v;
    delete env.NO_COLOR;
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: opts.cwd ?? ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fbpay ${argv.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      resolve({ code: code ?? (sig ? 128 : -1), stdout, stderr });
    });
    child.stdin.end(opts.stdin ?? '');
  });
}

/** Spawns the binary and leaves it running (servers: mock graph, webhook listen). */
export function startBin(argv: string[], opts: { env?: Record<string, string | undefined>; cwd?: string } = {}) {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, CI: 'true', FORCE_COLOR: '0', ...(opts.env ?? {}) })) if (v !== undefined) env[k] = v;
  return startNode(BIN, argv, { env, cwd: opts.cwd });
}

/** Spawns `node script argv…` with exactly `env` (nothing inherited) and leaves it running: a receiver started as its README says. */
export function startNode(script: string, argv: string[], opts: { env: Record<string, string>; cwd?: string }) {
  const child = spawn(process.execPath, [script, ...argv], { cwd: opts.cwd ?? ROOT, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    /** Resolves with the first match of `re` on stdout+stderr (e.g. the URL a server prints); rejects when the process ends first. */
    waitFor(re: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
      return new Promise((resolve, reject) => {
        const done = () => {
          clearInterval(iv);
          clearTimeout(t);
          child.off('close', exited);
        };
        const check = () => {
          const m = (stdout + stderr).match(re);
          if (m) {
            done();
            resolve(m);
          }
        };
        const exited = (code: number | null) => {
          check();
          done();
          reject(new Error(`exited ${code} before printing ${re}\nstdout: ${stdout}\nstderr: ${stderr}`));
        };
        const iv = setInterval(check, 20);
        const t = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for ${re}\nstdout: ${stdout}\nstderr: ${stderr}`));
        }, timeoutMs);
        // 'close', not 'exit': by then every byte the process wrote has been read.
        child.once('close', exited);
        check();
      });
    },
    stop(signal: NodeJS.Signals = 'SIGINT'): Promise<number> {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('close', (code) => resolve(code ?? 130));
        child.kill(signal);
      });
    },
  };
}
