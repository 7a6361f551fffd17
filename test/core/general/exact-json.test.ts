import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asciiJson, exactNumber, exactNumberText, parseJsonExact, stringifyExact } from '../../../src/core/exact-json.js';
import { usageError } from '../../helpers/usage-error.js';


describe('parseJsonExact + stringifyExact: the literals someone signs survive', () => {
  it('literals a double does not reproduce are written back exactly; the others as JSON writes them', () => {
    const text = '{"a":9007199254740993,"b":1.10,"c":1e2,"d":-0.0,"e":5,"f":-12.5,"g":[0,1E+2,2e-3],"h":"9007199254740993","i":100}';
    const v = parseJsonExact(text, 'body') as Record<string, unknown>;
    expect(v.e).toBe(5);
    expect(v.f).toBe(-12.5);
    expect(v.i).toBe(100);
    expect(v.h).toBe('9007199254740993');
    expect(exactNumberText(v.a)).toBe('9007199254740993');
    expect(exactNumberText(v.b)).toBe('1.10');
    expect(stringifyExact(v)).toBe(text);
  });

  it('numbers inside strings, escaped quotes and backslashes are left alone', () => {
    const text = '{"k\\"1.10":"x\\\\","s":"a \\"9007199254740993\\" 1.10","n":1.10}';
    const v = parseJsonExact(text, 'body') as Record<string, unknown>;
    expect(v['k"1.10']).toBe('x\\');
    expect(v.s).toBe('a "9007199254740993" 1.10');
    expect(stringifyExact(v)).toBe(text);
  });

  it('a top-level literal, and whitespace, are handled', () => {
    expect(stringifyExact(parseJsonExact(' 1.50 ', 'x'))).toBe('1.50');
    expect(parseJsonExact('[1, 2]', 'x')).toEqual([1, 2]);
    expect(parseJsonExact('"-1.50"', 'x')).toBe('-1.50');
    expect(stringifyExact(parseJsonExact('{"a": [1.0, -2.00]}', 'x'), 2)).toBe('{\n  "a": [\n    1.0,\n    -2.00\n  ]\n}');
  });

  it('invalid JSON still throws as JSON.parse does', () => {
    expect(() => parseJsonExact('{"a": 01}', 'x')).toThrow(SyntaxError);
    expect(() => parseJsonExact('-', 'x')).toThrow(SyntaxError);
    expect(() => parseJsonExact('{"a": "unterminated', 'x')).toThrow(SyntaxError);
    expect(() => parseJsonExact('"ends with a backslash\\', 'x')).toThrow(SyntaxError);
  });

  it('an out-of-range literal is refused, naming the field (or the root) and the literal cut to 39 characters', () => {
    const e = usageError(() => parseJsonExact('{"a":{"b":[1,1e400]}}', 'body'));
    expect(e.code).toBe('number_out_of_range');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('body: a.b.1 is 1e400, a number beyond what JSON parsers read (it would become Infinity, or null when written back)');
    expect(e.hint).toBe('Facebook never sends such numbers; use a number in range, or a string if the text itself matters');
    expect(usageError(() => parseJsonExact('-1e999', 'x')).message).toMatch(/^x: \(root\) is -1e999, /);
    const long = `1${'0'.repeat(400)}`;
    expect(usageError(() => parseJsonExact(long, 'x')).message).toMatch(new RegExp(`^x: \\(root\\) is ${long.slice(0, 39)}, `));
  });

  it('a __proto__ key is refused anywhere, with its path', () => {
    const e = usageError(() => parseJsonExact('{"a":[{"__proto__":{"x":1}}]}', 'payload'));
    expect(e.code).toBe('forbidden_key');
    expect(e.message).toBe('payload: a.0.__proto__ is a "__proto__" key, which JavaScript merges drop or turn into a prototype');
    expect(e.hint).toBe('remove it; Facebook payloads never carry one');
    expect(() => parseJsonExact('{"proto":1,"__proto__x":2}', 'x')).not.toThrow();
  });

  it('a string that only looks like a kept literal is not one', () => {
    expect(exactNumberText('1.10')).toBeUndefined();
    expect(exactNumberText(1.1)).toBeUndefined();
    expect(exactNumberText(exactNumber('1.10'))).toBe('1.10');
    expect(stringifyExact({ a: exactNumber('1.10'), s: 'fbpay-exact-' })).toBe('{"a":1.10,"s":"fbpay-exact-"}');
  });

  it('property: any JSON round-trips to the same value, and to the same text when written compactly', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        fc.pre(!text.includes('__proto__'));
        const parsed = parseJsonExact(text, 'x');
        expect(stringifyExact(parsed)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});

describe('asciiJson', () => {
  it('escapes non-ASCII as PHP does, lower-case hex, surrogate pairs as two', () => {
    expect(asciiJson('{"a":"é中😀\u007f\u0080"}')).toBe('{"a":"\\u00e9\\u4e2d\\ud83d\\ude00\u007f\\u0080"}');
    expect(asciiJson('plain')).toBe('plain');
    expect(asciiJson('\uffff')).toBe('\\uffff');
  });
});
