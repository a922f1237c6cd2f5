/**
 * squawk (npm `squawk-cli`, a native binary shipped in the package; runs offline) on the PostgreSQL corpus:
 * every squawk finding about adding columns, constraints and indexes must also be ours, except the listed
 * known improvements, which are asserted both ways (squawk reports them, we do not, for the stated reason).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { lintSql, type LintResult } from '../../../src/core/lint/analyze';
import { loadParsers, type Parsers } from '../../../src/core/lint/parsers';
import { loadCorpus, type CorpusFile } from './corpus';

const SQUAWK = join(__dirname, '../../../node_modules/.bin/squawk');

/** squawk rule → the rules of ours that cover it. */
const COVERED_BY: Record<string, readonly string[]> = {
  'adding-field-with-default': ['add-column-rewrite'],
  'adding-required-field': ['add-column-required'],
  'adding-not-nullable-field': ['set-not-null-scan'],
  'adding-foreign-key-constraint': ['constraint-not-valid-missing'],
  // squawk also files UNIQUE / PRIMARY KEY (which have no NOT VALID) under this rule.
  'constraint-missing-not-valid': [
    'constraint-not-valid-missing',
    'validate-in-same-transaction',
    'unique-constraint-builds-index',
    'exclusion-constraint',
  ],
  'disallowed-unique-constraint': ['unique-constraint-builds-index'],
  'adding-serial-primary-key-field': ['unique-constraint-builds-index', 'add-column-rewrite'],
  'require-concurrent-index-creation': ['index-not-concurrent'],
  'ban-concurrent-index-creation-in-transaction': ['concurrent-index-in-transaction'],
  'require-lock-timeout': ['missing-lock-timeout'],
  'syntax-error': ['syntax-error'],
  'changing-column-type': ['alter-column-type'],
  'renaming-column': ['rename'],
  'renaming-table': ['rename'],
  'ban-drop-table': ['drop-table'],
  'ban-drop-column': ['drop-column'],
  'require-concurrent-index-deletion': ['drop-index-not-concurrent'],
};

/** Where squawk reports and we deliberately do not: file, statement line, squawk rule, why ours is right. */
const KNOWN_IMPROVEMENTS = [
  {
    file: 'postgres/03-indexes.sql',
    line: 21,
    squawk: 'require-concurrent-index-creation',
    why: 'the index is on a table created earlier in the same file: it blocks nobody',
  },
  {
    file: 'postgres/03-indexes.sql',
    line: 24,
    squawk: 'adding-required-field',
    why: 'the table was created in this file and is empty, so NOT NULL without a default cannot fail',
  },
  {
    file: 'postgres/03-indexes.sql',
    line: 27,
    squawk: 'adding-foreign-key-constraint',
    why: 'the referencing table is new and empty: the validation scan is instant (the lock on the referenced table is covered by lock_timeout)',
  },
  {
    file: 'postgres/03-indexes.sql',
    line: 27,
    squawk: 'constraint-missing-not-valid',
    why: 'same statement: nothing to validate in a new table',
  },
  {
    file: 'postgres/07-lock-timeout.sql',
    line: 38,
    squawk: 'adding-foreign-key-constraint',
    why: 'a foreign key from a new, empty table validates instantly (we report the missing lock_timeout on the referenced table instead)',
  },
  { file: 'postgres/07-lock-timeout.sql', line: 38, squawk: 'constraint-missing-not-valid', why: 'same statement' },
  { file: 'postgres/07-lock-timeout.sql', line: 41, squawk: 'adding-foreign-key-constraint', why: 'both tables were created in this file' },
  { file: 'postgres/07-lock-timeout.sql', line: 41, squawk: 'constraint-missing-not-valid', why: 'same statement' },
  {
    file: 'postgres/11-statements.sql',
    line: 102,
    squawk: 'renaming-column',
    why: 'the table was created earlier in the same file: no running code uses it yet',
  },
  {
    file: 'postgres/11-statements.sql',
    line: 105,
    squawk: 'ban-drop-table',
    why: 'dropping a table created in the same file loses nothing',
  },
] as const;

/** Where we report and squawk does not, asserted so the difference stays visible. */
const WE_ALSO_CATCH = [
  {
    file: 'postgres/05-dbmate-wrapped.sql',
    line: 7,
    ours: 'concurrent-index-in-transaction',
    why: 'dbmate runs the file in a transaction; squawk does not know the tool',
  },
  {
    file: 'postgres/05-dbmate-wrapped.sql',
    line: 13,
    ours: 'validate-in-same-transaction',
    why: 'the same wrapping transaction holds ADD … NOT VALID and VALIDATE',
  },
  {
    file: 'postgres/01-add-column.sql',
    line: 52,
    ours: 'constraint-not-valid-missing',
    why: 'an inline CHECK on ADD COLUMN scans the table under ACCESS EXCLUSIVE',
  },
] as const;

