import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The dependency rules of STYLE.md (§6, §10, §12), read from the sources' own import statements.
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SRC = join(ROOT, 'src');
const LIBRARY_ENTRIES = ['src/index.ts', 'src/facebook.ts', 'src/paypal.ts', 'src/midas.ts'];
const ENTRIES = ['src/cli.ts', ...LIBRARY_ENTRIES];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Every relative module a file imports or re-exports, statically or with `import()`, as a repo path (`src/cli.ts`). */
function importsOf(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const specs: string[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) specs.push(n.moduleSpecifier.text);
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) specs.push(n.arguments[0].text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return specs.filter((s) => s.startsWith('.')).map((s) => relative(ROOT, resolve(dirname(file), s.replace(/\.js$/, '.ts'))).split('\\').join('/'));
}

const files = sourceFiles(SRC).map((f) => ({ path: relative(ROOT, f).split('\\').join('/'), imports: importsOf(f) }));
const offenders = (under: string, banned: string[]) => files.filter((f) => f.path.startsWith(under)).flatMap((f) => f.imports.filter((i) => banned.includes(i)).map((i) => `${f.path} → ${i}`));

describe('import rules', () => {
  it('sees the imports it checks (the CLI entry imports the registry)', () => {
    expect(files.find((f) => f.path === 'src/cli.ts')?.imports).toContain('src/commands/registry.ts');
    expect(files.find((f) => f.path === 'src/commands/registry.ts')?.imports).toContain('src/commands/demo.ts');
  });

  it('no command imports the CLI entry (the registry imports every command: a cycle); the entry passes main/buildProgram in', () => {
    expect(offenders('src/commands/', ['src/cli.ts'])).toEqual([]);
  });

  it('no provider, command, core, transport or UI module imports an entry; entries import them', () => {
    for (const dir of ['src/providers/', 'src/commands/', 'src/core/', 'src/transport/', 'src/ui/']) expect(offenders(dir, ENTRIES)).toEqual([]);
  });

  it('library entries only re-export', () => {
    for (const entry of LIBRARY_ENTRIES) {
      const sf = ts.createSourceFile(entry, readFileSync(join(ROOT, entry), 'utf8'), ts.ScriptTarget.Latest, true);
      const other = sf.statements.filter((s) => !(ts.isExportDeclaration(s) && s.moduleSpecifier)).map((s) => `${entry}: ${s.getText(sf).slice(0, 60)}`);
      expect(other).toEqual([]);
    }
  });
});
