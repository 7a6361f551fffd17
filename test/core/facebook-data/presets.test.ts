import { describe, expect, it } from 'vitest';
import { buildPreset, isPresetName, PRESET_NAMES } from '../../../src/core/facebook/presets.js';

/** The payloads `fbpay sign --preset <name>` signs: Facebook's field set and types, fresh ids, the given clock. */
const NOW = 1_763_766_000; // an exact hour
const zero = () => 0;
const half = () => 0.5;
const top = () => 0.999999;

describe('fbpay sign --preset payloads', () => {
  it('knows exactly the documented preset names', () => {
    for (const n of PRESET_NAMES) expect(isPresetName(n)).toBe(true);
    for (const n of ['', 'lite', 'Login', 'lite-purchase ', 'credits']) expect(isPresetName(n)).toBe(false);
  });

  it('lite-purchase: Payments Lite strings for amount, quantity and ids; integer times', () => {
    expect(buildPreset('lite-purchase', { now: NOW + 0.7, random: zero, appId: '483436115748302' })).toEqual({
      algorithm: 'HMAC-SHA256',
      amount: '1.99',
      app_id: '483436115748302',
      currency: 'USD',
      issued_at: NOW,
      payment_id: '1000000000000000',
      product_id: 'gems_100',
      purchase_time: NOW - 1,
      purchase_token: '1000000000000000',
      quantity: '1',
      request_id: '',
      status: 'completed',
    });
  });

  it('fresh ids have the stated number of digits, never a leading zero, from the random source', () => {
    expect(buildPreset('lite-purchase', { now: NOW, random: half })).toMatchObject({ app_id: '555555555555555', payment_id: '5555555555555555' });
    expect(buildPreset('lite-purchase', { now: NOW, random: top })).toMatchObject({ app_id: '999999999999999', payment_id: '9999999999999999' });
    expect(buildPreset('lite-purchase', { now: NOW, random: zero })).toMatchObject({ app_id: '100000000000000' });
    const seq = [0.05, 0.15, 0.25, 0.35];
    let i = 0;
    const cycling = () => seq[i++ % seq.length];
    expect((buildPreset('deauthorize', { now: NOW, random: cycling }) as { user_id: string }).user_id).toMatch(/^[1-9]\d{14}$/);
  });

  it('without a random source, ids differ between two builds; with one, builds are reproducible', () => {
    const a = buildPreset('lite-purchase', { now: NOW });
    const b = buildPreset('lite-purchase', { now: NOW });
    expect(a.payment_id).toMatch(/^[1-9]\d{15}$/);
    expect(a.app_id).toMatch(/^[1-9]\d{14}$/);
    expect(a.payment_id).not.toBe(b.payment_id);
    let n = 0;
    const counter = () => ((n++ * 0.37) % 1);
    const c = buildPreset('login', { now: NOW, random: counter });
    n = 0;
    expect(buildPreset('login', { now: NOW, random: counter })).toEqual(c);
  });

  it('pay-dialog: a numeric payment_id and a request_id from letters and digits', () => {
    expect(buildPreset('pay-dialog', { now: NOW, random: zero })).toEqual({
      algorithm: 'HMAC-SHA256',
      amount: '4.99',
      currency: 'USD',
      issued_at: NOW,
      payment_id: 100000000000000,
      quantity: '1',
      request_id: 'req_AAAAAAAAAAAA',
      status: 'completed',
    });
    expect(buildPreset('pay-dialog', { now: NOW, random: half }).request_id).toBe('req_ffffffffffff');
    expect(buildPreset('pay-dialog', { now: NOW, random: top }).request_id).toBe('req_999999999999');
  });

  it('credits-get-items: numeric buyer/receiver/order_id, order_info as JSON text, expiry on the hour after next', () => {
    expect(buildPreset('credits-get-items', { now: NOW + 100, random: zero, appId: '42' })).toEqual({
      algorithm: 'HMAC-SHA256',
      credits: { buyer: 100000000000000, order_id: 10000000000000, order_info: '{"item_id":"gem_pack_100"}', receiver: 100000000000000, test_mode: 1 },
      expires: NOW + 7200,
      issued_at: NOW + 100,
      oauth_token: `42|2.${'A'.repeat(22)}.3600.${NOW + 7200}-100000000000000|${'A'.repeat(27)}`,
      user: { country: 'us', locale: 'en_US', age: { min: 21 } },
      user_id: '100000000000000',
    });
  });

  it('credits-status-update: order_details is the JSON of the placed order, for the same order and buyer', () => {
    const p = buildPreset('credits-status-update', { now: NOW, random: zero, appId: '42' });
    const details = {
      order_id: 10000000000000,
      buyer: 100000000000000,
      app: 42,
      receiver: 100000000000000,
      amount: 10,
      time_placed: NOW - 5,
      update_time: NOW,
      data: '',
      items: [{ item_id: 'gem_pack_100', title: '100 gems', description: 'A pack of 100 gems', image_url: 'https://example.com/gems-100.png', product_url: 'https://example.com/gems-100.png', price: 10, data: '' }],
      status: 'placed',
    };
    expect(p).toEqual({
      algorithm: 'HMAC-SHA256',
      credits: { buyer: 100000000000000, order_details: JSON.stringify(details), order_id: 10000000000000, receiver: 100000000000000, status: 'placed', test_mode: 1 },
      expires: NOW + 7200,
      issued_at: NOW,
      oauth_token: `42|2.${'A'.repeat(22)}.3600.${NOW + 7200}-100000000000000|${'A'.repeat(27)}`,
      user: { country: 'us', locale: 'en_US', age: { min: 21 } },
      user_id: '100000000000000',
    });
  });

  it('deauthorize and data-deletion carry only the app-scoped user id (and data-deletion an expiry)', () => {
    expect(buildPreset('deauthorize', { now: NOW, random: zero })).toEqual({ algorithm: 'HMAC-SHA256', issued_at: NOW, user_id: '100000000000000' });
    expect(buildPreset('data-deletion', { now: NOW + 3599, random: half })).toEqual({ algorithm: 'HMAC-SHA256', expires: NOW + 7200, issued_at: NOW + 3599, user_id: '555555555555555' });
  });

  it('instant-games-purchase: the purchaseAsync field set, without app_id', () => {
    expect(buildPreset('instant-games-purchase', { now: NOW, random: zero, appId: '42' })).toEqual({
      algorithm: 'HMAC-SHA256',
      developer_payload: 'level-7-bundle',
      is_consumed: false,
      issued_at: NOW,
      payment_action_type: 'charge',
      payment_id: '1000000000000000',
      product_id: 'gems_100',
      purchase_price: { amount: '1.99', currency: 'USD' },
      purchase_time: NOW - 1,
      purchase_token: '1000000000000000',
    });
  });

  it('login: a code and a user access token of Facebook\'s lengths', () => {
    expect(buildPreset('login', { now: NOW, random: zero })).toEqual({
      algorithm: 'HMAC-SHA256',
      code: `AQ${'A'.repeat(86)}`,
      expires: NOW + 7200,
      issued_at: NOW,
      oauth_token: `EAA${'A'.repeat(180)}`,
      user: { country: 'us', locale: 'en_US', age: { min: 21 } },
      user_id: '100000000000000',
    });
  });
});
