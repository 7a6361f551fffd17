import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli.js';
import { ROOT } from '../helpers/cli.js';
import { admin, APP_ID, APP_SECRET, startEmu } from './helpers.js';
import type { GraphEmulator } from '../../src/providers/graph/emulator/server.js';

let emu: GraphEmulator;
beforeAll(async () => {
  emu = await startEmu();
});
afterAll(() => emu.close());

/** A stderr that looks like a terminal to ora and inquirer. */
function fakeTtyStream() {
  const tty = { isTTY: true, columns: 80, rows: 24, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, getColorDepth: () => 1, hasColors: () => false };
  const stream = Object.assign(new PassThrough(), tty);
  // Like process.stderr: inquirer ends its output when the prompt closes, yet the process keeps writing.
  stream.end = (() => stream) as never;
  return stream;
}

/** Runs main() as if on a terminal, typing `answer` when the question appears. */
async function runOnTty(argv: string[], answer: string) {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin }) as unknown as NodeJS.ReadStream & PassThrough;
  let stderr = '';
  let stdout = '';
  let answered = false;
  const io = {
    stdout: { write: (s: string) => ((stdout += s), true), isTTY: true },
    stderr: fakeTtyStream(),
    stdin,
    env: { TERM: 'dumb' },
    cwd: ROOT,
  };
  io.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (!answered && /\(y\/N\)/.test(stderr)) {
      answered = true;
      setTimeout(() => stdin.write(answer), 50);
      setTimeout(() => stdin.write('\r'), 100);
    }
  });
  const code = await main(argv, { io: io as never });
  return { code, stdout, stderr };
}

describe('destructive commands on a terminal', () => {
  it('refund asks; "n" sends nothing (exit 1: not a usage error); "y" refunds', async () => {
    const id = (await admin(emu.url, '/_fbpay/payments', { fixture: 'fb-payment-charge' })).json.id;
    const args = ['payment', 'refund', id, '--amount', '0.99', '--currency', 'USD', '--graph-url', emu.url, '--app-id', APP_ID, '--secret', APP_SECRET];
    const no = await runOnTty(args, 'n');
    expect(no.stderr).toMatch(/Refund 0.99 USD on payment/);
    expect(no.code).toBe(1);
    expect(no.stderr).toMatch(/not confirmed: nothing was sent/);
    expect((emu.state.payments.get(id)!.actions as unknown[]).length).toBe(1);
    const yes = await runOnTty(args, 'y');
    expect(yes.code, yes.stderr.slice(-400)).toBe(0);
    expect((emu.state.payments.get(id)!.actions as unknown[]).length).toBe(2);
  });
});
