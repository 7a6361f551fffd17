import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applySets, assertPathExists, getPath, parseLooseJson, parseSetArg, setPath } from '../../../src/core/set-path.js';
import { stringifyExact } from '../../../src/core/exact-json.js';
import { UsageError } from '../../../src/core/errors.js';
import { usageError } from '../../helpers/usage-error.js';


describe('parseSetArg', () => {
  it('splits a dotted path at the first "=", the value parsed as JSON when it parses', () => {
    expect(parseSetArg('a.b.0=5')).toEqual({ path: ['a', 'b', '0'], value: 5 });
    expect(parseSetArg('a=b=c')).toEqual({ path: ['a'], value: 'b=c' });
    expect(parseSetArg('a=')).toEqual({ path: ['a'], value: '' });
    expect(parseSetArg('a="5"')).toEqual({ path: ['a'], value: '5' });
    expect(parseSetArg('a={"b":[1,2.5]}')).toEqual({ path: ['a'], value: { b: [1, 2.5] } });
  });

  it('a leading "+" marks a new field; without it isNew is absent', () => {
    expect(parseSetArg('+a.b=1')).toEqual({ path: ['a', 'b'], value: 1, isNew: true });
    expect(Object.keys(parseSetArg('a=1'))).toEqual(['path', 'value']);
    expect(parseSetArg('a+b=1').path).toEqual(['a+b']);
  });

  it('no "=" or an empty path: the reason quotes the argument (cut to 80) and the hint shows the syntax', () => {
    for (const arg of ['novalue', '=5', '+=5']) {
      const e = usageError(() => parseSetArg(arg));
      expect(e.code).toBe('bad_set');
      expect(e.message).toBe(`--set expects path=value, got "${arg.replace(/^\+/, '')}"`);
      expect(e.hint).toBe('e.g. --set amount=2.99 --set user.id=\\"123\\"');
    }
    expect(usageError(() => parseSetArg('x'.repeat(100))).message).toBe(`--set expects path=value, got "${'x'.repeat(80)}"`);
  });

  it('an empty segment is refused, naming the path', () => {
    for (const p of ['a..b', '.a', 'a.']) {
      const e = usageError(() => parseSetArg(`${p}=1`));
      expect(e.code).toBe('bad_set');
      expect(e.message).toBe(`--set path "${p}" has an empty segment`);
      expect(e.hint).toBe('use dotted paths like a.b.0.c');
    }
  });

  it('prototype-polluting segments are refused anywhere in the path', () => {
    for (const seg of ['__proto__', 'constructor', 'prototype']) {
      expect(usageError(() => parseSetArg(`a.${seg}.b=1`)).code).toBe('bad_set');
      expect(usageError(() => parseSetArg(`a.${seg}.b=1`)).message).toBe(`--set path segment "${seg}" is not allowed`);
    }
  });

  it('an integer a double would round is refused, unless exact numbers are kept', () => {
    const e = usageError(() => parseSetArg('id=9007199254740993'));
    expect(e.code).toBe('number_not_exact');
    expect(e.message).toBe('--set id: 9007199254740993 is an integer JSON parsers round (to 9007199254740992): it would be sent changed');
    expect(e.hint).toBe(`send it as a string: --set id='"9007199254740993"'`);
    expect(stringifyExact(parseSetArg('id=9007199254740993', true).value)).toBe('9007199254740993');
    const nested = usageError(() => parseSetArg('user.id=9007199254740993'));
    expect(nested.message).toMatch(/^--set user\.id: 9007199254740993 is an integer/);
    expect(nested.hint).toBe(`send it as a string: --set user.id='"9007199254740993"'`);
  });
});

