/**
 * Offline checks of a ColumnSpec against the target server and, when known, the live table. Every finding says what
 * to do. Pure.
 */
import { capabilities, defaultVolatility, isReservedWord, knownTypes } from '../dialects/index';
import type { FindingCode } from '../findings';
import { expressionProblem, isPostgres, quoteIdent, utf8Length } from '../sql';
import type { ColumnSpec, Dialect, Finding, TableFacts, Target } from '../types';
import { BIT_LITERAL } from './tokenize';

const INT_RANGES: Record<string, [bigint, bigint]> = {
  smallint: [-32768n, 32767n],
  int2: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  int: [-2147483648n, 2147483647n],
  int4: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
  int8: [-9223372036854775808n, 9223372036854775807n],
  tinyint: [-128n, 127n],
  mediumint: [-8388608n, 8388607n],
};
const TEXT_WIDE = new Set(['text', 'mediumtext', 'longtext', 'blob', 'mediumblob', 'longblob', 'bytea', 'json', 'jsonb', 'xml']);
const FIXED_CHAR = new Set(['char', 'character', 'bpchar', 'nchar', 'binary']);
const VAR_CHAR = new Set(['varchar', 'character varying', 'nvarchar', 'varbinary']);

/** The decoded text of a string literal (`'it''s'` → `it's`), or null when `value` is not a plain string literal. */
function stringLiteralValue(value: string): string | null {
  const m = /^'((?:[^']|'')*)'(?:::.*)?$/s.exec(value);
  return m ? m[1]!.replace(/''/g, "'") : null;
}

function defaultFitProblem(spec: ColumnSpec, dialect: Dialect): string | null {
  if (spec.default.kind !== 'literal') return null;
  const raw = spec.default.value;
  if (raw.toUpperCase() === 'NULL') return spec.nullable ? null : 'DEFAULT NULL on a NOT NULL column';
  if (BIT_LITERAL.test(raw)) return null;
  const t = spec.type;
  if (t.array) return null;
  const str = stringLiteralValue(raw);
  const numText = str ?? (/^[-+]?[\d.]/.test(raw) ? raw : null);
  const range = INT_RANGES[t.name];
  if (range) {
    if (dialect !== 'postgres' && /^(true|false)$/i.test(raw)) return null;
    if (numText === null || !/^\s*[-+]?\d+\s*$/.test(numText)) return `${raw} is not a whole number for ${t.name}`;
    let [lo, hi] = range;
    if (t.unsigned) {
      lo = 0n;
      hi = hi * 2n + 1n;
    }
    const n = BigInt(numText.trim());
    if (n < lo || n > hi) return `${numText.trim()} is outside the range of ${t.name}${t.unsigned ? ' unsigned' : ''} (${lo} to ${hi})`;
    return null;
  }
  if (['numeric', 'decimal', 'dec', 'real', 'float', 'float4', 'float8', 'double precision', 'double'].includes(t.name)) {
    if (numText === null || !/^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(numText)) return `${raw} is not a number for ${t.name}`;
    if ((t.name === 'numeric' || t.name === 'decimal' || t.name === 'dec') && t.params.length > 0) {
      const [p, s = 0] = t.params as [number, number?];
      const intDigits = numText.trim().replace(/^[-+]/, '').split('.')[0]!.replace(/^0+/, '').length;
      if (intDigits > p - s) return `${numText.trim()} does not fit ${t.name}(${p},${s}): at most ${p - s} digits before the decimal point`;
    }
    return null;
  }
  if (t.name === 'boolean' || t.name === 'bool') {
    const ok = dialect === 'postgres' ? /^(true|false|'(t|f|true|false|yes|no|on|off|1|0|y|n)')$/i : /^(true|false|0|1)$/i;
    return ok.test(raw) ? null : `${raw} is not a boolean value`;
  }
  if (VAR_CHAR.has(t.name) || FIXED_CHAR.has(t.name)) {
    if (str === null) return null;
    const n = t.params[0] ?? (FIXED_CHAR.has(t.name) ? 1 : undefined);
    if (n !== undefined && [...str].length > n) return `'${str}' is ${[...str].length} characters, longer than ${t.name}(${n})`;
    return null;
  }
  if (t.name === 'uuid' && str !== null && !/^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i.test(str))
    return `'${str}' is not a UUID`;
  if ((t.name === 'json' || t.name === 'jsonb') && str !== null) {
    try {
      JSON.parse(str);
    } catch {
      return `'${str}' is not valid JSON`;
    }
  }
  if (t.name === 'date' && str !== null && !/^\d{4}-\d{2}-\d{2}$/.test(str) && !/^(infinity|-infinity|today|epoch)$/i.test(str))
    return `'${str}' is not a date (YYYY-MM-DD)`;
  if (t.name === 'enum' && t.values && str !== null && !t.values.includes(str)) return `'${str}' is not one of the ENUM values`;
  return null;
}

