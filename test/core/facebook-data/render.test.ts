import { describe, expect, it } from 'vitest';
import { compileFixture, renderFixture, renderScenario, type RenderOptions } from '../../../src/core/fixtures/render.js';
import { EventFixtureSchema, ScenarioFixtureSchema, type EventFixture } from '../../../src/core/fixtures/schema.js';
import { usageError as usage } from '../../helpers/usage-error.js';

/** What `fbpay fixtures show` / `webhook replay` send: a fixture file's placeholders, vars and --set rendered. */
const NOW = 1_700_000_000; // 2023-11-14T22:13:20Z
const now = () => NOW;
/** The lowest and the highest value each random draw can take (randomInt's max is exclusive). */
const low: RenderOptions['random'] = { int: (min) => min, uuid: () => '00000000-0000-4000-8000-000000000000' };
const high: RenderOptions['random'] = { int: (_min, max) => max - 1, uuid: () => 'ffffffff-ffff-4fff-bfff-ffffffffffff' };

const event = (body: unknown, more: Record<string, unknown> = {}): EventFixture => EventFixtureSchema.parse({ name: 'fx-test', provider: 'facebook', kind: 'payments-update', body, ...more });
const body = (b: unknown, opts: RenderOptions = {}) => renderFixture(event(b), { now, random: low, ...opts }).body;

describe('time placeholders', () => {
  it('a whole ${now}/${now±N}/${now_ms} keeps its number type; inside text it is digits', () => {
    expect(body({ a: '${now}', b: '${now+60}', c: '${now-3600}', d: '${now_ms}', e: '${now_ms+1}', f: '${now_ms-1}' })).toEqual({ a: NOW, b: NOW + 60, c: NOW - 3600, d: NOW * 1000, e: (NOW + 1) * 1000, f: (NOW - 1) * 1000 });
    expect(body({ a: 't=${now}', b: 't=${now+60}', d: '${now_ms}ms', e: '${now_ms-1}ms' })).toEqual({ a: `t=${NOW}`, b: `t=${NOW + 60}`, d: `${NOW * 1000}ms`, e: `${(NOW - 1) * 1000}ms` });
  });
  it('ISO and Graph times at seconds precision, with offsets', () => {
    expect(body({ a: '${now_iso}', b: '${now_iso+60}', c: '${now_graph}', d: '${now_graph-20}', e: 'at ${now_iso-1}' })).toEqual({
      a: '2023-11-14T22:13:20Z',
      b: '2023-11-14T22:14:20Z',
      c: '2023-11-14T22:13:20+0000',
      d: '2023-11-14T22:13:00+0000',
      e: 'at 2023-11-14T22:13:19Z',
    });
  });
  it('reads the clock it is given at each render, and the real clock by default', () => {
    const c = compileFixture(event({ t: '${now}' }));
    expect(c.render({ now: () => 5 }).body).toEqual({ t: 5 });
    expect(c.render({ now: () => 6 }).body).toEqual({ t: 6 });
    const before = Math.floor(Date.now() / 1000);
    const t = (c.render().body as { t: number }).t;
    expect(Number.isInteger(t)).toBe(true);
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });
  it.each(['now+', 'now+x', 'nowx', 'xnow', 'now_iso*2', 'NOW', 'now +1'])('${%s} is an unknown placeholder', (p) => {
    const e = usage(() => body({ t: `\${${p}}` }));
    expect(e.code).toBe('fixture_placeholder');
    expect(e.message).toBe(`fixture fx-test: unknown placeholder \${${p}}`);
    expect(e.hint).toBe('known: ${id} ${id:N} ${num:…} ${uuid} ${alnum:N} ${now} ${now_ms} ${now_iso} ${now_graph} ${now+N} ${env:NAME|default} ${var:name} ${prev:path}');
  });
});

