import * as l10n from '@vscode/l10n';
import type { RuleModule } from './types';

/** The safe way, in the language @vscode/l10n is configured with when called (the module's `help` is read at import: English, for docs and SARIF). */
const unterminatedTextHelp = (): string =>
  l10n.t(
    'Close the quote or the /* comment: everything after it was read as its inside, so the statements there are neither checked nor run as written.',
  );

export const unterminatedText = {
  id: 'unterminated-text',
  title: 'Unterminated string, quoted name or block comment',
  severity: 'error',
  help: unterminatedTextHelp(),
  doc: 'A quote (\'…\', "…", `…`, $tag$…$tag$) or a /* comment still open at the end of the file swallows every statement after it: none of them is checked, and the server would not run them as written.',
  examples: { bad: [{ sql: 'SELECT 1;\n/* not closed\nCREATE INDEX i ON t (c);' }], good: [{ sql: "SELECT '/* inside a string';" }] },
  checkFile: (f) =>
    f.split.unterminated.map((u) => {
      const at = f.lines.positionAt(u.start);
      return {
        severity: 'error',
        message: l10n.t(
          'Unterminated {0} opened at line {1}, column {2}: the rest of the file ({3} characters) is read as its inside, so no statement there was checked.',
          u.kind,
          at.line + 1,
          at.character + 1,
          f.text.length - u.start,
        ),
        fix: unterminatedTextHelp(),
        range: { start: u.start, end: f.text.length },
      };
    }),
} as const satisfies RuleModule;
