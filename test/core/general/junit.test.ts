import { describe, expect, it } from 'vitest';
import { junitXml, xmlAttr, xmlSanitize, xmlText } from '../../../src/core/junit.js';

describe('junitXml: the whole document a CI system reads', () => {
  it('two suites: totals add up, times sum the cases when a suite has none, skipped never counts a failed case', () => {
    const xml = junitXml([
      {
        name: 'a',
        cases: [
          { name: 'p', classname: 'k', timeMs: 1500 },
          { name: 'f', classname: 'k', timeMs: 250, failure: { message: 'm' }, skipped: 'also skipped' },
          { name: 's', classname: 'k', skipped: '' },
          { name: 's2', classname: 'k', skipped: 'no token' },
        ],
      },
      { name: 'b', timestamp: '2026-11-21T23:00:00', hostname: 'h', timeMs: 2000, cases: [{ name: 'f2', classname: 'k', failure: { message: 'x', type: 'required', body: 'why' }, systemOut: 'out <1>' }] },
    ]);
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites tests="5" failures="2" errors="0" skipped="2" time="3.750">',
        '  <testsuite name="a" tests="4" failures="1" errors="0" skipped="2" time="1.750">',
        '    <testcase name="p" classname="k" time="1.500"/>',
        '    <testcase name="f" classname="k" time="0.250">',
        '      <failure message="m" type="failure"/>',
        '    </testcase>',
        '    <testcase name="s" classname="k" time="0.000">',
        '      <skipped/>',
        '    </testcase>',
        '    <testcase name="s2" classname="k" time="0.000">',
        '      <skipped message="no token"/>',
        '    </testcase>',
        '  </testsuite>',
        '  <testsuite name="b" tests="1" failures="1" errors="0" skipped="0" time="2.000" timestamp="2026-11-21T23:00:00" hostname="h">',
        '    <testcase name="f2" classname="k" time="0.000">',
        '      <failure message="x" type="required">why</failure>',
        '      <system-out>out &lt;1&gt;</system-out>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });

  it('no suites, an empty suite, empty properties', () => {
    expect(junitXml([])).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="0" failures="0" errors="0" skipped="0" time="0.000">\n</testsuites>\n');
    expect(junitXml([{ name: 'e', properties: {}, cases: [] }])).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="0" failures="0" errors="0" skipped="0" time="0.000">\n  <testsuite name="e" tests="0" failures="0" errors="0" skipped="0" time="0.000">\n  </testsuite>\n</testsuites>\n',
    );
  });

  it('properties are listed in order, escaped', () => {
    const xml = junitXml([{ name: 's', properties: { a: '1', 'b"': '<2>' }, cases: [] }]);
    expect(xml).toContain('    <properties>\n      <property name="a" value="1"/>\n      <property name="b&quot;" value="&lt;2&gt;"/>\n    </properties>\n');
  });

  it('system-out on a passing case; an empty system-out or failure body is left out', () => {
    const xml = junitXml([{ name: 's', cases: [{ name: 'p', classname: 'k', systemOut: 'a\r\nb' }, { name: 'q', classname: 'k', systemOut: '', failure: { message: 'm', body: '' } }] }]);
    expect(xml).toContain('    <testcase name="p" classname="k" time="0.000">\n      <system-out>a&#13;\nb</system-out>\n    </testcase>\n');
    expect(xml).toContain('    <testcase name="q" classname="k" time="0.000">\n      <failure message="m" type="failure"/>\n    </testcase>\n');
  });
});

describe('XML escaping, each character class', () => {
  it('every control character but tab, newline and CR is replaced; those three and the rest of the BMP are kept', () => {
    for (let c = 0; c < 0x20; c++) {
      const ch = String.fromCharCode(c);
      const want = c === 9 || c === 10 || c === 13 ? ch : `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
      expect(xmlSanitize(`a${ch}b`), `U+${c.toString(16)}`).toBe(`a${want}b`);
    }
    for (const ch of [' ', '\u007f', '\u0085', '\uD7FF', '\uE000', '\uFFFD']) expect(xmlSanitize(ch)).toBe(ch);
    expect(xmlSanitize('\uFFFE\uFFFF\uFFFE')).toBe('\\uFFFE\\uFFFF\\uFFFE');
  });

  it('surrogates: a pair is kept, a lone high or low one (either end, or reversed) is replaced', () => {
    expect(xmlSanitize('\uD83D\uDE00')).toBe('\uD83D\uDE00');
    expect(xmlSanitize('\uDBFF\uDFFF')).toBe('\uDBFF\uDFFF');
    expect(xmlSanitize('\uD83D')).toBe('\\uD83D');
    expect(xmlSanitize('\uDE00')).toBe('\\uDE00');
    expect(xmlSanitize('\uDBFFa\uDC00')).toBe('\\uDBFFa\\uDC00');
    expect(xmlSanitize('\uDE00\uD83D')).toBe('\\uDE00\\uD83D');
    expect(xmlSanitize('\uD83D\uD83D\uDE00')).toBe('\\uD83D\uD83D\uDE00');
    expect(xmlSanitize('a\uDFFF')).toBe('a\\uDFFF');
  });

  it('text escapes the five specials and CR; attributes tab and newline too', () => {
    expect(xmlText('&<>"\'\r\t\n')).toBe('&amp;&lt;&gt;&quot;&apos;&#13;\t\n');
    expect(xmlAttr('&<>"\'\r\t\n')).toBe('&amp;&lt;&gt;&quot;&apos;&#13;&#9;&#10;');
    expect(xmlAttr('\u0001')).toBe('\\u0001');
  });
});
