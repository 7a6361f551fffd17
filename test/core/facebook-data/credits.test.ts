import { describe, expect, it } from 'vitest';
import { CREDITS_NEXT_STATUSES, validateCreditsReply, validateCreditsReplyText } from '../../../src/core/facebook/credits.js';

/** The verdict `webhook check --kind credits` prints for a legacy Credits callback reply: the first wrong field and why. */
const item = { title: '100 Coins', description: 'A bag of coins', price: 10, image_url: 'https://example.com/c.png' };
const items = (...content: unknown[]) => ({ content, method: 'payments_get_items' });
const getItems = (reply: unknown) => validateCreditsReply('payments_get_items', reply);
const status = (content: unknown, orderId?: string | number) => validateCreditsReply('payments_status_update', { content, method: 'payments_status_update' }, orderId === undefined ? {} : { orderId });

describe('Credits reply text', () => {
  it('quotes the first line of a body that is not JSON, trimmed, at most 60 characters', () => {
    expect(validateCreditsReplyText('payments_get_items', '  OK\nsecond line')).toEqual({ ok: false, field: '(reply)', reason: 'the reply is not JSON: "OK"' });
    expect(validateCreditsReplyText('payments_get_items', `<html>${'x'.repeat(100)}`)).toEqual({ ok: false, field: '(reply)', reason: `the reply is not JSON: "<html>${'x'.repeat(54)}"` });
  });
  it.each(['', '  \n '])('an empty body (%j) is called empty', (text) => {
    expect(validateCreditsReplyText('payments_status_update', text)).toEqual({ ok: false, field: '(reply)', reason: 'the reply is not JSON (empty body)' });
  });
  it('checks parsed JSON against the request it answers (the order id from the context)', () => {
    const text = JSON.stringify({ content: { status: 'settled', order_id: 5 }, method: 'payments_status_update' });
    expect(validateCreditsReplyText('payments_status_update', text, { orderId: 5 })).toEqual({ ok: true });
    expect(validateCreditsReplyText('payments_status_update', text, { orderId: 6 })).toEqual({ ok: false, field: 'content.order_id', reason: 'content.order_id must be the order being updated (6), got 5' });
  });
});

describe('Credits reply shape', () => {
  it.each([
    [null, 'null'],
    [[items(item)], 'an array'],
    ['{}', '"{}"'],
    [7, '7'],
    [undefined, 'nothing (missing)'],
  ])('a reply that is not an object (%j) is refused, saying what it is', (reply, shown) => {
    expect(getItems(reply)).toEqual({ ok: false, field: '(reply)', reason: `the reply must be a JSON object, got ${shown}` });
  });
  it('the method must echo the request method', () => {
    expect(getItems({ content: [item] })).toEqual({ ok: false, field: 'method', reason: 'method must be "payments_get_items" (echo the request\'s method), got nothing (missing)' });
    expect(validateCreditsReply('payments_status_update', items(item))).toEqual({ ok: false, field: 'method', reason: 'method must be "payments_status_update" (echo the request\'s method), got "payments_get_items"' });
  });
  it('shortens a long quoted value to 50 characters and an ellipsis; 50 or fewer are quoted whole', () => {
    const long = 'm'.repeat(60);
    expect(getItems({ method: long }).reason).toBe(`method must be "payments_get_items" (echo the request's method), got "${'m'.repeat(49)}…`);
    const fits = 'm'.repeat(48); // 50 characters once quoted
    expect(getItems({ method: fits }).reason).toBe(`method must be "payments_get_items" (echo the request's method), got "${fits}"`);
  });
});

