import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InterruptedError, NetworkError, UsageError } from '../../src/core/errors.js';
import { runBattery, selectChecks, type Battery, type Check, type CheckOutcome, type RunOptions } from '../../src/providers/webhook/check/index.js';
import { likelyCause } from '../../src/providers/webhook/check/runner.js';
import { httpRequest } from '../../src/transport/http.js';
import { startReceiver, type Running } from './receivers.js';

/**
 * The runner's promises to a user, each through runBattery against a real node:http receiver (the
 * path of a request picks its reply: /200, /404, /500 …): what is counted, what a premise does to a
 * pass, what an interrupted run says, the defaults of the budget and the timeout.
 */
let rx: Running;
beforeAll(async () => {
  rx = await startReceiver((r) => {
    const status = Number(r.url.pathname.split('/')[1]) || 200;
    return { status, body: `got ${status}` };
  });
});
afterAll(() => rx.close());

/** A check that GETs /<status>/<id> and passes on 2xx; `refusal` passes on non-2xx instead. */
const get = (id: string, status: number, o: { required?: boolean; premise?: string; refusal?: boolean } = {}): Check => ({
  id,
  title: `title ${id}`,
  required: o.required ?? true,
  why: `why ${id}`,
  premise: o.premise,
  async run(target, deps) {
    const res = await deps.send({ label: id, method: 'GET', url: new URL(`/${status}/${id}`, target).toString(), headers: {} });
    const ok = o.refusal ? res.status >= 300 : res.status < 300;
    return { ok, status: res.status, latencyMs: res.latencyMs, detail: `${res.status} ${res.body.toString()}` };
  },
});
const fixed = (id: string, result: { ok: boolean; skipped?: boolean; inconclusive?: boolean; accepted?: boolean; detail?: string }, premise?: string): Check => ({
  id,
  title: id,
  required: true,
  why: 'w',
  premise,
  run: async () => ({ detail: `${id} detail`, ...result }),
});
const battery = (checks: Check[], extra: Partial<Battery> = {}): Battery => ({ provider: 'facebook', checks, ...extra });
const target = () => new URL(rx.url);
const seen = () => rx.requests.map((r) => r.url.pathname);

describe('selectChecks', () => {
  const checks = ['a', 'b', 'c'].map((id) => get(id, 200));
  it('names the unknown id and lists the known ones, for --only and for --skip', () => {
    for (const [only, skip] of [[['a', 'zz'], []], [[], ['zz']]]) {
      const e = (() => {
        try {
          selectChecks(checks, only, skip);
        } catch (x) {
          return x;
        }
      })();
      expect(e).toBeInstanceOf(UsageError);
      expect(e).toMatchObject({ code: 'unknown_check', message: 'no check named "zz"', hint: 'checks: a, b, c' });
    }
    expect(() => selectChecks(checks, ['b'], ['b'])).toThrow(expect.objectContaining({ code: 'no_checks', message: '--only/--skip left no check to run', hint: 'checks: a, b, c' }));
    expect(selectChecks(checks).map((c) => c.id)).toEqual(['a', 'b', 'c']);
    expect(selectChecks(checks, ['b']).map((c) => c.id)).toEqual(['b']);
  });
});

