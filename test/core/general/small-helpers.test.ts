import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { maskSecret, redact } from '../../../src/core/mask.js';
import { parseBytes, parseNow } from '../../../src/core/parse.js';
import { ellipsize } from '../../../src/core/text.js';
import { validate } from '../../../src/core/validate.js';
import { ExitCode, FbpayError, InternalError, InterruptedError, isFbpayError, NetworkError, UsageError, VerificationError } from '../../../src/core/errors.js';
import { usageError } from '../../helpers/usage-error.js';


describe('maskSecret / redact', () => {
  it('shows the first 4 and last 2 characters from 12 characters up; fewer show none', () => {
    expect(maskSecret('d25da68caa30b617e2b4e3990cb91e4e')).toBe('d25d…4e (32 chars)');
    expect(maskSecret('abcdefghijkl')).toBe('abcd…kl (12 chars)');
    expect(maskSecret('abcdefghijk')).toBe('•••• (11 chars)');
    expect(maskSecret('a')).toBe('•••• (1 chars)');
    expect(maskSecret('')).toBe('(empty)');
    expect(maskSecret(undefined)).toBe('(not set)');
    expect(maskSecret(null)).toBe('(not set)');
  });

  it('redact replaces every occurrence of each secret of 4+ characters; shorter ones and undefined are left', () => {
    const s = 'd25da68caa30b617e2b4e3990cb91e4e';
    expect(redact(`a ${s} b ${s}`, [undefined, s])).toBe('a d25d…4e (32 chars) b d25d…4e (32 chars)');
    expect(redact('token abcd here', ['abcd'])).toBe('token •••• (4 chars) here');
    expect(redact('abc abc', ['abc', '', undefined])).toBe('abc abc');
    expect(redact('x', [])).toBe('x');
  });
});

describe('parseNow', () => {
  it('unix seconds (up to 11 digits), unix milliseconds (12-14 digits), ISO dates; trimmed', () => {
    expect(parseNow('1565186944')).toBe(1565186944);
    expect(parseNow(' 0 ')).toBe(0);
    expect(parseNow('99999999999')).toBe(99999999999);
    expect(parseNow('100000000000')).toBe(100000000);
    expect(parseNow('1565186944999')).toBe(1565186944);
    expect(parseNow('15651869449999')).toBe(15651869449);
    expect(parseNow('2024-06-01T00:00:00Z')).toBe(1717200000);
    expect(parseNow('2024-06-01T00:00:00.999Z')).toBe(1717200000);
  });

  it('anything else is a usage error naming the flag, with an example', () => {
    for (const v of ['soon', '', '12.5.x', '1e9x', 'x123456789012', '123456789012x']) {
      const e = usageError(() => parseNow(v, '--at'));
      expect(e.code).toBe('bad_time');
      expect(e.message).toBe(`--at must be unix seconds or an ISO date, got "${v.trim()}"`);
      expect(e.hint).toBe('e.g. --at 1565186944 or --at 2024-06-01T00:00:00Z');
    }
    expect(usageError(() => parseNow('x'.repeat(50))).message).toBe(`--now must be unix seconds or an ISO date, got "${'x'.repeat(40)}"`);
  });
});

describe('parseBytes', () => {
  it('bytes, k/kb, m/mb, g/gb, any case, decimals, spaces', () => {
    expect(parseBytes('100')).toBe(100);
    expect(parseBytes('100b')).toBe(100);
    expect(parseBytes('2k')).toBe(2048);
    expect(parseBytes('2KB')).toBe(2048);
    expect(parseBytes(' 1.5 mb ')).toBe(1572864);
    expect(parseBytes('1M')).toBe(1048576);
    expect(parseBytes('1g')).toBe(1073741824);
    expect(parseBytes('2Gb')).toBe(2147483648);
    expect(parseBytes('0.001kb')).toBe(1);
  });

  it('anything else is a usage error naming the flag', () => {
    for (const v of ['lots', '1tb', '-1', 'mb', '1.mb', '1 m b', 'x1mb', '1mbx']) {
      const e = usageError(() => parseBytes(v, '--limit'));
      expect(e.code).toBe('bad_size');
      expect(e.message).toBe(`--limit must be a size like 1mb or 512kb, got "${v}"`);
      expect(e.hint).toBe('e.g. --limit 1mb');
    }
    expect(usageError(() => parseBytes('y'.repeat(50))).message).toBe(`--max-body must be a size like 1mb or 512kb, got "${'y'.repeat(40)}"`);
  });
});