describe('id, uuid and alnum placeholders', () => {
  it('${id} is 16 digits with no leading zero, fresh at each occurrence', () => {
    expect(body({ a: '${id}' }, { random: low })).toEqual({ a: '1000000001000000' });
    expect(body({ a: '${id}' }, { random: high })).toEqual({ a: '9999999999999999' });
    const ids = new Set(Array.from({ length: 20 }, () => (renderFixture(event({ a: '${id}' })).body as { a: string }).a));
    for (const id of ids) expect(id).toMatch(/^[1-9]\d{15}$/);
    expect(ids.size).toBeGreaterThan(1);
  });
  it('${id:N} is N digits with no leading zero, for N from 1 to 15', () => {
    expect(body({ a: '${id:1}', b: '${id:15}', c: 'x${id:3}' }, { random: low })).toEqual({ a: '1', b: '100000000000000', c: 'x100' });
    expect(body({ a: '${id:1}', b: '${id:15}', c: 'x${id:3}' }, { random: high })).toEqual({ a: '9', b: '999999999999999', c: 'x999' });
  });
  it.each(['0', '16', '2.5', 'x', '-1'])('${id:%s} is refused with the allowed lengths', (n) => {
    const e = usage(() => body({ a: `\${id:${n}}` }));
    expect(e.code).toBe('fixture_placeholder');
    expect(e.message).toBe(`fixture fx-test: \${id:${n}} needs a length from 1 to 15`);
    expect(e.hint).toBe('see the placeholder list in fixtures/README.md');
  });
  it('${uuid} comes from the random source', () => {
    expect(body({ a: '${uuid}', b: 'u-${uuid}' }, { random: high })).toEqual({ a: 'ffffffff-ffff-4fff-bfff-ffffffffffff', b: 'u-ffffffff-ffff-4fff-bfff-ffffffffffff' });
    expect((renderFixture(event({ a: '${uuid}' })).body as { a: string }).a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
  it('${alnum:N} is N characters from A-Z0-9, 12 by default', () => {
    expect(body({ a: 'I-${alnum:4}', b: '${alnum}', c: '${alnum:1}' }, { random: low })).toEqual({ a: 'I-AAAA', b: 'AAAAAAAAAAAA', c: 'A' });
    expect(body({ a: 'I-${alnum:4}', b: '${alnum}' }, { random: high })).toEqual({ a: 'I-9999', b: '999999999999' });
    expect(body({ a: '${alnum:6}' }, { random: { ...low, int: (min, max) => (min + max) >> 1 } })).toEqual({ a: 'SSSSSS' });
  });
});

describe('num placeholder', () => {
  const withVar = (v: unknown, template = '${num:var:x}') => renderFixture(event({ a: template }, { vars: { x: v } }), { now, random: low }).body;
  it('gives a JSON number when whole, and the digits inside text', () => {
    expect(withVar('123')).toEqual({ a: 123 });
    expect(withVar(45)).toEqual({ a: 45 });
    expect(withVar('-1.5')).toEqual({ a: -1.5 });
    expect(withVar('123', 'n=${num:var:x}')).toEqual({ a: 'n=123' });
    expect(body({ a: '${num:id:15}' }, { random: high })).toEqual({ a: 999999999999999 });
    expect(body({ a: '${num:now}' })).toEqual({ a: NOW });
  });
  it.each([
    ['abc', 'abc'],
    ['', ''],
    ['  ', '  '],
    ['1e3', '1e3'],
    ['007', '007'],
    ['Infinity', 'Infinity'],
    ['12345678901234567890', '12345678901234567890'],
    [{ a: 1 }, '{"a":1}'],
    ['x'.repeat(40), 'x'.repeat(30)],
  ])('refuses %j, which JSON readers would not keep exactly', (v, shown) => {
    const e = usage(() => withVar(v));
    expect(e.code).toBe('fixture_placeholder');
    expect(e.message).toBe(`fixture fx-test: \${num:var:x} gives "${shown}", not a number JSON readers keep exactly`);
    expect(e.hint).toBe('see the placeholder list in fixtures/README.md');
  });
});

describe('env, var and prev placeholders', () => {
  it('${env:NAME|default}: the variable when set (even empty), else the default (which may hold | and :)', () => {
    const b = { a: '${env:FB_URL|http://x:1/a|b}', b: '${env:FB_NONE}', c: 'k=${env:FB_NONE|d}', d: '${env:FB_EMPTY|d}' };
    expect(body(b, { env: { FB_URL: 'https://app', FB_EMPTY: '' } })).toEqual({ a: 'https://app', b: '', c: 'k=d', d: '' });
    expect(body(b)).toEqual({ a: 'http://x:1/a|b', b: '', c: 'k=d', d: 'd' });
  });
  it('${var:now} and ${env:now_ms} are a var and an env variable, not the clock', () => {
    expect(renderFixture(event({ a: '${var:now}', b: '${env:now_ms}' }, { vars: { now: 'V' } }), { now, env: { now_ms: 'E' } }).body).toEqual({ a: 'V', b: 'E' });
  });
  it('${var:name} keeps the var\'s type when whole, JSON inside text; vars may use the vars before them', () => {
    const fx = event({ a: '${var:n}', b: 'n=${var:n}', c: 'o=${var:o}', d: '${var:later}', e: 'plain', f: 7, g: null, h: [true, '${var:n}'] }, { vars: { n: 5, o: { k: [1] }, later: 'id-${var:n}' } });
    const r = renderFixture(fx, { now, random: low });
    expect(r.body).toEqual({ a: 5, b: 'n=5', c: 'o={"k":[1]}', d: 'id-5', e: 'plain', f: 7, g: null, h: [true, 5] });
    expect(r.vars).toEqual({ n: 5, o: { k: [1] }, later: 'id-5' });
  });
  it('given vars override the fixture\'s own (without evaluating them) and add new ones', () => {
    const fx = event({ a: '${var:n}', b: '${var:extra}' }, { vars: { n: '${var:undefined_here}', m: '${id:2}' } });
    const r = renderFixture(fx, { now, random: low, vars: { n: 'given', extra: 1 } });
    expect(r.body).toEqual({ a: 'given', b: 1 });
    expect(r.vars).toEqual({ n: 'given', m: '10', extra: 1 });
  });
  it('an undefined var is a usage error naming it and where to declare it', () => {
    const e = usage(() => body({ a: 'x${var:nope}' }));
    expect(e.code).toBe('fixture_var');
    expect(e.message).toBe('fixture fx-test: ${var:nope} is not defined');
    expect(e.hint).toBe('declare it in "vars"');
  });
  it('${prev:path} reads the previous step\'s body; outside a later scenario step it is refused', () => {
    expect(body({ a: '${prev:entry.0.id}', b: 'p-${prev:x}' }, { prev: { entry: [{ id: 'P1' }], x: 2 } })).toEqual({ a: 'P1', b: 'p-2' });
    const e = usage(() => body({ a: '${prev:entry.0.id}' }));
    expect(e.code).toBe('fixture_prev');
    expect(e.message).toBe('fixture fx-test: ${prev:entry.0.id} used outside a scenario step after the first');
  });
});

describe('renderFixture', () => {
  it('returns the fixture\'s fields with body, payment and meta rendered; no payment stays absent', () => {
    const fx = event({ id: '${id:4}' }, { description: 'd', delivery: { method: 'GET', encoding: 'query' }, payment: { id: '${var:p}', t: '${now}' }, meta: { signed: '${var:p}' }, vars: { p: 'PAY' } });
    expect(renderFixture(fx, { now, random: low })).toEqual({
      name: 'fx-test',
      provider: 'facebook',
      kind: 'payments-update',
      description: 'd',
      delivery: { method: 'GET', encoding: 'query' },
      vars: { p: 'PAY' },
      body: { id: '1000' },
      payment: { id: 'PAY', t: NOW },
      meta: { signed: 'PAY' },
    });
    const plain = renderFixture(event('no placeholders'), { now });
    expect(plain.body).toBe('no placeholders');
    expect(plain.payment).toBeUndefined();
    expect(plain.meta).toEqual({});
  });
  it('applies --set after rendering; an empty list changes nothing', () => {
    expect(body({ entry: [{ id: '${id:2}' }] }, { sets: ['entry.0.id="42"'] })).toEqual({ entry: [{ id: '42' }] });
    expect(body({ entry: [{ id: '${id:2}' }] }, { sets: [] })).toEqual({ entry: [{ id: '10' }] });
  });
  it('a compiled fixture renders fresh objects each time', () => {
    const c = compileFixture(event({ list: [{ a: '${id:3}' }] }));
    let i = 0;
    const counter: RenderOptions['random'] = { int: (min) => min + (i++ % 2), uuid: () => '' };
    const a = c.render({ now, random: counter });
    const b = c.render({ now, random: counter });
    expect(a.body).toEqual({ list: [{ a: '110' }] });
    expect(b.body).toEqual({ list: [{ a: '201' }] });
    expect(a.body).not.toBe(b.body);
  });
});

describe('renderScenario', () => {
  const steps: Record<string, EventFixture> = {
    'fx-charge': EventFixtureSchema.parse({ name: 'fx-charge', provider: 'facebook', kind: 'payments-update', vars: { own: 'O' }, body: { id: '${var:pid}', n: '${var:step}', own: '${var:own}', t: '${now}' } }),
    'fx-next': EventFixtureSchema.parse({ name: 'fx-next', provider: 'facebook', kind: 'payments-update', body: { id: '${var:pid}', before: '${prev:id}', n: '${var:step}' } }),
  };
  const lookup = (name: string) => steps[name];
  const scenario = ScenarioFixtureSchema.parse({
    name: 'fx-lifecycle',
    provider: 'facebook',
    kind: 'scenario',
    vars: { pid: '${id:5}', step: 0 },
    steps: [
      { fixture: 'fx-charge', vars: { step: 1 }, label: 'charge', set: { extra: 'first' } },
      { fixture: 'fx-next', vars: { step: '${var:pid}-2' }, set: { extra: '${var:pid}', 'deep.t': '${now+1}' } },
    ],
  });

  it('shares scenario vars across steps, lets step vars use them, and gives each step the previous body', () => {
    const out = renderScenario(scenario, lookup, { now, random: low });
    expect(out.map((s) => s.step)).toEqual(['fx-lifecycle#1 charge', 'fx-lifecycle#2']);
    expect(out[0].body).toEqual({ id: '10000', n: 1, own: 'O', t: NOW, extra: 'first' });
    expect(out[1].body).toEqual({ id: '10000', before: '10000', n: '10000-2', extra: '10000', deep: { t: NOW + 1 } });
    expect(out[1].name).toBe('fx-next');
  });
  it('given vars override the scenario\'s, and --set applies to every step after the step\'s own set', () => {
    const out = renderScenario(scenario, lookup, { now, random: low, vars: { pid: 'P' }, sets: ['extra=9'] });
    expect(out[0].body).toEqual({ id: 'P', n: 1, own: 'O', t: NOW, extra: 9 });
    expect(out[1].body).toMatchObject({ id: 'P', before: 'P', extra: 9 });
  });
  it('scenario vars read the clock and the environment given, or the real clock', () => {
    const timed = ScenarioFixtureSchema.parse({ name: 'fx-timed', provider: 'facebook', kind: 'scenario', vars: { pid: '${env:FB_PID|none}', step: '${now}' }, steps: [{ fixture: 'fx-charge' }] });
    expect(renderScenario(timed, lookup, { now: () => 7, random: low, env: { FB_PID: 'E1' } })[0].body).toMatchObject({ id: 'E1', n: 7, t: 7 });
    expect(renderScenario(timed, lookup, { now: () => 7, random: low })[0].body).toMatchObject({ id: 'none', n: 7 });
    const before = Math.floor(Date.now() / 1000);
    const n = (renderScenario(timed, lookup)[0].body as { n: number }).n;
    expect(n).toBeGreaterThanOrEqual(before);
    expect(n).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });
  it('uses the real clock and random ids by default', () => {
    const before = Math.floor(Date.now() / 1000);
    const [first] = renderScenario(scenario, lookup);
    const b = first.body as { id: string; t: number };
    expect(b.id).toMatch(/^[1-9]\d{4}$/);
    expect(b.t).toBeGreaterThanOrEqual(before);
    expect(b.t).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });
});
