import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphEmulator, type GraphEmulator } from '../../src/providers/graph/emulator/index.js';
import { runCli } from '../helpers/cli.js';

/** Graph's cursor paging on /app/purchases and /{app-id}/products, and the products commands. */

const APP_ID = '1000000000000099';
const SECRET = 'paging-test-secret';
let emu: GraphEmulator;
let userToken: string;

beforeAll(async () => {
  emu = await startGraphEmulator({ appId: APP_ID, appSecret: SECRET });
  userToken = ((await (await fetch(`${emu.url}/_fbpay/users`, { method: 'POST', body: '{}' })).json()) as { access_token: string }).access_token;
  for (let i = 0; i < 30; i++) {
    const res = await fetch(`${emu.url}/_fbpay/purchases`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: userToken, product_id: `item_${i}` }) });
    expect(res.status).toBe(200);
  }
});
afterAll(() => emu?.close());

describe('GET /app/purchases pages like Graph', () => {
  it('25 per page with paging.cursors and a next URL that carries the token; the last page has no next', async () => {
    const first = (await (await fetch(`${emu.url}/v21.0/app/purchases`, { headers: { authorization: `OAuth ${userToken}` } })).json()) as any;
    expect(first.data).toHaveLength(25);
    expect(first.paging.cursors).toEqual({ before: expect.any(String), after: expect.any(String) });
    const next = new URL(first.paging.next);
    expect(next.searchParams.get('access_token')).toBe(userToken);
    const second = (await (await fetch(next)).json()) as any;
    expect(second.data).toHaveLength(5);
    expect(second.paging.next).toBeUndefined();
    expect(second.paging.previous).toBeDefined();
    const tokens = [...first.data, ...second.data].map((p: any) => p.purchase_token);
    expect(new Set(tokens).size).toBe(30);
    const small = (await (await fetch(`${emu.url}/app/purchases?limit=10&after=${encodeURIComponent(first.paging.cursors.after)}`, { headers: { authorization: `OAuth ${userToken}` } })).json()) as any;
    expect(small.data.map((p: any) => p.purchase_token)).toEqual(tokens.slice(25, 30));
    const byAppId = (await (await fetch(`${emu.url}/v21.0/${APP_ID}/purchases?limit=100`, { headers: { authorization: `OAuth ${userToken}` } })).json()) as any;
    expect(byAppId.data.map((p: any) => p.purchase_token)).toEqual(tokens);
    const bad = await fetch(`${emu.url}/app/purchases?after=garbage`, { headers: { authorization: `OAuth ${userToken}` } });
    expect(((await bad.json()) as any).error.code).toBe(100);
  });

  it('fbpay purchases lists every page, and --consume-all consumes all 30', async () => {
    const list = await runCli(['--json', 'purchases', '--graph-url', emu.url, '--access-token', userToken]);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).purchases).toHaveLength(30);
    const consumed = await runCli(['--json', 'purchases', '--graph-url', emu.url, '--access-token', userToken, '--consume-all']);
    expect(consumed.code, consumed.stderr).toBe(0);
    const doc = JSON.parse(consumed.stdout);
    expect(doc.consumed).toHaveLength(30);
    expect(doc.consumed.every((c: { success: boolean }) => c.success)).toBe(true);
    const after = await runCli(['purchases', '--graph-url', emu.url, '--access-token', userToken]);
    expect(after.stdout).toContain('no unconsumed purchases');
  });
});

describe('fbpay products', () => {
  const creds = () => ['--graph-url', emu.url, '--app-id', APP_ID, '--secret', SECRET];
  it('creates a product and lists it (every page)', async () => {
    const made = await runCli(['--json', 'products', 'create', '--product-id', 'gems_1000', '--price', '9.99', '--title', '1000 gems', ...creds()]);
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse(made.stdout).product).toMatchObject({ product_id: 'gems_1000', title: '1000 gems', price_amount: 9.99, price_currency_code: 'USD' });
    const list = await runCli(['--json', 'products', 'list', ...creds()]);
    expect(list.code).toBe(0);
    const ids = JSON.parse(list.stdout).products.map((p: { product_id: string }) => p.product_id);
    expect(ids).toContain('gems_1000');
    expect(ids.length).toBeGreaterThan(25); // the 30 bought items became products too: two pages
    const human = await runCli(['products', 'list', ...creds()]);
    expect(human.stdout).toContain('1000 gems');
  });
  it('refuses a bad price (exit 2, no request) and a user token (Graph error 100, exit 3)', async () => {
    const bad = await runCli(['products', 'create', '--product-id', 'x', '--price', 'free', ...creds()]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid --price');
    const user = await runCli(['products', 'create', '--product-id', 'x', '--price', '1.00', '--graph-url', emu.url, '--app-id', APP_ID, '--access-token', userToken]);
    expect(user.code).toBe(3);
    expect(user.stderr).toContain('Graph error 100');
  });
});
