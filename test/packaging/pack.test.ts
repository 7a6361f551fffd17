import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { signSignedRequest } from '../../src/core/facebook/signed-request.js';

/**
 * Issue 7, packaging: the tarball `npm pack` makes installs into an empty folder (offline, from the
 * npm cache `npm ci` filled) and works as a CLI, as an ESM library with subpaths, and for a
 * TypeScript consumer. Uses the dist/ that `npm test` built.
 */
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let work: string;
let tarball: string;
let files: string[];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'fbpay-pack-'));
  const out = execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' });
  const info = JSON.parse(out)[0];
  tarball = join(work, info.filename);
  files = info.files.map((f: { path: string }) => f.path);
  const consumer = join(work, 'consumer');
  execFileSync('mkdir', ['-p', consumer]);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', type: 'module', private: true }));
  const r = spawnSync(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: consumer, encoding: 'utf8' });
  if (r.status !== 0) throw new Error('offline install of the tarball failed:\n' + r.stderr);
}, 120_000);

describe('npm pack', () => {
  it('ships the binary, the bundle, types and fixtures — no tests, sources or secrets', () => {
    expect(files).toContain('bin/fbpay.js');
    expect(files).toContain('dist/cli.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files.some((f) => f.startsWith('fixtures/'))).toBe(true);
    for (const f of files) {
      expect(f).not.toMatch(/^(test|src|bench|scripts|\.ci)\//);
      expect(f).not.toMatch(/\.map$/);
      expect(f).not.toMatch(/fbpay\.config\.json$|\.env$|key\.pem$/);
    }
  });

  it('the installed binary answers --version and decodes a signed_request', () => {
    const bin = join(work, 'consumer', 'node_modules', '.bin', 'fbpay');
    const v = spawnSync(bin, ['--version'], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const sr = signSignedRequest({ user_id: '1', issued_at: 1700000000 }, 'pack-secret');
    const d = spawnSync(bin, ['decode', sr, '--secret', 'pack-secret', '--json'], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    expect(d.stderr).toBe(d.stderr); // diagnostics allowed on stderr
    expect(d.status).toBe(0);
    expect(JSON.parse(d.stdout).valid).toBe(true);
  });

  it('imports as ESM: fbpay, fbpay/facebook, fbpay/paypal, fbpay/midas', () => {
    const script = `
      const names = ['fbpay', 'fbpay/facebook', 'fbpay/paypal', 'fbpay/midas'];
      const out = {};
      for (const n of names) out[n] = Object.keys(await import(n)).length;
      const fb = await import('fbpay/facebook');
      out.sign = typeof fb.signSignedRequest;
      console.log(JSON.stringify(out));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: join(work, 'consumer'), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out['fbpay/facebook']).toBeGreaterThan(0);
    expect(out.sign).toBe('function');
    expect(out.fbpay).toBeGreaterThan(0);
  });

  it('type declarations resolve for a TypeScript consumer (NodeNext)', () => {
    const consumer = join(work, 'consumer');
    writeFileSync(
      join(consumer, 'index.ts'),
      `import { signSignedRequest } from 'fbpay/facebook';\nimport { FbpayError } from 'fbpay';\nimport * as paypal from 'fbpay/paypal';\nimport * as midas from 'fbpay/midas';\nconst s: string = signSignedRequest({ a: 1 }, 's');\nconst e: FbpayError | undefined = undefined;\nexport { s, e, paypal, midas };\n`,
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true }, files: ['index.ts'] }),
    );
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', consumer], { cwd: consumer, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('publint finds no errors in the installed package', () => {
    const pkgDir = join(work, 'consumer', 'node_modules', 'fbpay');
    expect(existsSync(join(pkgDir, 'package.json'))).toBe(true);
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/publint/src/cli.js'), pkgDir, '--strict'], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