describe('premises', () => {
  it('a refusal that FAILS stays a fail when its premise failed too (a 2xx to a forgery is never excused)', async () => {
    const r = await runBattery(battery([get('valid', 500), get('forged', 200, { premise: 'valid', refusal: true })]), { target: target() });
    expect(r.checks.map((c) => [c.id, c.ok, c.inconclusive ?? false, c.detail])).toEqual([
      ['valid', false, false, '500 got 500'],
      ['forged', false, false, '200 got 200'],
    ]);
    expect(r).toMatchObject({ failed: 2, requiredFailed: 2, inconclusive: 0 });
    // No pass rested on the failed premise: no cause is guessed.
    expect(r.cause).toBeUndefined();
  });

  it('a premise that is accepted though it fails its own stricter rule (accepted: true) leaves the refusal a pass; accepted: false makes it inconclusive', async () => {
    const accepted = await runBattery(battery([fixed('valid', { ok: false, accepted: true }), get('forged', 403, { premise: 'valid', refusal: true })]), { target: target() });
    expect(accepted.checks.map((c) => [c.id, c.ok, c.inconclusive ?? false])).toEqual([
      ['valid', false, false],
      ['forged', true, false],
    ]);
    const refused = await runBattery(battery([fixed('valid', { ok: true, accepted: false }), get('forged', 403, { premise: 'valid', refusal: true })]), { target: target() });
    expect(refused.checks[1]).toMatchObject({ ok: false, inconclusive: true, detail: '403 got 403 proves nothing: valid was not accepted (valid detail)' });
    expect(refused).toMatchObject({ passed: 1, failed: 0, inconclusive: 1, requiredInconclusive: 1 });
  });

  it('a skipped premise: the pass resting on it is inconclusive, "was skipped", and the cause says so', async () => {
    const r = await runBattery(battery([fixed('handshake', { ok: true, skipped: true, detail: 'skipped: no token' }), get('wrong-token', 403, { premise: 'handshake', refusal: true })]), { target: target() });
    expect(r.checks.map((c) => [c.id, c.ok, c.skipped ?? false, c.inconclusive ?? false, c.detail])).toEqual([
      ['handshake', true, true, false, 'skipped: no token'],
      ['wrong-token', false, false, true, '403 got 403 proves nothing: handshake was skipped'],
    ]);
    expect(r).toMatchObject({ passed: 0, failed: 0, skipped: 1, inconclusive: 1, cause: 'handshake was skipped, so the checks resting on it prove nothing' });
  });

  it('an unselected premise runs once for all the checks resting on it, and is not reported', async () => {
    rx.requests.length = 0;
    const checks = [get('valid', 200), get('f1', 403, { premise: 'valid', refusal: true }), get('f2', 403, { premise: 'valid', refusal: true })];
    const r = await runBattery(battery(checks), { target: target(), only: ['f1', 'f2'] });
    expect(r.checks.map((c) => [c.id, c.ok])).toEqual([
      ['f1', true],
      ['f2', true],
    ]);
    expect(seen()).toEqual(['/403/f1', '/200/valid', '/403/f2']);
    expect(r.passed).toBe(2);
  });

  it('an already inconclusive result is left as it is; the first failed premise is the one the cause names', async () => {
    const checks = [
      fixed('p1', { ok: false, detail: 'p1 refused' }),
      fixed('p2', { ok: false, detail: 'p2 refused' }),
      fixed('a', { ok: false, inconclusive: true, detail: 'a said nothing' }, 'p1'),
      fixed('b', { ok: true }, 'p1'),
      fixed('c', { ok: true }, 'p2'),
    ];
    const r = await runBattery(battery(checks), { target: target() });
    expect(r.checks.map((c) => c.detail)).toEqual(['p1 refused', 'p2 refused', 'a said nothing', 'b detail proves nothing: p1 was not accepted (p1 refused)', 'c detail proves nothing: p2 was not accepted (p2 refused)']);
    expect(r.cause).toBe('p1 was not accepted (p1 refused): the refusal checks prove nothing until it is');
  });

  it('a premise that names no check is a bug, said as one', async () => {
    await expect(runBattery(battery([fixed('a', { ok: true }, 'nope')]), { target: target() })).rejects.toThrow('check nope: unknown premise');
  });

  it('the note is given only when a premise failed', async () => {
    const note = 'setup fact';
    const ok = await runBattery(battery([get('valid', 200), get('forged', 403, { premise: 'valid', refusal: true })], { premiseNote: note }), { target: target() });
    expect(ok.note).toBeUndefined();
    expect(ok.cause).toBeUndefined();
    const bad = await runBattery(battery([get('valid', 404), get('forged', 403, { premise: 'valid', refusal: true })], { premiseNote: note }), { target: target() });
    expect(bad.note).toBe(note);
    expect(bad.cause).toBe('valid was not accepted (404 got 404): the refusal checks prove nothing until it is');
  });
});

describe('likelyCause', () => {
  const r = { ok: false, detail: 'd' };
  it('asks the question that fits the status every request got', () => {
    const cases: Array<[number, string]> = [
      [401, 'is the receiver set up with the same secret, webhook id or appkey as fbpay?'],
      [403, 'is the receiver set up with the same secret, webhook id or appkey as fbpay?'],
      [404, 'is the path right?'],
      [405, 'does the endpoint take this method at this path?'],
      [500, 'the receiver\u2019s log should say why'],
      [599, 'the receiver\u2019s log should say why'],
      [300, 'is the URL the one the redirect points to?'],
      [301, 'is the URL the one the redirect points to?'],
      [399, 'is the URL the one the redirect points to?'],
      [400, 'is this the webhook endpoint?'],
      [499, 'is this the webhook endpoint?'],
      [202, 'is this the webhook endpoint?'],
      [299, 'is this the webhook endpoint?'],
    ];
    for (const [s, question] of cases) expect(likelyCause('valid', r, [s, s, s]), String(s)).toBe(`every request got ${s}: ${question}`);
  });
  it('says nothing in common when there was one reply or they differ', () => {
    expect(likelyCause('valid', r, [404])).toBe('valid was not accepted (d): the refusal checks prove nothing until it is');
    expect(likelyCause('valid', r, [])).toBe('valid was not accepted (d): the refusal checks prove nothing until it is');
    expect(likelyCause('valid', r, [404, 404, 500])).toBe('valid was not accepted (d): the refusal checks prove nothing until it is');
    expect(likelyCause('valid', { ok: true, skipped: true, detail: 's' }, [403])).toBe('valid was skipped, so the checks resting on it prove nothing');
  });
});

