// Shared by the replay benches: start the receiver, run the built binary, parse its summary.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const BIN = fileURLToPath(new URL('../bin/fbpay.js', import.meta.url));
export const SECRET = 'bench-app-secret-0123456789abcdef';

export function requireBuild() {
  if (!existsSync(new URL('../dist/cli.js', import.meta.url))) {
    console.error('dist/ is missing: run `npm run build:fast` (or `npm run bench`, which builds)');
    process.exit(1);
  }
}

/** Starts bench/replay-server.mjs; resolves with its URL and a stop(). */
export function startReceiver() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./replay-server.mjs', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/\S+/);
      if (m) resolve({ url: m[0], stop: () => new Promise((r) => (child.once('close', r), child.kill('SIGTERM'))) });
    });
    child.once('error', reject);
    child.once('close', (code) => reject(new Error(`receiver exited with ${code}`)));
  });
}

/**
 * Runs `fbpay webhook replay … --json --quiet` and resolves with the summary and the peak RSS
 * (VmHWM, polled from /proc while it runs; `null` where /proc is unavailable).
 */
export function runReplay(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'webhook', 'replay', ...args, '--json', '--quiet'], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true', FB_APP_SECRET: SECRET },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let peakKb = null;
    const poll = setInterval(() => {
      try {
        const status = readStatus(child.pid);
        const m = status && status.match(/VmHWM:\s+(\d+) kB/);
        if (m) peakKb = Math.max(peakKb ?? 0, Number(m[1]));
      } catch {
        /* exited */
      }
    }, 20);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('close', (code) => {
      clearInterval(poll);
      const last = stdout.trim().split('\n').pop();
      let summary;
      try {
        summary = JSON.parse(last);
      } catch {
        return reject(new Error(`fbpay replay exited ${code}: ${stderr || stdout}`));
      }
      if (code !== 0) return reject(new Error(`fbpay replay exited ${code}: ${last}\n${stderr}`));
      resolve({ summary, peakKb });
    });
  });
}

function readStatus(pid) {
  return readFileSync(`/proc/${pid}/status`, 'utf8');
}