describe('ellipsize', () => {
  it('exactly max characters is kept whole; one more is cut to max-1 plus the mark', () => {
    expect(ellipsize('abcde', 5)).toBe('abcde');
    expect(ellipsize('abcdef', 5)).toBe('abcd…');
    expect(ellipsize('ab', 1)).toBe('…');
    expect(ellipsize('', 0)).toBe('');
    // 5 UTF-16 units, 3 code points.
    expect(ellipsize('a😀😀', 3)).toBe('a😀😀');
    expect(ellipsize('a😀😀b', 3)).toBe('a😀…');
  });
});

describe('validate', () => {
  const schema = z.object({ a: z.object({ b: z.array(z.enum(['x', 'y'])) }) });
  it('ok with the data', () => {
    expect(validate(schema, { a: { b: ['x'] } })).toEqual({ ok: true, data: { a: { b: ['x'] } } });
  });
  it('a failure is the first issue: its dotted path and an English message', () => {
    expect(validate(schema, { a: { b: ['x', 'z'] } })).toEqual({ ok: false, path: 'a.b.1', message: 'Invalid option: expected one of "x"|"y"' });
    expect(validate(z.string(), 5)).toEqual({ ok: false, path: '', message: 'Invalid input: expected string, received number' });
  });
});

describe('errors: what the CLI maps to an exit code and prints', () => {
  it('each class carries its exit code, code, message, hint and name', () => {
    const cases: Array<[FbpayError, number, string, string]> = [
      [new UsageError('u', 'um', { hint: 'uh' }), 2, 'u', 'UsageError'],
      [new VerificationError('v', 'vm'), 1, 'v', 'VerificationError'],
      [new NetworkError('n', 'nm'), 3, 'n', 'NetworkError'],
      [new InterruptedError(), 130, 'interrupted', 'InterruptedError'],
      [new InternalError('boom'), 2, 'internal', 'InternalError'],
    ];
    for (const [e, exit, code, name] of cases) {
      expect(e.exitCode).toBe(exit);
      expect(e.code).toBe(code);
      expect(e.name).toBe(name);
      expect(e).toBeInstanceOf(Error);
      expect(isFbpayError(e)).toBe(true);
    }
    expect(ExitCode).toEqual({ ok: 0, failed: 1, usage: 2, network: 3, interrupted: 130 });
    expect(new InterruptedError().message).toBe('interrupted');
    expect(new InterruptedError('stopped').message).toBe('stopped');
    expect(isFbpayError(new Error('x'))).toBe(false);
    expect(isFbpayError('x')).toBe(false);
  });

  it('an internal error says it is a bug, unless a hint is given', () => {
    expect(new InternalError('boom').hint).toBe('this is a bug in fbpay; run again with --verbose and report the stack trace');
    expect(new InternalError('boom', { hint: 'h' }).hint).toBe('h');
  });

  it('toJSON: code, message, the hint only when set, details merged', () => {
    expect(new UsageError('u', 'm').toJSON()).toEqual({ code: 'u', message: 'm' });
    expect(Object.keys(new UsageError('u', 'm', { hint: '' }).toJSON())).toEqual(['code', 'message']);
    expect(new VerificationError('v', 'm', { hint: 'h', details: { status: 404, url: 'x' } }).toJSON()).toEqual({ code: 'v', message: 'm', hint: 'h', status: 404, url: 'x' });
    expect(JSON.parse(JSON.stringify(new NetworkError('n', 'm', { details: { a: 1 } })))).toEqual({ code: 'n', message: 'm', a: 1 });
  });

  it('a cause is kept only when given', () => {
    const cause = new Error('root');
    expect(new NetworkError('n', 'm', { cause }).cause).toBe(cause);
    expect('cause' in new NetworkError('n', 'm')).toBe(false);
    expect(new NetworkError('n', 'm', { cause: 0 }).cause).toBe(0);
  });
});