describe('payments_get_items reply', () => {
  it('accepts a minimal item, several items, string prices of digits and optional fields when right', () => {
    expect(getItems(items(item))).toEqual({ ok: true });
    expect(getItems(items(item, { ...item, price: '25', item_id: 7, product_url: 'http://example.com/p' }, { ...item, price: 1, item_id: 'x', image_url: 'HTTPS://EXAMPLE.COM/I.PNG' }, { ...item, image_url: 'http://example.com/c.png' }))).toEqual({ ok: true });
  });
  it.each([
    [{}, 'content', 'content must be an array of items, got nothing (missing)'],
    [{ content: { title: 'x' } }, 'content', 'content must be an array of items, got an object'],
    [{ content: [] }, 'content', 'content must list at least one item'],
    [{ content: ['coins'] }, 'content[0]', 'content[0] must be an object, got "coins"'],
    [{ content: [item, null] }, 'content[1]', 'content[1] must be an object, got null'],
    [{ content: [item, [item]] }, 'content[1]', 'content[1] must be an object, got an array'],
  ])('%j → %s', (reply, field, reason) => {
    expect(getItems({ ...reply, method: 'payments_get_items' })).toEqual({ ok: false, field, reason });
  });
  it.each([
    [{ title: undefined }, 'content[0].title', 'content[0].title must be a non-empty string, got nothing (missing)'],
    [{ title: '   ' }, 'content[0].title', 'content[0].title must be a non-empty string, got "   "'],
    [{ title: 5 }, 'content[0].title', 'content[0].title must be a non-empty string, got 5'],
    [{ description: '' }, 'content[0].description', 'content[0].description must be a non-empty string, got ""'],
    [{ description: { en: 'x' } }, 'content[0].description', 'content[0].description must be a non-empty string, got an object'],
    [{ price: 0 }, 'content[0].price', 'content[0].price must be a positive whole number of credits, got 0'],
    [{ price: -3 }, 'content[0].price', 'content[0].price must be a positive whole number of credits, got -3'],
    [{ price: 1.99 }, 'content[0].price', 'content[0].price must be a positive whole number of credits, got 1.99'],
    [{ price: '1.99' }, 'content[0].price', 'content[0].price must be a positive whole number of credits, got "1.99"'],
    [{ price: '10 credits' }, 'content[0].price', 'content[0].price must be a positive whole number of credits, got "10 credits"'],
    [{ price: 'x10' }, 'content[0].price', 'content[0].price must be a positive whole number of credits, got "x10"'],
    [{ price: '' }, 'content[0].price', 'content[0].price must be a positive whole number of credits, got ""'],
    [{ price: '0' }, 'content[0].price', 'content[0].price must be a positive whole number of credits, got "0"'],
    [{ price: undefined }, 'content[0].price', 'content[0].price must be a positive whole number of credits, got nothing (missing)'],
    [{ price: true }, 'content[0].price', 'content[0].price must be a positive whole number of credits, got true'],
    [{ price: ['5'] }, 'content[0].price', 'content[0].price must be a positive whole number of credits, got an array'],
    [{ price: [5] }, 'content[0].price', 'content[0].price must be a positive whole number of credits, got an array'],
    [{ price: ' 10' }, 'content[0].price', 'content[0].price must be a positive whole number of credits, got " 10"'],
    [{ price: '10 ' }, 'content[0].price', 'content[0].price must be a positive whole number of credits, got "10 "'],
    [{ price: '+10' }, 'content[0].price', 'content[0].price must be a positive whole number of credits, got "+10"'],
    [{ price: '1e3' }, 'content[0].price', 'content[0].price must be a positive whole number of credits, got "1e3"'],
    [{ price: '0x10' }, 'content[0].price', 'content[0].price must be a positive whole number of credits, got "0x10"'],
    [{ image_url: undefined }, 'content[0].image_url', 'content[0].image_url must be an absolute http(s) URL, got nothing (missing)'],
    [{ image_url: '/c.png' }, 'content[0].image_url', 'content[0].image_url must be an absolute http(s) URL, got "/c.png"'],
    [{ image_url: 'ftp://example.com/c.png' }, 'content[0].image_url', 'content[0].image_url must be an absolute http(s) URL, got "ftp://example.com/c.png"'],
    [{ image_url: 'see https://example.com/c.png' }, 'content[0].image_url', 'content[0].image_url must be an absolute http(s) URL, got "see https://example.com/c.png"'],
    [{ image_url: 'https://example.com/a b.png' }, 'content[0].image_url', 'content[0].image_url must be an absolute http(s) URL, got "https://example.com/a b.png"'],
    [{ image_url: 'https://' }, 'content[0].image_url', 'content[0].image_url must be an absolute http(s) URL, got "https://"'],
    [{ image_url: 42 }, 'content[0].image_url', 'content[0].image_url must be an absolute http(s) URL, got 42'],
    [{ image_url: ['https://example.com/c.png'] }, 'content[0].image_url', 'content[0].image_url must be an absolute http(s) URL, got an array'],
    [{ product_url: ['https://example.com/og'] }, 'content[0].product_url', 'content[0].product_url must be an absolute http(s) URL when present, got an array'],
    [{ product_url: 'og/page' }, 'content[0].product_url', 'content[0].product_url must be an absolute http(s) URL when present, got "og/page"'],
    [{ product_url: null }, 'content[0].product_url', 'content[0].product_url must be an absolute http(s) URL when present, got null'],
    [{ product_url: 'https://example.com/og page' }, 'content[0].product_url', 'content[0].product_url must be an absolute http(s) URL when present, got "https://example.com/og page"'],
    [{ product_url: 'x https://example.com/og' }, 'content[0].product_url', 'content[0].product_url must be an absolute http(s) URL when present, got "x https://example.com/og"'],
    [{ item_id: true }, 'content[0].item_id', 'content[0].item_id must be a string or number when present, got true'],
    [{ item_id: null }, 'content[0].item_id', 'content[0].item_id must be a string or number when present, got null'],
  ])('item with %j → %s', (change, field, reason) => {
    expect(getItems(items({ ...item, ...change }))).toEqual({ ok: false, field, reason });
  });
  it('names the first wrong item, after checking the ones before it', () => {
    expect(getItems(items(item, item, { ...item, price: 0 }))).toMatchObject({ ok: false, field: 'content[2].price' });
  });
});

