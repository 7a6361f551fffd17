import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreatePki, startPaypalEmulator, type RunningPaypalEmulator } from '../../src/providers/paypal/emulator/index.js';
import { canonicalJson, rawJsonMember } from '../../src/providers/paypal/emulator/raw-json.js';
import { token } from './helpers.js';

/**
 * Properties: the raw `webhook_event` extraction returns exactly the member's text whatever the
 * whitespace and the other members; and no request body, on any route, makes the emulator answer
 * 5xx (bad input never crashes an emulator).
 */

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const ws = fc.constantFrom('', ' ', '\n', '\t ', '\r\n  ');

describe('rawJsonMember', () => {
  it('finds a member\u2019s exact text among arbitrary members and whitespace', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 8 }), jsonValue, { maxKeys: 5 }), jsonValue, ws, ws, (others, event, w1, w2) => {
        const rest = Object.entries(others).filter(([k]) => k !== 'webhook_event');
        const memberText = JSON.stringify(event, null, w1.includes('\n') ? 1 : undefined);
        const parts = [...rest.map(([k, v]) => `${JSON.stringify(k)}${w1}:${w2}${JSON.stringify(v)}`), `"webhook_event"${w2}:${w1}${memberText}`];
        const text = `${w1}{${w2}${parts.join(`${w1},${w2}`)}${w1}}${w2}`;
        JSON.parse(text);
        expect(rawJsonMember(text, 'webhook_event')).toBe(memberText);
      }),
      { numRuns: 300 },
    );
  });

  it('canonicalJson is equal exactly for equal JSON values', () => {
    fc.assert(
      fc.property(jsonValue, jsonValue, (a, b) => {
        const same = canonicalJson(a) === canonicalJson(b);
        expect(same).toBe(canonicalJson(JSON.parse(JSON.stringify(a))) === canonicalJson(JSON.parse(JSON.stringify(b))));
        expect(canonicalJson(JSON.parse(JSON.stringify(a, null, 2)))).toBe(canonicalJson(a));
      }),
      { numRuns: 300 },
    );
  });
});

describe('the emulator under arbitrary input', () => {
  let emu: RunningPaypalEmulator;
  let tok: string;
  beforeAll(async () => {
    emu = await startPaypalEmulator({ pki: await loadOrCreatePki(), retrySchedule: [] });
    tok = await token(emu.url);
  });
  afterAll(() => emu.close());

  const routes = [
    ['POST', '/v1/notifications/webhooks'],
    ['PATCH', '/v1/notifications/webhooks/NOPE'],
    ['POST', '/v1/notifications/verify-webhook-signature'],
    ['POST', '/v1/notifications/simulate-event'],
    ['POST', '/v1/notifications/webhooks-events/WH-X/resend'],
    ['POST', '/v1/billing/plans'],
    ['POST', '/v1/billing/subscriptions'],
    ['POST', '/v1/billing/subscriptions/I-NOPE/cancel'],
    ['POST', '/v1/payments/sale/NOPE/refund'],
    ['POST', '/v1/oauth2/token'],
    ['POST', '/_fbpay/trigger/paypal-subscription-create'],
    ['POST', '/_fbpay/trigger/paypal-dispute'],
  ] as const;
  const body = fc.oneof(
    fc.string({ maxLength: 200 }),
    jsonValue.map((v) => JSON.stringify(v)),
    fc.dictionary(fc.constantFrom('url', 'event_types', 'plan_id', 'webhook_event', 'amount', 'event_type', 'webhook_id', 'billing_cycles', 'reason', 'price', 'outcome', 'sale', 'subscription'), jsonValue).map((v) => JSON.stringify(v)),
  );

  it('answers every route with a status below 500 and a JSON body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), body, async ([method, path], b) => {
        const res = await fetch(`${emu.url}${path}`, { method, body: b, headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' } });
        const text = await res.text();
        expect(res.status, `${method} ${path} ${b.slice(0, 80)} → ${text.slice(0, 200)}`).toBeLessThan(500);
        if (text) JSON.parse(text);
      }),
      { numRuns: 150 },
    );
  });
});
