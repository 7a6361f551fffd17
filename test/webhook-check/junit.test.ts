import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { junitXml, xmlAttr, xmlSanitize, xmlText, type JunitSuite } from '../../src/core/junit.js';
import { NO_XML_PARSER, parseJunitFile, XML_PARSER } from './xml.js';

/** What XML 1.0 can carry (the Char production). */
const VALID_XML = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

/** A minimal decoder for what xmlText/xmlAttr produce: the five entities and decimal references. */
function unescape(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, (_m, e: string) => (e.startsWith('#') ? String.fromCharCode(Number(e.slice(1))) : { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e]!));
}

/** Any UTF-16 code units, lone surrogates and control characters included. */
const anyUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)), maxLength: 40 });
const anyText = fc.oneof(anyUnits, fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: fc.constantFrom('&', '<', '>', '"', "'", '\t', '\n', '\r', '\u0000', '\u001b', '\uFFFE', '\uD800', 'a', ']]>'), maxLength: 20 }));

describe('XML escaping', () => {
  it('escapes the five specials in text and attributes', () => {
    expect(xmlText(`a & b < c > d " e ' f`)).toBe('a &amp; b &lt; c &gt; d &quot; e &apos; f');
    expect(xmlAttr('x="1" & y=\'2\'')).toBe('x=&quot;1&quot; &amp; y=&apos;2&apos;');
    expect(xmlText(']]>')).toBe(']]&gt;');
  });

  it('keeps tab/newline in attributes as character references, CR everywhere', () => {
    expect(xmlAttr('a\tb\nc\rd')).toBe('a&#9;b&#10;c&#13;d');
    expect(xmlText('a\tb\nc\rd')).toBe('a\tb\nc&#13;d');
  });

  it('replaces characters XML 1.0 cannot carry with a visible \\uXXXX; keeps valid astral pairs', () => {
    expect(xmlSanitize('a\u0000b\u0001c\u001bd\u000be\u000cf')).toBe('a\\u0000b\\u0001c\\u001Bd\\u000Be\\u000Cf');
    expect(xmlSanitize('\uFFFE\uFFFF')).toBe('\\uFFFE\\uFFFF');
    expect(xmlSanitize('x\uD800y\uDC00z')).toBe('x\\uD800y\\uDC00z');
    expect(xmlSanitize('😀 中文 é')).toBe('😀 中文 é');
  });

  it('property: the output is always valid XML character data with no raw specials', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        for (const out of [xmlText(s), xmlAttr(s)]) {
          expect(out).toMatch(VALID_XML);
          expect(out).not.toMatch(/[<>"'\r]/);
          expect(out).not.toMatch(/&(?!(amp|lt|gt|quot|apos|#\d+);)/);
        }
        expect(xmlAttr(s)).not.toMatch(/[\t\n]/);
      }),
      { numRuns: 3000 },
    );
  });

  it('property: unescaping gives back the sanitized input; sanitizing is the identity on valid text', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        expect(unescape(xmlText(s))).toBe(xmlSanitize(s));
        expect(unescape(xmlAttr(s))).toBe(xmlSanitize(s));
        if (VALID_XML.test(s)) expect(xmlSanitize(s)).toBe(s);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('junitXml', () => {
  const suite: JunitSuite = {
    name: 'fbpay webhook check facebook',
    timestamp: '2026-11-21T23:00:00',
    timeMs: 1234,
    properties: { target: 'http://127.0.0.1:1/?a=1&b=2' },
    cases: [
      { name: 'ok', classname: 'c', timeMs: 12.5 },
      { name: 'bad', classname: 'c', failure: { message: '200 "<html>": accepted', type: 'required', body: 'line1\nline2 & more' } },
      { name: 'skip', classname: 'c', skipped: 'pass --verify-token' },
    ],
  };

  it('counts tests, failures and skipped, per suite and in total', () => {
    const xml = junitXml([suite]);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="3" failures="1" errors="0" skipped="1" time="1.234">')).toBe(true);
    expect(xml).toContain('<testsuite name="fbpay webhook check facebook" tests="3" failures="1" errors="0" skipped="1" time="1.234" timestamp="2026-11-21T23:00:00">');
    expect(xml).toContain('<testcase name="ok" classname="c" time="0.013"/>');
    expect(xml).toContain('<failure message="200 &quot;&lt;html&gt;&quot;: accepted" type="required">line1\nline2 &amp; more</failure>');
    expect(xml).toContain('<skipped message="pass --verify-token"/>');
    expect(xml).toContain('<property name="target" value="http://127.0.0.1:1/?a=1&amp;b=2"/>');
  });

  it('property: never throws, and the counts match the cases', () => {
    const tc = fc.record({ name: anyText, classname: anyText, failed: fc.boolean(), skipped: fc.boolean(), msg: anyText });
    fc.assert(
      fc.property(fc.array(tc, { maxLength: 8 }), (cases) => {
        const xml = junitXml([{ name: 's', cases: cases.map((c) => ({ name: c.name, classname: c.classname, ...(c.failed ? { failure: { message: c.msg, body: c.msg } } : c.skipped ? { skipped: c.msg } : {}) })) }]);
        expect(xml).toMatch(VALID_XML);
        expect(xml.match(/<testcase /g)?.length ?? 0).toBe(cases.length);
        expect(xml).toContain(`failures="${cases.filter((c) => c.failed).length}"`);
      }),
      { numRuns: 1000 },
    );
  });

  it.skipIf(NO_XML_PARSER)(`an independent parser (${XML_PARSER}) reads back arbitrary names, messages and bodies exactly (as sanitized)`, () => {
    const samples = fc.sample(fc.tuple(anyText, anyText, anyText), { numRuns: 400, seed: 42 });
    const dir = mkdtempSync(join(tmpdir(), 'fbpay-junit-prop-'));
    try {
      const file = join(dir, 'r.xml');
      const cases = samples.map(([name, message, body], i) => ({ name: `${i}:${name}`, classname: message, failure: { message, body: body || 'x' } }));
      writeFileSync(file, junitXml([{ name: 'prop', properties: { p: samples[0][0] }, cases }]));
      const doc = parseJunitFile(file);
      expect(doc.cases).toHaveLength(samples.length);
      doc.cases.forEach((c, i) => {
        const [name, message, body] = samples[i];
        expect(c.name).toBe(`${i}:${xmlSanitize(name)}`);
        expect(c.classname).toBe(xmlSanitize(message));
        expect(c.failure).toBe(xmlSanitize(message));
        expect(c.failureText).toBe(xmlSanitize(body || 'x'));
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
