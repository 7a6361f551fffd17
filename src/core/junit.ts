/**
 * A small JUnit XML writer (the format CI systems read: Jenkins, GitLab, GitHub test reporters).
 * Pure: returns the document as a string. Every text and attribute value goes through `xmlText` /
 * `xmlAttr`, which escape `& < > " '` and replace what XML 1.0 cannot carry at all (control
 * characters other than tab/newline/CR, lone surrogates, U+FFFE/U+FFFF) with a visible `\uXXXX`.
 */
export interface JunitFailure {
  /** One line; becomes the `message` attribute. */
  message: string;
  type?: string;
  /** Longer text inside the element. */
  body?: string;
}

export interface JunitTestCase {
  name: string;
  classname: string;
  /** Seconds are written; pass milliseconds here. */
  timeMs?: number;
  failure?: JunitFailure;
  /** Set (possibly to '') for a skipped case; the text is its message. */
  skipped?: string;
  systemOut?: string;
}

export interface JunitSuite {
  name: string;
  /** ISO-8601 without zone, as the JUnit schema wants; omitted when absent. */
  timestamp?: string;
  hostname?: string;
  timeMs?: number;
  properties?: Record<string, string>;
  cases: JunitTestCase[];
}

/** Characters XML 1.0 cannot represent, not even as character references. */
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function hex4(c: string): string {
  return '\\u' + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
}

/** Replaces characters XML 1.0 cannot carry with a visible `\uXXXX`. */
export function xmlSanitize(s: string): string {
  return s.replace(INVALID, hex4);
}

/** Escapes text content (CR too: a parser would turn a literal CRLF into LF). */
export function xmlText(s: string): string {
  return xmlSanitize(s).replace(/[&<>"'\r]/g, (c) => ENTITY[c]);
}

/** Escapes an attribute value: also tab, newline and CR, which attribute normalisation would otherwise turn into spaces. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/[\t\n]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };

const seconds = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(3);

function attrs(pairs: Array<[string, string | number | undefined]>): string {
  return pairs
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');
}

/** The whole document: `<testsuites>` with one `<testsuite>` per suite, counts computed from the cases. */
export function junitXml(suites: JunitSuite[]): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const total = (f: (c: JunitTestCase) => boolean) => suites.reduce((n, s) => n + s.cases.filter(f).length, 0);
  const totalMs = suites.reduce((n, s) => n + (s.timeMs ?? s.cases.reduce((m, c) => m + (c.timeMs ?? 0), 0)), 0);
  lines.push(
    `<testsuites${attrs([
      ['tests', total(() => true)],
      ['failures', total((c) => c.failure !== undefined)],
      ['errors', 0],
      ['skipped', total((c) => c.skipped !== undefined && c.failure === undefined)],
      ['time', seconds(totalMs)],
    ])}>`,
  );
  for (const s of suites) {
    const ms = s.timeMs ?? s.cases.reduce((m, c) => m + (c.timeMs ?? 0), 0);
    lines.push(
      `  <testsuite${attrs([
        ['name', s.name],
        ['tests', s.cases.length],
        ['failures', s.cases.filter((c) => c.failure !== undefined).length],
        ['errors', 0],
        ['skipped', s.cases.filter((c) => c.skipped !== undefined && c.failure === undefined).length],
        ['time', seconds(ms)],
        ['timestamp', s.timestamp],
        ['hostname', s.hostname],
      ])}>`,
    );
    const props = Object.entries(s.properties ?? {});
    if (props.length) {
      lines.push('    <properties>');
      for (const [k, v] of props) lines.push(`      <property${attrs([['name', k], ['value', v]])}/>`);
      lines.push('    </properties>');
    }
    for (const c of s.cases) {
      const open = `    <testcase${attrs([['name', c.name], ['classname', c.classname], ['time', seconds(c.timeMs)]])}`;
      const inner: string[] = [];
      if (c.failure) {
        const f = c.failure;
        const a = attrs([['message', f.message], ['type', f.type ?? 'failure']]);
        inner.push(f.body ? `      <failure${a}>${xmlText(f.body)}</failure>` : `      <failure${a}/>`);
      } else if (c.skipped !== undefined) {
        inner.push(`      <skipped${attrs([['message', c.skipped || undefined]])}/>`);
      }
      if (c.systemOut) inner.push(`      <system-out>${xmlText(c.systemOut)}</system-out>`);
      lines.push(inner.length ? `${open}>\n${inner.join('\n')}\n    </testcase>` : `${open}/>`);
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}
