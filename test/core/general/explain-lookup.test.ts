import { describe, expect, it } from 'vitest';
import { EXPLAIN_ENTRIES, explainCode, graphCodeEntry, normalizeCode } from '../../../src/core/explain/lookup.js';

const nearest = (input: string) => {
  const r = explainCode(input);
  if (r.found) throw new Error(`${input} was found`);
  return { code: r.code, nearest: r.nearest.map((e) => e.code) };
};

describe('normalizeCode: the ways people paste codes', () => {
  it('family codes: any case, any separator, spaces and underscores in the name become dashes', () => {
    expect(normalizeCode('  PayPal:Crc_Mismatch ')).toBe('paypal:crc-mismatch');
    expect(normalizeCode('paypal/cert host')).toBe('paypal:cert-host');
    expect(normalizeCode('paypal - cert__host')).toBe('paypal:cert-host');
    expect(normalizeCode('midas_4')).toBe('midas:4');
    expect(normalizeCode('midas-  4 ')).toBe('midas:4');
    expect(normalizeCode('paypal')).toBe('paypal');
    expect(normalizeCode('xpaypal:crc')).toBe('xpaypal:crc');
    // A code is one line: text after a line break is not part of the name.
    expect(normalizeCode('paypal crc\nmismatch')).toBe('paypal crc\nmismatch');
  });

  it('numbers: leading zeros dropped, with #, parentheses or a name before them', () => {
    expect(normalizeCode('0100')).toBe('100');
    expect(normalizeCode('(# 190)')).toBe('190');
    expect(normalizeCode('Error (#100)')).toBe('100');
    expect(normalizeCode('OAuthException #190')).toBe('190');
    expect(normalizeCode('code 1383001')).toBe('1383001');
    // A number inside other text is not a code.
    expect(normalizeCode('abc100')).toBe('abc100');
    expect(normalizeCode('100 apples')).toBe('100 apples');
    expect(normalizeCode('#190x')).toBe('#190x');
    expect(normalizeCode('x(#190')).toBe('x(#190');
  });
});

