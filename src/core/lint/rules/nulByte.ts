import * as l10n from '@vscode/l10n';
import type { RuleFinding, RuleModule } from './types';

/** The safe way, in the language @vscode/l10n is configured with when called (the module's `help` is read at import: English, for docs and SARIF). */
const help = (): string =>
  l10n.t(
    'Remove the NUL (U+0000) character: client libraries end the query text at it, so what follows is not what the server runs, and nothing after it was checked.',
  );

export const nulByte = {
  id: 'nul-byte',
  title: 'NUL byte in the SQL text',
  severity: 'error',
  help: help(),
  doc: 'A NUL character ends a C string: libpq, the MySQL client library and both parsers stop reading the statement there. The first NUL of each statement is reported.',
  examples: { bad: [{ sql: 'SELECT 1;\u0000 DROP TABLE t;' }], good: [{ sql: "SELECT '\\0';" }] },
  checkFile: (f) => {
    const out: RuleFinding[] = [];
    let reported = -1;
    for (let i = f.text.indexOf('\0'); i >= 0; i = f.text.indexOf('\0', i + 1)) {
      let st = 0;
      f.split.statements.forEach((s, k) => {
        if (s.start <= i) st = k;
      });
      if (st === reported) continue;
      reported = st;
      const at = f.lines.positionAt(i);
      out.push({
        severity: 'error',
        message: l10n.t(
          'NUL byte (U+0000) at line {0}, column {1}: client libraries and the parsers end the text at it, so what follows in this statement is neither checked nor run as written.',
          at.line + 1,
          at.character + 1,
        ),
        fix: help(),
        range: { start: i, end: i + 1 },
      });
    }
    return out;
  },
} as const satisfies RuleModule;
