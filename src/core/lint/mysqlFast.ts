/**
 * A reader for the very simplest MySQL statements that gives exactly the tree node-sql-parser's MySQL grammar gives
 * (`astify(sql, { database: 'MySQL' })`), or for MariaDB files its MariaDB grammar, without loading the grammars (about a tenth of a one-file `lint`'s cold start,
 * bench/coldStart.ts). It knows these forms:
 *
 *   SET [SESSION] lock_wait_timeout | innodb_lock_wait_timeout | foreign_key_checks = <integer>
 *   ALTER TABLE [<db>.]<table> <action> [, <action>]…, each action one of
 *     ADD [COLUMN] <name> <type> [NULL | NOT NULL] [DEFAULT '<string>' | <integer>]
 *     MODIFY [COLUMN] <name> <type> [NULL | NOT NULL] [DEFAULT '<string>' | <integer>]
 *     CHANGE [COLUMN] <old name> <name> <type> [NULL | NOT NULL] [DEFAULT '<string>' | <integer>]
 *     RENAME COLUMN <old name> TO <name>
 *     ADD INDEX | KEY <name> (<name> [, <name>]…)
 *     DROP [COLUMN] <name>  |  DROP INDEX | KEY <name>
 *     ALGORITHM = INSTANT | INPLACE | COPY,  LOCK = NONE | SHARED | EXCLUSIVE   (each at most once)
 *   (NULL / NOT NULL and DEFAULT in either order, each at most once)
 *   CREATE [UNIQUE] INDEX <name> ON [<db>.]<table> (<name> [, <name>]…)
 *   DROP INDEX <name> ON [<db>.]<table>
 *   BEGIN [WORK] | START TRANSACTION | COMMIT | ROLLBACK
 *   UPDATE [<db>.]<table> SET <name> = <operand> [, …] [WHERE <predicate> [AND <predicate>]…]
 *     an operand: a column <name>, '<string>', <integer> or NULL; a predicate: <operand> { = | < | > | <= | >= | <> | != }
 *     <operand>, or <operand> IS [NOT] NULL
 *
 * where a name is a plain identifier (letters, digits, `_`, not starting with a digit) that is none of the grammar's
 * keywords nor a word listed in NOT_NAMES, and <type> is one of int, integer, bigint, smallint, tinyint, mediumint
 * (each [(<n>)] [UNSIGNED]), text, tinytext, mediumtext, longtext, date, json, boolean, double, datetime | timestamp
 * [(<n>)], varchar(<n>), char(<n>) or decimal(<p>, <s>). Comments between the tokens are read as white space (not
 * `/*!` or `/*+` ones; for MySQL's grammar only). Anything else (backquotes, escapes, other types or options) returns undefined: the caller then
 * asks the grammar. test/unit/lint/mysqlFast.test.ts compares both on many inputs.
 * Pure.
 */

/**
 * node-sql-parser's MySQL keywords (its grammar's reserved map; the test checks this list against the built grammar):
 * none is read as a name here.
 */
