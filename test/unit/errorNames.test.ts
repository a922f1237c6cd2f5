import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

// Every Error subclass in src/ and webview/ sets its own `name` to its class name, so a stack trace, a log line or
// `String(err)` says which error it is (`UsageError: …`, not `Error: …`). Either form counts:
//   override readonly name = 'X';            or, in the constructor,   this.name = 'X';
const ROOT = join(__dirname, '..', '..');

interface ErrorClass {
  file: string;
  line: number;
  className: string;
  base: string;
  /** The string the class sets `name` to, or undefined when it sets none. */
  name: string | undefined;
}

function setsName(member: ts.ClassElement): string | undefined {
  if (
    ts.isPropertyDeclaration(member) &&
    member.name.getText() === 'name' &&
    member.initializer &&
    ts.isStringLiteralLike(member.initializer)
  ) {
    return member.initializer.text;
  }
  if (ts.isConstructorDeclaration(member) && member.body) {
    for (const s of member.body.statements) {
      if (!ts.isExpressionStatement(s) || !ts.isBinaryExpression(s.expression)) continue;
      const { left, operatorToken, right } = s.expression;
      if (operatorToken.kind !== ts.SyntaxKind.EqualsToken || !ts.isStringLiteralLike(right)) continue;
      if (ts.isPropertyAccessExpression(left) && left.expression.kind === ts.SyntaxKind.ThisKeyword && left.name.text === 'name')
        return right.text;
    }
  }
  return undefined;
}

/** The classes declared in `code` (class declarations and named class expressions) with the name of what they extend. */
function classesIn(file: string, code: string): ErrorClass[] {
  const source = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: ErrorClass[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isClassDeclaration(node) || ts.isClassExpression(node)) && node.name) {
      const ext = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
      if (ext) {
        const named = node.members.map(setsName).find((n) => n !== undefined);
        const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
        out.push({ file, line: line + 1, className: node.name.text, base: ext.expression.getText(source), name: named });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The Error subclasses (directly or through other classes in `classes`) that do not set `name` to their class name. */
function unnamedErrors(classes: readonly ErrorClass[]): string[] {
  const baseOf = new Map(classes.map((c) => [c.className, c.base]));
  const isError = (name: string, seen = new Set<string>()): boolean => {
    if (name === 'Error' || name.endsWith('.Error')) return true;
    const base = baseOf.get(name);
    if (base === undefined || seen.has(name)) return false;
    seen.add(name);
    return isError(base, seen);
  };
  return classes
    .filter((c) => isError(c.base) && c.name !== c.className)
    .map(
      (c) =>
        `${c.file}:${c.line} class ${c.className} extends ${c.base} ${c.name === undefined ? 'sets no name' : `sets name '${c.name}'`}`,
    );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

describe('Error subclasses set their name', () => {
  it('flags a subclass without a name, one with a wrong name, and a subclass of a subclass', () => {
    const code = [
      'export class A extends Error {}',
      "export class B extends Error { override readonly name = 'B'; }",
      "export class C extends Error { constructor(m: string) { super(m); this.name = 'C'; } }",
      "export class D extends Error { override readonly name = 'A'; }",
      'export class E extends B {}',
      "export class F extends B { override readonly name: string = 'F'; }",
      'export class G extends Map<string, string> {}',
      'const h = class H extends globalThis.Error {};',
    ].join('\n');
    assert.deepEqual(unnamedErrors(classesIn('x.ts', code)), [
      'x.ts:1 class A extends Error sets no name',
      "x.ts:4 class D extends Error sets name 'A'",
      'x.ts:5 class E extends B sets no name',
      'x.ts:8 class H extends globalThis.Error sets no name',
    ]);
  });

  it('every Error subclass in src/ and webview/ sets name to its class name', () => {
    const classes = ['src', 'webview'].flatMap((d) =>
      sourceFiles(join(ROOT, d)).flatMap((f) => {
        const code = readFileSync(f, 'utf8');
        return /\bextends\b/.test(code) ? classesIn(relative(ROOT, f).split(sep).join('/'), code) : [];
      }),
    );
    assert.ok(classes.length > 10, `only ${classes.length} classes found; is ROOT right?`);
    assert.deepEqual(unnamedErrors(classes), []);
  });
});
