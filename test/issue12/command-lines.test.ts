import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';
import { COMMANDS } from '../../src/commands/registry.js';
import { EXPLAIN_ENTRIES } from '../../src/core/explain/lookup.js';
import { describePayload } from '../../src/core/facebook/payload-kind.js';
import { buildPreset, PRESET_NAMES } from '../../src/core/facebook/presets.js';
import { verdict } from '../../src/core/facebook/payment.js';
import { commandLineProblem, commandLinesInSource, fillTemplate } from '../helpers/command-lines.js';

// Issue 12 §3: "every `fbpay …` line that explain, a hint or the demo prints must parse" — each one
// goes through the real commander tree (actions disarmed), split the way a shell splits it.
const SAMPLE = '1621702554627001';
/** Commands inside printed text: `fbpay …` in backticks, or a bare `fbpay …` run up to an em dash or "(". */
function commandsIn(text: string): string[] {
  const ticked = [...text.matchAll(/`(fbpay [^`]+)`/g)].map((m) => m[1]);
  const bare = [...text.replace(/`[^`]*`/g, '').matchAll(/(fbpay [a-z][^—(\n]*?)(?=\s+—|\s+\(|[;.]\s|$)/g)].map((m) => m[1].trim());
  return [...ticked, ...bare].filter((l) => Object.hasOwn(COMMANDS, l.split(/\s+/)[1] ?? ''));
}

async function problems(lines: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const l of lines) {
    const p = await commandLineProblem(l);
    if (p) out.push(p);
  }
  return out;
}

describe('every fbpay command line fbpay prints parses', () => {
  it('the checker itself refuses what a shell or commander would', async () => {
    expect(await commandLineProblem('fbpay midas verify --path /cb --query a=1 --callback')).toMatch(/unknown option '--callback'/);
    expect(await commandLineProblem('fbpay consume <purchase_token> --access-token x')).toMatch(/placeholder/);
    expect(await commandLineProblem('fbpay payment dispute 1 --reason …')).toMatch(/fill in/);
    expect(await commandLineProblem('fbpay decode "$SR" --max-age 1h --json')).toBeUndefined();
    expect(await commandLineProblem('fbpay paypal verify')).toBeUndefined(); // a pointer to a command, in prose
  });

  it('explain: every entry of the table (explain midas:4 included)', async () => {
    const lines = EXPLAIN_ENTRIES.flatMap((e) => commandsIn(`${e.meaning} ${e.cause} ${e.fix}`));
    expect(lines.length).toBeGreaterThan(5);
    expect(await problems(lines)).toEqual([]);
    const midas = await runCli(['explain', 'midas:4']);
    expect(midas.stdout).not.toMatch(/--callback/);
    expect(commandsIn(midas.stdout).some((l) => l.startsWith('fbpay midas verify --path'))).toBe(true);
  });

  it('decode next steps and payment verdicts', async () => {
    const lines = [
      ...PRESET_NAMES.flatMap((n) => describePayload(buildPreset(n, { now: 1_700_000_000 })).next.flatMap(commandsIn)),
      ...commandsIn(verdict({ id: SAMPLE, actions: [{ type: 'charge', status: 'completed' }], disputes: [{ status: 'pending' }] }, { followUpOptions: '--graph-url http://127.0.0.1:4000' }).reason),
    ];
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(await problems(lines)).toEqual([]);
  });

  it('every hint, message and help example in the source (template values filled in)', async () => {
    const found = commandLinesInSource(join(ROOT, 'src'))
      // The JUnit suite name of `webhook check` ("fbpay webhook check facebook") names a run; it is not a command line.
      .filter((x) => !x.file.endsWith('check/report.ts'))
      .filter((x) => Object.hasOwn(COMMANDS, fillTemplate(x.line, SAMPLE).split(/\s+/)[1] ?? ''));
    expect(found.length).toBeGreaterThan(80);
    const bad: string[] = [];
    for (const { file, line } of found) {
      const p = await commandLineProblem(fillTemplate(line, SAMPLE));
      if (p) bad.push(`${file.slice(ROOT.length)}: ${p}`);
    }
    expect(bad).toEqual([]);
  }, 120_000);

  it('the demo: every command it shows', async () => {
    const r = await runCli(['demo'], { env: { FB_APP_SECRET: undefined } });
    expect(r.code, r.stderr).toBe(0);
    const cmds = [...r.stdout.matchAll(/^\s*\$ (fbpay .*)$/gm)].map((m) => m[1]);
    expect(cmds.length).toBeGreaterThan(8);
    expect(await problems([...cmds, ...commandsIn(r.stdout)])).toEqual([]);
    expect(r.stdout).not.toMatch(/"\*" are %XX-encoded/);
    expect(r.stdout).toMatch(/"\*" is kept/);
  }, 120_000);
});
