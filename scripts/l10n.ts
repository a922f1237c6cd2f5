// The runtime strings' bundle: every `l10n.t('…')` (vscode.l10n.t in src/extension, @vscode/l10n's t in src/core and webview/)
// is a key of l10n/bundle.l10n.json, the English source that l10n/bundle.l10n.<locale>.json translate.
// `npm run l10n` rewrites l10n/bundle.l10n.json from the source (the format `npx @vscode/l10n-dev export` writes:
// message → message, or for t({ message, comment }) the key "message/comment" with the comment kept) and lists the
// keys each locale bundle lacks or no longer needs; test/unit/l10n.test.ts fails while they differ.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

export const L10N_SOURCES = ['src/core', 'src/db', 'src/extension', 'webview'];

export interface L10nCall {
  file: string;
  line: number;
  /** The bundle key, or undefined when the message is not a literal (which no export can see). */
  key?: string;
  message?: string;
  comment?: string[];
  /** The call's text, for messages about a non-literal one. */
  text: string;
  /** How many arguments follow the message (what {0}, {1}… can refer to), or -1 for a record of named ones. */
  args: number;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return tsFiles(p);
      return /\.ts$/.test(name) && !/\.d\.ts$/.test(name) ? [p] : [];
    });
}

const literal = (n: ts.Node): string | undefined => (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) ? n.text : undefined);

/** Is this call l10n.t(…) or vscode.l10n.t(…)? */
function isT(call: ts.CallExpression): boolean {
  const e = call.expression;
  if (!ts.isPropertyAccessExpression(e) || e.name.text !== 't') return false;
  const o = e.expression;
  return (ts.isIdentifier(o) && o.text === 'l10n') || (ts.isPropertyAccessExpression(o) && o.name.text === 'l10n');
}

