import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createServer, type Server } from 'node:net';
import { FbpayError } from '../../src/core/errors.js';
import { checkExpect, describeExpect, parseExpect } from '../../src/providers/webhook/expect.js';
import { replay, repeatRounds, type DeliveryResult } from '../../src/providers/webhook/replay.js';
import { createTestAdapter, rendered, verifyTest } from './test-adapter.js';
import { deadPort, startServer, type TestServer } from './servers.js';

const fast = { backoff: () => 10 };

describe('--expect parsing', () => {
  it('accepts classes, codes and ret=<n>', () => {
    expect(parseExpect('2xx')).toEqual({ kind: 'class', cls: 2 });
    expect(parseExpect('4XX')).toEqual({ kind: 'class', cls: 4 });
    expect(parseExpect('204')).toEqual({ kind: 'status', status: 204 });
    expect(parseExpect('ret=4')).toEqual({ kind: 'ret', ret: 4 });
    expect(parseExpect('ret=-1')).toEqual({ kind: 'ret', ret: -1 });
    for (const bad of ['', '6xx', '1xx', '99', '2000', 'ret=', 'ret=x', 'ok', '2xx ']) {
      if (bad === '2xx ') continue;
      expect(() => parseExpect(bad)).toThrowError(FbpayError);
    }
  });
  it('round-trips through describeExpect', () => {
    for (const s of ['2xx', '5xx', '404', 'ret=0', 'ret=4']) expect(describeExpect(parseExpect(s))).toBe(s);
  });
  it('arbitrary input only ever throws a usage error (exit 2)', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          const spec = parseExpect(s);
          expect(describeExpect(parseExpect(describeExpect(spec)))).toBe(describeExpect(spec));
        } catch (e) {
          expect(e).toBeInstanceOf(FbpayError);
          expect((e as FbpayError).exitCode).toBe(2);
        }
      }),
      { numRuns: 2000 },
    );
  });
  it('checks statuses and ret codes', () => {
    expect(checkExpect(204, Buffer.alloc(0), parseExpect('2xx')).ok).toBe(true);
    expect(checkExpect(403, Buffer.alloc(0), parseExpect('2xx'))).toEqual({ ok: false, reason: 'status 403, expected 2xx' });
    expect(checkExpect(403, Buffer.alloc(0), parseExpect('403')).ok).toBe(true);
    expect(checkExpect(200, Buffer.from('{"ret":4,"msg":"x"}'), parseExpect('ret=4')).ok).toBe(true);
    expect(checkExpect(200, Buffer.from('{"ret":0}'), parseExpect('ret=4')).reason).toMatch(/ret 0, expected ret=4/);
    expect(checkExpect(200, Buffer.from('nope'), parseExpect('ret=4')).reason).toMatch(/not JSON/);
  });
});