function finding(code: FindingCode, severity: Finding['severity'], message: string, field?: keyof ColumnSpec, fix?: string): Finding {
  return { code, severity, message, ...(field ? { field } : {}), ...(fix ? { fix } : {}) };
}

function identifierFindings(name: string, what: string, target: Target, field: keyof ColumnSpec): Finding[] {
  const caps = capabilities(target);
  const out: Finding[] = [];
  if (name === '') return [finding('identifier-empty', 'error', `The ${what} is empty; give it a name.`, field)];
  if (name.trim() === '') {
    if (target.dialect === 'postgres')
      out.push(
        finding(
          'identifier-whitespace',
          'warning',
          `The ${what} ${JSON.stringify(name)} is only white space: PostgreSQL accepts it quoted, but every query must quote it exactly.`,
          field,
        ),
      );
  } else if (name !== name.trim())
    out.push(
      finding(
        'identifier-whitespace',
        'warning',
        `The ${what} ${JSON.stringify(name)} starts or ends with white space; it becomes part of the name.`,
        field,
        name.trim(),
      ),
    );
  const length = caps.identifierLengthUnit === 'bytes' ? utf8Length(name) : [...name].length;
  if (length > caps.identifierMaxLength) {
    out.push(
      finding(
        'identifier-too-long',
        'error',
        `The ${what} is ${length} ${caps.identifierLengthUnit}; ${target.dialect === 'postgres' ? 'PostgreSQL truncates names longer than 63 bytes' : `${target.dialect === 'mysql' ? 'MySQL' : 'MariaDB'} rejects names longer than 64 characters`}. Shorten it.`,
        field,
      ),
    );
  }
  if (isReservedWord(target.dialect, name))
    out.push(
      finding(
        'reserved-word',
        'warning',
        `"${name}" is a reserved word: it is always quoted here, but hand-written queries must quote it too. Consider another name.`,
        field,
      ),
    );
  const wide = [...name].filter((ch) => ch.codePointAt(0)! > 0xffff);
  if (target.dialect !== 'postgres' && wide.length) {
    const named = [...new Set(wide)].map((ch) => `${ch} (U+${ch.codePointAt(0)!.toString(16).toUpperCase()})`).join(', ');
    out.push(
      finding(
        'identifier-character',
        'error',
        `${target.dialect === 'mysql' ? 'MySQL' : 'MariaDB'} names may only use characters of the Basic Multilingual Plane: ${JSON.stringify(name)} has ${named}. Use another character.`,
        field,
      ),
    );
  }
  if (target.dialect !== 'postgres' && /\s$/.test(name))
    out.push(
      finding(
        'identifier-trailing-space',
        'error',
        `${target.dialect === 'mysql' ? 'MySQL' : 'MariaDB'} does not allow a name ending with white space (${JSON.stringify(name)}).`,
        field,
      ),
    );
  return out;
}

/** Whether two column names name the same column: exact on PostgreSQL (after folding), case-insensitive on MySQL/MariaDB. */
export function sameColumnName(dialect: Dialect, a: string, b: string): boolean {
  return isPostgres(dialect) ? a === b : a.toLowerCase() === b.toLowerCase();
}

/** The finding for a name the table already has (the wizard's form and the server check say the same). */
export function columnExists(existing: string, type?: string): Finding {
  return finding(
    'column-exists',
    'error',
    `The table already has a column "${existing}"${type ? ` (${type})` : ''}. Choose another name.`,
    'name',
  );
}

/** The field a folded name belongs to. */
function foldedField(spec: ColumnSpec, name: string): keyof ColumnSpec {
  if (spec.name === name) return 'name';
  if (spec.collation === name) return 'collation';
  if (spec.position?.kind === 'after' && spec.position.column === name) return 'position';
  return 'references';
}

