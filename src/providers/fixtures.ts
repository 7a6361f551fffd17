import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../core/errors.js';
import { fixtureSchemaFor, type EventFixture, type Fixture, type RenderedFixture } from '../core/fixtures/schema.js';
import { validate } from '../core/validate.js';
import { renderFixture, renderScenario, type RenderOptions } from '../core/fixtures/render.js';

/** The shipped `fixtures/` folder, found by walking up from this module (works from src/ and from dist/). */
export function builtinFixturesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'fixtures'))) return join(dir, 'fixtures');
    dir = dirname(dir);
  }
  throw new UsageError('fixtures_missing', 'cannot find the built-in fixtures folder', { hint: 'reinstall fbpay' });
}

/** Parses and validates one fixture file's text. */
export function parseFixture(text: string, source: string): Fixture {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError('bad_fixture', `${source} is not valid JSON: ${(e as Error).message}`, { hint: 'a fixture is a JSON file; see `fbpay fixtures show fb-payment-charge --json`' });
  }
  const r = validate(fixtureSchemaFor(raw), raw);
  if (!r.ok) throw new UsageError('bad_fixture', `${source}: ${r.path || '(root)'}: ${r.message}`, { hint: 'compare with a built-in fixture: fbpay fixtures show fb-payment-charge' });
  return r.data;
}

function readFixtureFile(path: string): Fixture {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError('fixture_unreadable', `cannot read fixture ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseFixture(text, path);
}

/** A set of fixtures by name: the built-ins plus any user files or folders. */
export class FixtureLibrary {
  private readonly byName = new Map<string, { fixture: Fixture; path: string }>();

  constructor(dirs: string[] = [builtinFixturesDir()]) {
    for (const d of dirs) this.addPath(d);
  }

  /** Adds a fixture file or every *.json in a folder (recursively). Later additions win. */
  addPath(path: string): Fixture[] {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) throw new UsageError('fixture_not_found', `no fixture file or folder at ${path}`, { hint: 'run `fbpay fixtures list` for the built-in names' });
    if (st.isDirectory()) {
      const added: Fixture[] = [];
      for (const entry of readdirSync(path).sort()) {
        const p = join(path, entry);
        if (statSync(p).isDirectory() || entry.endsWith('.json')) added.push(...this.addPath(p));
      }
      return added;
    }
    const fx = readFixtureFile(path);
    this.byName.set(fx.name, { fixture: fx, path });
    return [fx];
  }

  list(): Array<{ fixture: Fixture; path: string }> {
    return [...this.byName.values()].sort((a, b) => a.fixture.name.localeCompare(b.fixture.name));
  }

  get(name: string): Fixture {
    const hit = this.byName.get(name);
    if (hit) return hit.fixture;
    const near = [...this.byName.keys()].filter((n) => n.includes(name) || name.includes(n.replace(/^(fb|paypal|midas)-/, '')));
    throw new UsageError('unknown_fixture', `no fixture named "${name}"`, {
      hint: near.length ? `did you mean ${near.slice(0, 3).join(', ')}?` : 'run `fbpay fixtures list`',
    });
  }

  event(name: string): EventFixture {
    const fx = this.get(name);
    if (fx.kind === 'scenario') throw new UsageError('fixture_is_scenario', `${name} is a scenario, not a single event`);
    return fx as EventFixture;
  }

  /**
   * Resolves a name, a fixture file path or a folder to the deliveries it stands for, rendered:
   * an event gives one, a scenario gives its steps in order.
   */
  render(nameOrPath: string, opts: RenderOptions = {}): RenderedFixture[] {
    let fx: Fixture;
    if (this.byName.has(nameOrPath)) fx = this.get(nameOrPath);
    else if (existsSync(nameOrPath)) {
      const added = this.addPath(resolve(nameOrPath));
      if (added.length !== 1) return added.flatMap((f) => this.renderFixture(f, opts));
      fx = added[0];
    } else fx = this.get(basename(nameOrPath));
    return this.renderFixture(fx, opts);
  }

  private renderFixture(fx: Fixture, opts: RenderOptions): RenderedFixture[] {
    if (fx.kind === 'scenario') return renderScenario(fx as Extract<Fixture, { kind: 'scenario' }>, (n) => this.event(n), opts);
    return [renderFixture(fx as EventFixture, opts)];
  }
}
