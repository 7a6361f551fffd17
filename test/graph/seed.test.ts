/**
 * Issue 13 §4: `mock graph --seed` takes built-in fixture names and the built-in folder as the README
 * writes it (`--seed fixtures/facebook`), from any directory — not only inside a clone — and prints the
 * ids it seeded, which then answer on GET /{payment-id}.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, startBin } from '../helpers/cli.js';
import { seedPayments } from '../../src/providers/graph/emulator/seed-fixtures.js';

const APP = '1000000000000001|fbpay-emulator-secret';
const outside = mkdtempSync(join(tmpdir(), 'fbpay-seed-')); // not a clone: no fixtures/ here
const running: Array<ReturnType<typeof startBin>> = [];
afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null) await p.stop('SIGINT');
});

async function start(args: string[], cwd = outside) {
  const p = startBin(['--json', 'mock', 'graph', '--port', '0', ...args], { cwd });
  running.push(p);
  const [line] = await p.waitFor(/^\{"type":"listening".*\}$/m);
  return { p, doc: JSON.parse(line) as { url: string; payments: number; seeded: Array<{ id: string; fixture: string }> } };
}

async function payment(url: string, id: string) {
  const r = await fetch(`${url}/v21.0/${id}?fields=id,actions`, { headers: { authorization: `OAuth ${APP}` } });
  return { status: r.status, body: (await r.json()) as { id: string; actions: Array<{ type: string }> } };
}

describe('mock graph --seed', () => {
  it('--seed fixtures/facebook works outside a clone: every payment fixture, ids listed and served', async () => {
    const { p, doc } = await start(['--seed', 'fixtures/facebook']);
    const names = doc.seeded.map((s) => s.fixture).sort();
    expect(names).toEqual(['fb-payment-charge', 'fb-payment-chargeback', 'fb-payment-chargeback-reversal', 'fb-payment-decline', 'fb-payment-dispute', 'fb-payment-refund']);
    expect(doc.payments).toBe(6);
    for (const s of doc.seeded) {
      expect(s.id).toMatch(/^\d{15,17}$/);
      const r = await payment(doc.url, s.id);
      expect(r.status).toBe(200);
      expect(r.body.id).toBe(s.id);
    }
    const refund = doc.seeded.find((s) => s.fixture === 'fb-payment-refund')!;
    expect((await payment(doc.url, refund.id)).body.actions.map((a) => a.type)).toContain('refund');
    expect(await p.stop('SIGINT')).toBe(130);
  });

  it('built-in names (repeatable): an event, and a scenario whose steps leave one payment in its last state', async () => {
    const { p, doc } = await start(['--seed', 'fb-payment-chargeback', '--seed', 'fb-dispute-lifecycle']);
    expect(doc.seeded).toHaveLength(2);
    expect(doc.seeded[0].fixture).toBe('fb-payment-chargeback');
    expect(doc.seeded[1].fixture).toMatch(/^fb-dispute-lifecycle#4/);
    const life = await payment(doc.url, doc.seeded[1].id);
    expect(life.body.actions.map((a) => a.type)).toEqual(expect.arrayContaining(['charge', 'chargeback', 'chargeback_reversal']));
    expect(await p.stop('SIGINT')).toBe(130);
  });

  it('human output: one "seeded payment <id>  (<fixture>)" line per id on stdout', async () => {
    const p = startBin(['mock', 'graph', '--port', '0', '--seed', 'fb-payment-refund'], { cwd: outside });
    running.push(p);
    const [, id] = await p.waitFor(/^seeded payment (\d+) {2}\(fb-payment-refund\)$/m);
    await p.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    expect(await p.stop('SIGINT')).toBe(130);
    expect(p.stdout).toContain(`seeded payment ${id}`);
    expect(p.stderr).toMatch(/1 seeded payment\(s\)/);
  });

  it('a folder of your own (relative to the working directory) wins over the built-in one', async () => {
    const own = mkdtempSync(join(tmpdir(), 'fbpay-seed-own-'));
    const dir = join(own, 'fixtures', 'facebook');
    mkdirSync(dir, { recursive: true });
    const fx = JSON.parse(readFileSync(join(ROOT, 'fixtures/facebook/fb-payment-decline.json'), 'utf8'));
    writeFileSync(join(dir, 'mine.json'), JSON.stringify({ ...fx, name: 'my-decline' }));
    expect(seedPayments('fixtures/facebook', { cwd: own }).map((s) => s.fixture)).toEqual(['my-decline']);
    expect(seedPayments(join(dir, 'mine.json'), { cwd: outside }).map((s) => s.fixture)).toEqual(['my-decline']);
  });

  it('unknown names and fixtures without a payment: exit 2 with a hint, nothing listening', async () => {
    const typo = await runCli(['mock', 'graph', '--port', '0', '--seed', 'fb-payment-chrage'], { cwd: outside });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/--seed fb-payment-chrage: no such file or folder, and no fixture named "fb-payment-chrage"/);
    expect(typo.stderr).toMatch(/fixtures\/facebook/);
    expect(typo.stdout).not.toMatch(/listening/);
    const none = await runCli(['mock', 'graph', '--port', '0', '--seed', 'fb-lite-purchase'], { cwd: outside });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/holds no Graph payment object/);
    expect(none.stderr).toMatch(/fb-payment-refund/);
    for (const r of [typo, none]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