export const MYSQL_GRAMMAR_KEYWORDS: ReadonlySet<string> = new Set(
  (
    'ALTER ALL ADD AND AS ASC ANALYZE ACCESSIBLE BEFORE BETWEEN BIGINT BLOB BOTH BY BOOLEAN CALL CASCADE CASE ' +
    'CHAR CHECK COLLATE CONDITION CONSTRAINT CONTINUE CONVERT CREATE CROSS CURRENT_DATE CURRENT_TIME ' +
    'CURRENT_TIMESTAMP CURRENT_USER CURSOR DATABASE DATABASES DAY_HOUR DAY_MICROSECOND DAY_MINUTE DAY_SECOND DEC ' +
    'DECIMAL DECLARE DEFAULT DELAYED DELETE DESC DESCRIBE DETERMINISTIC DISTINCT DISTINCTROW DIV DROP DOUBLE DUAL ' +
    'ELSE EACH ELSEIF ENCLOSED ESCAPED EXCEPT EXISTS EXIT EXPLAIN FALSE FULL FROM FETCH FLOAT FLOAT4 FLOAT8 FOR ' +
    'FORCE FOREIGN FULLTEXT FUNCTION GENERATED GET GO GRANT GROUP GROUPING GROUPS HAVING HIGH_PRIORITY ' +
    'HOUR_MICROSECOND HOUR_MINUTE HOUR_SECOND IGNORE IN INNER INFILE INOUT INSENSITIVE INSERT INTERSECT INT INT1 ' +
    'INT2 INT3 INT4 INT8 INTEGER INTERVAL INTO IO_AFTER_GTIDS IO_BEFORE_GTIDS IS ITERATE JOIN JSON_TABLE KEY KEYS ' +
    'KILL LAG LAST_VALUE LATERAL LEAD LEADING LEAVE LEFT LIKE LIMIT LINEAR LINES LOAD LOCALTIME LOCALTIMESTAMP ' +
    'LOCK LONG LONGBLOB LONGTEXT LOOP LOW_PRIORITY MASTER_BIND MATCH MAXVALUE MEDIUMBLOB MEDIUMINT MEDIUMTEXT ' +
    'MIDDLEINT MINUTE_MICROSECOND MINUTE_SECOND MINUS MOD MODIFIES NATURAL NOT NO_WRITE_TO_BINLOG NTH_VALUE NTILE ' +
    'NULL NUMERIC OF ON OPTIMIZE OPTIMIZER_COSTS OPTION OPTIONALLY OR ORDER OUT OUTER OUTFILE OVER PARTITION ' +
    'PERCENT_RANK PRECISION PRIMARY PROCEDURE PURGE RANGE RANK READ READS READ_WRITE REAL RECURSIVE REFERENCES ' +
    'REGEXP RELEASE RENAME REPEAT REPLACE REQUIRE RESIGNAL RESTRICT RETURN REVOKE RIGHT RLIKE ROW ROWS ROW_NUMBER ' +
    'SCHEMA SCHEMAS SELECT SENSITIVE SEPARATOR SET SHOW SIGNAL SMALLINT SPATIAL SPECIFIC SQL SQLEXCEPTION ' +
    'SQLSTATE SQLWARNING SQL_BIG_RESULT SSL STARTING STORED STRAIGHT_JOIN TABLE TERMINATED THEN TINYBLOB TINYINT ' +
    'TINYTEXT TO TRAILING TRIGGER TRUE UNION UNIQUE UNLOCK UNSIGNED UPDATE USAGE USE USING UTC_DATE UTC_TIME ' +
    'UTC_TIMESTAMP VALUES VARBINARY VARCHAR VARCHARACTER VARYING VIRTUAL VECTOR WHEN WHERE WHILE WINDOW WITH ' +
    'WRITE XOR YEAR_MONTH ZEROFILL'
  ).split(' '),
);

/**
 * Words that are no keyword of the grammar but start another form where a name or type is read here (column
 * positions, options, other types), upper-cased. The test reads each in each place and finds the grammar's tree differ
 * or the reader give up.
 */
export const NOT_NAMES: ReadonlySet<string> = new Set(
  (
    'FIRST AFTER COLUMN INDEX UNIQUE FULLTEXT SPATIAL PRIMARY FOREIGN CONSTRAINT CHECK PARTITION ALGORITHM LOCK ' +
    'COMMENT COLLATE CHARSET CHARACTER AUTO_INCREMENT VISIBLE INVISIBLE IF ON SERIAL SIGNED ZEROFILL UNSIGNED ' +
    'BINARY GLOBAL SESSION LOCAL PERSIST PERSIST_ONLY NAMES TRANSACTION PASSWORD CURRENT_TIMESTAMP NOW ' +
    'DATE TIME TIMESTAMP DATETIME YEAR TEXT JSON ENUM BIT BOOL BOOLEAN NCHAR NVARCHAR VARCHAR INT INTEGER BIGINT ' +
    'SMALLINT TINYINT MEDIUMINT FLOAT DOUBLE DECIMAL NUMERIC UUID GEOMETRY POINT ROW_FORMAT ENGINE KEY_BLOCK_SIZE ' +
    // Reserved by MariaDB's grammar only (the test checks it holds them all).
    'CONTAINS END RETURNING SESSION_USER STATUS SYSTEM_USER TRUNCATE'
  ).split(' '),
);

const MAX_IDENTIFIER = 64;
/** The values of `, ALGORITHM = …` and `, LOCK = …` read here (DEFAULT, a keyword, is left to the grammar). */
const OPTION_VALUES = { algorithm: new Set(['INSTANT', 'INPLACE', 'COPY']), lock: new Set(['NONE', 'SHARED', 'EXCLUSIVE']) };
const SET_VARIABLES = new Set(['lock_wait_timeout', 'innodb_lock_wait_timeout', 'foreign_key_checks']);

