import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { signSignedRequest } from '../../src/core/facebook/signed-request.js';

/**
 * Issues 7 and 13, packaging, as a new user meets it:
 * - the README's Install lines run as written: `npm pack` in a copy of the source tree (it builds
 *   through `prepack`; the suite's own dist/ is not touched), `npm i -g ./fbpay-X.tgz`,
 *   `npx --package ./fbpay-X.tgz fbpay --help`;
 * - it works with an EMPTY npm cache (a fresh machine): the first install of the tarball may fetch the
 *   dependencies from the registry (`--prefer-offline`: only what the cache lacks), after which the
 *   README's install lines run with npm forced offline — the tarball installs and runs offline;
 * - installing it runs no install script of fbpay's own (no npm "install-scripts" warning);
 * - the installed package works as a CLI (demo included), an ESM library with subpaths, for a
 *   TypeScript consumer, and passes publint.
 * Lines that need fbpay on the npm registry cannot run before it is published: they are listed as pending.
 */
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const version: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const tgz = `fbpay-${version}.tgz`;

let work: string;
let tree: string;
let tarball: string;
let files: string[];
let consumer: string;
let firstInstall: SpawnSyncReturns<string>;
const readmeRuns: Array<{ line: string; r: SpawnSyncReturns<string> }> = [];
let globalPrefix: string;

/** The `sh` lines of the README's "## Install" section, comments stripped. */
function installLines(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const m = /^## Install\n([\s\S]*?)^## /m.exec(readme);
  if (!m) throw new Error('README.md has no "## Install" section');
  const lines: string[] = [];
  for (const block of m[1].matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const raw of block[1].split('\n')) {
      const line = raw.replace(/\s+#.*$/, '').trim();
      if (line) lines.push(line);
    }
  }
  return lines;
}
/** Lines that use the local tarball run here; the others need the package on the registry. */
const isLocal = (line: string) => line === 'npm pack' || line.includes(`./${tgz}`);

function npmEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // The user's own npm settings apply (their cache, maybe an empty one); the global prefix is ours.
  return { ...process.env, npm_config_prefix: globalPrefix, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...extra };
}

const output = (r: SpawnSyncReturns<string>) => `${r.stdout ?? ''}${r.stderr ?? ''}`;
/** npm 11 warns "install-scripts … fbpay@X (prepare: …)" when the package has install-time scripts. */
const fbpayScriptWarning = /install-scripts[^\n]*\n?[^\n]*fbpay@|fbpay@[\d.]+ \((pre|post)?(install|prepare)/;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'fbpay-pack-'));
  globalPrefix = join(work, 'global');
  // A copy of the source tree, as a clone after `npm ci` has it (its node_modules linked, no dist/).
  tree = join(work, 'fbpay');
  const skip = /^(node_modules|dist|dist\.tmp-[^/\\]*|dist\.old-[^/\\]*|\.git|coverage)$/;
  cpSync(ROOT, tree, { recursive: true, filter: (src) => !skip.test(relative(ROOT, src).split(sep)[0]) });
  symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'), 'dir');

  const lines = installLines().filter(isLocal);
  expect(lines, 'README Install lines for the local tarball').toEqual(['npm pack', `npm i -g ./${tgz}`, `npx --package ./${tgz} fbpay --help`]);

  // 1. `npm pack`, as written, in the tree.
  const pack = spawnSync('sh', ['-c', lines[0]], { cwd: tree, encoding: 'utf8', env: npmEnv() });
  readmeRuns.push({ line: lines[0], r: pack });
  if (pack.status !== 0) throw new Error(`${lines[0]} failed:\n${output(pack)}`);
  tarball = join(tree, tgz);
  files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));

  // 2. A first, ordinary install into a project: with an empty cache this fetches the dependencies.
  consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', type: 'module', private: true }));
  firstInstall = spawnSync(npm, ['install', '--prefer-offline', tarball], { cwd: consumer, encoding: 'utf8', env: npmEnv() });
  if (firstInstall.status !== 0) throw new Error(`npm install of the tarball failed (is the registry reachable, or the cache warm?):\n${output(firstInstall)}`);

  // 3. The README's install lines, as written, with npm forced offline: the cache now holds all they need.
  //    npm_config_yes answers npx's "Ok to proceed?" (this machine's npm config says `yes=false`).
  for (const line of lines.slice(1)) {
    const r = spawnSync('sh', ['-c', line], { cwd: tree, encoding: 'utf8', env: npmEnv({ npm_config_offline: 'true', npm_config_yes: 'true' }) });
    readmeRuns.push({ line, r });
  }
}, 600_000);

