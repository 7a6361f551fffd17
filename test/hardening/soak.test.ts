/**
 * Issue 7 — a 60-second soak at a steady rate: 50 req/s of mixed deliveries (2 valid : 1 signed with
 * the wrong secret) to `webhook listen`, and 50 req/s of GET /{payment-id} to `mock graph`, both real
 * binaries on 127.0.0.1. Every valid delivery is verified (200), every invalid one refused (403), every
 * Graph read answered (200, the right id); both processes stay up; memory comes back to its baseline.
 *
 * Memory bound, and why: RSS (VmRSS from /proc/<pid>/status) is sampled after a warm-up (JIT, pools
 * and V8 heap sized for this load — the baseline), every second during the soak, and for 5 s after.
 * We cannot force a GC in the child, and V8 keeps freed pages for a while, so "returns to baseline"
 * is asserted as: the lowest post-soak sample ≤ baseline + max(24 MiB, 40 % of baseline) (here about
 * 65 + 26 MiB). Retaining ~10 KiB per request (one request/delivery with its buffers and socket state)
 * over the 3,000 soak requests would exceed it. Measured here (listen): 65 → peak 72 → after 67 MiB.
 * We also require the peak RSS of the last third of the soak to be no higher than the middle third's
 * + 24 MiB (no steady climb under load).
 * FBPAY_SOAK_SECONDS shortens the run locally (default 60).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { delivery, listenSummary, rssKiB, send, startGraph, startListen, type Running } from './helpers/servers.js';

const SECRET = 'soak-app-secret-5e6f7a';
const TOKEN = '1000000000000001|fbpay-emulator-secret';
const SECONDS = Number(process.env.FBPAY_SOAK_SECONDS ?? 60);
const RATE = 50; // per second, per target
const running: Running[] = [];

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (kib: number) => (kib / 1024).toFixed(1);

describe('soak', () => {
  it(`${SECONDS} s at ${RATE} req/s to webhook listen and to mock graph: all correct, memory back to baseline`, async () => {
    const listen = await startListen(SECRET);
    const graph = await startGraph();
    running.push(listen.p, graph.p);
    const created = await send(`${graph.url}/_fbpay/payments`, { body: '{}', headers: { 'content-type': 'application/json' } });
    const id = JSON.parse(created.body).id as string;
    const graphGet = `${graph.url}/${id}?access_token=${encodeURIComponent(TOKEN)}`;

    let validSent = 0;
    let invalidSent = 0;
    const failures: string[] = [];
    const inflight = new Set<Promise<void>>();
    const track = (p: Promise<void>) => {
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    };
    const one = (n: number) => {
      const valid = n % 3 !== 2;
      if (valid) validSent++;
      else invalidSent++;
      const d = delivery(SECRET, valid);
      track(
        send(listen.url, { body: d.body, headers: d.headers })
          .then((r) => {
            if (r.status !== (valid ? 200 : 403)) failures.push(`listen #${n} (${valid ? 'valid' : 'invalid'}) → ${r.status}`);
          })
          .catch((e) => void failures.push(`listen #${n}: ${(e as Error).message}`)),
      );
      track(
        send(graphGet, { method: 'GET' })
          .then((r) => {
            if (r.status !== 200 || JSON.parse(r.body).id !== id) failures.push(`graph #${n} → ${r.status}`);
          })
          .catch((e) => void failures.push(`graph #${n}: ${(e as Error).message}`)),
      );
    };

    // Warm-up: 300 of each, then let it settle, then take the baseline.
    for (let i = 0; i < 300; i++) one(i);
    await Promise.all([...inflight]);
    await sleep(2000);
    const base = { listen: rssKiB(listen.p.child.pid!), graph: rssKiB(graph.p.child.pid!) };

    // The soak: a steady rate, paced by the clock (no bursts to catch up more than one tick).
    const samples: Array<{ t: number; listen: number; graph: number }> = [];
    const t0 = performance.now();
    let sent = 0;
    let nextSample = 0;
    while (performance.now() - t0 < SECONDS * 1000) {
      const elapsed = performance.now() - t0;
      const due = Math.floor((elapsed * RATE) / 1000);
      while (sent < due) one(300 + sent++);
      if (elapsed >= nextSample) {
        samples.push({ t: elapsed, listen: rssKiB(listen.p.child.pid!), graph: rssKiB(graph.p.child.pid!) });
        nextSample += 1000;
      }
      await sleep(20);
    }
    await Promise.all([...inflight]);
    const soakMs = performance.now() - t0;

    // Five seconds after the soak, sampled each second.
    const after: Array<{ listen: number; graph: number }> = [];
    for (let i = 0; i < 5; i++) {
      await sleep(1000);
      after.push({ listen: rssKiB(listen.p.child.pid!), graph: rssKiB(graph.p.child.pid!) });
    }

    expect(failures.slice(0, 20), `${failures.length} failures`).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(Math.floor(SECONDS * RATE * 0.95));
    expect(listen.p.child.exitCode).toBeNull();
    expect(graph.p.child.exitCode).toBeNull();

    const report: string[] = [];
    for (const which of ['listen', 'graph'] as const) {
      const b = base[which];
      const peak = Math.max(...samples.map((s) => s[which]));
      const low = Math.min(...after.map((s) => s[which]));
      const bound = b + Math.max(24 * 1024, 0.4 * b);
      report.push(`${which}: baseline ${mib(b)} MiB, peak ${mib(peak)} MiB, after ${mib(low)} MiB (bound ${mib(bound)} MiB)`);
      expect(low, report.join('; ')).toBeLessThanOrEqual(bound);
      const third = Math.floor(samples.length / 3);
      if (third >= 3) {
        const mid = Math.max(...samples.slice(third, 2 * third).map((s) => s[which]));
        const last = Math.max(...samples.slice(2 * third).map((s) => s[which]));
        expect(last, `${which} climbs under steady load: ${report.join('; ')}`).toBeLessThanOrEqual(mid + 24 * 1024);
      }
    }
    console.log(`soak ${(soakMs / 1000).toFixed(1)} s, ${sent} + 300 per target; ${report.join('; ')}`);

    // Still verifying after it all, and the books balance: every valid one verified, no invalid one.
    const last = delivery(SECRET);
    expect((await send(listen.url, { body: last.body, headers: last.headers })).status).toBe(200);
    expect(await listen.p.stop('SIGINT')).toBe(130);
    const sum = listenSummary(listen.p.stdout + listen.p.stderr);
    expect(sum).toEqual({ deliveries: validSent + invalidSent + 1, verified: validSent + 1, not: invalidSent, rejected: 0 });
    expect(await graph.p.stop('SIGINT')).toBe(130);
  }, (SECONDS + 60) * 1000);
});