/** Type names read here and the definition the grammar gives each. */
const TYPES: Readonly<Record<string, 'int' | 'plain' | 'time' | 'varchar' | 'decimal' | 'double'>> = {
  INT: 'int',
  INTEGER: 'int',
  BIGINT: 'int',
  SMALLINT: 'int',
  TINYINT: 'int',
  MEDIUMINT: 'int',
  TEXT: 'plain',
  TINYTEXT: 'plain',
  MEDIUMTEXT: 'plain',
  LONGTEXT: 'plain',
  DATE: 'plain',
  JSON: 'plain',
  BOOLEAN: 'plain',
  DATETIME: 'time',
  TIMESTAMP: 'time',
  VARCHAR: 'varchar',
  CHAR: 'varchar',
  DECIMAL: 'decimal',
  DOUBLE: 'double',
};
type Token =
  | { readonly kind: 'word'; readonly value: string; readonly pos: number } // as written
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'punct'; readonly value: string };

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
const isIdentStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isIdentPart = (c: number) => isIdentStart(c) || isDigit(c);

/** `=` and the comparison operators read here. */
const COMPARISONS: ReadonlySet<string> = new Set(['=', '<', '>', '<=', '>=', '<>', '!=']);

/** The tokens of `sql`, or undefined for anything outside the small lexicon above. */
function tokens(sql: string): Token[] | undefined {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if ((c === 45 /* - */ && sql.charCodeAt(i + 1) === 45) || c === 35 /* # */) {
      // A line comment (the grammar takes `--` without the space MySQL wants): white space to the grammar. One that
      // ends in a carriage return is left to it.
      const eol = sql.indexOf('\n', i);
      const end = eol < 0 ? sql.length : eol;
      if (sql.slice(i, end).includes('\r')) return undefined;
      i = end;
    } else if (c === 47 /* / */ && sql.charCodeAt(i + 1) === 42 /* * */) {
      // A block comment; executable (`/*!`) and hint (`/*+`) comments and nested openings are left to the grammar.
      const k = sql.indexOf('*/', i + 2);
      if (k < 0 || sql[i + 2] === '!' || sql[i + 2] === '+' || sql.slice(i + 2, k).includes('/*')) return undefined;
      i = k + 2;
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < sql.length && isIdentPart(sql.charCodeAt(j))) j++;
      if (j - i > MAX_IDENTIFIER) return undefined;
      out.push({ kind: 'word', value: sql.slice(i, j), pos: i });
      i = j;
    } else if (isDigit(c)) {
      let j = i + 1;
      while (j < sql.length && isDigit(sql.charCodeAt(j))) j++;
      // 1e5, 1.5, 0x10, 12abc, leading zeros and long numbers are left to the grammar.
      if (j < sql.length && (isIdentPart(sql.charCodeAt(j)) || sql[j] === '.')) return undefined;
      if (j - i > 9 || (c === 48 && j - i > 1)) return undefined;
      out.push({ kind: 'int', value: Number(sql.slice(i, j)) });
      i = j;
    } else if (c === 39 /* ' */) {
      const k = sql.indexOf("'", i + 1);
      if (k < 0) return undefined;
      const value = sql.slice(i + 1, k);
      // Doubled quotes, backslash escapes and line breaks inside a literal are left to the grammar.
      if (sql[k + 1] === "'" || /[\\\n\r]/.test(value)) return undefined;
      out.push({ kind: 'string', value });
      i = k + 1;
    } else if (c === 61 /* = */ || c === 60 /* < */ || c === 62 /* > */ || c === 33 /* ! */) {
      // A run of these characters is one operator to the grammar (<=>, ==, !…): only the comparisons are read here.
      let j = i + 1;
      while (j < sql.length && '=<>!'.includes(sql[j]!)) j++;
      const op = sql.slice(i, j);
      if (!COMPARISONS.has(op)) return undefined;
      out.push({ kind: 'punct', value: op });
      i = j;
    } else if (c === 46 /* . */ || c === 40 /* ( */ || c === 41 /* ) */ || c === 44 /* , */) {
      out.push({ kind: 'punct', value: sql[i]! });
      i++;
    } else {
      return undefined;
    }
  }
  return out;
}