describe('runBattery', () => {
  it('counts, in order, and tells each outcome as it finishes (masked); elapsed is the run time', async () => {
    const got: CheckOutcome[] = [];
    const before = performance.now();
    const r = await runBattery(
      battery([
        get('ok', 200),
        get('fail', 500),
        get('advisory', 500, { required: false }),
        fixed('skip', { ok: true, skipped: true }),
        fixed('unsure', { ok: false, inconclusive: true }),
        fixed('unsure-advisory', { ok: false, inconclusive: true }),
        fixed('leak', { ok: false, detail: 'token tok-secret-123456 echoed' }),
      ].map((c) => (c.id === 'unsure-advisory' ? { ...c, required: false } : c))),
      { target: target(), onResult: (o) => got.push(o), secrets: ['tok-secret-123456'] },
    );
    const took = performance.now() - before;
    expect(r).toMatchObject({ provider: 'facebook', target: `${rx.url}/`, passed: 1, failed: 3, requiredFailed: 2, inconclusive: 2, requiredInconclusive: 1, skipped: 1 });
    expect(r).not.toHaveProperty('kind');
    expect(r.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(r.elapsedMs).toBeLessThanOrEqual(took);
    expect(got).toEqual(r.checks);
    expect(got.map((o) => o.id)).toEqual(['ok', 'fail', 'advisory', 'skip', 'unsure', 'unsure-advisory', 'leak']);
    expect(r.checks[0]).toEqual({ id: 'ok', title: 'title ok', required: true, why: 'why ok', ok: true, status: 200, latencyMs: r.checks[0].latencyMs, detail: '200 got 200' });
    expect(r.checks[6].detail).not.toContain('tok-secret-123456');
    const kinded = await runBattery(battery([get('ok', 200)], { kind: 'deauthorize' }), { target: target() });
    expect(kinded.kind).toBe('deauthorize');
  });

  it('defaults: a 2000 ms budget and a timeout of max(5000, 2 × budget) per request, as given to the transport', async () => {
    const timeouts: number[] = [];
    const send: RunOptions['send'] = async (d, timeoutMs, signal) => {
      timeouts.push(timeoutMs);
      return { ...(await httpRequest({ method: d.method, url: d.url, headers: d.headers, timeoutMs, signal })), latencyMs: 2000 };
    };
    const budget: Check = {
      ...get('b', 200),
      async run(t, deps) {
        const res = await deps.send({ label: 'b', method: 'GET', url: t.toString(), headers: {} });
        return { ok: res.latencyMs <= deps.budgetMs, detail: `${deps.budgetMs} ${deps.timeoutMs}` };
      },
    };
    const dflt = await runBattery(battery([budget]), { target: target(), send });
    expect(dflt.checks[0]).toMatchObject({ ok: true, detail: '2000 5000' });
    await runBattery(battery([budget]), { target: target(), send, budgetMs: 3000 });
    await runBattery(battery([budget]), { target: target(), send, budgetMs: 100, timeoutMs: 700 });
    expect(timeouts).toEqual([5000, 6000, 700]);
  });

  it('a network failure after the endpoint answered once is "no reply" for that check; one before any reply that is not "unreachable" too', async () => {
    let n = 0;
    const send: RunOptions['send'] = async (d, timeoutMs, signal) => {
      if (++n === 1) throw new NetworkError('timeout', 'slow.example did not answer within 5 ms');
      if (n === 3) throw new NetworkError('connection_refused', 'connection refused by x');
      return httpRequest({ method: d.method, url: d.url, headers: d.headers, timeoutMs, signal });
    };
    const r = await runBattery(battery([get('a', 200), get('b', 200), get('c', 200)]), { target: target(), send });
    expect(r.checks.map((c) => [c.id, c.ok, c.detail])).toEqual([
      ['a', false, 'no reply: slow.example did not answer within 5 ms'],
      ['b', true, '200 got 200'],
      ['c', false, 'no reply: connection refused by x'],
    ]);
  });

  it('unreachable before any reply (refused, DNS): the run stops with exit 3, the message says nothing was checked, a hint is given', async () => {
    for (const code of ['connection_refused', 'dns_failed']) {
      const send: RunOptions['send'] = async () => {
        throw new NetworkError(code, `${code} happened`);
      };
      const e = await runBattery(battery([get('a', 200)]), { target: target(), send }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(NetworkError);
      expect(e).toMatchObject({ code, exitCode: 3, message: `${code} happened: the endpoint cannot be reached, nothing was checked`, hint: 'is the endpoint running?' });
      const withHint: RunOptions['send'] = async () => {
        throw new NetworkError(code, 'x', { hint: 'start it' });
      };
      expect(await runBattery(battery([get('a', 200)]), { target: target(), send: withHint }).catch((x: unknown) => x)).toMatchObject({ hint: 'start it' });
    }
  });

  it('a thrown value that is not an error object from the transport is not mistaken for the endpoint\u2019s failure', async () => {
    const send: RunOptions['send'] = async () => {
      throw 'boom';
    };
    await expect(runBattery(battery([get('a', 200)]), { target: target(), send })).rejects.toBe('boom');
  });

  it('Ctrl-C between checks: exit 130 saying what was done, each check by id and result', async () => {
    const ac = new AbortController();
    const stop = (id: string): Check => ({ ...fixed(id, { ok: true }), run: async () => (ac.abort(new InterruptedError()), { ok: true, detail: 'x' }) });
    const checks = [get('a', 200), get('b', 500), fixed('s', { ok: true, skipped: true }), fixed('i', { ok: false, inconclusive: true }), stop('stop'), get('never', 200)];
    const e = await runBattery(battery(checks), { target: target(), signal: ac.signal }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InterruptedError);
    expect(e).toMatchObject({ exitCode: 130, message: 'interrupted after 5 of 6 check(s): 2 passed, 1 failed (a ok, b FAIL, s skipped, i inconclusive, stop ok)' });
    const ac2 = new AbortController();
    ac2.abort(new InterruptedError());
    const first = await runBattery(battery([get('a', 200)]), { target: target(), signal: ac2.signal }).catch((x: unknown) => x);
    expect(first).toMatchObject({ exitCode: 130, message: 'interrupted after 0 of 1 check(s): 0 passed, 0 failed' });
  });

  it('aborted for another reason: that error as it is (not exit 130); an abort without an fbpay reason is an interruption', async () => {
    const ac = new AbortController();
    ac.abort(new NetworkError('graph_down', 'the Graph emulator went away'));
    const e = await runBattery(battery([get('a', 200)]), { target: target(), signal: ac.signal }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'graph_down', message: 'the Graph emulator went away' });
    const ac2 = new AbortController();
    ac2.abort(new Error('plain'));
    expect(await runBattery(battery([get('a', 200)]), { target: target(), signal: ac2.signal }).catch((x: unknown) => x)).toMatchObject({ exitCode: 130, message: 'interrupted after 0 of 1 check(s): 0 passed, 0 failed' });
  });

  it('an interruption error from a check while the run was not stopped is passed on as it is, not summarised', async () => {
    const check: Check = { ...fixed('a', { ok: true }), run: async () => Promise.reject(new InterruptedError('the emulator was stopped')) };
    const e = await runBattery(battery([get('ok', 200), check]), { target: target() }).catch((x: unknown) => x);
    expect(e).toMatchObject({ exitCode: 130, message: 'the emulator was stopped' });
    const ac = new AbortController();
    const e2 = await runBattery(battery([get('ok', 200), check]), { target: target(), signal: ac.signal }).catch((x: unknown) => x);
    expect(e2).toMatchObject({ exitCode: 130, message: 'the emulator was stopped' });
  });

  it('a request cut short by the run being stopped stops the run with that reason; it is not a "no reply" result', async () => {
    const ac = new AbortController();
    // As httpRequest does: an aborted request rejects with the signal's reason.
    const send: RunOptions['send'] = async (_d, _t, signal) => {
      ac.abort(new NetworkError('graph_down', 'the Graph emulator went away'));
      throw signal!.reason;
    };
    const e = await runBattery(battery([get('a', 200)]), { target: target(), send, signal: ac.signal }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'graph_down', exitCode: 3 });
  });

  it('open() gets the run\u2019s signal and close() runs once, also after a failure', async () => {
    const ac = new AbortController();
    const log: string[] = [];
    const b = battery([get('a', 200)], { open: async (s) => void log.push(s === ac.signal ? 'open(signal)' : 'open(?)'), close: async () => void log.push('close') });
    await runBattery(b, { target: target(), signal: ac.signal });
    expect(log).toEqual(['open(signal)', 'close']);
  });
});
