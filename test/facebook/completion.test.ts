import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { skipWithout, toolRuns } from '../helpers/tools.js';
import { COMMANDS } from '../../src/commands/registry.js';

const has = (bin: string) => toolRuns(bin);
const NO_ZSH = skipWithout('zsh', has('zsh'), 'apt-get install zsh');
const NO_FISH = skipWithout('fish', has('fish'), 'apt-get install fish');
const dir = mkdtempSync(join(tmpdir(), 'fbpay-completion-'));

async function script(shell: string): Promise<string> {
  const r = await runCli(['completion', shell]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe('fbpay completion', () => {
  for (const shell of ['bash', 'zsh', 'fish']) {
    it(`${shell}: generated from the command tree (every top-level command, sub-commands, options, choices)`, async () => {
      const s = await script(shell);
      for (const name of Object.keys(COMMANDS)) expect(s, name).toContain(name);
      for (const word of ['--max-age', '--no-verify', 'lite-purchase', 'credits-status-update', '--json']) expect(s, word).toContain(shell === 'fish' ? word.replace(/^--/, '-l ') : word);
    });
  }

  it('an unknown shell is exit 2 naming the choices', async () => {
    const r = await runCli(['completion', 'powershell']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bash, zsh, fish/);
  });

  it('--json wraps the script', async () => {
    const r = await runCli(['completion', 'bash', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ shell: 'bash', script: expect.stringContaining('complete -o default -F _fbpay fbpay') });
  });

  it('bash: completes commands, sub-commands, options and option values', async () => {
    const file = join(dir, 'fbpay.bash');
    writeFileSync(file, await script('bash'));
    const complete = (words: string[]) => {
      const arr = words.map((w) => `'${w}'`).join(' ');
      const r = spawnSync('bash', ['-c', `source '${file}'; COMP_WORDS=(${arr}); COMP_CWORD=${words.length - 1}; _fbpay; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.split('\n').filter(Boolean).sort();
    };
    expect(complete(['fbpay', 'de'])).toEqual(['decode', 'demo']);
    expect(complete(['fbpay', 'decode', '--no-'])).toEqual(expect.arrayContaining(['--no-verify', '--no-color']));
    expect(complete(['fbpay', 'sign', '--preset', 'l'])).toEqual(['lite-purchase', 'login']);
    expect(complete(['fbpay', 'completion', ''])).toEqual(['bash', 'fish', 'zsh']);
    expect(complete(['fbpay', '--config', 'x.json', 'decode', '--max'])).toEqual(['--max-age']);
    const webhookSubs = complete(['fbpay', 'webhook', '']);
    expect(webhookSubs.length).toBeGreaterThan(1);
    expect(webhookSubs).toEqual(expect.arrayContaining(['replay']));
    // A value slot with no fixed choices: nothing offered (bash falls back to file names).
    expect(complete(['fbpay', 'decode', '--secret', ''])).toEqual([]);
  });

  it('bash: completes built-in fixture names (fixtures show, webhook replay, mock graph --seed) and presets', async () => {
    const file = join(dir, 'fbpay-fixtures.bash');
    writeFileSync(file, await script('bash'));
    const complete = (words: string[]) => {
      const arr = words.map((w) => `'${w}'`).join(' ');
      const r = spawnSync('bash', ['-c', `source '${file}'; COMP_WORDS=(${arr}); COMP_CWORD=${words.length - 1}; _fbpay; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.split('\n').filter(Boolean).sort();
    };
    expect(complete(['fbpay', 'fixtures', 'show', 'fb-payment-ch'])).toEqual(['fb-payment-charge', 'fb-payment-chargeback', 'fb-payment-chargeback-reversal']);
    expect(complete(['fbpay', 'webhook', 'replay', 'paypal-subscription-l'])).toEqual(['paypal-subscription-lifecycle']);
    expect(complete(['fbpay', 'webhook', 'replay', 'midas-delivery-providetype-', '--to', 'x', 'midas-delivery-p'])).toEqual(['midas-delivery-providetype-1', 'midas-delivery-providetype-2']);
    expect(complete(['fbpay', 'mock', 'graph', '--seed', 'fb-dispute'])).toEqual(['fb-dispute-lifecycle']);
    expect(complete(['fbpay', 'sign', '--preset', 'c'])).toEqual(['credits-get-items', 'credits-status-update']);
    // Every built-in fixture is offered, and nowhere else (decode takes a signed_request, not a fixture).
    const { FixtureLibrary } = await import('../../src/providers/fixtures.js');
    const all = new FixtureLibrary().list().map((f) => f.fixture.name).sort();
    expect(complete(['fbpay', 'fixtures', 'show', ''])).toEqual(all);
    expect(complete(['fbpay', 'decode', 'fb-'])).toEqual([]);
  });

  it.skipIf(NO_ZSH)('zsh: the script parses and its tables answer', async () => {
    const file = join(dir, '_fbpay');
    writeFileSync(file, await script('zsh'));
    expect(spawnSync('zsh', ['-n', file], { encoding: 'utf8' }).status).toBe(0);
    const r = spawnSync('zsh', ['-fc', `autoload -U compinit; compinit -u -D; source '${file}'; __fbpay_subs webhook; __fbpay_values sign --preset; __fbpay_takes_value decode --secret && echo takes; __fbpay_takes_value decode --batch || echo flag; __fbpay_args 'fixtures show'; __fbpay_values 'mock graph' --seed | sed 's/^/seed:/'`], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^fb-payment-refund$/m);
    expect(r.stdout).toMatch(/^seed:fb-dispute-lifecycle$/m);
    expect(r.stdout).toMatch(/^replay:/m);
    expect(r.stdout).toMatch(/^credits-get-items$/m);
    expect(r.stdout).toMatch(/^takes$/m);
    expect(r.stdout).toMatch(/^flag$/m);
  });

  it.skipIf(NO_FISH)('fish: completes commands, sub-commands, options and option values', async () => {
    const file = join(dir, 'fbpay.fish');
    writeFileSync(file, await script('fish'));
    expect(spawnSync('fish', ['--no-execute', file], { encoding: 'utf8' }).status).toBe(0);
    const complete = (line: string) => {
      const r = spawnSync('fish', ['-c', `source '${file}'; complete -C '${line}'`], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]).sort();
    };
    expect(complete('fbpay de')).toEqual(['decode', 'demo']);
    expect(complete('fbpay sign --preset l')).toEqual(['lite-purchase', 'login']);
    expect(complete('fbpay webhook re')).toEqual(['replay']);
    expect(complete('fbpay decode --no-')).toEqual(['--no-color', '--no-verify']);
    expect(complete('fbpay completion ')).toEqual(['bash', 'fish', 'zsh']);
    expect(complete('fbpay fixtures show fb-payment-ref')).toEqual(['fb-payment-refund']);
    expect(complete('fbpay mock graph --seed fb-dispute')).toEqual(['fb-dispute-lifecycle']);
    expect(complete('fbpay webhook replay paypal-subscription-l')).toEqual(['paypal-subscription-lifecycle']);
    expect(complete('fbpay sign --preset credits-')).toEqual(['credits-get-items', 'credits-status-update']);
  });
});