class Reader {
  private i = 0;
  constructor(
    private readonly sql: string,
    private readonly ts: readonly Token[],
  ) {}
  get done(): boolean {
    return this.i === this.ts.length;
  }
  /** The keyword `word` next; `after`: exactly this text between it and the token before. */
  keyword(word: string, after?: string): boolean {
    const t = this.ts[this.i];
    if (t?.kind !== 'word' || t.value.toUpperCase() !== word) return false;
    if (after !== undefined) {
      const prev = this.ts[this.i - 1];
      if (prev?.kind !== 'word' || this.sql.slice(prev.pos + prev.value.length, t.pos) !== after) return false;
    }
    this.i++;
    return true;
  }
  punct(p: string): boolean {
    const t = this.ts[this.i];
    if (t?.kind !== 'punct' || t.value !== p) return false;
    this.i++;
    return true;
  }
  word(): string | undefined {
    const t = this.ts[this.i];
    if (t?.kind !== 'word') return undefined;
    this.i++;
    return t.value;
  }
  name(): string | undefined {
    const t = this.ts[this.i];
    if (t?.kind !== 'word') return undefined;
    const upper = t.value.toUpperCase();
    if (MYSQL_GRAMMAR_KEYWORDS.has(upper) || NOT_NAMES.has(upper)) return undefined;
    // The grammar ends a keyword before a digit (`COLUMN6a` is COLUMN and the name 6a): no name here starts with a
    // keyword followed by a digit.
    for (let k = 1; k < upper.length; k++)
      if (isDigit(upper.charCodeAt(k)) && !isDigit(upper.charCodeAt(k - 1))) {
        const head = upper.slice(0, k);
        if (MYSQL_GRAMMAR_KEYWORDS.has(head) || NOT_NAMES.has(head)) return undefined;
      }
    this.i++;
    return t.value;
  }
  /** A comparison operator (`<`, `>`, `<=`, `>=`, `<>`, `!=`, `=`). */
  comparison(): string | undefined {
    const t = this.ts[this.i];
    if (t?.kind !== 'punct' || !COMPARISONS.has(t.value)) return undefined;
    this.i++;
    return t.value;
  }
  int(): number | undefined {
    const t = this.ts[this.i];
    if (t?.kind !== 'int') return undefined;
    this.i++;
    return t.value;
  }
  /** A string or integer constant, as the grammar's literal. */
  constant(): Record<string, unknown> | undefined {
    const t = this.ts[this.i];
    if (t?.kind === 'string') {
      this.i++;
      return { type: 'single_quote_string', value: t.value };
    }
    if (t?.kind === 'int') {
      this.i++;
      return { type: 'number', value: t.value };
    }
    return undefined;
  }
}

function readSet(r: Reader): unknown {
  const session = r.keyword('SESSION');
  const name = r.word();
  if (name === undefined || !SET_VARIABLES.has(name) || !r.punct('=')) return undefined;
  const value = r.int();
  if (value === undefined || !r.done) return undefined;
  const keyword = session ? 'SESSION' : null;
  const assign = { type: 'assign', left: { type: 'var', name, members: [], prefix: null }, symbol: '=', right: { type: 'number', value } };
  // The grammar's list of assignments carries the keyword too, as a property of the array.
  return { type: 'set', keyword, expr: Object.assign([assign], { keyword }) };
}

function readType(r: Reader): Record<string, unknown> | undefined {
  const word = r.word();
  const dataType = word?.toUpperCase();
  const kind = dataType === undefined ? undefined : TYPES[dataType];
  if (kind === 'plain') return { dataType };
  if (kind === 'double') return { dataType, suffix: [] };
  // `(<n>)` or, for DECIMAL, `(<p>, <s>)`: undefined for none, null for something else.
  let length: number | undefined;
  let scale: number | undefined;
  if (r.punct('(')) {
    length = r.int();
    if (length === undefined) return undefined;
    if (kind === 'decimal' && r.punct(',')) {
      scale = r.int();
      if (scale === undefined) return undefined;
    }
    if (!r.punct(')')) return undefined;
  }
  if (kind === 'int') {
    const suffix = r.keyword('UNSIGNED') ? ['UNSIGNED'] : [];
    return length === undefined ? { dataType, suffix } : { dataType, length, scale: null, parentheses: true, suffix };
  }
  // Fractional seconds: the grammar takes 0 to 6 digits.
  if (kind === 'time')
    return length === undefined ? { dataType } : length <= 6 ? { dataType, length, parentheses: true, suffix: [] } : undefined;
  if (kind === 'varchar') return length === undefined ? undefined : { dataType, length, parentheses: true, suffix: null };
  if (kind === 'decimal' && scale !== undefined) return { dataType, length, scale, parentheses: true, suffix: [] };
  return undefined;
}

