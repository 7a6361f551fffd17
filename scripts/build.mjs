// Bundles the CLI and the library entries with esbuild (code-split, so each command's heavy
// dependencies load only when that command runs), then emits type declarations with tsc.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: {
    cli: 'src/cli.ts',
    index: 'src/index.ts',
    facebook: 'src/facebook.ts',
    paypal: 'src/paypal.ts',
    midas: 'src/midas.ts',
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  // Loaded lazily by the few commands that need them; left as real dependencies.
  external: ['undici', 'ora', '@inquirer/prompts', 'esbuild'],
  banner: { js: 'import { createRequire as __fbpayCreateRequire } from "node:module"; const require = __fbpayCreateRequire(import.meta.url);' },
  logLevel: 'warning',
});
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
