import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { runCli } from '../helpers/cli.js';
import { admin, APP_ID, APP_SECRET, startEmu } from '../graph/helpers.js';
import type { GraphEmulator } from '../../src/providers/graph/emulator/server.js';
import { GraphClient } from '../../src/providers/graph/client.js';
import { getPayment } from '../../src/providers/graph/api.js';
import { commandLineProblem } from '../helpers/command-lines.js';

// Issue 12 §3: payment verdicts and the hints around Graph calls say what is true.
let emu: GraphEmulator;
beforeAll(async () => {
  emu = await startEmu();
});
afterAll(() => emu.close());
const APP = () => ['--graph-url', emu.url, '--app-id', APP_ID, '--secret', APP_SECRET];

describe('payment get after a partial refund', () => {
  it('gets its own verdict: what was refunded, what is left, the user decides (human and --json)', async () => {
    const id = (await admin(emu.url, '/_fbpay/payments', { fixture: 'fb-payment-charge' })).json.id;
    expect((await runCli(['payment', 'refund', id, '--amount', '0.70', '--currency', 'USD', '--yes', ...APP()])).code).toBe(0);
    const j = JSON.parse((await runCli(['--json', 'payment', 'get', id, ...APP()])).stdout);
    expect(j.verdict).toMatchObject({ action: 'partial_refund', refunded: { amount: '0.70', of: '0.99', remaining: '0.29', currency: 'USD' } });
    expect(j.verdict.reason).not.toMatch(/take the items back/);
    const h = await runCli(['payment', 'get', id, ...APP()]);
    expect(h.stdout).toMatch(/verdict: partial_refund — .*0\.70 of 0\.99 USD refunded, 0\.29 USD still paid — decide what to take back/);
  });
});

describe('follow-up commands keep --graph-url', () => {
  it('the dispute reminder and the refund follow-up name the same Graph, and parse', async () => {
    const id = (await admin(emu.url, '/_fbpay/payments', { fixture: 'fb-payment-dispute' })).json.id;
    const reason = JSON.parse((await runCli(['--json', 'payment', 'get', id, ...APP()])).stdout).verdict.reason as string;
    const cmd = /`(fbpay payment dispute [^`]+)`/.exec(reason)![1];
    expect(cmd).toContain(`--graph-url ${emu.url}`);
    expect(await commandLineProblem(cmd)).toBeUndefined();
    const refund = await runCli(['payment', 'refund', (await admin(emu.url, '/_fbpay/payments', { fixture: 'fb-payment-charge' })).json.id, '--amount', '0.10', '--currency', 'USD', '--yes', ...APP()]);
    expect(refund.stderr).toMatch(new RegExp(`\`fbpay payment get \\d+ --graph-url ${emu.url.replace(/[.:/]/g, '\\$&')}\``));
    expect(refund.stderr).not.toMatch(/now says revoke/);
  });
});

describe('hints match their error', () => {
  it('payment get of an unknown id talks about the id and the token, not refund amounts', async () => {
    const r = await runCli(['payment', 'get', '999', ...APP()]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/hint: no payment with that id is visible to this token/);
    expect(r.stderr).not.toMatch(/refundable|amount/);
  });
  it('--verbose prints the request and Graph\'s answer (without the token or the secret)', async () => {
    const r = await runCli(['payment', 'get', '999', '-v', ...APP()]);
    expect(r.stderr).toMatch(new RegExp(`→ GET ${emu.url.replace(/[.:/]/g, '\\$&')}/v21\\.0/999\\?fields=`));
    expect(r.stderr).toMatch(/← HTTP 400 \(\d+ ms\) \{"error"/);
    expect(r.stderr).not.toContain(APP_SECRET);
  });
  it('a DNS failure for graph.facebook.com says the network is unreachable and points at --graph-url and the emulator', async () => {
    const offline = new Agent({
      connect: (_opts, cb) => cb(Object.assign(new Error('getaddrinfo EAI_AGAIN graph.facebook.com'), { code: 'EAI_AGAIN' }), null),
    });
    const client = new GraphClient({ accessToken: `${APP_ID}|${APP_SECRET}`, dispatcher: offline, retries: 0 });
    const e = await getPayment(client, '999').catch((x) => x);
    expect(e.exitCode).toBe(3);
    expect(e.message).toMatch(/cannot resolve graph\.facebook\.com: the network is unreachable/);
    expect(e.hint).toMatch(/fbpay mock graph --port 4000.*--graph-url http:\/\/127\.0\.0\.1:4000/);
    await offline.close();
  });
});