describe('the README Install section, run as written', () => {
  it('lists what needs the package on the npm registry as pending (printed, not run)', () => {
    const pending = installLines().filter((l) => !isLocal(l));
    console.log(`[pack.test] pending until fbpay is published on npm (not run): ${pending.map((l) => JSON.stringify(l)).join(', ')}`);
    expect(pending).toEqual(['npx fbpay --help', 'npm i -g fbpay']);
  });

  it('`npm pack` builds (prepack) and writes the tarball the other lines name', () => {
    expect(readmeRuns[0].r.status, output(readmeRuns[0].r)).toBe(0);
    expect(readmeRuns[0].r.stdout.trim().split('\n').at(-1)).toBe(tgz);
    expect(existsSync(join(tree, 'dist', 'cli.js'))).toBe(true);
  });

  it(`\`npm i -g ./${tgz}\` installs offline and the fbpay command runs`, () => {
    const { r } = readmeRuns.find((x) => x.line.startsWith('npm i -g'))!;
    expect(r.status, output(r)).toBe(0);
    expect(output(r)).not.toMatch(fbpayScriptWarning);
    const bin = join(globalPrefix, 'bin', 'fbpay');
    const v = spawnSync(bin, ['--version'], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    expect(v.status, output(v)).toBe(0);
    expect(v.stdout.trim()).toBe(version);
  });

  it(`\`npx --package ./${tgz} fbpay --help\` runs it offline without installing`, () => {
    const { r } = readmeRuns.find((x) => x.line.startsWith('npx'))!;
    expect(r.status, output(r)).toBe(0);
    expect(r.stdout).toMatch(/Usage: fbpay/);
    expect(output(r)).not.toMatch(fbpayScriptWarning);
  });

  it('the first install (maybe online, with an empty cache) runs no install script of fbpay', () => {
    expect(output(firstInstall)).not.toMatch(fbpayScriptWarning);
    expect(existsSync(join(consumer, 'node_modules', 'fbpay', 'dist', 'cli.js'))).toBe(true);
  });

  it('the warning this checks for is real: a package with a prepare script gets it', () => {
    // Guards the check above against passing vacuously (npm changing its wording).
    const pkg = join(work, 'with-prepare');
    mkdirSync(pkg);
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'with-prepare', version: '1.0.0', scripts: { prepare: 'node -e 0' } }));
    const packed = spawnSync(npm, ['pack', '--ignore-scripts'], { cwd: pkg, encoding: 'utf8', env: npmEnv() });
    expect(packed.status, output(packed)).toBe(0);
    const r = spawnSync(npm, ['i', '-g', './with-prepare-1.0.0.tgz'], { cwd: pkg, encoding: 'utf8', env: npmEnv({ npm_config_offline: 'true' }) });
    expect(r.status, output(r)).toBe(0);
    expect(output(r)).toMatch(/install-scripts[\s\S]*with-prepare@1\.0\.0 \(prepare/);
  });
});

describe('npm pack', () => {
  it('ships the binary, the bundle, types, fixtures, the sample receiver and the LICENSE — no tests, sources or secrets', () => {
    expect(files).toContain('bin/fbpay.js');
    expect(files).toContain('dist/cli.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('LICENSE');
    for (const r of ['facebook-receiver', 'paypal-receiver', 'midas-receiver']) expect(files).toContain(`examples/${r}/server.mjs`);
    expect(files.some((f) => f.startsWith('fixtures/'))).toBe(true);
    for (const f of files) {
      expect(f).not.toMatch(/^(test|src|bench|scripts|\.ci)\//);
      expect(f).not.toMatch(/\.map$/);
      expect(f).not.toMatch(/fbpay\.config\.json$|\.env$|key\.pem$/);
    }
  });

  it('package.json says where the project lives and has no install-time script', () => {
    const pkg = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
    expect(pkg.license).toBe('MIT');
    expect(pkg.repository?.url).toMatch(/^git\+https:\/\//);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs?.url).toMatch(/^https:\/\//);
    expect(pkg.keywords).toEqual(expect.arrayContaining(['facebook', 'paypal', 'midas', 'webhook']));
    for (const s of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts?.[s], s).toBeUndefined();
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  });

  it('the installed binary answers --version and decodes a signed_request', () => {
    const bin = join(consumer, 'node_modules', '.bin', 'fbpay');
    const v = spawnSync(bin, ['--version'], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const sr = signSignedRequest({ user_id: '1', issued_at: 1700000000 }, 'pack-secret');
    const d = spawnSync(bin, ['decode', sr, '--secret', 'pack-secret', '--json'], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    expect(d.status, d.stderr).toBe(0);
    expect(JSON.parse(d.stdout).valid).toBe(true);
  });

  it('the installed binary runs the demo offline (the tarball ships the sample receiver)', () => {
    const bin = join(consumer, 'node_modules', '.bin', 'fbpay');
    const r = spawnSync(bin, ['demo', '--json'], { cwd: work, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: 'true' } });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, passed: 9 });
  }, 150_000);

  it('imports as ESM: fbpay, fbpay/facebook, fbpay/paypal, fbpay/midas', () => {
    const script = `
      const names = ['fbpay', 'fbpay/facebook', 'fbpay/paypal', 'fbpay/midas'];
      const out = {};
      for (const n of names) out[n] = Object.keys(await import(n)).length;
      const fb = await import('fbpay/facebook');
      out.sign = typeof fb.signSignedRequest;
      console.log(JSON.stringify(out));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out['fbpay/facebook']).toBeGreaterThan(0);
    expect(out.sign).toBe('function');
    expect(out.fbpay).toBeGreaterThan(0);
  });

  it('type declarations resolve for a TypeScript consumer (NodeNext)', () => {
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
  }, 120_000);

  it('publint finds no errors in the installed package', () => {
    const pkgDir = join(consumer, 'node_modules', 'fbpay');
    expect(existsSync(join(pkgDir, 'package.json'))).toBe(true);
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/publint/src/cli.js'), pkgDir, '--strict'], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