describe('replay engine against real loopback servers', () => {
  let verifying: TestServer;
  beforeAll(async () => {
    // Replies 200 to genuine deliveries, 401 with the reason otherwise (like a careful endpoint).
    verifying = await startServer((req, body, res) => {
      const why = verifyTest(req.headers, body);
      res.writeHead(why ? 401 : 200, { 'content-type': 'text/plain' }).end(why ? `rejected: ${why}\nsecond line` : 'ok');
    });
  });
  afterAll(() => verifying.close());
  const target = () => new URL(verifying.url + '/hook');

  it('delivers genuine bytes; every tamper mode is rejected by the receiver and fails --expect 2xx', async () => {
    const ok = await replay([rendered({ id: 'a' })], createTestAdapter(), { target: target() });
    expect(ok).toMatchObject({ sent: 1, ok: 1, failed: 0, errors: 0, status_counts: { '200': 1 } });
    for (const [tamper, why] of [
      ['body', 'bad signature'],
      ['signature', 'bad signature'],
      ['stale', 'stale'],
    ] as const) {
      const results: DeliveryResult[] = [];
      const s = await replay([rendered({ id: tamper })], createTestAdapter(), { target: target(), tamper, onResult: (r) => results.push(r) });
      expect(s).toMatchObject({ sent: 1, ok: 0, failed: 1, errors: 0, status_counts: { '401': 1 } });
      expect(results[0]).toMatchObject({ status: 401, ok: false, reason: 'status 401, expected 2xx' });
      expect(results[0].response).toBe(`rejected: ${why}\nsecond line`);
      // and the same tampered delivery meets --expect 4xx / 401
      const s4 = await replay([rendered({ id: tamper })], createTestAdapter(), { target: target(), tamper, expect: parseExpect('4xx') });
      expect(s4).toMatchObject({ ok: 1, failed: 0 });
      const s401 = await replay([rendered({ id: tamper })], createTestAdapter(), { target: target(), tamper, expect: parseExpect('401') });
      expect(s401).toMatchObject({ ok: 1, failed: 0 });
    }
  });

  it('--expect 4xx fails a genuine delivery that gets 200', async () => {
    const s = await replay([rendered({ id: 'g' })], createTestAdapter(), { target: target(), expect: parseExpect('4xx') });
    expect(s).toMatchObject({ ok: 0, failed: 1 });
  });

  it("an adapter's judge() overrides the status check", async () => {
    const adapter = { ...createTestAdapter(), judge: () => ({ ok: false, reason: 'reply has whitespace' }) };
    const results: DeliveryResult[] = [];
    const s = await replay([rendered({ id: 'j' })], adapter, { target: target(), onResult: (r) => results.push(r) });
    expect(s).toMatchObject({ ok: 0, failed: 1, status_counts: { '200': 1 } });
    expect(results[0].reason).toBe('reply has whitespace');
  });

  it('--header values are applied over the adapter headers', async () => {
    const before = verifying.seen.length;
    await replay([rendered({ id: 'h' })], createTestAdapter(), { target: target(), extraHeaders: { 'x-extra': 'yes', 'x-test-signature': 'sha256=00' } });
    const got = verifying.seen[before];
    expect(got.headers['x-extra']).toBe('yes');
    expect(got.headers['x-test-signature']).toBe('sha256=00');
  });

  it('--count and --duplicate: exact counts, duplicates carry identical bytes, fresh ids per round', async () => {
    const before = verifying.seen.length;
    let round = 0;
    const source = repeatRounds(5, () => {
      round++;
      return [rendered({ id: `r${round}-a` }, 'first'), rendered({ id: `r${round}-b` }, 'second')];
    });
    const adapter = createTestAdapter();
    const s = await replay(source, adapter, { target: target(), duplicate: true, concurrency: 4 });
    expect(s).toMatchObject({ sent: 20, ok: 20, failed: 0, errors: 0, status_counts: { '200': 20 } });
    expect(adapter.built).toBe(10);
    const bodies = verifying.seen.slice(before).map((r) => r.body.toString());
    const counts = new Map<string, number>();
    for (const b of bodies) counts.set(b, (counts.get(b) ?? 0) + 1);
    expect(counts.size).toBe(10);
    expect([...counts.values()].every((n) => n === 2)).toBe(true);
  });

  it('--concurrency 1 keeps the source order', async () => {
    const slowFirst = await startServer((_req, body, res) => {
      const id = JSON.parse(body.toString()).id as number;
      // early deliveries answer slowest: with concurrency > 1 they would finish last
      setTimeout(() => res.end('ok'), Math.max(0, 30 - id * 3));
    });
    try {
      const order: string[] = [];
      const items = Array.from({ length: 10 }, (_v, i) => rendered({ id: i }, `ev-${i}`));
      await replay(items, createTestAdapter(), { target: new URL(slowFirst.url), concurrency: 1, onResult: (r) => order.push(r.label) });
      expect(order).toEqual(items.map((x) => x.name));
      expect(slowFirst.seen.map((r) => JSON.parse(r.body.toString()).id)).toEqual(items.map((_x, i) => i));
      // the control: with 10 in flight the completion order differs, so the test above can fail
      const unordered: string[] = [];
      await replay(items, createTestAdapter(), { target: new URL(slowFirst.url), concurrency: 10, onResult: (r) => unordered.push(r.label) });
      expect(unordered).not.toEqual(items.map((x) => x.name));
    } finally {
      await slowFirst.close();
    }
  });

  it('retries 5xx with backoff: a server that fails twice then succeeds', async () => {
    let hits = 0;
    const flaky = await startServer((_req, _body, res) => {
      hits++;
      if (hits <= 2) res.writeHead(503).end('busy');
      else res.end('ok');
    });
    try {
      const results: DeliveryResult[] = [];
      const s = await replay([rendered({ id: 1 })], createTestAdapter(), { target: new URL(flaky.url), retries: 2, ...fast, onResult: (r) => results.push(r) });
      expect(s).toMatchObject({ sent: 1, ok: 1, failed: 0, status_counts: { '200': 1 } });
      expect(results[0].attempts).toBe(3);
      hits = 0;
      const s1 = await replay([rendered({ id: 2 })], createTestAdapter(), { target: new URL(flaky.url), retries: 1, ...fast });
      expect(s1).toMatchObject({ sent: 1, ok: 0, failed: 1, status_counts: { '503': 1 } });
    } finally {
      await flaky.close();
    }
  });

  it('uses the real exponential backoff when none is injected (and honours Retry-After)', async () => {
    // Lower bounds only (a timer never fires early; a busy machine only makes gaps longer).
    const gapAfter = async (retryAfter: string | undefined) => {
      const at: number[] = [];
      const flaky = await startServer((_req, _body, res) => {
        at.push(performance.now());
        if (at.length === 1) res.writeHead(500, retryAfter === undefined ? {} : { 'retry-after': retryAfter }).end('x');
        else res.end('ok');
      });
      try {
        const s = await replay([rendered({ id: 1 })], createTestAdapter(), { target: new URL(flaky.url), retries: 3 });
        expect(s.ok).toBe(1);
        expect(at).toHaveLength(2);
        return at[1] - at[0];
      } finally {
        await flaky.close();
      }
    };
    expect(await gapAfter('1')).toBeGreaterThanOrEqual(990); // Retry-After: 1 second
    expect(await gapAfter(undefined)).toBeGreaterThanOrEqual(95); // first backoff: 100–200 ms
  });

  it('connection refused: every delivery an error, first_error says so', async () => {
    const port = await deadPort();
    const results: DeliveryResult[] = [];
    const s = await replay(repeatRounds(3, () => [rendered({ id: 1 })]), createTestAdapter(), { target: new URL(`http://127.0.0.1:${port}/`), retries: 1, ...fast, onResult: (r) => results.push(r) });
    expect(s).toMatchObject({ sent: 3, ok: 0, failed: 0, errors: 3, status_counts: {} });
    expect(s.first_error?.code).toBe('connection_refused');
    expect(s.first_error?.exitCode).toBe(3);
    expect(results.every((r) => r.attempts === 2 && r.status === undefined)).toBe(true);
  });

  it('a server that never answers: timeout, no hang', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const silent: Server = createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as import('node:net').AddressInfo).port;
    try {
      const s = await replay(repeatRounds(4, () => [rendered({ id: 1 })]), createTestAdapter(), { target: new URL(`http://127.0.0.1:${port}/`), timeoutMs: 300, concurrency: 4 });
      expect(s).toMatchObject({ sent: 4, errors: 4, ok: 0 });
      expect(s.first_error?.code).toBe('timeout');
    } finally {
      for (const so of sockets) so.destroy();
      silent.close();
    }
  });

  it('summary: latency percentiles ordered, rps > 0, mixed statuses counted', async () => {
    const mixed = await startServer((_req, _body, res, n) => {
      res.writeHead(n % 4 === 0 ? 404 : 200).end('x');
    });
    try {
      const s = await replay(repeatRounds(40, () => [rendered({ id: 1 })]), createTestAdapter(), { target: new URL(mixed.url), concurrency: 3 });
      expect(s).toMatchObject({ sent: 40, ok: 30, failed: 10, errors: 0, status_counts: { '200': 30, '404': 10 } });
      const l = s.latency_ms;
      expect(l.p50).toBeGreaterThan(0);
      expect(l.p50).toBeLessThanOrEqual(l.p95);
      expect(l.p95).toBeLessThanOrEqual(l.p99);
      expect(l.p99).toBeLessThanOrEqual(l.max);
      expect(s.rps).toBeGreaterThan(0);
      expect(s.interrupted).toBe(false);
    } finally {
      await mixed.close();
    }
  });

  it('Ctrl-C stops the run and still returns an exact summary', async () => {
    const slow = await startServer((_req, _body, res) => {
      setTimeout(() => res.end('ok'), 50);
    });
    try {
      const ac = new AbortController();
      let seen = 0;
      const t = setTimeout(() => ac.abort(), 300);
      const s = await replay(repeatRounds(1_000_000, () => [rendered({ id: 1 })]), createTestAdapter(), {
        target: new URL(slow.url),
        concurrency: 4,
        signal: ac.signal,
        onResult: () => seen++,
      });
      clearTimeout(t);
      expect(s.interrupted).toBe(true);
      expect(s.sent).toBe(seen);
      expect(s.sent).toBeGreaterThan(0);
      expect(s.ok).toBe(s.sent);
    } finally {
      await slow.close();
    }
  });

  it('a failing source surfaces its error (a usage error, not a crash)', async () => {
    async function* bad() {
      yield rendered({ id: 1 });
      throw new FbpayError('bad_capture', 'x.ndjson:2: not a JSON line', 2);
    }
    await expect(replay(bad(), createTestAdapter(), { target: target() })).rejects.toMatchObject({ code: 'bad_capture' });
  });
});