/** `[<db>.]<table>` as the grammar's `{ db, table }`, or undefined. */
function readTable(r: Reader): { db: string | null; table: string } | undefined {
  const first = r.name();
  if (first === undefined) return undefined;
  if (!r.punct('.')) return { db: null, table: first };
  const second = r.name();
  return second === undefined ? undefined : { db: first, table: second };
}

function readAlterTable(r: Reader, grammar: 'mysql' | 'mariadb'): unknown {
  if (!r.keyword('TABLE')) return undefined;
  const target = readTable(r);
  if (!target) return undefined;
  const expr: unknown[] = [];
  const seen = new Set<string>();
  do {
    const option = r.keyword('ALGORITHM') ? 'algorithm' : r.keyword('LOCK') ? 'lock' : undefined;
    if (option) {
      if (seen.has(option) || !r.punct('=')) return undefined;
      seen.add(option);
      const value = r.word();
      if (value === undefined || !OPTION_VALUES[option].has(value.toUpperCase())) return undefined;
      expr.push({ type: 'alter', keyword: option, resource: option, symbol: '=', [option]: value });
      continue;
    }
    const action = readAction(r, grammar);
    if (!action) return undefined;
    expr.push(action);
  } while (r.punct(','));
  if (!r.done) return undefined;
  return { type: 'alter', table: [target], expr };
}

/** `ADD …`, `MODIFY [COLUMN] …` or `DROP [COLUMN] <name>`: the action's tree, or undefined. */
function readAction(r: Reader, grammar: 'mysql' | 'mariadb'): Record<string, unknown> | undefined {
  if (r.keyword('ADD')) {
    // INDEX or KEY read but not the rest of the form: given up here (reading on as a column would skip those words).
    const index = readAddIndex(r);
    return index === undefined ? readColumnDefinition(r, grammar, 'add') : (index ?? undefined);
  }
  if (r.keyword('MODIFY')) return readColumnDefinition(r, grammar, 'modify');
  if (r.keyword('CHANGE')) return readColumnDefinition(r, grammar, 'change');
  if (r.keyword('RENAME')) {
    // RENAME COLUMN <old> TO <new> (RENAME [TO] <table> and RENAME INDEX are left to the grammar).
    const old = r.keyword('COLUMN') ? r.name() : undefined;
    if (old === undefined || !r.keyword('TO')) return undefined;
    const column = r.name();
    return column === undefined
      ? undefined
      : {
          action: 'rename',
          type: 'alter',
          resource: 'column',
          keyword: 'column',
          old_column: { type: 'column_ref', table: null, column: old, collate: null },
          prefix: 'to',
          column: { type: 'column_ref', table: null, column, collate: null },
        };
  }
  if (r.keyword('DROP')) {
    const index = r.keyword('INDEX') ? 'index' : r.keyword('KEY') ? 'key' : undefined;
    if (index) {
      const name = r.name();
      return name === undefined ? undefined : { action: 'drop', [index]: name, keyword: index, resource: index, type: 'alter' };
    }
    const keyword = r.keyword('COLUMN');
    const column = r.name();
    if (column === undefined) return undefined;
    return {
      action: 'drop',
      column: { type: 'column_ref', table: null, column, collate: null },
      ...(keyword ? { keyword: 'COLUMN' } : {}),
      resource: 'column',
      type: 'alter',
    };
  }
  return undefined;
}

/** `INDEX | KEY <name> (<column> [, <column>]…)` after ADD; undefined without INDEX or KEY, null when the rest is not that. */
function readAddIndex(r: Reader): Record<string, unknown> | null | undefined {
  const keyword = r.keyword('INDEX') ? 'index' : r.keyword('KEY') ? 'key' : undefined;
  if (!keyword) return undefined;
  const index = r.name();
  if (index === undefined || !r.punct('(')) return null;
  const definition: unknown[] = [];
  do {
    const column = r.name();
    if (column === undefined) return null;
    definition.push({ type: 'column_ref', column, order_by: null });
  } while (r.punct(','));
  if (!r.punct(')')) return null;
  return { action: 'add', type: 'alter', index, definition, keyword, index_type: null, resource: 'index', index_options: null };
}