describe('parseLooseJson', () => {
  it('not JSON: the text itself', () => {
    expect(parseLooseJson('plain text')).toBe('plain text');
    expect(parseLooseJson('{bad')).toBe('{bad');
  });

  it('numbers a double changes but that are not integers become plain numbers; nested too', () => {
    expect(parseLooseJson('0.10000000000000001')).toBe(0.1);
    expect(parseLooseJson('[1.0, {"a": 2.50}]')).toEqual([1, { a: 2.5 }]);
    expect(parseLooseJson('{"a": {"b": [1e2]}}')).toEqual({ a: { b: [100] } });
    expect(parseLooseJson('null')).toBeNull();
  });

  it('an unsafe integer deep inside is refused, naming what was given; the hint keeps a non---set name', () => {
    const e = usageError(() => parseLooseJson('{"a": [12345678901234567890]}', '--data'));
    expect(e.message).toBe('--data: 12345678901234567890 is an integer JSON parsers round (to 12345678901234567000): it would be sent changed');
    expect(e.hint).toBe(`send it as a string: --data='"12345678901234567890"'`);
    expect(usageError(() => parseLooseJson('-9007199254740993')).message).toMatch(/^--set: -9007199254740993 is an integer/);
    const long = '1'.repeat(60);
    expect(usageError(() => parseLooseJson(long)).message).toContain(`: ${'1'.repeat(40)} is an integer`);
    expect(usageError(() => parseLooseJson(long)).hint).toBe(`send it as a string: --set='"${'1'.repeat(40)}"'`);
  });

  it('numbers out of range are refused even with exact numbers', () => {
    expect(usageError(() => parseLooseJson('1e400', '--set x', true)).code).toBe('number_out_of_range');
  });
});

describe('setPath / getPath', () => {
  it('creates objects, and arrays for numeric segments; never changes the target', () => {
    const t = { a: { b: 1 }, l: [1, 2] };
    const out = setPath(t, ['x', '0', 'y'], true);
    expect(out).toEqual({ a: { b: 1 }, l: [1, 2], x: [{ y: true }] });
    expect(Array.isArray((out as any).x)).toBe(true);
    expect(t).toEqual({ a: { b: 1 }, l: [1, 2] });
    const l = setPath(t, ['l', '1'], 9);
    expect(l.l).toEqual([1, 9]);
    expect(t.l).toEqual([1, 2]);
    // A numeric segment on an object is a key.
    expect(setPath({ o: { 1: 'a' } }, ['o', '1'], 'b')).toEqual({ o: { 1: 'b' } });
    // A scalar on the way is replaced.
    expect(setPath({ a: 5 }, ['a', 'b'], 1)).toEqual({ a: { b: 1 } });
    expect(setPath(null, ['a'], 1)).toEqual({ a: 1 });
    expect(setPath({ a: 1 }, [], 2)).toBe(2);
  });

  it('only an all-digit segment makes an array; scalars and strings on the way become containers', () => {
    expect(setPath({}, ['a', 'x1'], 1)).toEqual({ a: { x1: 1 } });
    expect(setPath({}, ['a', '1x'], 1)).toEqual({ a: { '1x': 1 } });
    const twelve = setPath({}, ['a', '12'], 1) as { a: unknown[] };
    expect(Array.isArray(twelve.a)).toBe(true);
    expect(twelve.a).toHaveLength(13);
    // A new array has holes before the index, nothing else.
    expect(setPath({}, ['x', '1'], 'v')).toEqual({ x: [undefined, 'v'] });
    expect(Object.keys((setPath({}, ['x', '1'], 'v') as { x: unknown[] }).x)).toEqual(['1']);
    expect(setPath({ a: 5 }, ['a', '0'], 1)).toEqual({ a: [1] });
    expect(Array.isArray((setPath({ a: 5 }, ['a', '0'], 1) as { a: unknown }).a)).toBe(true);
    expect(setPath({ a: 'str' }, ['a', 'b'], 1)).toEqual({ a: { b: 1 } });
    // On an object, digits are a key as written.
    expect(setPath({ o: {} }, ['o', '007'], 1)).toEqual({ o: { '007': 1 } });
    // An object with a "length" field is not an array: no index limit.
    expect(setPath({ o: { length: 1 } }, ['o', '5000'], 1)).toEqual({ o: { length: 1, 5000: 1 } });
  });

  it('an index far past the end of an array is refused; up to 1000 past is allowed', () => {
    const e = usageError(() => setPath({ l: [1, 2] }, ['l', '1003'], 0));
    expect(e.code).toBe('bad_set');
    expect(e.message).toBe('--set index 1003 is far past the end of the array (length 2)');
    expect(e.hint).toBe('set an existing element or append at the end');
    expect((setPath({ l: [1, 2] }, ['l', '1002'], 0) as any).l).toHaveLength(1003);
    expect(usageError(() => setPath([], ['99999999999999999999999'], 0)).message).toBe('--set index 99999999999999999999 is far past the end of the array (length 0)');
    // On an object a big number is just a key.
    expect(setPath({}, ['5000'], 1)).toEqual({ 5000: 1 });
  });

  it('getPath reads dotted paths; undefined through scalars and null', () => {
    const t = { a: { b: [10, { c: 'x' }] }, n: null };
    expect(getPath(t, 'a.b.1.c')).toBe('x');
    expect(getPath(t, ['a', 'b', '0'])).toBe(10);
    expect(getPath(t, 'a.b.0.c')).toBeUndefined();
    expect(getPath(t, 'n.x')).toBeUndefined();
    expect(getPath(t, 'z.y')).toBeUndefined();
    expect(getPath('str', 'length')).toBeUndefined();
  });

  it('property: what setPath writes, getPath reads back', () => {
    const seg = fc.oneof(fc.constantFrom('a', 'b', 'id'), fc.integer({ min: 0, max: 3 }).map(String));
    fc.assert(
      fc.property(fc.array(seg, { minLength: 1, maxLength: 4 }), fc.jsonValue(), (path, v) => {
        expect(getPath(setPath({ a: [1] }, path, v), path)).toEqual(v);
      }),
      { numRuns: 150 },
    );
  });
});

