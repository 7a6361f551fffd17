import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';

/**
 * Finds `===` / `!==` / `==` / `!=` comparisons of signature-like values in TypeScript files, judged
 * by where a value comes from, not only by what it is called:
 * - a digest: a `.digest(…)` or `.sign(…)` call, or one turned into text or bytes
 *   (`.toString('hex' | 'base64' | 'base64url')`, `Buffer.from(…)`, `.slice(…)`, a template around it);
 * - a variable, or a function's return value, built from a digest: followed through the type
 *   checker's symbols (across imports), so `const x = hmacOf(body); x === header` is caught
 *   whatever `x` and `hmacOf` are called;
 * - a name that says it holds one (sig, signature, digest, hmac, proof, mac, verify token).
 * A comparison with a literal, `typeof` or `.length` is not two signatures being compared.
 */
export interface Offence {
  file: string;
  line: number;
  text: string;
}

const SUSPECT_NAME = /^(sig|signature|\w*Signature|\w*Sig|digest|\w*Digest|hmac|\w*Hmac|\w*HMAC|proof|\w*Proof|mac|\w*Mac|verifyToken|verify_token)$/;
const DIGEST_METHODS = new Set(['digest', 'sign']);
const PASS_THROUGH_METHODS = new Set(['slice', 'subarray', 'toLowerCase', 'toUpperCase', 'trim', 'replace', 'padStart']);
const TEXT_ENCODINGS = new Set(['hex', 'base64', 'base64url']);
const HARMLESS_NAMES = new Set(['length', 'byteLength', 'algorithm', 'kind', 'type', 'mode', 'status', 'code', 'rule', 'method', 'name', 'provider']);
const EQUALITY = new Set([ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken]);

class Lint {
  private readonly tainted = new Set<ts.Symbol>();

  constructor(private readonly checker: ts.TypeChecker) {}

  private symbolOf(node: ts.Node): ts.Symbol | undefined {
    const s = this.checker.getSymbolAtLocation(node);
    return s && s.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(s) : s;
  }

  /** True when the value of `e` is a digest (or text/bytes made from one). */
  isDigest(e: ts.Expression): boolean {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isAwaitExpression(e)) return this.isDigest(e.expression);
    if (ts.isConditionalExpression(e)) return this.isDigest(e.whenTrue) || this.isDigest(e.whenFalse);
    if (ts.isTemplateExpression(e)) return e.templateSpans.some((s) => this.isDigest(s.expression));
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) return this.isDigest(e.left) || this.isDigest(e.right);
    if (ts.isIdentifier(e)) {
      const s = this.symbolOf(e);
      return !!s && this.tainted.has(s);
    }
    if (ts.isCallExpression(e)) {
      const callee = e.expression;
      if (ts.isPropertyAccessExpression(callee)) {
        const method = callee.name.text;
        if (DIGEST_METHODS.has(method)) return true;
        if (method === 'toString') return e.arguments.length === 1 && ts.isStringLiteral(e.arguments[0]) && TEXT_ENCODINGS.has(e.arguments[0].text) && this.isDigest(callee.expression);
        if (PASS_THROUGH_METHODS.has(method)) return this.isDigest(callee.expression);
        if (method === 'from' && ts.isIdentifier(callee.expression) && callee.expression.text === 'Buffer') return e.arguments.length > 0 && this.isDigest(e.arguments[0]);
      }
      if (ts.isIdentifier(callee) && callee.text === 'String') return e.arguments.length === 1 && this.isDigest(e.arguments[0]);
      const s = this.symbolOf(callee);
      return !!s && this.tainted.has(s);
    }
    return false;
  }

  private returnsDigest(fn: ts.SignatureDeclaration): boolean {
    const body = (fn as ts.FunctionLikeDeclaration).body;
    if (!body) return false;
    if (!ts.isBlock(body)) return this.isDigest(body);
    let found = false;
    const visit = (n: ts.Node): void => {
      if (found || ts.isFunctionLike(n)) return;
      if (ts.isReturnStatement(n) && n.expression && this.isDigest(n.expression)) found = true;
      ts.forEachChild(n, visit);
    };
    ts.forEachChild(body, visit);
    return found;
  }

  /** Marks every variable and function whose value is a digest, until nothing changes. */
  propagate(sources: readonly ts.SourceFile[]): void {
    for (let changed = true; changed; ) {
      changed = false;
      const mark = (name: ts.Node) => {
        const s = this.symbolOf(name);
        if (s && !this.tainted.has(s)) {
          this.tainted.add(s);
          changed = true;
        }
      };
      for (const sf of sources) {
        const visit = (n: ts.Node): void => {
          if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) {
            const init = n.initializer;
            if (ts.isArrowFunction(init) || ts.isFunctionExpression(init) ? this.returnsDigest(init) : this.isDigest(init)) mark(n.name);
          }
          if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(n.left) && this.isDigest(n.right)) mark(n.left);
          if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) && n.name && this.returnsDigest(n)) mark(n.name);
          ts.forEachChild(n, visit);
        };
        visit(sf);
      }
    }
  }

  holdsSignature(e: ts.Expression): boolean {
    const name = ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : undefined;
    if (name && HARMLESS_NAMES.has(name)) return false;
    if (name && SUSPECT_NAME.test(name)) return true;
    return this.isDigest(e);
  }
}

