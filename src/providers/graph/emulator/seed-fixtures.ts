import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { UsageError } from '../../../core/errors.js';
import { builtinFixturesDir, FixtureLibrary } from '../../fixtures.js';

/** One payment object a `--seed` value stands for, and the fixture (or scenario step) it came from. */
export interface SeedPayment {
  fixture: string;
  payment: unknown;
}

/**
 * Resolves a `mock graph --seed` value to the payment objects it stands for, in order:
 * - a file or folder that exists (relative to `cwd`): every event fixture in it with a `payment`;
 * - the built-in folder as the README names it — `fixtures`, `fixtures/facebook`, `fixtures/facebook/x.json` —
 *   which works from any directory, not only a clone (an existing path of that name wins);
 * - a built-in fixture name (`fb-payment-refund`) or scenario (`fb-dispute-lifecycle`: its steps in order).
 * Scenarios found in a folder are skipped: their steps repeat the events beside them.
 */
export function seedPayments(value: string, opts: { cwd: string; now?: () => number }): SeedPayment[] {
  const render = { now: opts.now };
  const lib = new FixtureLibrary();
  const fromPath = (path: string): SeedPayment[] => {
    const out: SeedPayment[] = [];
    const own = new FixtureLibrary([]);
    for (const fx of own.addPath(path)) {
      if (fx.kind === 'scenario') continue;
      for (const r of own.render(fx.name, render)) if (r.payment !== undefined) out.push({ fixture: r.name, payment: r.payment });
    }
    return out;
  };
  const asPath = isAbsolute(value) ? value : resolve(opts.cwd, value);
  if (existsSync(asPath)) return fromPath(asPath);
  const builtin = builtinPath(value);
  if (builtin) return fromPath(builtin);
  try {
    lib.get(value);
  } catch (e) {
    // Same message and "did you mean" as every other fixture lookup, plus what --seed also accepts.
    const err = e as UsageError;
    throw new UsageError('fixture_not_found', `--seed ${value}: no such file or folder, and ${err.message}`, {
      hint: `${err.hint ?? 'run `fbpay fixtures list`'}; --seed also takes a fixture file or folder, e.g. fixtures/facebook`,
    });
  }
  const seeds = lib.render(value, render).flatMap((r) => (r.payment === undefined ? [] : [{ fixture: r.step ?? r.name, payment: r.payment }]));
  if (seeds.length === 0) {
    const withPayment = lib.list().filter((f) => f.fixture.kind !== 'scenario' && lib.render(f.fixture.name, render).some((r) => r.payment !== undefined));
    throw new UsageError('nothing_to_seed', `--seed ${value}: that fixture holds no Graph payment object`, {
      hint: `fixtures with one: ${withPayment.map((f) => f.fixture.name).join(', ')} (or --seed fixtures/facebook for all)`,
    });
  }
  return seeds;
}

/** `fixtures/…` (as in a clone) mapped onto the installed package's built-in folder, when it exists there. */
function builtinPath(value: string): string | undefined {
  const rel = normalize(value).split(sep).filter((p) => p !== '.' && p !== '');
  if (rel[0] !== 'fixtures' || rel.includes('..')) return undefined;
  const path = join(dirname(builtinFixturesDir()), ...rel);
  return existsSync(path) ? path : undefined;
}