describe('payments_status_update reply', () => {
  it.each(CREDITS_NEXT_STATUSES)('accepts moving the order to %s', (s) => {
    expect(status({ status: s })).toEqual({ ok: true });
    expect(status({ status: s, order_id: 12 }, '12')).toEqual({ ok: true });
  });
  it.each([
    ['settled', 'content must be an object like {"status":"settled","order_id":…}, got "settled"'],
    [['settled'], 'content must be an object like {"status":"settled","order_id":…}, got an array'],
    [undefined, 'content must be an object like {"status":"settled","order_id":…}, got nothing (missing)'],
  ])('content %j is refused', (content, reason) => {
    expect(status(content)).toEqual({ ok: false, field: 'content', reason });
  });
  it.each([
    [{}, 'nothing (missing)'],
    [{ status: 'placed' }, '"placed"'],
    [{ status: 'SETTLED' }, '"SETTLED"'],
    [{ status: 1 }, '1'],
    [{ status: ['settled'] }, 'an array'],
  ])('status %j is refused, listing the allowed ones', (content, shown) => {
    expect(status(content)).toEqual({ ok: false, field: 'content.status', reason: `content.status must be one of settled, canceled, refunded, got ${shown}` });
  });
  it('compares the echoed order id with the request, as string or number', () => {
    expect(status({ status: 'settled', order_id: '77' }, 77)).toEqual({ ok: true });
    expect(status({ status: 'settled', order_id: 77 }, '77')).toEqual({ ok: true });
    expect(status({ status: 'settled' }, '77')).toEqual({ ok: true }); // order_id is optional in the reply
    expect(status({ status: 'settled', order_id: 78 })).toEqual({ ok: true }); // nothing to compare with
    expect(status({ status: 'settled', order_id: '78' }, 77)).toEqual({ ok: false, field: 'content.order_id', reason: 'content.order_id must be the order being updated (77), got "78"' });
    expect(status({ status: 'settled', order_id: null }, '77')).toEqual({ ok: false, field: 'content.order_id', reason: 'content.order_id must be the order being updated (77), got null' });
    expect(status({ status: 'settled', order_id: 78 }, '77')).toEqual({ ok: false, field: 'content.order_id', reason: 'content.order_id must be the order being updated (77), got 78' });
  });
});