describe('explainCode', () => {
  it('finds a code however it is written; any 2xx Graph code is the 200 family, other codes are not', () => {
    expect(explainCode(' (#1383001) ')).toMatchObject({ found: true, entry: { code: '1383001', family: 'pay-dialog' } });
    expect(explainCode('midas 4')).toMatchObject({ found: true, entry: { code: 'midas:4', family: 'midas' } });
    expect(explainCode('299')).toMatchObject({ found: true, entry: { code: '200' } });
    expect(explainCode('2999').found).toBe(false);
    expect(explainCode('1200').found).toBe(false);
    expect(explainCode('20').found).toBe(false);
  });

  it('an unknown Graph code: the three nearest by value, ties to the smaller code', () => {
    expect(nearest('5')).toEqual({ code: '5', nearest: ['4', '2', '1'] });
    expect(nearest('3')).toEqual({ code: '3', nearest: ['2', '4', '1'] });
    expect(nearest('301')).toEqual({ code: '301', nearest: ['368', '200', '190'] });
    expect(nearest('999999')).toEqual({ code: '999999', nearest: ['613', '368', '200'] });
  });

  it('an unknown Pay Dialog code (7 digits) gets Pay Dialog codes, never Graph ones', () => {
    expect(nearest('1383002')).toEqual({ code: '1383002', nearest: ['1383001', '1383004', '1383005'] });
    expect(nearest('1000000').nearest).toEqual(['1383001', '1383004', '1383005']);
    expect(nearest('99999999').nearest).toEqual(['1383146', '1383104', '1383068']);
  });

  it('an unknown family code: same family first, those starting with or containing what was typed', () => {
    expect(nearest('paypal:crc')).toEqual({ code: 'paypal:crc', nearest: ['paypal:crc-mismatch', 'paypal:cert-host', 'paypal:cert-chain'] });
    expect(nearest('paypal:cert').nearest).toEqual(['paypal:cert-host', 'paypal:cert-chain', 'paypal:cert-expired']);
    expect(nearest('paypal:expired').nearest[0]).toBe('paypal:cert-expired');
    expect(nearest('paypal:mismatch').nearest.slice(0, 2).sort()).toEqual(['paypal:crc-mismatch', 'paypal:signature-mismatch']);
    expect(nearest('midas:9')).toEqual({ code: 'midas:9', nearest: ['midas:0', 'midas:1', 'midas:2'] });
    expect(nearest('midas:crc').nearest).toEqual(['midas:0', 'midas:1', 'midas:2']);
  });

  it('a family name must be whole: "mid:" and "pay:" are not midas and paypal', () => {
    expect(nearest('mid:crc').nearest[0]).toBe('paypal:crc-mismatch');
    expect(nearest('pay:q').nearest).toEqual(['midas:0', 'midas:1', 'midas:2']);
  });

  it('a code that starts with digits but is not a number is compared with family codes', () => {
    expect(nearest('100 apples').nearest.every((c) => c.includes(':'))).toBe(true);
  });

  it('codes that start with what was typed come before codes that merely contain it', () => {
    expect(nearest('paypal:s').nearest.slice(0, 2)).toEqual(['paypal:signature-mismatch', 'paypal:simulator-webhook-id']);
  });

  it('a misspelt name: the nearest by edit distance comes first', () => {
    expect(nearest('paypal:cert-chan').nearest[0]).toBe('paypal:cert-chain');
    expect(nearest('paypal:cert-hots').nearest[0]).toBe('paypal:cert-host');
    expect(nearest('paypal:signature-mismach').nearest[0]).toBe('paypal:signature-mismatch');
    expect(nearest('paypal:transmision-time').nearest[0]).toBe('paypal:transmission-time');
    expect(nearest('paypal:cert-expird').nearest[0]).toBe('paypal:cert-expired');
    expect(nearest('paypal:simulator-webhok-id').nearest[0]).toBe('paypal:simulator-webhook-id');
    expect(nearest('paypal:xert-host').nearest[0]).toBe('paypal:cert-host');
  });

  it('after the containing code, the rest by edit distance to the whole of what was typed', () => {
    expect(nearest('paypal:time').nearest).toEqual(['paypal:transmission-time', 'paypal:cert-host', 'paypal:cert-expired']);
    expect(nearest('paypal:sim').nearest).toEqual(['paypal:simulator-webhook-id', 'paypal:cert-host', 'paypal:cert-chain']);
  });

  it('edit distance counts the last character too: midas:12 is one edit from midas:1 and midas:2', () => {
    expect(nearest('midas:12').nearest).toEqual(['midas:1', 'midas:2', 'midas:0']);
  });

  it('property: one character changed or dropped in a PayPal code still finds that code first', () => {
    const codes = EXPLAIN_ENTRIES.filter((e) => e.family === 'paypal').map((e) => e.code);
    for (const code of codes) {
      for (let i = 'paypal:'.length; i < code.length; i++) {
        for (const typo of [code.slice(0, i) + '~' + code.slice(i + 1), code.slice(0, i) + code.slice(i + 1)]) {
          if (explainCode(typo).found) continue;
          expect(nearest(typo).nearest[0], typo).toBe(code);
        }
      }
    }
  });

  it('an unknown word: the family codes closest to it', () => {
    expect(nearest('cert').nearest).toEqual(['paypal:cert-host', 'paypal:cert-chain', 'paypal:cert-expired']);
    expect(nearest('time').nearest[0]).toBe('paypal:transmission-time');
    expect(nearest('foo').nearest).toEqual(['midas:0', 'midas:1', 'midas:2']);
  });
});

describe('graphCodeEntry: the hints Graph errors print', () => {
  it('a known code has its entry, an unknown one none', () => {
    expect(graphCodeEntry(190)?.name).toBeTruthy();
    expect(graphCodeEntry(190)?.code).toBe('190');
    expect(graphCodeEntry(12345)).toBeUndefined();
  });
});