/** Checks a column against the target server and, when known, the live table. Every finding says what to do. */
export function validateColumn(spec: ColumnSpec, target: Target, facts?: TableFacts): Finding[] {
  const { dialect } = target;
  const caps = capabilities(target);
  const pg = dialect === 'postgres';
  const out: Finding[] = [...identifierFindings(spec.name, 'column name', target, 'name')];
  // A negative or missing estimate on a live table (never analyzed) counts as "has rows"; offline without facts, as empty.
  const hasRows = facts !== undefined && facts.rows !== 0;
  const rowsText = facts && facts.rows > 0 ? `${facts.rows}` : 'an unknown number of';

  for (const f of spec.folded ?? []) {
    out.push(
      finding(
        'name-folded',
        'info',
        `The unquoted name ${f.typed} is ${f.name} to PostgreSQL, as in psql: unquoted names are folded to lower case. To keep the case, quote it: ${quoteIdent('postgres', f.typed)}.`,
        foldedField(spec, f.name),
      ),
    );
  }
  if (spec.identity && !pg)
    out.push(
      finding(
        'identity-unsupported',
        'error',
        `${dialect === 'mysql' ? 'MySQL' : 'MariaDB'} has no identity columns; use AUTO_INCREMENT (it always accepts an explicit value, and the table's AUTO_INCREMENT option sets the next value).`,
        'autoIncrement',
      ),
    );
  const existing = facts?.columns?.find((c) => sameColumnName(dialect, c.name, spec.name));
  if (existing) out.push(columnExists(existing.name, existing.type));

  const t = spec.type;
  const known = knownTypes(dialect).has(t.name);
  if (!known) {
    out.push(
      pg
        ? finding(
            'unknown-type',
            'warning',
            `"${t.name}" is not a built-in PostgreSQL type. If it is a domain, enum or extension type, make sure it exists; a domain with constraints rewrites the table.`,
            'type',
          )
        : finding('unknown-type', 'error', `"${t.name}" is not a ${dialect === 'mysql' ? 'MySQL' : 'MariaDB'} type.`, 'type'),
    );
  }
  if (t.array && !pg) out.push(finding('array-unsupported', 'error', 'Array types exist only in PostgreSQL; use json.', 'type'));
  if (t.unsigned && pg)
    out.push(finding('unsigned-unsupported', 'error', 'PostgreSQL has no UNSIGNED; use a CHECK (col >= 0) or a wider type.', 'type'));
  if (pg && t.name === 'json')
    out.push(
      finding(
        'prefer-jsonb',
        'warning',
        'json has no equality operator (SELECT DISTINCT and GROUP BY fail) and is re-parsed on every read.',
        'type',
        'jsonb',
      ),
    );
  if (pg && (t.name === 'timestamp' || t.name === 'timestamp without time zone'))
    out.push(
      finding(
        'prefer-timestamptz',
        'info',
        'timestamp without time zone stores wall-clock time with no zone; timestamptz is usually what you want.',
        'type',
        'timestamptz',
      ),
    );
  if (TEXT_WIDE.has(t.name) && !pg)
    out.push(
      finding(
        'wide-type',
        'info',
        `${t.name} is stored off-page and cannot be indexed without a prefix length; a bounded varchar is cheaper to scan and index if the values are short.`,
        'type',
      ),
    );
  if (FIXED_CHAR.has(t.name) && (t.params[0] ?? 1) > 64)
    out.push(
      finding(
        'wide-fixed-width',
        'warning',
        `${t.name}(${t.params[0]}) pads every value to ${t.params[0]} characters: storage and scan cost on every row. Use varchar(${t.params[0]}).`,
        'type',
        `varchar(${t.params[0]})`,
      ),
    );
  if (VAR_CHAR.has(t.name) && !pg && (t.params[0] ?? 0) > 16383)
    out.push(
      finding(
        'wide-type',
        'warning',
        `${t.name}(${t.params[0]}) is wider than a utf8mb4 row allows (65,535 bytes); use a TEXT type.`,
        'type',
      ),
    );
  if (VAR_CHAR.has(t.name) && !pg && t.params.length === 0)
    out.push(
      finding('varchar-length-required', 'error', `${dialect === 'mysql' ? 'MySQL' : 'MariaDB'} needs a length: ${t.name}(255).`, 'type'),
    );
  if (pg && (t.name === 'char' || t.name === 'character'))
    out.push(
      finding('prefer-text', 'info', 'char(n) pads with spaces and is no faster than text or varchar in PostgreSQL.', 'type', 'text'),
    );

  if (
    dialect === 'mysql' &&
    spec.default.kind === 'literal' &&
    spec.default.value.toUpperCase() !== 'NULL' &&
    (TEXT_WIDE.has(t.name) || /^(tinytext|tinyblob|geometry|point|linestring|polygon)$/.test(t.name))
  ) {
    out.push(
      finding(
        'default-not-allowed',
        'error',
        `MySQL does not allow a literal DEFAULT on ${t.name} columns; write it as an expression, DEFAULT (${spec.default.value}) (8.0.13+).`,
        'default',
        `DEFAULT (${spec.default.value})`,
      ),
    );
  }
  const fit = defaultFitProblem(spec, dialect);
  if (fit) out.push(finding('default-does-not-fit', 'error', `The DEFAULT does not fit the type: ${fit}.`, 'default'));
  if (spec.default.kind === 'expression') {
    const problem = expressionProblem(dialect, spec.default.sql);
    if (problem) out.push(finding('expression-invalid', 'error', `The DEFAULT expression cannot be used: ${problem}.`, 'default'));
    if (!caps.expressionDefaults)
      out.push(
        finding(
          'expression-default-unsupported',
          'error',
          `${dialect === 'mysql' ? 'MySQL' : 'MariaDB'} ${target.version} has no expression defaults (MySQL 8.0.13, MariaDB 10.2.1); set the value from the application.`,
          'default',
        ),
      );
    const vol = defaultVolatility(spec.default.sql, dialect);
    if (vol === 'unknown')
      out.push(
        finding(
          'volatility-unknown',
          'info',
          `The volatility of DEFAULT ${spec.default.sql} is not known offline; the plan assumes volatile (backfill in batches). With a connection it is read from pg_proc.`,
          'default',
        ),
      );
  }
  if (spec.check) {
    const problem = expressionProblem(dialect, spec.check);
    if (problem) out.push(finding('expression-invalid', 'error', `The CHECK expression cannot be used: ${problem}.`, 'check'));
    if (!caps.checkConstraints)
      out.push(
        finding('check-ignored', 'error', `MySQL ${target.version} parses CHECK but does not enforce it (enforced from 8.0.16).`, 'check'),
      );
  }
  if (spec.generated) {
    const problem = expressionProblem(dialect, spec.generated.expression);
    if (problem) out.push(finding('expression-invalid', 'error', `The generated expression cannot be used: ${problem}.`, 'generated'));
    if (dialect === 'mariadb' && !spec.nullable)
      out.push(finding('generated-not-null', 'error', 'MariaDB does not allow NOT NULL on a generated column.', 'nullable'));
    if (!spec.generated.stored && spec.references)
      out.push(
        finding(
          'fk-on-virtual',
          'error',
          'A foreign key cannot be defined on a VIRTUAL generated column; make it STORED or reference from a plain column.',
          'references',
        ),
      );
    if (spec.default.kind !== 'none')
      out.push(finding('generated-with-default', 'error', 'A generated column cannot have a DEFAULT.', 'default'));
    if (pg && !spec.generated.stored && !caps.virtualGeneratedColumns)
      out.push(
        finding(
          'virtual-generated-unsupported',
          'error',
          `PostgreSQL ${target.version} has only STORED generated columns (VIRTUAL from 18), and adding one rewrites the table.`,
          'generated',
        ),
      );
    if (pg && spec.generated.stored && !caps.storedGeneratedColumns)
      out.push(
        finding('generated-unsupported', 'error', `PostgreSQL ${target.version} has no generated columns (12 and later).`, 'generated'),
      );
    if (spec.generated.stored && hasRows)
      out.push(
        finding(
          'generated-stored-rewrite',
          'warning',
          `A STORED generated column is computed for all ${rowsText} rows by a rewrite that blocks writes.${pg && caps.virtualGeneratedColumns ? ' A VIRTUAL one is added instantly.' : ''}${!pg ? ' A VIRTUAL one is added instantly.' : ''}`,
          'generated',
          'VIRTUAL',
        ),
      );
  }
  if (!spec.nullable && spec.default.kind === 'none' && !spec.generated && !spec.autoIncrement && hasRows) {
    out.push(
      finding(
        'not-null-without-default',
        'warning',
        `NOT NULL without a DEFAULT on a table with ${rowsText} rows: ${pg ? 'the ALTER would fail' : 'existing rows would get the zero value and INSERTs that omit the column would fail'}. The plan adds the column nullable and enforces NOT NULL after the existing rows have values — give a DEFAULT, or fill the rows before the constrain phase.`,
        'default',
      ),
    );
  }
  if (
    spec.unique &&
    hasRows &&
    facts.rows !== 1 &&
    ((spec.default.kind === 'literal' && spec.default.value.toUpperCase() !== 'NULL') ||
      (spec.default.kind === 'expression' && defaultVolatility(spec.default.sql, dialect) !== 'volatile'))
  ) {
    out.push(
      finding(
        'unique-constant-default',
        facts.rows > 1 ? 'error' : 'warning',
        `UNIQUE with the same DEFAULT for all ${rowsText} existing rows cannot succeed: every row would have the same value. Use a volatile default (e.g. ${pg ? 'gen_random_uuid()' : 'UUID()'}) or no default.`,
        'unique',
      ),
    );
  }
  if (spec.index && !spec.unique && !spec.references) {
    out.push(
      finding(
        'index-write-cost',
        'info',
        'An index slows every INSERT and UPDATE of the table. Keep it only if queries filter, join or sort on this column.',
        'index',
      ),
    );
  }
  if (spec.references) {
    out.push(...identifierFindings(spec.references.table, 'referenced table', target, 'references').filter((f) => f.severity === 'error'));
    if (!pg && facts?.engine && facts.engine.toLowerCase() !== 'innodb')
      out.push(finding('fk-engine', 'error', `${facts.engine} tables ignore foreign keys; only InnoDB enforces them.`, 'references'));
    if (!spec.index && !spec.unique)
      out.push(
        finding(
          'fk-without-index',
          'info',
          'A foreign key without an index on the referencing column makes deletes and updates of the referenced rows scan this table; the plan adds one.',
          'references',
        ),
      );
  }
  if (spec.position && spec.position.kind !== 'last') {
    if (pg)
      out.push(
        finding('position-unsupported', 'error', 'PostgreSQL always adds a column at the end; FIRST/AFTER do not exist.', 'position'),
      );
    else if (spec.position.kind === 'after' && facts?.columns) {
      const after = spec.position.column.toLowerCase();
      if (!facts.columns.some((c) => c.name.toLowerCase() === after))
        out.push(finding('position-column-missing', 'error', `AFTER ${spec.position.column}: the table has no such column.`, 'position'));
    }
    if (!pg && !caps.instantAnyPosition && caps.instantAddColumn)
      out.push(
        finding(
          'position-not-instant',
          'warning',
          `${dialect === 'mysql' ? 'MySQL' : 'MariaDB'} ${target.version} adds a column instantly only at the end; FIRST/AFTER rebuilds the table.`,
          'position',
          'add it at the end',
        ),
      );
  }
  if (spec.autoIncrement && hasRows) {
    out.push(
      finding(
        'auto-increment-rewrite',
        'warning',
        `An ${pg ? 'identity/serial' : 'AUTO_INCREMENT'} column gives every existing row a value: ${pg ? 'a rewrite under ACCESS EXCLUSIVE' : 'a rebuild that blocks writes'}.`,
        'autoIncrement',
      ),
    );
  }
  if (!pg && (spec.comment?.includes('\\') || t.values?.some((v) => v.includes('\\')))) {
    out.push(
      finding(
        'backslash-escapes',
        'info',
        'The comment or ENUM values contain a backslash; it is written doubled, which assumes the session does not set NO_BACKSLASH_ESCAPES.',
        spec.comment?.includes('\\') ? 'comment' : 'type',
      ),
    );
  }
  if (spec.comment !== undefined && spec.comment.length > 1024 && !pg)
    out.push(finding('comment-too-long', 'error', 'Column comments are limited to 1024 characters.', 'comment'));
  if (spec.collation && !/^[\p{L}\p{N}_.\- ]+$/u.test(spec.collation))
    out.push(finding('collation-invalid', 'error', `"${spec.collation}" is not a collation name.`, 'collation'));
  return out;
}
