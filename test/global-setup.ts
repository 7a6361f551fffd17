import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * End-to-end tests run the built binary (bin/fbpay.js → dist/). `npm test` builds first; a direct
 * `npx vitest run …` on a fresh clone builds here once. No test rebuilds dist/ while others run.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  if (!existsSync(root + 'dist/cli.js') || !existsSync(root + 'dist/fast-decode.js')) {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  }
}