describe('applySets: strict by default', () => {
  const t = { entry: [{ id: '1', time: 5 }], amount: '2.99' };

  it('sets existing paths; a typo is refused with a did-you-mean and the +path hint', () => {
    expect(applySets(t, ['entry.0.id=2'])).toEqual({ entry: [{ id: 2, time: 5 }], amount: '2.99' });
    const e = usageError(() => applySets(t, ['entry.0.idd=2']));
    expect(e.code).toBe('set_unknown_path');
    expect(e.message).toBe('--set entry.0.idd: entry.0 has no "idd"; did you mean entry.0.id?');
    expect(e.hint).toBe('to add a new field on purpose, write --set +entry.0.idd=… (a leading "+" says the path is new)');
  });

  it('strict: false, a "+" path or an assignment object marked new may add fields', () => {
    expect(applySets(t, ['note=1'], { strict: false })).toMatchObject({ note: 1 });
    expect(applySets(t, ['+note=1'])).toMatchObject({ note: 1 });
    expect(applySets(t, [{ path: ['note'], value: 'x', isNew: true }])).toMatchObject({ note: 'x' });
    expect(() => applySets(t, [{ path: ['note'], value: 'x' }])).toThrow(UsageError);
  });

  it('later sets see earlier ones', () => {
    expect(applySets({}, ['+a.b=1', 'a.b=2'])).toEqual({ a: { b: 2 } });
  });

  it('exactNumbers keeps literals as written', () => {
    const out = applySets(t, ['entry.0.time=1.10'], { exactNumbers: true });
    expect(stringifyExact(out)).toBe('{"entry":[{"id":"1","time":1.10}],"amount":"2.99"}');
    expect(applySets(t, ['entry.0.time=1.10'])).toMatchObject({ entry: [{ time: 1.1 }] });
  });
});