/** `[COLUMN] <name> <type> [NULL | NOT NULL] [DEFAULT …]` after ADD or MODIFY, or undefined. */
function readColumnDefinition(
  r: Reader,
  grammar: 'mysql' | 'mariadb',
  action: 'add' | 'modify' | 'change',
): Record<string, unknown> | undefined {
  const keyword = r.keyword('COLUMN');
  // CHANGE names the old column, then the new one.
  const oldColumn = action === 'change' ? r.name() : undefined;
  if (action === 'change' && oldColumn === undefined) return undefined;
  const column = r.name();
  if (column === undefined) return undefined;
  const definition = readType(r);
  if (!definition) return undefined;
  let nullable: Record<string, unknown> | undefined;
  let defaultValue: Record<string, unknown> | undefined;
  for (;;) {
    if (!nullable && r.keyword('NOT')) {
      // The grammar reads NOT NULL as one token: one space between the words, nothing else.
      if (!r.keyword('NULL', ' ')) return undefined;
      nullable = { type: 'not null', value: 'not null' };
    } else if (!nullable && r.keyword('NULL')) {
      nullable = { type: 'null', value: 'null' };
    } else if (!defaultValue && r.keyword('DEFAULT')) {
      const value = r.constant();
      if (!value) return undefined;
      defaultValue = { type: 'default', value };
    } else {
      break;
    }
  }
  return {
    action,
    ...(oldColumn !== undefined ? { old_column: { type: 'column_ref', table: null, column: oldColumn, collate: null } } : {}),
    column: { type: 'column_ref', table: null, column, collate: null },
    definition,
    // MariaDB's grammar also names what it did not find: a generated column, IF NOT EXISTS (ADD only).
    ...(grammar === 'mariadb' ? (action === 'add' ? { generated: null, if_not_exists: null } : { generated: null }) : {}),
    resource: 'column',
    ...(nullable ? { nullable } : {}),
    ...(defaultValue ? { default_val: defaultValue } : {}),
    // MODIFY and CHANGE always name their keyword (null without COLUMN); ADD only with it, or in MariaDB's grammar.
    ...(keyword ? { keyword: 'COLUMN' } : grammar === 'mariadb' || action !== 'add' ? { keyword: null } : {}),
    suffix: null,
    type: 'alter',
  };
}

/** `BEGIN [WORK]`, `START TRANSACTION`, `COMMIT`, `ROLLBACK` (`first`: the first word as written). */
function readTransaction(r: Reader, first: string): unknown {
  const upper = first.toUpperCase();
  // The grammar keeps COMMIT and ROLLBACK as written, BEGIN and START lower-cased, and the next word as written.
  if (upper === 'COMMIT' || upper === 'ROLLBACK')
    return r.done ? { type: 'transaction', expr: { action: { type: 'origin', value: first } } } : undefined;
  let keyword: string | null = null;
  if (!r.done) {
    keyword = r.word() ?? null;
    if (keyword?.toUpperCase() !== (upper === 'START' ? 'TRANSACTION' : 'WORK')) return undefined;
  } else if (upper === 'START') return undefined;
  return r.done
    ? { type: 'transaction', expr: { action: { type: 'origin', value: upper.toLowerCase() }, keyword, modes: null } }
    : undefined;
}

/** A column, a string or integer constant or NULL: the grammar's node. */
function readOperand(r: Reader): Record<string, unknown> | undefined {
  const constant = r.constant();
  if (constant) return constant;
  if (r.keyword('NULL')) return { type: 'null', value: null };
  const column = r.name();
  return column === undefined ? undefined : { type: 'column_ref', table: null, column, collate: null };
}

/** `<operand> <comparison> <operand>` or `<operand> IS [NOT] NULL`. */
function readPredicate(r: Reader): Record<string, unknown> | undefined {
  const left = readOperand(r);
  if (!left) return undefined;
  if (r.keyword('IS')) {
    const not = r.keyword('NOT');
    return r.keyword('NULL')
      ? { type: 'binary_expr', operator: not ? 'IS NOT' : 'IS', left, right: { type: 'null', value: null } }
      : undefined;
  }
  const operator = r.comparison();
  const right = operator === undefined ? undefined : readOperand(r);
  return right && { type: 'binary_expr', operator, left, right };
}

