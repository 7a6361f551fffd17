import { spawnSync } from 'node:child_process';

/**
 * Optional tools the interoperability tests run (php, zsh, fish, xmllint, openssl, an XML parser).
 * On a developer machine a test whose tool is missing is skipped and says so on stderr; with CI=true it
 * is never skipped: it runs and fails loudly (.ci/run installs every one of them).
 */
export const IN_CI = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';

/** True when `bin args…` runs and exits 0. */
export function toolRuns(bin: string, args: string[] = ['--version']): boolean {
  return spawnSync(bin, args, { encoding: 'utf8' }).status === 0;
}

/** Whether to skip a test that needs `name`: never in CI (the test then fails), visibly elsewhere. */
export function skipWithout(name: string, present: boolean, install: string, inCi = IN_CI): boolean {
  if (present) return false;
  if (inCi) {
    console.error(`[fbpay tests] ${name} not found with CI=true: the tests that need it run and FAIL (${install})`);
    return false;
  }
  console.warn(`[fbpay tests] ${name} not found: the tests that need it are SKIPPED (${install}); with CI=true they fail`);
  return true;
}

/** Fails with the install hint when `present` is false (call it first in a test that needs the tool). */
export function requireTool(name: string, present: boolean, install: string): void {
  if (!present) throw new Error(`${name} is required here and is not installed (${install})`);
}