describe('assertPathExists', () => {
  const t = { entry: [{ id: '1', changes: [{ field: 'payments' }] }], amount: { total: '1' }, n: null };

  it('accepts paths that exist, array indexes included', () => {
    expect(() => assertPathExists(t, ['entry', '0', 'changes', '0', 'field'])).not.toThrow();
    expect(() => assertPathExists(t, ['n'])).not.toThrow();
    expect(() => assertPathExists(t, [])).not.toThrow();
  });

  it('an index past the end, or a non-numeric one, is missing', () => {
    expect(usageError(() => assertPathExists(t, ['entry', '1'])).message).toBe('--set entry.1: entry has no "1"; did you mean entry.0?');
    expect(usageError(() => assertPathExists(t, ['entry', 'x'])).message).toBe('--set entry.x: entry has no "x"; did you mean entry.0?');
    expect(usageError(() => assertPathExists(t, ['entry', 'length'])).message).toBe('--set entry.length: entry has no "length"');
  });

  it('array indexes are plain digits: no spaces, no hex, no exponent; two digits work', () => {
    const l = { l: Array.from({ length: 11 }, (_, i) => i) };
    expect(() => assertPathExists(l, ['l', '10'])).not.toThrow();
    for (const seg of [' 1', '1 ', '0x1', '1e0', '+1']) expect(usageError(() => assertPathExists(l, ['l', seg])).code).toBe('set_unknown_path');
  });

  it('a string on the way is not an object, even for its characters or length', () => {
    expect(usageError(() => assertPathExists({ a: 'str' }, ['a', '0'])).message).toBe('--set a.0: a is not an object');
    expect(usageError(() => assertPathExists({ a: 'str' }, ['a', 'length'])).message).toBe('--set a.length: a is not an object');
    // Through a scalar nothing is suggested, whatever the segment.
    expect(usageError(() => assertPathExists({ a: 1 }, ['a', 'Stryker was here'])).message).toBe('--set a.Stryker was here: a is not an object');
  });

  it('inherited names are not fields', () => {
    expect(usageError(() => assertPathExists(t, ['toString'])).message).toBe('--set toString: the template has no "toString"');
  });

  it('a path through a scalar or null names the parent that is not an object', () => {
    expect(usageError(() => assertPathExists(t, ['amount', 'total', 'x'])).message).toBe('--set amount.total.x: amount.total is not an object');
    expect(usageError(() => assertPathExists(t, ['n', 'x'])).message).toBe('--set n.x: n is not an object');
    expect(usageError(() => assertPathExists('s', ['x'])).message).toBe('--set x: (root) is not an object');
    expect(usageError(() => assertPathExists(null, ['x'])).message).toBe('--set x: (root) is not an object');
  });

  it('did-you-mean: at most three names within an edit distance of max(1, length/4)', () => {
    const o = { abcd: 1, abce: 1, abcf: 1, abcg: 1, xyz: 1 };
    expect(usageError(() => assertPathExists(o, ['abch'])).message).toBe('--set abch: the template has no "abch"; did you mean abcd or abce or abcf?');
    // Length 9: distance 2 allowed, 3 not.
    expect(usageError(() => assertPathExists({ timestamp: 1 }, ['timestamx'])).message).toContain('did you mean timestamp?');
    expect(usageError(() => assertPathExists({ timestamp: 1 }, ['timestaxx'])).message).toContain('did you mean timestamp?');
    expect(usageError(() => assertPathExists({ timestamp: 1 }, ['timestxxx'])).message).not.toContain('did you mean');
    // Short names: distance 1 only.
    expect(usageError(() => assertPathExists({ id: 1 }, ['ix'])).message).toContain('did you mean id?');
    expect(usageError(() => assertPathExists({ id: 1 }, ['xy'])).message).not.toContain('did you mean');
    expect(usageError(() => assertPathExists({ id: 1 }, ['i'])).message).toContain('did you mean id?');
    expect(usageError(() => assertPathExists({ id: 1 }, ['idx'])).message).toContain('did you mean id?');
    expect(usageError(() => assertPathExists({ abc: 1 }, ['acb'])).message).not.toContain('did you mean');
    expect(usageError(() => assertPathExists({ abcdefgh: 1 }, ['abcdefghijkl'])).message).not.toContain('did you mean');
    expect(usageError(() => assertPathExists({ abcdefghijklmnop: 1 }, ['abcdefghijklm'])).message).toContain('did you mean abcdefghijklmnop?');
    expect(usageError(() => assertPathExists({ abcdefghijklmnop: 1 }, ['abcdefghijkl'])).message).not.toContain('did you mean');
    // Never a name more than 3 characters longer or shorter, even for long segments.
    const long = 'abcdefghijklmnopqrstuvwxyz';
    expect(usageError(() => assertPathExists({ [`${long}wxyz`]: 1 }, [long])).message).not.toContain('did you mean');
    expect(usageError(() => assertPathExists({ [`${long}xyz`]: 1 }, [long])).message).toContain(`did you mean ${long}xyz?`);
  });
});
