import type { RuleModule } from './types';

const unterminatedTextHelp = 'Close the quote or the /* comment: everything after it was read as its inside, so the statements there are neither checked nor run as written.';

export const unterminatedText = {
  id: 'unterminated-text',
  title: 'Unterminated string, quoted name or block comment',
  severity: 'error',
  help: unterminatedTextHelp,
  doc: 'A quote (\'…\', "…", `…`, $tag$…$tag$) or a /* comment still open at the end of the file swallows every statement after it: none of them is checked, and the server would not run them as written.',
  examples: { bad: [{ sql: 'SELECT 1;\n/* not closed\nCREATE INDEX i ON t (c);' }], good: [{ sql: "SELECT '/* inside a string';" }] },
  checkFile: (f) => f.split.unterminated.map((u) => {
    const at = f.lines.positionAt(u.start);
    return {
      severity: 'error',
      message: `Unterminated ${u.kind} opened at line ${at.line + 1}, column ${at.character + 1}: the rest of the file (${f.text.length - u.start} characters) is read as its inside, so no statement there was checked.`,
      fix: unterminatedTextHelp,
      range: { start: u.start, end: f.text.length },
    };
  }),
} as const satisfies RuleModule;