interface SquawkFinding {
  readonly line: number;
  readonly rule: string;
}

function runSquawk(file: CorpusFile): SquawkFinding[] {
  const version = /^\d+$/.test(file.target.version) ? `${file.target.version}.0` : file.target.version;
  const r = spawnSync(SQUAWK, ['--reporter', 'json', '--pg-version', version, file.path], { encoding: 'utf8' });
  if (r.error) throw r.error;
  const parsed = JSON.parse(r.stdout) as { line: number; rule_name: string }[];
  return parsed.map((x) => ({ line: x.line + 1, rule: x.rule_name }));
}

/** Our rules on the statement that covers a 1-based line. */
function oursAt(result: LintResult, line: number): string[] {
  const s = result.statements.find((st) => st.startPos.line + 1 <= line && line <= st.endPos.line + 1);
  if (!s) return [];
  return result.findings.filter((f) => f.statement === s.index).map((f) => f.rule);
}

const pgCorpus = loadCorpus().filter((f) => f.target.dialect === 'postgres');
let parsers: Parsers;
const squawk = new Map<string, SquawkFinding[]>();
const ours = new Map<string, LintResult>();

before(async () => {
  parsers = await loadParsers();
  for (const f of pgCorpus) {
    squawk.set(f.name, runSquawk(f));
    ours.set(f.name, lintSql(f.text, { target: f.target }, parsers));
  }
});

describe(
  'comparison with squawk on the PostgreSQL corpus',
  { skip: existsSync(SQUAWK) ? false : 'squawk-cli is not installed (npm install)' },
  () => {
    it('squawk runs offline and reports on the corpus (the comparison is not vacuous)', () => {
      const total = [...squawk.values()].flat().filter((f) => f.rule in COVERED_BY).length;
      assert.ok(total >= 25, `squawk reported only ${total} comparable findings`);
    });

    it('every squawk finding about columns, constraints, indexes (and timeouts, syntax) is also ours, or a listed improvement', () => {
      const missing: string[] = [];
      for (const f of pgCorpus) {
        const result = ours.get(f.name)!;
        const ignoredLines = new Set(
          f.statements
            .filter((s) =>
              /column-wizard-ignore/.test(
                f.text
                  .split('\n')
                  .slice(Math.max(0, s.line - 3), s.line - 1)
                  .join('\n'),
              ),
            )
            .map((s) => s.line),
        );
        for (const sq of squawk.get(f.name)!) {
          const covered = COVERED_BY[sq.rule];
          if (!covered) continue;
          if (ignoredLines.has(sq.line)) continue;
          if (KNOWN_IMPROVEMENTS.some((k) => k.file === f.name && k.line === sq.line && k.squawk === sq.rule)) continue;
          const mine = oursAt(result, sq.line);
          if (!mine.some((r) => covered.includes(r))) missing.push(`${f.name}:${sq.line} squawk ${sq.rule}, ours [${mine.join(' ')}]`);
        }
      }
      assert.deepEqual(missing, []);
    });

    for (const k of KNOWN_IMPROVEMENTS) {
      it(`improvement: ${k.file}:${k.line} — ${k.why}`, () => {
        assert.ok(
          squawk.get(k.file)!.some((f) => f.line === k.line && f.rule === k.squawk),
          `squawk no longer reports ${k.squawk} there`,
        );
        const mine = oursAt(ours.get(k.file)!, k.line);
        assert.ok(!mine.some((r) => COVERED_BY[k.squawk]!.includes(r)), `we report [${mine.join(' ')}]`);
      });
    }

    for (const k of WE_ALSO_CATCH) {
      it(`we also catch: ${k.file}:${k.line} — ${k.why}`, () => {
        assert.ok(oursAt(ours.get(k.file)!, k.line).includes(k.ours));
        assert.ok(!squawk.get(k.file)!.some((f) => f.line === k.line && COVERED_BY[f.rule]?.includes(k.ours)), 'squawk reports it too now');
      });
    }

    it('DEFAULT now() is not a rewrite (both agree); gen_random_uuid() is (both agree)', () => {
      const file = '01-add-column.sql';
      const f = pgCorpus.find((x) => x.name === `postgres/${file}`)!;
      const lineOf = (needle: string) => f.statements.find((s) => s.text.includes(needle))!.line;
      const nowLine = lineOf('DEFAULT now()');
      const uuidLine = lineOf('gen_random_uuid()');
      assert.ok(!oursAt(ours.get(f.name)!, nowLine).includes('add-column-rewrite'));
      assert.ok(!squawk.get(f.name)!.some((x) => x.line === nowLine && x.rule === 'adding-field-with-default'));
      assert.ok(oursAt(ours.get(f.name)!, uuidLine).includes('add-column-rewrite'));
      assert.ok(squawk.get(f.name)!.some((x) => x.line === uuidLine && x.rule === 'adding-field-with-default'));
    });
  },
);
