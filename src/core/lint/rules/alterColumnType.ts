import * as l10n from '@vscode/l10n';
import { isVarchar, VARCHAR_PREFIX_BYTES } from '../../rules';
import { tableName } from './shared';
import { statementOps } from './statementOps';
import type { RuleFinding, RuleModule } from './types';

const EXPAND_CONTRACT =
  'Expand/contract: add a new column of the new type, write both (trigger or application), backfill in batches, switch reads, then drop the old column. Only binary-coercible changes (varchar(n) → varchar(m > n) or text, numeric(p,s) → numeric(q > p, s)) skip the rewrite.';

/** The 255-byte length-prefix threshold for the VARCHAR a MODIFY writes, in characters of its (or the usual) character sets. */
function varcharHint(type: string, charset: string | undefined): string | undefined {
  const n = /^varchar\((\d+)\)/i.exec(type)?.[1];
  if (!n) return undefined;
  const chars = (bytes: number) => Math.floor(VARCHAR_PREFIX_BYTES / bytes);
  const where = charset
    ? `in ${charset} ${charset.toLowerCase() === 'utf8mb4' ? `up to ${chars(4)}` : /^(utf8|utf8mb3)$/i.test(charset) ? `up to ${chars(3)}` : /^(latin1|ascii|binary)$/i.test(charset) ? `up to ${chars(1)}` : 'up to 255 bytes of'} characters`
    : `up to ${chars(4)} characters in utf8mb4, ${chars(3)} in utf8mb3, ${chars(1)} in latin1`;
  return `VARCHAR(${n}) copies the table (writes blocked) when the column now has a 1-byte length prefix (at most ${VARCHAR_PREFIX_BYTES} bytes: ${where}) and the new length is above it, when it gets shorter, or when its type or character set changes; a longer VARCHAR on the same side of ${VARCHAR_PREFIX_BYTES} bytes is metadata only.`;
}

export const alterColumnType = {
  id: 'alter-column-type',
  title: 'Changing a column type rewrites (or copies) the table',
  severity: 'error',
  help: EXPAND_CONTRACT,
  doc: "PostgreSQL ALTER COLUMN … TYPE rewrites the table and rebuilds its indexes under ACCESS EXCLUSIVE unless the new type is binary-coercible from the old one (a USING expression always rewrites). MySQL/MariaDB change a column's data type with ALGORITHM=COPY (writes blocked), also for INT → INT UNSIGNED, a shorter VARCHAR, another character set and a VARCHAR growing across the 255-byte length-prefix boundary (from the live or snapshot definition and character set; without one, a warning names the threshold). A longer VARCHAR on the same side of 255 bytes is INSTANT on MariaDB, in-place metadata on MySQL. PostgreSQL: a longer precision of timestamp/time/interval or numeric (same scale) is catalog-only; a shorter one rewrites. MySQL/MariaDB: new DECIMAL/FLOAT/DATETIME parameters copy; ENUM/SET members appended at the end (same storage size) are INSTANT, any other change of the members copies.",
  examples: {
    bad: [
      { sql: "SET lock_timeout = '2s'; ALTER TABLE t ALTER COLUMN id TYPE bigint;" },
      { sql: "SET lock_timeout = '2s'; ALTER TABLE t ALTER COLUMN c TYPE int USING c::int;" },
    ],
    good: [{ sql: "SET lock_timeout = '2s'; ALTER TABLE t ALTER COLUMN c SET DEFAULT 1;" }],
  },
  on: { ops: ['alter-type-pg'], actions: ['alter-type'] },
  check: (s) => {
    const out: RuleFinding[] = [];
    for (const o of statementOps(s, 'alter-type-pg')) {
      if (o.op.coercible) continue;
      // Without the current type, a new varchar/text/numeric may be a binary-coercible widening: a warning, not an error.
      const mayBeWidening =
        o.op.coercible === undefined &&
        s.parsed.actions.some((a) => a.kind === 'alter-type' && /^(varchar|text|numeric|character varying)\b/.test(a.type));
      out.push({
        blocking: true,
        op: o,
        ...(mayBeWidening ? { severity: 'warning' as const } : {}),
        message: l10n.t('ALTER COLUMN … TYPE on {0}: {1}.', tableName(s.table), o.impact.why),
        fix: EXPAND_CONTRACT,
      });
    }
    if (s.engine === 'mysql') {
      for (const a of s.actions) {
        if (a.op.op === 'change-type' && a.impact.blocks.writes && !a.fails)
          out.push({
            blocking: true,
            op: a,
            message: l10n.t('MODIFY {0} on {1}: {2}.', a.op.column, tableName(s.table), a.impact.why),
            fix: `${EXPAND_CONTRACT} On MySQL/MariaDB an online schema change tool (pt-online-schema-change, gh-ost) does this for you.`,
          });
      }
      // Without the column's current definition the change cannot be judged: say so unless the statement forbids a copy.
      const guarded =
        (s.parsed.algorithm === 'INSTANT' || s.parsed.algorithm === 'INPLACE' || s.parsed.algorithm === 'NOCOPY') &&
        (s.parsed.lock === 'NONE' || s.parsed.algorithm === 'INSTANT');
      // A MODIFY … NOT NULL reads as SET NOT NULL, but without the definition it may change the type too.
      const mapped = new Set(s.actions.filter((a) => a.op.op !== 'set-not-null').map((a) => a.action));
      for (const action of s.parsed.actions) {
        if (action.kind !== 'alter-type' || mapped.has(action) || guarded || s.newTable) continue;
        // Known when the facts have the column, and for VARCHAR → VARCHAR its character set (a replay may not).
        const now = s.facts?.columns?.find((c) => c.name.toLowerCase() === action.column.toLowerCase());
        if (s.facts?.columns && (!now || now.charset || !isVarchar(now.type) || !isVarchar(action.type))) continue;
        out.push({
          severity: 'warning',
          message: l10n.t(
            'MODIFY/CHANGE {0} on {1} redefines the column; the current definition is not known here, so whether it is INSTANT, INPLACE or a table copy (writes blocked) cannot be told: {2}',
            action.column,
            tableName(s.table),
            varcharHint(action.type, action.charset) ??
              l10n.t('a type change, INT → UNSIGNED, or a VARCHAR crossing 255 bytes copies the table.'),
          ),
          fix: l10n.t(
            'Add ALGORITHM=INPLACE, LOCK=NONE (or ALGORITHM=INSTANT) so the server refuses instead of copying, or lint with --url for the live definition.',
          ),
        });
      }
    }
    return out;
  },
} as const satisfies RuleModule;
