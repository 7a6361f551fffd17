import { describe, expect, it } from 'vitest';
import { InterruptedError, NetworkError, UsageError } from '../../src/core/errors.js';
import { reportToJson, reportToJunit, runBattery, selectChecks, type Battery, type Check } from '../../src/providers/webhook/check/index.js';
import { likelyCause } from '../../src/providers/webhook/check/runner.js';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/php.js';
import { startReceiver } from './receivers.js';

/** A check that sends one GET to the target and passes on 2xx. */
const getCheck = (id: string, required = true): Check => ({
  id,
  title: id,
  required,
  why: 'because',
  async run(target, deps) {
    const res = await deps.send({ label: id, method: 'GET', url: new URL(`/${id}`, target).toString(), headers: {} });
    return { ok: res.status < 300, status: res.status, detail: `${res.status} ${res.body.toString()}` };
  },
});

const battery = (checks: Check[], extra: Partial<Battery> = {}): Battery => ({ provider: 'facebook', checks, ...extra });

describe('selectChecks', () => {
  const checks = ['a', 'b', 'c'].map((id) => getCheck(id));
  it('keeps the battery order, whatever order --only names', () => {
    expect(selectChecks(checks, ['c', 'a']).map((c) => c.id)).toEqual(['a', 'c']);
    expect(selectChecks(checks, [], ['b']).map((c) => c.id)).toEqual(['a', 'c']);
    expect(selectChecks(checks, ['a', 'b'], ['b']).map((c) => c.id)).toEqual(['a']);
  });
  it('an unknown id, or nothing left, is a usage error naming the ids', () => {
    expect(() => selectChecks(checks, ['x'])).toThrow(UsageError);
    expect(() => selectChecks(checks, [], ['x'])).toThrow(/no check named "x"/);
    expect(() => selectChecks(checks, ['a'], ['a'])).toThrow(/left no check/);
  });
});

describe('premises: a pass that rests on another check', () => {
  /** A refusal check: passes on a non-2xx reply to GET /<id>. */
  const refusal = (id: string, premise: string): Check => ({
    id,
    title: id,
    required: true,
    why: 'w',
    premise,
    async run(target, deps) {
      const res = await deps.send({ label: id, method: 'GET', url: new URL(`/${id}`, target).toString(), headers: {} });
      return { ok: res.status >= 300, status: res.status, detail: `${res.status}` };
    },
  });

  it('is inconclusive when its premise failed, counted apart, and JUnit marks it a failure of type inconclusive', async () => {
    const rx = await startReceiver((r) => (r.url.pathname === '/valid' ? { status: 500, body: 'down' } : { status: 403, body: 'no' }));
    try {
      const report = await runBattery(battery([getCheck('valid'), refusal('forged', 'valid')]), { target: new URL(rx.url) });
      expect(report).toMatchObject({ passed: 0, failed: 1, requiredFailed: 1, inconclusive: 1, requiredInconclusive: 1, cause: 'valid was not accepted (500 down): the refusal checks prove nothing until it is' });
      expect(reportToJson(report).checks[1]).toMatchObject({ id: 'forged', ok: null, result: 'inconclusive', inconclusive: true });
      expect(reportToJunit(report)).toContain('<failure message="403 proves nothing: valid was not accepted (500 down)" type="inconclusive">');
    } finally {
      await rx.close();
    }
  });

  it('runs an unselected premise too, unreported; a premise that passed leaves the pass alone', async () => {
    const rx = await startReceiver((r) => (r.url.pathname === '/valid' ? { status: 200, body: 'ok' } : { status: 403, body: 'no' }));
    try {
      const report = await runBattery(battery([getCheck('valid'), refusal('forged', 'valid')]), { target: new URL(rx.url), only: ['forged'] });
      expect(report.checks.map((c) => [c.id, c.ok, Boolean(c.inconclusive)])).toEqual([['forged', true, false]]);
      expect(rx.requests.map((q) => q.url.pathname)).toEqual(['/forged', '/valid']);
    } finally {
      await rx.close();
    }
  });

  it('likelyCause names what every reply had in common, as a question, and nothing it did not see', () => {
    const r = { ok: false, detail: '404' };
    expect(likelyCause('valid', r, [404, 404, 404])).toBe('every request got 404: is the path right?');
    expect(likelyCause('valid', r, [405, 405])).toBe('every request got 405: does the endpoint take this method at this path?');
    expect(likelyCause('valid', r, [403, 403])).toMatch(/^every request got 403: is the receiver set up with the same secret/);
    expect(likelyCause('valid', r, [502, 502])).toBe('every request got 502: the receiver\u2019s log should say why');
    expect(likelyCause('valid', { ok: false, detail: '401 "x"' }, [401, 403])).toBe('valid was not accepted (401 "x"): the refusal checks prove nothing until it is');
  });
});

