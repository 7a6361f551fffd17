/**
 * Issue 7 — `webhook listen` and `mock graph` under abuse (real binaries on 127.0.0.1): oversized
 * bodies get 413, malformed JSON 400, slowloris-style half-open connections do not block anyone,
 * 1,000 concurrent requests are all answered (and all verified), and afterwards the process is
 * still up and still verifies a valid delivery.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { hubSignature } from '../../src/core/facebook/hub-signature.js';
import { delivery, listenSummary, send, startGraph, startListen, type Running } from './helpers/servers.js';

const SECRET = 'abuse-app-secret-77a1';
const TOKEN = '1000000000000001|fbpay-emulator-secret';
const running: Running[] = [];
const sockets: Socket[] = [];

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
});

/** Opens n raw connections that send a partial request and then stall (never finish the headers/body). */
async function slowloris(url: string, n: number, partial: string): Promise<Socket[]> {
  const { hostname, port } = new URL(url);
  const opened = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const s = connect(Number(port), hostname, () => {
            s.write(partial);
            resolve(s);
          });
          s.on('error', () => undefined);
          s.once('error', reject);
        }),
    ),
  );
  sockets.push(...opened);
  return opened;
}

describe('abuse: webhook listen', () => {
  it('413, 400, 403, slowloris, 1,000 concurrent valid deliveries, and still verifying afterwards', async () => {
    const { p, url } = await startListen(SECRET, ['--max-body', '64kb']);
    running.push(p);

    // Oversized: well past --max-body, signed correctly — refused with 413 before verification.
    const big = Buffer.alloc(2 * 1024 * 1024, 'a');
    const r413 = await send(url, { body: big, headers: { 'x-hub-signature-256': hubSignature(big, SECRET) } });
    expect(r413.status).toBe(413);

    // Malformed JSON: signed correctly → 400 (verified bytes, unusable body); unsigned → refused.
    for (const junk of ['{"object":"payments","entry":[', '\u0000\u00ff', 'null', '[]', '{"object":']) {
      const b = Buffer.from(junk, 'latin1');
      const signed = await send(url, { body: b, headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignature(b, SECRET) } });
      expect([400, 200], junk).toContain(signed.status);
      const unsigned = await send(url, { body: b, headers: { 'content-type': 'application/json' } });
      expect(unsigned.status, junk).toBeGreaterThanOrEqual(400);
      expect(unsigned.status).toBeLessThan(500);
    }

    // Slowloris: 60 sockets with half-sent headers, 20 with headers and a short body; others still served.
    const stalled = [
      ...(await slowloris(url, 60, 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Hub-Signature-256: sha256=')),
      ...(await slowloris(url, 20, 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"obj')),
    ];
    // Served while every stalled socket is still open: not after the server gave up on them.
    const d = delivery(SECRET);
    expect((await send(url, { body: d.body, headers: d.headers })).status).toBe(200);
    expect(stalled.filter((s) => s.destroyed)).toEqual([]);

    // 1,000 concurrent valid deliveries, each on its own connection, while the stalled sockets stay open.
    const ds = Array.from({ length: 1000 }, () => delivery(SECRET));
    const replies = await Promise.all(ds.map((x) => send(url, { body: x.body, headers: x.headers, timeoutMs: 30_000 })));
    expect(replies.filter((r) => r.status === 200).length).toBe(1000);
    // A bad one in the middle of it is still refused.
    const bad = delivery(SECRET, false);
    expect((await send(url, { body: bad.body, headers: bad.headers })).status).toBe(403);

    for (const s of stalled) s.destroy();
    expect(p.child.exitCode).toBeNull();
    const last = delivery(SECRET);
    expect((await send(url, { body: last.body, headers: last.headers })).status).toBe(200);

    const code = await p.stop('SIGINT');
    expect(code).toBe(130);
    const sum = listenSummary(p.stdout + p.stderr);
    expect(sum, p.stderr).toBeDefined();
    // 1 + 1000 + 1 valid, at least; no valid delivery counted as "not verified" beyond the ones we sent unsigned/wrong.
    expect(sum!.verified).toBeGreaterThanOrEqual(1002);
    expect(p.stdout + p.stderr).not.toMatch(/\n\s+at /);
  }, 300_000);
});

describe('abuse: webhook listen --provider midas (replies are HTTP 200 with a ret code)', () => {
  it('junk queries and bodies: never ret 0, never counted verified; still up', async () => {
    const { startBin } = await import('../helpers/cli.js');
    const p = startBin(['webhook', 'listen', '--port', '0', '--provider', 'midas', '--appkey', 'abuse-midas-appkey']);
    running.push(p);
    const [, url] = await p.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const junk = ['%', '%zz&sig=%', 'a=%E4&sig=x', '&&&=&', `ts=1e400&sig=${'A'.repeat(3000)}`, '=x', 'sig', 'sig=&sig=', `openid=${'\u0000'}&sig=AAAA`, 'billno=1&payitem=a*1*1&token=t&ts=1&sig=abc%3D'];
    let n = 0;
    for (const q of junk) {
      for (const r of [await send(`${url}/cb?${encodeURI(q).replace(/%25/g, '%')}`, { method: 'GET' }), await send(`${url}/cb`, { body: q, headers: { 'content-type': 'application/x-www-form-urlencoded' } })]) {
        n++;
        expect(r.status, q).toBeLessThan(500);
        if (r.status === 200) expect(JSON.parse(r.body).ret, q).not.toBe(0);
      }
    }
    expect(p.child.exitCode).toBeNull();
    expect(await p.stop('SIGINT')).toBe(130);
    const sum = listenSummary(p.stdout + p.stderr);
    expect(sum?.verified).toBe(0);
    expect((sum?.deliveries ?? 0) + (sum?.rejected ?? 0)).toBe(n);
  }, 120_000);
});

describe('abuse: mock graph', () => {
  it('413, 400 on malformed JSON, slowloris, 1,000 concurrent GETs, and still answering afterwards', async () => {
    const { p, url } = await startGraph();
    running.push(p);
    const created = await send(`${url}/_fbpay/payments`, { body: '{}', headers: { 'content-type': 'application/json' } });
    expect(created.status).toBe(200);
    const id = JSON.parse(created.body).id as string;
    const get = () => send(`${url}/${id}?access_token=${encodeURIComponent(TOKEN)}`, { method: 'GET', timeoutMs: 30_000 });
    expect((await get()).status).toBe(200);

    // Oversized body (the emulator's limit is 1 MiB): 413 with a Graph error envelope, not a reset.
    const r413 = await send(`${url}/_fbpay/payments`, { body: Buffer.alloc(3 * 1024 * 1024, 'a'), headers: { 'content-type': 'application/json' } });
    expect(r413.status).toBe(413);
    expect(JSON.parse(r413.body).error.code).toBe(100);
    const r413g = await send(`${url}/${id}/refunds?access_token=${encodeURIComponent(TOKEN)}`, { body: Buffer.alloc(2 * 1024 * 1024, 'x') });
    expect(r413g.status).toBe(413);

    // Malformed JSON to admin and Graph routes: 4xx with a JSON error, never 5xx.
    for (const junk of ['{bad', '{"amount":', '\u0000\u00ff\u00fe', '[[[[[[', '"'.repeat(1000)]) {
      for (const path of ['/_fbpay/payments', `/${id}/refunds?access_token=${encodeURIComponent(TOKEN)}`, `/${id}/dispute?access_token=${encodeURIComponent(TOKEN)}`]) {
        const r = await send(url + path, { body: Buffer.from(junk, 'latin1'), headers: { 'content-type': 'application/json' } });
        expect(r.status, `${path} ${junk}`).toBeGreaterThanOrEqual(400);
        expect(r.status, `${path} ${junk}`).toBeLessThan(500);
        expect(() => JSON.parse(r.body)).not.toThrow();
      }
    }

    const stalled = [
      ...(await slowloris(url, 60, `GET /${id}?access_token=`)),
      ...(await slowloris(url, 20, 'POST /_fbpay/payments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 9000\r\n\r\n{"a')),
    ];
    // Served while every stalled socket is still open: not after the server gave up on them.
    expect((await get()).status).toBe(200);
    expect(stalled.filter((s) => s.destroyed)).toEqual([]);

    const replies = await Promise.all(Array.from({ length: 1000 }, get));
    expect(replies.filter((r) => r.status === 200).length).toBe(1000);
    for (const r of replies.slice(0, 5)) expect(JSON.parse(r.body).id).toBe(id);

    for (const s of stalled) s.destroy();
    expect(p.child.exitCode).toBeNull();
    expect((await get()).status).toBe(200);
    const stats = JSON.parse((await send(`${url}/_fbpay/stats`, { method: 'GET' })).body);
    expect(stats.requests.graph).toBeGreaterThanOrEqual(1003);
    // Ctrl-C stops the emulator with exit 130, like every interrupted command.
    expect(await p.stop('SIGINT')).toBe(130);
    expect(p.stdout + p.stderr).not.toMatch(/\n\s+at /);
  }, 300_000);
});