/** The operand without wrappers that do not change which value is compared. */
function unwrap(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
    else if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && ['toLowerCase', 'toUpperCase', 'trim'].includes(e.expression.name.text)) e = e.expression.expression;
    else return e;
  }
}

function isLiteralLike(e: ts.Expression): boolean {
  return (
    ts.isStringLiteral(e) ||
    ts.isNoSubstitutionTemplateLiteral(e) ||
    ts.isNumericLiteral(e) ||
    e.kind === ts.SyntaxKind.NullKeyword ||
    e.kind === ts.SyntaxKind.TrueKeyword ||
    e.kind === ts.SyntaxKind.FalseKeyword ||
    (ts.isIdentifier(e) && e.text === 'undefined') ||
    ts.isTypeOfExpression(e)
  );
}

/** The timing-unsafe comparisons in `files` (absolute paths of .ts files), one per comparison. */
export function findTimingUnsafeComparisons(files: readonly string[]): Offence[] {
  // Only the symbols of the files themselves are needed: no lib, no @types, no packages (relative
  // imports only, `./x.js` → `./x.ts`), so the checker has little to load.
  const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, noLib: true, types: [], noEmit: true };
  const host = ts.createCompilerHost(options);
  host.resolveModuleNames = (names, containing) =>
    names.map((name) => {
      if (!name.startsWith('.')) return undefined;
      const resolvedFileName = join(dirname(containing), name).replace(/\.js$/, '.ts');
      return existsSync(resolvedFileName) ? { resolvedFileName, extension: ts.Extension.Ts } : undefined;
    });
  const program = ts.createProgram(files, options, host);
  const lint = new Lint(program.getTypeChecker());
  const wanted = new Set(files.map((f) => ts.sys.resolvePath(f)));
  const sources = program.getSourceFiles().filter((sf) => wanted.has(ts.sys.resolvePath(sf.fileName)));
  lint.propagate(sources);
  const out: Offence[] = [];
  for (const sf of sources) {
    const visit = (n: ts.Node): void => {
      if (ts.isBinaryExpression(n) && EQUALITY.has(n.operatorToken.kind)) {
        const left = unwrap(n.left);
        const right = unwrap(n.right);
        if (!isLiteralLike(left) && !isLiteralLike(right) && (lint.holdsSignature(left) || lint.holdsSignature(right))) {
          out.push({ file: sf.fileName, line: sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1, text: n.getText(sf) });
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}