/** Every l10n.t call of one source text. */
export function l10nCalls(file: string, text: string): L10nCall[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: L10nCall[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && isT(n) && n.arguments.length > 0) {
      const first = n.arguments[0]!;
      const rest = n.arguments.slice(1);
      const args = rest.length === 1 && ts.isObjectLiteralExpression(rest[0]!) ? -1 : rest.length;
      const call: L10nCall = { file, line: sf.getLineAndCharacterOfPosition(n.getStart()).line + 1, text: n.getText(), args };
      const message = literal(first);
      if (message !== undefined) {
        call.key = call.message = message;
      } else if (ts.isObjectLiteralExpression(first)) {
        // t({ message, args, comment }): the key joins the message and the comment(s), as l10n-dev does.
        let comment: string[] | undefined;
        for (const p of first.properties) {
          if (!ts.isPropertyAssignment(p) || !ts.isIdentifier(p.name)) continue;
          if (p.name.text === 'message') call.message = literal(p.initializer);
          if (p.name.text === 'comment') {
            const c = literal(p.initializer);
            if (c !== undefined) comment = [c];
            else if (ts.isArrayLiteralExpression(p.initializer)) comment = p.initializer.elements.map((x) => literal(x) ?? '');
          }
          if (p.name.text === 'args') call.args = ts.isArrayLiteralExpression(p.initializer) ? p.initializer.elements.length : -1;
        }
        if (call.message !== undefined) {
          call.comment = comment;
          call.key = comment ? `${call.message}/${comment.join('')}` : call.message;
        }
      }
      out.push(call);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The l10n.t calls of the extension and the webview. */
export function sourceCalls(root = '.'): L10nCall[] {
  return L10N_SOURCES.flatMap((dir) => tsFiles(join(root, dir))).flatMap((f) => l10nCalls(f, readFileSync(f, 'utf8')));
}

/** The English bundle those calls make: key → message, or key → { message, comment } where a comment is given. */
export function exportBundle(calls: L10nCall[]): Record<string, string | { message: string; comment: string[] }> {
  const out: Record<string, string | { message: string; comment: string[] }> = {};
  for (const c of [...calls].sort((a, b) => (a.key! < b.key! ? -1 : a.key! > b.key! ? 1 : 0))) {
    if (c.key === undefined || c.message === undefined) continue;
    out[c.key] = c.comment ? { message: c.message, comment: c.comment } : c.message;
  }
  return out;
}

/** Where user-facing text is set in the extension: these properties, and these calls' / constructors' arguments. */
const UI_PROPS = new Set(['title', 'placeHolder', 'placeholder', 'prompt', 'tooltip', 'label', 'description', 'detail']);
const UI_CALLS = new Set([
  'showInformationMessage',
  'showWarningMessage',
  'showErrorMessage',
  'createWebviewPanel',
  'CodeAction',
  'Diagnostic',
  'TreeItem',
]);
/** Names that read the same in every language. */
const NAMES = new Set(['Column Wizard', 'PostgreSQL', 'MySQL', 'MariaDB', 'TLS']);

/** Is this literal prose (words outside icons like $(add), ids like columnWizard.rolloutReport and product names)? */
function prose(n: ts.Node): boolean {
  // Either branch of `a ? 'x' : y`, `a ?? 'x'`, `a || 'x'` may be what is shown.
  if (ts.isParenthesizedExpression(n)) return prose(n.expression);
  if (ts.isConditionalExpression(n)) return prose(n.whenTrue) || prose(n.whenFalse);
  if (ts.isBinaryExpression(n) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(n.operatorToken.kind))
    return prose(n.left) || prose(n.right);
  let text: string;
  if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) text = n.text;
  else if (ts.isTemplateExpression(n)) text = [n.head.text, ...n.templateSpans.map((s) => s.literal.text)].join(' ');
  else return false;
  if (NAMES.has(text.trim()) || /^[\w-]+(\.[\w-]+)+$/.test(text)) return false;
  // Icons like $(add) and identifiers with an underscore (a server variable such as wsrep_OSU_method) are not prose.
  return /[A-Za-z]{2,}/.test(text.replace(/\$\([a-z-]+\)/g, '').replace(/\b\w*_\w*\b/g, ''));
}

/** Literal prose handed to VS Code's UI without l10n.t: notifications, picker and input texts, titles, lenses, actions. */
export function unlocalizedTexts(file: string, text: string): { file: string; line: number; text: string }[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: { file: string; line: number; text: string }[] = [];
  const report = (n: ts.Node) => out.push({ file, line: sf.getLineAndCharacterOfPosition(n.getStart()).line + 1, text: n.getText() });
  const visit = (n: ts.Node): void => {
    if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && UI_PROPS.has(n.name.text) && prose(n.initializer)) report(n);
    if (
      ts.isBinaryExpression(n) &&
      n.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(n.left) &&
      UI_PROPS.has(n.left.name.text) &&
      prose(n.right)
    )
      report(n);
    if (ts.isCallExpression(n) || ts.isNewExpression(n)) {
      const e = n.expression;
      const name = ts.isPropertyAccessExpression(e) ? e.name.text : ts.isIdentifier(e) ? e.text : '';
      if (UI_CALLS.has(name)) for (const a of n.arguments ?? []) if (prose(a)) report(a);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The unlocalized UI texts of src/extension. */
export function extensionUnlocalized(root = '.'): { file: string; line: number; text: string }[] {
  return tsFiles(join(root, 'src/extension')).flatMap((f) => unlocalizedTexts(f, readFileSync(f, 'utf8')));
}

function main(): void {
  const calls = sourceCalls();
  const bad = calls.filter((c) => c.key === undefined);
  for (const c of bad) console.error(`${c.file}:${c.line}: the message of ${c.text} is not a string literal`);
  const bundle = exportBundle(calls);
  writeFileSync('l10n/bundle.l10n.json', JSON.stringify(bundle, null, 2) + '\n');
  console.log(`l10n/bundle.l10n.json: ${Object.keys(bundle).length} messages from ${calls.length} calls`);
  for (const locale of process.argv.slice(2)) {
    const file = `l10n/bundle.l10n.${locale}.json`;
    const tr: Record<string, string> = JSON.parse(readFileSync(file, 'utf8'));
    const missing = Object.keys(bundle).filter((k) => tr[k] === undefined);
    const stale = Object.keys(tr).filter((k) => bundle[k] === undefined);
    if (missing.length) console.log(`${file} lacks:\n${missing.map((k) => `  ${JSON.stringify(k)}`).join('\n')}`);
    if (stale.length) console.log(`${file} no longer needs:\n${stale.map((k) => `  ${JSON.stringify(k)}`).join('\n')}`);
  }
  if (bad.length) process.exitCode = 1;
}

if (process.argv[1] && /scripts[\\/]l10n\.ts$/.test(process.argv[1])) main();