describe('runBattery', () => {
  it('counts passed, failed (required and advisory) and skipped; JSON and JUnit agree', async () => {
    const rx = await startReceiver((r) => (r.url.pathname === '/bad' || r.url.pathname === '/meh' ? { status: 500, body: 'boom' } : { status: 200, body: 'fine' }));
    try {
      const skip: Check = { id: 'skip', title: 'skip', required: true, why: 'w', run: async () => ({ ok: true, skipped: true, detail: 'not configured' }) };
      const report = await runBattery(battery([getCheck('good'), getCheck('bad'), getCheck('meh', false), skip]), { target: new URL(rx.url) });
      expect(report).toMatchObject({ passed: 1, failed: 2, requiredFailed: 1, skipped: 1 });
      const json = reportToJson(report);
      expect(json.checks.map((c) => [c.id, c.ok, c.status])).toEqual([
        ['good', true, 200],
        ['bad', false, 500],
        ['meh', false, 500],
        ['skip', null, null],
      ]);
      const xml = reportToJunit(report, new Date(Date.UTC(2026, 10, 21)));
      expect(xml).toContain('tests="4" failures="2" errors="0" skipped="1"');
      expect(xml).toContain('timestamp="2026-11-21T00:00:00"');
      expect(xml).toContain('<failure message="500 boom" type="advisory">');
    } finally {
      await rx.close();
    }
  });

  it('an endpoint that goes away after answering once: the later check fails with the reason, the run goes on', async () => {
    let close: () => Promise<void> = async () => undefined;
    const rx = await startReceiver(() => {
      setImmediate(() => void close());
      return { status: 200, body: 'bye', headers: { connection: 'close' } };
    });
    close = rx.close;
    const report = await runBattery(battery([getCheck('first'), getCheck('second'), getCheck('third')]), { target: new URL(rx.url) });
    expect(report.checks.map((c) => c.ok)).toEqual([true, false, false]);
    expect(report.checks[1].detail).toMatch(/^no reply: connection (refused|reset)/);
  });

  it('nothing listening before any reply: NetworkError (exit 3), no report', async () => {
    const port = await freePort();
    const err = await runBattery(battery([getCheck('a')]), { target: new URL(`http://127.0.0.1:${port}/`) }).catch((e) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.exitCode).toBe(3);
    expect(err.message).toMatch(/connection refused .*nothing was checked/);
  });

  it('errors that are not the endpoint\u2019s (building a delivery, a dependency) stop the run as they are; close() still runs', async () => {
    const rx = await startReceiver(() => ({ status: 200, body: '' }));
    let closed = 0;
    try {
      const boom: Check = { ...getCheck('boom'), run: async () => Promise.reject(new NetworkError('graph_seed_failed', 'seeding failed')) };
      const err = await runBattery(battery([getCheck('a'), boom], { close: async () => void closed++ }), { target: new URL(rx.url) }).catch((e) => e);
      expect(err).toMatchObject({ code: 'graph_seed_failed' });
      expect(closed).toBe(1);
    } finally {
      await rx.close();
    }
  });

  it('secrets a receiver echoes back are masked in every detail', async () => {
    const rx = await startReceiver((r) => ({ status: 403, body: `bad token ${r.url.searchParams.get('t')}` }));
    try {
      const echo: Check = {
        ...getCheck('echo'),
        async run(target, deps) {
          const res = await deps.send({ label: 'e', method: 'GET', url: `${target.origin}/?t=hunter2-super-secret`, headers: {} });
          return { ok: false, detail: res.body.toString() };
        },
      };
      const report = await runBattery(battery([echo]), { target: new URL(rx.url), secrets: ['hunter2-super-secret', undefined] });
      expect(report.checks[0].detail).toBe('bad token hunt…et (20 chars)');
    } finally {
      await rx.close();
    }
  });

  it('Ctrl-C between checks stops with InterruptedError (exit 130)', async () => {
    const rx = await startReceiver(() => ({ status: 200, body: '' }));
    const ac = new AbortController();
    try {
      const stopper: Check = { ...getCheck('stopper'), run: async () => (ac.abort(new InterruptedError()), { ok: true, detail: '' }) };
      const err = await runBattery(battery([stopper, getCheck('never')]), { target: new URL(rx.url), signal: ac.signal }).catch((e) => e);
      expect(err).toBeInstanceOf(InterruptedError);
      expect(rx.requests.map((r) => r.url.pathname)).not.toContain('/never');
    } finally {
      await rx.close();
    }
  });
});

describe('webhook check --graph-url', () => {
  it('an emulator that is not there is named in the exit-3 error, not mistaken for the endpoint', async () => {
    const rx = await startReceiver(() => ({ status: 200, body: '' }));
    const graphPort = await freePort();
    try {
      const r = await runCli(['webhook', 'check', '--to', rx.url, '--secret', 'x-secret-1234', '--only', 'valid-update', '--graph-url', `http://127.0.0.1:${graphPort}`]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`127.0.0.1:${graphPort}`);
      expect(r.stderr).not.toMatch(/the endpoint cannot be reached/);
      expect(rx.requests).toHaveLength(0);
    } finally {
      await rx.close();
    }
  });
});
