// Bundles the CLI and the library entries with esbuild (code-split, so each command's heavy
// dependencies load only when that command runs), then emits type declarations with tsc.
// `--no-types` skips the declarations (fast rebuilds while developing).
// The bundle is written beside dist/ and swapped in, so a test running the binary never sees half a build.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync, renameSync, existsSync, cpSync } from 'node:fs';

const types = !process.argv.includes('--no-types');
const tmp = `dist.tmp-${process.pid}`;
rmSync(tmp, { recursive: true, force: true });
await build({
  entryPoints: {
    cli: 'src/cli.ts',
    index: 'src/index.ts',
    facebook: 'src/facebook.ts',
    paypal: 'src/paypal.ts',
    midas: 'src/midas.ts',
  },
  outdir: tmp,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  // Loaded lazily by the few commands that need them; left as real dependencies.
  external: ['undici', 'ora', '@inquirer/prompts'],
  banner: { js: 'import { createRequire as __fbpayCreateRequire } from "node:module"; const require = __fbpayCreateRequire(import.meta.url);' },
  logLevel: 'warning',
});
// The fast lane for `fbpay decode` (see src/fast-decode.ts): one file, no shared chunks.
await build({
  entryPoints: { 'fast-decode': 'src/fast-decode.ts' },
  outdir: tmp,
  bundle: true,
  splitting: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['undici', 'ora', '@inquirer/prompts', 'chalk', 'commander', 'zod'],
  logLevel: 'warning',
});
if (types) {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', `${tmp}/types`], { stdio: 'inherit' });
  cpSync(`${tmp}/types`, tmp, { recursive: true });
  rmSync(`${tmp}/types`, { recursive: true, force: true });
} else if (existsSync('dist')) {
  // keep declarations from the last full build
  for (const f of ['index.d.ts', 'facebook.d.ts', 'paypal.d.ts', 'midas.d.ts']) if (existsSync(`dist/${f}`)) cpSync(`dist/${f}`, `${tmp}/${f}`);
}
const old = `dist.old-${process.pid}`;
if (existsSync('dist')) renameSync('dist', old);
renameSync(tmp, 'dist');
rmSync(old, { recursive: true, force: true });
