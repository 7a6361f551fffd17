import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { validateCreditsReply, validateCreditsReplyText } from '../../src/core/facebook/credits.js';

const goodItems = { content: [{ title: '100 Coins', description: 'A bag of coins', price: 10, image_url: 'https://example.com/c.png', product_url: 'https://example.com/og', item_id: 'coins_100' }], method: 'payments_get_items' };
const goodStatus = { content: { status: 'settled', order_id: 9006195253076 }, method: 'payments_status_update' };

describe('Credits callback replies', () => {
  it('accepts correct replies', () => {
    expect(validateCreditsReply('payments_get_items', goodItems)).toEqual({ ok: true });
    expect(validateCreditsReply('payments_status_update', goodStatus, { orderId: '9006195253076' })).toEqual({ ok: true });
    expect(validateCreditsReplyText('payments_status_update', JSON.stringify({ content: { status: 'canceled' }, method: 'payments_status_update' }))).toEqual({ ok: true });
  });
  it.each([
    ['not JSON', 'payments_get_items', 'OK', '(reply)'],
    ['empty', 'payments_get_items', '', '(reply)'],
    ['wrong method', 'payments_get_items', JSON.stringify({ ...goodItems, method: 'payments_status_update' }), 'method'],
    ['content not array', 'payments_get_items', JSON.stringify({ ...goodItems, content: goodItems.content[0] }), 'content'],
    ['empty content', 'payments_get_items', JSON.stringify({ ...goodItems, content: [] }), 'content'],
    ['missing title', 'payments_get_items', JSON.stringify({ ...goodItems, content: [{ ...goodItems.content[0], title: undefined }] }), 'content[0].title'],
    ['decimal price', 'payments_get_items', JSON.stringify({ ...goodItems, content: [{ ...goodItems.content[0], price: 1.99 }] }), 'content[0].price'],
    ['relative image', 'payments_get_items', JSON.stringify({ ...goodItems, content: [{ ...goodItems.content[0], image_url: '/c.png' }] }), 'content[0].image_url'],
    ['bad status', 'payments_status_update', JSON.stringify({ ...goodStatus, content: { status: 'placed' } }), 'content.status'],
    ['status not object', 'payments_status_update', JSON.stringify({ ...goodStatus, content: 'settled' }), 'content'],
  ] as const)('names the first wrong field: %s', (_label, method, text, field) => {
    const v = validateCreditsReplyText(method, text);
    expect(v.ok).toBe(false);
    expect(v.field).toBe(field);
    expect(v.reason).toBeTruthy();
  });
  it('accepts an order_id echoed as a JSON number that lost precision past 2^53 (as a JS server would)', () => {
    const id = '9007199254740993';
    const reply = `{"content":{"status":"settled","order_id":${id}},"method":"payments_status_update"}`;
    expect(validateCreditsReplyText('payments_status_update', reply, { orderId: id })).toEqual({ ok: true });
    expect(validateCreditsReplyText('payments_status_update', reply.replace(id, '9007199254740999'), { orderId: id }).ok).toBe(false);
  });
  it('flags a reply for another order', () => {
    expect(validateCreditsReply('payments_status_update', goodStatus, { orderId: '1' })).toMatchObject({ ok: false, field: 'content.order_id' });
  });
  it('arbitrary JSON and text never throw and always give a verdict', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), fc.constantFrom('payments_get_items' as const, 'payments_status_update' as const), (text, m) => {
        const v = validateCreditsReplyText(m, text);
        expect(typeof v.ok).toBe('boolean');
        if (!v.ok) expect(v.field && v.reason).toBeTruthy();
      }),
      { numRuns: 1000 },
    );
  });
});
