import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli.js';
import { Ctx } from '../../src/ui/context.js';
import { Readable } from 'node:stream';

/**
 * "Every `fbpay …` line the tool prints must parse": splits a printed command line the way a POSIX
 * shell would (quotes, $VARS, stopping at a pipe or redirection) and runs it through the real
 * commander tree with every action replaced by a no-op. Returns the problem, or undefined.
 */
export async function commandLineProblem(line: string): Promise<string | undefined> {
  const words = shellWords(line);
  if (typeof words === 'string') return words;
  if (words[0] !== 'fbpay') return `does not start with fbpay: ${line}`;
  let out = '';
  const io = {
    stdout: { write: (s: string) => ((out += s), true), isTTY: false },
    stderr: { write: (s: string) => ((out += s), true), isTTY: false },
    stdin: Readable.from([]) as NodeJS.ReadableStream,
    env: { CI: 'true' },
    cwd: process.cwd(),
  };
  const ctx = new Ctx(io, new AbortController().signal);
  const program = await buildProgram(ctx, words.slice(1));
  disarm(program);
  // A command named in prose ("use `fbpay paypal verify`") is a pointer, not a line to paste: it
  // must name a command that exists, and need not carry the command's required options.
  const path = words.slice(1);
  let cmd: Command | undefined = program;
  let i = 0;
  while (i < path.length && cmd) {
    const next: Command | undefined = cmd.commands.find((c) => c.name() === path[i] || c.aliases().includes(path[i]));
    if (!next) break;
    cmd = next;
    i++;
  }
  if (i === path.length && cmd !== program && cmd.commands.length === 0) return undefined;
  try {
    await program.parseAsync(words.slice(1), { from: 'user' });
    return undefined;
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return undefined;
    return `${err.message ?? String(e)} — in: ${line}`;
  }
}

function disarm(cmd: Command): void {
  if (cmd.commands.length === 0) cmd.action(() => undefined);
  for (const sub of cmd.commands) disarm(sub);
}

const STOP = new Set(['|', '||', '&&', ';', '<', '>', '>>', '2>', '2>&1', '&']);

/** Shell words of a line: quotes removed, "$VAR" and $(…) kept as one word; stops at a pipe or redirection. A string is a problem. */
export function shellWords(line: string): string[] | string {
  const words: string[] = [];
  let cur: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) return `unbalanced ${c} in: ${line}`;
      cur = (cur ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '#' && cur === undefined) {
      break; // a shell comment runs to the end of the line
    } else if (/\s/.test(c)) {
      if (cur !== undefined) {
        if (STOP.has(cur)) return words;
        words.push(cur);
      }
      cur = undefined;
    } else if (c === '<' || c === '>' || c === '|') {
      if (cur !== undefined || (c === '<' && /\w/.test(line[i + 1] ?? '') && line.indexOf('>', i) > i)) {
        return `unquoted ${c} (a placeholder like <id>, or a redirection inside a word, does not parse in a shell) in: ${line}`;
      }
      cur = c;
    } else if (c === '…') {
      return `unquoted "…" stands for text the user must fill in: ${line}`;
    } else cur = (cur ?? '') + c;
  }
  if (cur !== undefined && !STOP.has(cur)) words.push(cur);
  return words;
}

/** Every `fbpay …` command in backticks, and every `$ fbpay …` help example, in the source files under `dir`. */
export function commandLinesInSource(dir: string): Array<{ file: string; line: string }> {
  const out: Array<{ file: string; line: string }> = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) {
        // Comments describe the code; what the tool prints is in string and template literals.
        const text = readFileSync(p, 'utf8')
          .split('\n')
          .filter((l) => !/^\s*(\/\/|\/?\*)/.test(l))
          .join('\n');
        for (const m of text.matchAll(/\\?`(fbpay [^`\n]+?)\\?`/g)) out.push({ file: p, line: m[1] });
        for (const m of text.matchAll(/^\s*\$ (.*fbpay [^\n]*)$/gm)) {
          let line = m[1].replace(/^.*?(fbpay )/, '$1').replace(/`[,;)]*$/, '');
          if (m[1].includes('<(fbpay')) line = line.replace(/\).*$/, '');
          out.push({ file: p, line });
        }
      }
    }
  };
  walk(dir);
  // A match cut short by a template literal nested inside a ${…} expression is not a whole line.
  return out.filter((x) => (x.line.match(/\{/g) ?? []).length === (x.line.match(/\}/g) ?? []).length);
}

/** A source line with its template expressions filled in: a stand-alone ${…} becomes `sample`, one glued to other text (an optional suffix) becomes nothing. */
export function fillTemplate(line: string, sample: string): string {
  return line.replace(/(^|.)\$\{[^}]*\}/g, (m, before: string) => (before === '' || /\s|["'=/]/.test(before) ? `${before}${sample}` : before));
}
