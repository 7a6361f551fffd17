import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { skipWithout } from './tools.js';

/** Debian's php-cli, installed by .ci/run. Tests that need it skip visibly when it is absent, and fail with CI=true. */
export const PHP = (() => {
  const r = spawnSync('php', ['-v'], { encoding: 'utf8' });
  return r.status === 0 ? 'php' : undefined;
})();
/** `describe.skipIf(NO_PHP)`: skipped without php on a developer machine, run (and failing) in CI. */
export const NO_PHP = skipWithout('php', PHP !== undefined, 'apt-get install php-cli');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Starts `php -S 127.0.0.1:PORT router.php` in `dir`; resolves once it accepts connections. */
export async function startPhp(dir: string, router: string, env: Record<string, string> = {}): Promise<{ url: string; stop: () => Promise<void>; proc: ChildProcess }> {
  if (!PHP) throw new Error('php is not installed (apt-get install php-cli; .ci/run does it)');
  const port = await freePort();
  const proc = spawn(PHP, ['-S', `127.0.0.1:${port}`, router], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout?.on('data', (d) => (log += d));
  proc.stderr?.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await fetch(url + '/__ping');
      break;
    } catch {
      if (Date.now() > deadline) throw new Error('php -S did not start: ' + log);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    proc,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('close', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}
