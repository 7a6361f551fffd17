import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { parseRetrySchedule } from '../../src/providers/emulator/dispatcher.js';
import { startEmulator, type EmulatorProvider, type RunningEmulator } from '../../src/providers/emulator/server.js';
import { triggerParams } from '../../src/commands/trigger.js';
import { runCli } from '../helpers/cli.js';

/**
 * The skeleton every emulator shares, driven by a stand-in provider: its own routes, 413, the
 * provider's error envelope, webhook retries on a schedule with every attempt recorded, and
 * `fbpay trigger` end to end over real HTTP.
 */

/** A receiver on 127.0.0.1 that answers each request with the next status in `plan` (then 200). */
async function receiver(plan: number[]): Promise<{ url: string; hits: Array<{ method: string; body: string; headers: Record<string, unknown> }>; close(): Promise<void> }> {
  const hits: Array<{ method: string; body: string; headers: Record<string, unknown> }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ method: req.method ?? '', body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      const status = plan[hits.length - 1] ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    hits,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function standIn(target: () => string): EmulatorProvider & { changes: number } {
  return {
    provider: 'paypal',
    changes: 0,
    defaultRetrySchedule: [20, 20],
    triggerEvents: ['paypal-sale-refund', 'paypal-dispute'],
    info: () => ({ client_id: 'stand-in' }),
    error: (status, message) => ({ status, body: { name: 'STAND_IN_ERROR', message } }),
    async handle(req) {
      if (req.path === '/echo' && req.method === 'POST') return { status: 200, body: req.body };
      return undefined;
    },
    async trigger(event, params, host) {
      if (!params.sale) throw new UsageError('missing_param', `${event} needs sale=<id>`, { hint: 'sale=<id>' });
      this.changes++;
      const body = Buffer.from(JSON.stringify({ event_type: 'PAYMENT.SALE.REFUNDED', sale: params.sale }));
      const { done } = host.webhooks.send({ event_type: 'PAYMENT.SALE.REFUNDED', url: target(), headers: { 'content-type': 'application/json' }, body });
      return { ids: { sale: params.sale }, deliveries: [done] };
    },
  };
}

describe('emulator skeleton', () => {
  let emu: RunningEmulator;
  let rcv: Awaited<ReturnType<typeof receiver>>;
  let provider: ReturnType<typeof standIn>;

  beforeAll(async () => {
    rcv = await receiver([500, 503]);
    provider = standIn(() => rcv.url);
    emu = await startEmulator(provider, { retrySchedule: [...provider.defaultRetrySchedule], maxBodyBytes: 1024 });
  });
  afterAll(async () => {
    await emu.close();
    await rcv.close();
  });

  it('serves /_fbpay/info with the provider, version and trigger events', async () => {
    const info = (await (await fetch(`${emu.url}/_fbpay/info`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ provider: 'paypal', url: emu.url, client_id: 'stand-in', trigger_events: ['paypal-sale-refund', 'paypal-dispute'] });
    expect(typeof info.version).toBe('string');
  });

  it('passes the raw body bytes to the provider, and answers unknown routes with the provider envelope', async () => {
    const bytes = '{"b": 1,  "a":"é"}\n';
    expect(await (await fetch(`${emu.url}/echo`, { method: 'POST', body: bytes })).text()).toBe(bytes);
    const res = await fetch(`${emu.url}/nowhere`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ name: 'STAND_IN_ERROR', message: 'no route for GET /nowhere' });
  });

  it('refuses a body over the limit with 413 in the provider envelope', async () => {
    const res = await fetch(`${emu.url}/echo`, { method: 'POST', body: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { name: string }).name).toBe('STAND_IN_ERROR');
  });

  it('retries a failing receiver on the schedule and records every attempt', async () => {
    const res = await fetch(`${emu.url}/_fbpay/trigger/paypal-sale-refund`, { method: 'POST', body: JSON.stringify({ sale: 'S1' }) });
    expect(res.status).toBe(200);
    const out = (await res.json()) as { event: string; ids: unknown; deliveries: Array<Record<string, unknown>> };
    expect(out).toMatchObject({ event: 'paypal-sale-refund', ids: { sale: 'S1' } });
    expect(out.deliveries).toEqual([{ event_type: 'PAYMENT.SALE.REFUNDED', url: rcv.url, status: 200, ok: true, attempts: 3, reason: null, reply: 'ok' }]);
    expect(rcv.hits.map((h) => h.body)).toEqual(Array(3).fill('{"event_type":"PAYMENT.SALE.REFUNDED","sale":"S1"}'));
    const log = (await (await fetch(`${emu.url}/_fbpay/deliveries`)).json()) as { data: Array<{ attempts: Array<{ status: number; ok: boolean }> }> };
    expect(log.data.at(-1)!.attempts.map((a) => [a.status, a.ok])).toEqual([
      [500, false],
      [503, false],
      [200, true],
    ]);
  });

  it('gives up after the schedule, reporting the last reason', async () => {
    const down = await receiver([500, 500, 500, 500]);
    const p = standIn(() => down.url);
    const e = await startEmulator(p, { retrySchedule: [10] });
    try {
      const out = (await (await fetch(`${e.url}/_fbpay/trigger/paypal-sale-refund`, { method: 'POST', body: 'sale=S2' })).json()) as { deliveries: unknown[] };
      expect(out.deliveries).toEqual([{ event_type: 'PAYMENT.SALE.REFUNDED', url: down.url, status: 500, ok: false, attempts: 2, reason: 'HTTP 500', reply: 'nope' }]);
      expect(down.hits).toHaveLength(2);
    } finally {
      await e.close();
      await down.close();
    }
  });

  it('answers an unknown event or bad params with 400 in fbpay\'s envelope, changing nothing', async () => {
    const before = provider.changes;
    const a = await fetch(`${emu.url}/_fbpay/trigger/fb-refund`, { method: 'POST' });
    expect(a.status).toBe(400);
    expect(((await a.json()) as { error: { code: string } }).error.code).toBe('unknown_event');
    const b = await fetch(`${emu.url}/_fbpay/trigger/paypal-sale-refund`, { method: 'POST', body: '{}' });
    expect(b.status).toBe(400);
    expect(await b.json()).toEqual({ error: { code: 'missing_param', message: 'paypal-sale-refund needs sale=<id>', hint: 'sale=<id>' } });
    expect(provider.changes).toBe(before);
  });
});

describe('fbpay trigger', () => {
  let emu: RunningEmulator;
  let rcv: Awaited<ReturnType<typeof receiver>>;
  let failing = false;
  let good: Awaited<ReturnType<typeof receiver>>;
  let bad: Awaited<ReturnType<typeof receiver>>;

  beforeAll(async () => {
    good = await receiver([]);
    bad = await receiver([403, 403, 403, 403, 403, 403]);
    rcv = good;
    emu = await startEmulator(
      standIn(() => (failing ? bad.url : good.url)),
      { retrySchedule: [5] },
    );
  });
  afterAll(async () => {
    await emu.close();
    await good.close();
    await bad.close();
  });
  afterEach(() => {
    failing = false;
  });

  it('reports the ids and each delivery, exit 0 when all were accepted (--json shape)', async () => {
    const r = await runCli(['trigger', 'paypal-sale-refund', '--emulator', emu.url, '--sale', 'S9', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toEqual({ event: 'paypal-sale-refund', ids: { sale: 'S9' }, deliveries: [{ event_type: 'PAYMENT.SALE.REFUNDED', url: rcv.url, status: 200, ok: true, attempts: 1, reason: null, reply: 'ok' }] });
  });

  it('exit 1 when a delivery was not accepted, naming the reason (human output)', async () => {
    failing = true;
    const r = await runCli(['trigger', 'paypal-sale-refund', 'sale=S10'], { env: { FBPAY_EMULATOR_URL: emu.url } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('sale: S10');
    expect(r.stdout).toMatch(/✗ not accepted +PAYMENT\.SALE\.REFUNDED +403 +2 /);
    expect(r.stdout).toContain('1 of 1 deliveries not accepted');
  });

  it('exit 2 when the event belongs to another provider, before any change', async () => {
    const r = await runCli(['trigger', 'fb-refund', '--emulator', emu.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fb-refund is a facebook event, but');
    expect(r.stderr).toContain('is the paypal emulator');
  });

  it('exit 2 for missing params (the emulator\'s reason), unknown names and no --emulator', async () => {
    expect((await runCli(['trigger', 'paypal-sale-refund', '--emulator', emu.url])).stderr).toContain('paypal-sale-refund needs sale=<id>');
    expect((await runCli(['trigger', 'paypal-nope', '--emulator', emu.url])).code).toBe(2);
    expect((await runCli(['trigger', 'nope', '--emulator', emu.url])).code).toBe(2);
    const none = await runCli(['trigger', 'paypal-sale-refund'], { env: { FBPAY_EMULATOR_URL: undefined } });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('FBPAY_EMULATOR_URL');
  });

  it('exit 3 when the emulator is unreachable or is not an fbpay emulator', async () => {
    const dead = await runCli(['trigger', 'paypal-sale-refund', '--emulator', 'http://127.0.0.1:9', 'sale=1']);
    expect(dead.code).toBe(3);
    const stranger = await receiver([404]);
    try {
      const r = await runCli(['trigger', 'paypal-sale-refund', '--emulator', stranger.url.replace('/hook', ''), 'sale=1']);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('is not an fbpay emulator');
    } finally {
      await stranger.close();
    }
  });

  it('refuses a non-loopback emulator before any request', async () => {
    const r = await runCli(['trigger', 'paypal-sale-refund', '--emulator', 'http://203.0.113.9:4100', 'sale=1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a loopback address');
  });
});

describe('parameters', () => {
  it('reads k=v and --key value / --key=value, dashes as underscores', () => {
    expect(triggerParams(['payment=1', '--amount', '0.50', '--billing-cycle=2', 'note=a=b'])).toEqual({ payment: '1', amount: '0.50', billing_cycle: '2', note: 'a=b' });
  });
  it('refuses a bare word and a flag without a value', () => {
    expect(() => triggerParams(['oops'])).toThrow(/not a k=v parameter/);
    expect(() => triggerParams(['--token'])).toThrow(/needs a value/);
  });
  it('parses --retry-schedule strictly', () => {
    expect(parseRetrySchedule('100, 500,2000')).toEqual([100, 500, 2000]);
    expect(parseRetrySchedule('')).toEqual([]);
    expect(parseRetrySchedule('1,x')).toBeUndefined();
    expect(parseRetrySchedule('-5')).toBeUndefined();
  });
});
