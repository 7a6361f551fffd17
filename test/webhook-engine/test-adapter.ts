import { createHmac } from 'node:crypto';
import type { RenderedFixture } from '../../src/core/fixtures/schema.js';
import type { BuildContext, CapturedDelivery, IncomingDelivery, OutgoingDelivery, ReceiveResult, Receiver, ReplayAdapter } from '../../src/providers/webhook/adapter.js';
import { safeEqual } from '../../src/core/safe-equal.js';
import { UsageError } from '../../src/core/errors.js';

/**
 * A minimal provider for engine tests (stands in until the real adapters land): signs the JSON body
 * with `x-test-signature: sha256=<hmac>` and `x-test-time`, tampers on request, verifies in listen.
 */
export const TEST_SECRET = 'engine-test-secret-0123456789';

export function sign(body: Buffer, time: number, secret = TEST_SECRET): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${time}.`).update(body).digest('hex');
}

export function rendered(body: unknown, name = 'test-event'): RenderedFixture {
  return { name, provider: 'facebook', kind: 'test', description: '', delivery: { method: 'POST', encoding: 'json' }, vars: {}, body, meta: {} };
}

export function createTestAdapter(secret = TEST_SECRET): ReplayAdapter & { built: number } {
  const adapter = {
    provider: 'facebook' as const,
    built: 0,
    build(input: RenderedFixture | CapturedDelivery, ctx: BuildContext): OutgoingDelivery {
      adapter.built++;
      if ('captured' in input) {
        const url = new URL(input.path, ctx.target);
        const headers = { ...input.headers };
        delete headers.host;
        delete headers['content-length'];
        delete headers.connection;
        return { label: input.label, method: input.method as 'GET' | 'POST', url: url.toString(), headers, body: input.method === 'GET' ? undefined : input.body };
      }
      let body = Buffer.from(JSON.stringify(input.body));
      const time = ctx.tamper === 'stale' ? ctx.now() - 3600 : ctx.now();
      let sig = sign(body, time, secret);
      if (ctx.tamper === 'signature') sig = sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');
      if (ctx.tamper === 'body') body = Buffer.concat([body.subarray(0, body.length - 1), Buffer.from(' }')]);
      return {
        label: input.step ?? input.name,
        method: 'POST',
        url: ctx.target.toString(),
        headers: { 'content-type': 'application/json', 'x-test-signature': sig, 'x-test-time': String(time) },
        body,
        meta: { id: (input.body as { id?: unknown })?.id },
      };
    },
  };
  return adapter;
}

/** Server-side check used by the test receivers. */
export function verifyTest(headers: Record<string, string | string[] | undefined>, body: Buffer, nowSec = Math.floor(Date.now() / 1000), secret = TEST_SECRET): string | undefined {
  const sig = headers['x-test-signature'];
  const time = Number(headers['x-test-time']);
  if (typeof sig !== 'string') return 'missing signature';
  if (!Number.isFinite(time) || Math.abs(nowSec - time) > 300) return 'stale';
  return safeEqual(sig, sign(body, time, secret)) ? undefined : 'bad signature';
}

export function createTestReceiver(secret = TEST_SECRET): Receiver {
  return {
    provider: 'facebook',
    handshake(d: IncomingDelivery) {
      if (d.method !== 'GET') return undefined;
      const q = new URLSearchParams(d.rawQuery);
      if (q.get('hub.mode') !== 'subscribe') return undefined;
      return q.get('hub.verify_token') === 'vt-secret-token' ? { status: 200, body: q.get('hub.challenge') ?? '' } : { status: 403, body: 'bad verify token' };
    },
    receive(d: IncomingDelivery): ReceiveResult {
      let parsed: { id?: string };
      try {
        parsed = JSON.parse(d.body.toString('utf8'));
      } catch {
        throw new UsageError('bad_body', 'body is not JSON');
      }
      const why = verifyTest(d.headers, d.body, undefined, secret);
      return { verified: !why, reason: why, summary: `id ${parsed?.id ?? '?'}` };
    },
  };
}