/**
 * `UPDATE [<db>.]<table> SET <column> = <operand> [, …] [WHERE <predicate> [AND <predicate>]…]`: a backfill. The ANDs
 * nest to the left; MySQL's tree also names ORDER BY and LIMIT.
 */
function readUpdate(r: Reader, grammar: 'mysql' | 'mariadb'): unknown {
  const target = readTable(r);
  if (!target || !r.keyword('SET')) return undefined;
  const set: unknown[] = [];
  do {
    const column = r.name();
    if (column === undefined || !r.punct('=')) return undefined;
    const value = readOperand(r);
    if (!value) return undefined;
    set.push({ column, value, table: null });
  } while (r.punct(','));
  let where: Record<string, unknown> | null = null;
  if (r.keyword('WHERE')) {
    const predicates: Record<string, unknown>[] = [];
    do {
      const predicate = readPredicate(r);
      if (!predicate) return undefined;
      predicates.push(predicate);
    } while (r.keyword('AND'));
    // MariaDB's grammar nests an IS [NOT] NULL that is neither first nor last with what follows it: left to the grammar.
    if (grammar === 'mariadb' && predicates.some((p, k) => k > 0 && k < predicates.length - 1 && String(p.operator).startsWith('IS')))
      return undefined;
    where = predicates.reduce((left, right) => ({ type: 'binary_expr', operator: 'AND', left, right }));
  }
  if (!r.done) return undefined;
  return {
    with: null,
    type: 'update',
    table: [{ ...target, as: null }],
    set,
    where,
    ...(grammar === 'mysql' ? { orderby: null, limit: null } : {}),
  };
}

/** `CREATE [UNIQUE] INDEX <name> ON [<db>.]<table> (<name> [, <name>]…)`. */
function readCreateIndex(r: Reader): unknown {
  const unique = r.keyword('UNIQUE');
  if (!r.keyword('INDEX')) return undefined;
  const index = r.name();
  if (index === undefined || !r.keyword('ON')) return undefined;
  const table = readTable(r);
  if (!table || !r.punct('(')) return undefined;
  const columns: unknown[] = [];
  do {
    const column = r.name();
    if (column === undefined) return undefined;
    columns.push({ type: 'column_ref', table: null, column, collate: null, order_by: null });
  } while (r.punct(','));
  if (!r.punct(')') || !r.done) return undefined;
  return {
    type: 'create',
    index_type: unique ? 'unique' : null,
    keyword: 'index',
    index,
    on_kw: 'on',
    table,
    index_columns: columns,
    index_using: null,
    index_options: null,
    algorithm_option: null,
    lock_option: null,
  };
}

/** `DROP INDEX <name> ON [<db>.]<table>`. */
function readDropIndex(r: Reader): unknown {
  if (!r.keyword('INDEX')) return undefined;
  const index = r.name();
  if (index === undefined || !r.keyword('ON')) return undefined;
  const table = readTable(r);
  if (!table || !r.done) return undefined;
  return { type: 'drop', keyword: 'index', name: { type: 'column_ref', table: null, column: index, collate: null }, table, options: null };
}

/**
 * node-sql-parser's tree of one statement's text (no terminator), when the statement is one of the forms above; else
 * undefined. `grammar` mariadb: the tree MariaDB files get (MariaDB's grammar, which reads every one of these forms).
 */
export function readSimpleMysql(sql: string, grammar: 'mysql' | 'mariadb' = 'mysql'): unknown {
  if (!/^\s*(set|alter|create|drop|update|begin|start|commit|rollback)(\s|$)/i.test(sql)) return undefined;
  // MariaDB's grammar rejects some comments MySQL's takes as white space (after `, LOCK=NONE`, where MariaDB files then
  // get MySQL's tree): MariaDB files with a comment are left to the grammars.
  if (grammar === 'mariadb' && /--|#|\/\*/.test(sql)) return undefined;
  const ts = tokens(sql);
  if (!ts) return undefined;
  const r = new Reader(sql, ts);
  const first = r.word();
  switch (first?.toUpperCase()) {
    case 'SET':
      return readSet(r);
    case 'ALTER':
      return readAlterTable(r, grammar);
    case 'CREATE':
      return readCreateIndex(r);
    case 'DROP':
      return readDropIndex(r);
    case 'UPDATE':
      return readUpdate(r, grammar);
    case 'BEGIN':
    case 'START':
    case 'COMMIT':
    case 'ROLLBACK':
      return readTransaction(r, first!);
    default:
      return undefined;
  }
}
