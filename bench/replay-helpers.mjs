// Shared by the benches: start the receiver or an emulator, run the built binary, parse its summary, read a process's memory.
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

/** Starts `fbpay mock …` (the built binary); resolves with the process and the URL of its listening line once printed. */
export function startMock(argv) {
  const child = spawn(process.execPath, [BIN, 'mock', ...argv], { cwd: ROOT, env: { ...process.env, CI: 'true', FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve({ child, url: m[1] });
    });
    child.once('close', (code) => reject(new Error(`fbpay mock ${argv[0]} exited ${code}`)));
  });
}

/** A process's resident memory now and at its peak (VmRSS, VmHWM), in KiB; NaN where /proc is unavailable. */
export function procMemory(pid) {
  let text = '';
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {}
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(text)?.[1] ?? NaN);
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
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
