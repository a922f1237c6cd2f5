/**
 * A reader for the very simplest PostgreSQL statements that gives exactly the parse tree libpg-query gives, without
 * loading libpg-query's WebAssembly (most of a one-file `lint`'s cold start, bench/coldStart.ts). It knows these forms:
 *
 *   SET [SESSION | LOCAL] lock_timeout | statement_timeout { = | TO } '<string>' | <integer>
 *   BEGIN | START TRANSACTION | COMMIT | END | ROLLBACK | ABORT   (with TRANSACTION or WORK where the parser takes them)
 *   ALTER TYPE [<schema>.]<enum> ADD VALUE [IF NOT EXISTS] '<label>' [BEFORE | AFTER '<label>']
 *   ALTER TYPE [<schema>.]<enum> RENAME VALUE '<label>' TO '<label>'
 *   ALTER DOMAIN [<schema>.]<domain> ADD CONSTRAINT <name> CHECK (<predicate> [AND <predicate>]…) [NOT VALID]
 *   ALTER TABLE [<schema>.]<table> RENAME { [COLUMN] <name> TO <name> | CONSTRAINT <name> TO <name> | TO <name> }
 *   ALTER TABLE [<schema>.]<table> <command> [, <command>]…, each command one of
 *     ADD [COLUMN] [IF NOT EXISTS] <name> <type> [<column constraint>]…
 *     ADD CONSTRAINT <name> { FOREIGN KEY (<name>, …) REFERENCES [<schema>.]<table> [(<name>, …)]
 *       | CHECK (<predicate> [AND <predicate>]…) } [NOT VALID]
 *     ADD CONSTRAINT <name> EXCLUDE [USING <method>] (<name> WITH <operator> [, …])
 *     ADD [CONSTRAINT <name>] { UNIQUE | PRIMARY KEY } { (<name>, …) | USING INDEX <name> }
 *     ADD CONSTRAINT <name> NOT NULL <column> [NOT VALID]
 *     VALIDATE CONSTRAINT <name>
 *     ALTER [COLUMN] <name> { SET NOT NULL | DROP NOT NULL | SET DEFAULT <value> | DROP DEFAULT
 *       | [SET DATA] TYPE <type> [USING <operand>[::<type>]] }
 *     DROP [COLUMN] [IF EXISTS] <name> [CASCADE | RESTRICT]
 *     DROP CONSTRAINT [IF EXISTS] <name> [CASCADE | RESTRICT]
 *     SET LOGGED | SET UNLOGGED | SET TABLESPACE <name> | SET (<name> = <integer> [, …])
 *     DETACH PARTITION [<schema>.]<table> [CONCURRENTLY]
 *   RESET <name>
 *   CLUSTER [<schema>.]<table> [USING <index>]
 *   VACUUM [FULL] [ANALYZE] | VACUUM ({ FULL | ANALYZE } [, …]) [<schema>.]<table> [, …]
 *   LOCK [TABLE] [<schema>.]<table> [, …] [IN <mode> MODE] [NOWAIT]
 *   REFRESH MATERIALIZED VIEW [CONCURRENTLY] [<schema>.]<view> [WITH [NO] DATA]
 *   REINDEX { INDEX | TABLE } [CONCURRENTLY] [<schema>.]<name>
 *   CREATE TABLE [IF NOT EXISTS] [<schema>.]<table> (<name> <type> [<column constraint>]… | PRIMARY KEY (<name>, …)
 *     | UNIQUE (<name>, …) [, …])
 *   CREATE [UNIQUE] INDEX [CONCURRENTLY] [[IF NOT EXISTS] <name>] ON [<schema>.]<table> [USING <name>]
 *     (<name> | <function>([<column> [, <column>]…]) [, …]) [WHERE <predicate> [AND <predicate>]…]
 *   DROP INDEX [CONCURRENTLY] | DROP TABLE [IF EXISTS] [<schema>.]<name> [, …] [CASCADE | RESTRICT]
 *   COMMENT ON { TABLE | INDEX } [<schema>.]<name> | COLUMN [<schema>.]<table>.<column> IS '<string>' | NULL
 *   INSERT INTO [<schema>.]<table> [(<name>, …)] VALUES (<value>, …) [, (<value>, …)]…
 *   UPDATE [<schema>.]<table> SET <name> = <value> | <column> [, …] [WHERE <predicate> [AND <predicate>]…]
 *     an operand: a column ([<table>.]<name>), '<string>' or <integer>; a predicate: <operand> { = | < | > | <= | >= |
 *     <> | != | * | && } <operand>, or <operand> IS [NOT] NULL
 *
 * where a value is '<string>', <integer>, TRUE, FALSE, NULL, CURRENT_TIMESTAMP or [<schema>.]<function>() (no arguments);
 * a column constraint is NOT NULL, NULL, DEFAULT <value>, PRIMARY KEY, UNIQUE, REFERENCES [<schema>.]<table>
 * [(<name>, …)], CHECK (<predicate> [AND <predicate>]…), GENERATED ALWAYS AS (<predicate> [AND <predicate>]…) [STORED |
 * VIRTUAL] or GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY (a DEFAULT constant may be cast: '<string>'::<type>) (each at most once, in any order); a name is a plain identifier that is no reserved
 * PostgreSQL keyword, or a double-quoted one; <type> is such a plain identifier (a type name as written: text, uuid,
 * jsonb, timestamptz, …, with up to two integer modifiers) or int, integer, smallint, bigint, boolean, real, double
 * precision, varchar[(<n>)], numeric | decimal [(<p>[, <s>])], timestamp | time [(<n>)] [WITH | WITHOUT TIME ZONE].
 * Comments between the tokens are read as white space (a nested block comment is not).
 * Anything else, including non-ASCII text or a second statement, returns undefined: the caller then asks libpg-query.
 * test/unit/lint/pgFast.test.ts compares both readers on many inputs.
 * Pure.
 */

/** libpg-query's `version` (PostgreSQL 18.0.4's parser); the test checks it against the parser. */
export const PG_PARSER_VERSION = 180004;

/**
 * The parser's keywords that are not "unreserved" (reserved, type/function-name and column-name keywords): none of them
 * is read here as a name or a type name. Unreserved ones work as both (`ColId`, `type_function_name` in gram.y), apart
 * from those in NOT_NAMES. The test checks the list against the parser's own keyword categories.
 */
export const PG_NAME_KEYWORDS: ReadonlySet<string> = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both ' +
    'case cast char character check coalesce collate collation column concurrently constraint create cross ' +
    'current_catalog current_date current_role current_schema current_time current_timestamp current_user dec ' +
    'decimal default deferrable desc distinct do else end except exists extract false fetch float for foreign ' +
    'freeze from full grant greatest group grouping having ilike in initially inner inout int integer intersect ' +
    'interval into is isnull join json json_array json_arrayagg json_exists json_object json_objectagg json_query ' +
    'json_scalar json_serialize json_table json_value lateral leading least left like limit localtime ' +
    'localtimestamp merge_action national natural nchar none normalize not notnull null nullif numeric offset on ' +
    'only or order out outer overlaps overlay placing position precision primary real references returning right ' +
    'row select session_user setof similar smallint some substring symmetric system_user table tablesample then ' +
    'time timestamp to trailing treat trim true union unique user using values varchar variadic verbose when ' +
    'where window with xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi ' +
    'xmlroot xmlserialize xmltable'
  ).split(' '),
);

/** Unreserved keywords that start another form in these places: ADD COLUMN IF NOT EXISTS, DOUBLE PRECISION. */
const NOT_NAMES = new Set(['if', 'double']);

/** Identifiers longer than this are truncated by PostgreSQL (NAMEDATALEN − 1): left to the parser. */
const MAX_IDENTIFIER = 63;

type Token =
  | { readonly kind: 'word'; readonly value: string; readonly pos: number } // unquoted, lower-cased; may be a keyword
  | { readonly kind: 'quoted'; readonly value: string; readonly pos: number }
  | { readonly kind: 'string'; readonly value: string; readonly pos: number }
  | { readonly kind: 'int'; readonly value: number; readonly pos: number }
  | { readonly kind: 'punct'; readonly value: string; readonly pos: number };

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);
const isIdentStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isIdentPart = (c: number) => isIdentStart(c) || (c >= 48 && c <= 57) || c === 36;
const isDigit = (c: number) => c >= 48 && c <= 57;

/** PostgreSQL's operator characters (scan.l's `self` and `op_chars`, those that may form an operator). */
const OPERATOR_CHARS: ReadonlySet<number> = new Set([...'~!@#^&|`?+-*/%<>='].map((ch) => ch.charCodeAt(0)));
/** The operators read here: `=`, the comparisons, `*` and `&&` (overlaps, in exclusion constraints). */
const OPERATORS: ReadonlySet<string> = new Set(['=', '<', '>', '<=', '>=', '<>', '!=', '*', '&&']);

/** The tokens of `sql`, or undefined for anything outside the small lexicon above. */
function tokens(sql: string): Token[] | undefined {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < sql.length && isIdentPart(sql.charCodeAt(j))) j++;
      if (j - i > MAX_IDENTIFIER) return undefined;
      // A letter right before a quote makes a prefixed literal (E'…', B'…', U&'…'): not in the lexicon.
      if (sql[j] === "'" || sql[j] === '"' || sql[j] === '&') return undefined;
      out.push({ kind: 'word', value: sql.slice(i, j).toLowerCase(), pos: i });
      i = j;
    } else if (isDigit(c)) {
      let j = i + 1;
      while (j < sql.length && isDigit(sql.charCodeAt(j))) j++;
      // 1e5, 1.5, 0x10, 12abc, leading zeros and values beyond int4 are left to the parser.
      if (j < sql.length && (isIdentPart(sql.charCodeAt(j)) || sql[j] === '.')) return undefined;
      if (j - i > 9 || (c === 48 && j - i > 1)) return undefined;
      out.push({ kind: 'int', value: Number(sql.slice(i, j)), pos: i });
      i = j;
    } else if (c === 39 /* ' */) {
      let j = i + 1;
      let value = '';
      for (;;) {
        const k = sql.indexOf("'", j);
        if (k < 0) return undefined;
        value += sql.slice(j, k);
        if (sql[k + 1] === "'") {
          value += "'";
          j = k + 2;
        } else {
          j = k + 1;
          break;
        }
      }
      // Backslashes and line breaks inside a literal (escape settings, continued literals) are left to the parser.
      if (/[\\\n\r]/.test(value)) return undefined;
      out.push({ kind: 'string', value, pos: i });
      i = j;
    } else if (c === 34 /* " */) {
      const k = sql.indexOf('"', i + 1);
      if (k < 0 || k === i + 1 || k - i - 1 > MAX_IDENTIFIER || sql[k + 1] === '"') return undefined;
      out.push({ kind: 'quoted', value: sql.slice(i + 1, k), pos: i });
      i = k + 1;
    } else if (c === 45 /* - */ && sql.charCodeAt(i + 1) === 45) {
      // A line comment: white space to the parser.
      i += 2;
      while (i < sql.length && sql[i] !== '\n' && sql[i] !== '\r') i++;
    } else if (c === 47 /* / */ && sql.charCodeAt(i + 1) === 42 /* * */) {
      // A block comment; nested ones (PostgreSQL counts them) are left to the parser.
      const k = sql.indexOf('*/', i + 2);
      if (k < 0 || sql.slice(i + 2, k).includes('/*')) return undefined;
      i = k + 2;
    } else if (OPERATOR_CHARS.has(c)) {
      // The parser reads the longest run of operator characters as one operator: only these runs are read here.
      let j = i + 1;
      while (j < sql.length && OPERATOR_CHARS.has(sql.charCodeAt(j))) j++;
      const op = sql.slice(i, j);
      if (!OPERATORS.has(op)) return undefined;
      // `!=` is `<>` to the parser.
      out.push({ kind: 'punct', value: op === '!=' ? '<>' : op, pos: i });
      i = j;
    } else if (c === 46 /* . */ || c === 40 /* ( */ || c === 41 /* ) */ || c === 44 /* , */) {
      out.push({ kind: 'punct', value: sql[i]!, pos: i });
      i++;
    } else if (c === 58 /* : */ && sql.charCodeAt(i + 1) === 58 && sql.charCodeAt(i + 2) !== 58) {
      // `::`, the cast (a lone `:` or `:::` is left to the parser).
      out.push({ kind: 'punct', value: '::', pos: i });
      i += 2;
    } else {
      return undefined;
    }
  }
  return out;
}

/** A cursor over the tokens; every `take…` returns undefined (and the reader gives up) on anything unexpected. */
class Reader {
  private i = 0;
  constructor(
    private readonly sql: string,
    private readonly ts: readonly Token[],
  ) {}
  /** Only white space (no comment) between the last token read, a word, and the next one. */
  get spaceOnly(): boolean {
    const prev = this.ts[this.i - 1];
    const next = this.ts[this.i];
    return prev?.kind === 'word' && next !== undefined && /^\s+$/.test(this.sql.slice(prev.pos + prev.value.length, next.pos));
  }
  /** Where the next token starts. */
  get pos(): number {
    return this.ts[this.i]?.pos ?? -1;
  }
  get done(): boolean {
    return this.i === this.ts.length;
  }
  peekKeyword(word: string): boolean {
    const t = this.ts[this.i];
    return t?.kind === 'word' && t.value === word;
  }
  keyword(word: string): boolean {
    if (!this.peekKeyword(word)) return false;
    this.i++;
    return true;
  }
  peekPunct(p: string): boolean {
    const t = this.ts[this.i];
    return t?.kind === 'punct' && t.value === p;
  }
  /** A comparison operator (`=`, `<`, `>`, `<=`, `>=`, `<>`). */
  operator(): { value: string; pos: number } | undefined {
    const t = this.ts[this.i];
    if (t?.kind !== 'punct' || !OPERATORS.has(t.value)) return undefined;
    this.i++;
    return { value: t.value, pos: t.pos };
  }
  punct(p: string): Token | undefined {
    const t = this.ts[this.i];
    if (t?.kind !== 'punct' || t.value !== p) return undefined;
    this.i++;
    return t;
  }
  /** A name: a plain identifier that is no keyword, or a quoted one. */
  name(): { value: string; pos: number } | undefined {
    const t = this.ts[this.i];
    if (!t || !((t.kind === 'word' && !PG_NAME_KEYWORDS.has(t.value) && !NOT_NAMES.has(t.value)) || t.kind === 'quoted')) return undefined;
    this.i++;
    return { value: t.value as string, pos: t.pos };
  }
  word(): { value: string; pos: number } | undefined {
    const t = this.ts[this.i];
    if (t?.kind !== 'word') return undefined;
    this.i++;
    return t;
  }
  /** Where the cursor is, for `reset`. */
  mark(): number {
    return this.i;
  }
  reset(mark: number): void {
    this.i = mark;
  }
  /** A string or integer constant, as libpg-query's A_Const. */
  constant(): Record<string, unknown> | undefined {
    const t = this.ts[this.i];
    if (t?.kind === 'string') {
      this.i++;
      return { A_Const: { sval: { sval: t.value }, location: t.pos } };
    }
    if (t?.kind === 'int') {
      this.i++;
      // libpg-query leaves out a zero field.
      return { A_Const: { ival: t.value === 0 ? {} : { ival: t.value }, location: t.pos } };
    }
    return undefined;
  }
}

const TIMEOUTS = new Set(['lock_timeout', 'statement_timeout']);

/** Keyword type names and the catalog type they stand for. */
const KEYWORD_TYPES: Readonly<Record<string, string>> = {
  int: 'int4',
  integer: 'int4',
  smallint: 'int2',
  bigint: 'int8',
  boolean: 'bool',
  varchar: 'varchar',
  numeric: 'numeric',
  decimal: 'numeric',
  real: 'float4',
  timestamp: 'timestamp',
  time: 'time',
};

/** How many integer type modifiers each keyword type takes (none where not listed). */
const TYPMODS: Readonly<Record<string, number>> = { varchar: 1, numeric: 2, timestamp: 1, time: 1 };

function stmts(stmt: Record<string, unknown>): unknown {
  return { version: PG_PARSER_VERSION, stmts: [{ stmt }] };
}

/** `[<schema>.]<table>` as libpg-query's RangeVar, or undefined. */
function readRelation(r: Reader): Record<string, unknown> | undefined {
  const first = r.name();
  if (!first) return undefined;
  let schema: string | undefined;
  let table = first.value;
  if (r.punct('.')) {
    const second = r.name();
    if (!second) return undefined;
    schema = first.value;
    table = second.value;
  }
  return { ...(schema !== undefined ? { schemaname: schema } : {}), relname: table, inh: true, relpersistence: 'p', location: first.pos };
}

function readSet(r: Reader): unknown {
  const isLocal = r.keyword('local');
  if (!isLocal) r.keyword('session');
  const name = r.word();
  if (!name || !TIMEOUTS.has(name.value)) return undefined;
  if (!r.punct('=') && !r.keyword('to')) return undefined;
  const value = r.constant();
  if (!value || !r.done) return undefined;
  const location = (Object.values(value)[0] as { location: number }).location;
  return stmts({
    VariableSetStmt: { kind: 'VAR_SET_VALUE', name: name.value, args: [value], ...(isLocal ? { is_local: true } : {}), location },
  });
}

function readType(r: Reader): Record<string, unknown> | undefined {
  const t = r.word();
  if (!t) return undefined;
  let catalog: string | undefined = KEYWORD_TYPES[t.value];
  if (t.value === 'double') {
    if (!r.keyword('precision')) return undefined;
    catalog = 'float8';
  } else if (catalog === undefined && (PG_NAME_KEYWORDS.has(t.value) || NOT_NAMES.has(t.value))) return undefined;
  // Integer type modifiers: varchar(n), numeric(p[, s]), timestamp(n), time(n), and up to two on a type name as written.
  const maxTypmods = catalog === undefined ? 2 : (TYPMODS[catalog] ?? 0);
  let typmods: unknown[] | undefined;
  if (maxTypmods > 0 && r.punct('(')) {
    typmods = [];
    do {
      const n = r.constant();
      if (!n || !('ival' in (n.A_Const as object))) return undefined;
      typmods.push(n);
    } while (typmods.length < maxTypmods && r.punct(','));
    if (!r.punct(')')) return undefined;
  }
  if (catalog === 'timestamp' || catalog === 'time') {
    // The parser reads WITH / WITHOUT with a look at the next token: a comment between them is a syntax error there.
    const withZone = r.keyword('with');
    if ((withZone || r.keyword('without')) && !(r.spaceOnly && r.keyword('time') && r.spaceOnly && r.keyword('zone'))) return undefined;
    if (withZone) catalog += 'tz';
  }
  const names = catalog ? [{ String: { sval: 'pg_catalog' } }, { String: { sval: catalog } }] : [{ String: { sval: t.value } }];
  return { names, ...(typmods ? { typmods } : {}), typemod: -1, location: t.pos };
}

/** A type's `[<schema>.]<name>` after ALTER TYPE or ALTER DOMAIN, as libpg-query's list of String nodes. */
function readTypeName(r: Reader): unknown[] | undefined {
  const typeName: unknown[] = [];
  do {
    const name = r.name();
    if (!name) return undefined;
    typeName.push({ String: { sval: name.value } });
  } while (typeName.length < 2 && r.punct('.'));
  return typeName;
}

/** `ALTER TYPE [<schema>.]<enum> ADD VALUE [IF NOT EXISTS] '<label>' [BEFORE | AFTER '<label>']`. */
function readAlterEnum(r: Reader): unknown {
  const typeName = readTypeName(r);
  if (!typeName) return undefined;
  // A label: a non-empty string (libpg-query leaves out empty strings; the server rejects an empty label anyway).
  const label = (): string | undefined => {
    const c = r.constant();
    const value = c && 'sval' in (c.A_Const as object) ? (c.A_Const as { sval: { sval: string } }).sval.sval : undefined;
    return value || undefined;
  };
  if (r.keyword('rename')) {
    const oldVal = r.keyword('value') ? label() : undefined;
    const renamed = oldVal !== undefined && r.keyword('to') ? label() : undefined;
    return renamed !== undefined && r.done ? stmts({ AlterEnumStmt: { typeName, oldVal, newVal: renamed } }) : undefined;
  }
  if (!r.keyword('add') || !r.keyword('value')) return undefined;
  const ifNotExists = r.keyword('if');
  if (ifNotExists && !(r.keyword('not') && r.keyword('exists'))) return undefined;
  const newVal = label();
  if (newVal === undefined) return undefined;
  const before = r.keyword('before');
  const neighbor = before || r.keyword('after') ? label() : null;
  if (neighbor === undefined || !r.done) return undefined;
  return stmts({
    AlterEnumStmt: {
      typeName,
      newVal,
      ...(neighbor !== null ? { newValNeighbor: neighbor } : {}),
      ...(before ? {} : { newValIsAfter: true }),
      ...(ifNotExists ? { skipIfNewValExists: true } : {}),
    },
  });
}

function readAlterTable(r: Reader): unknown {
  if (r.keyword('type')) return readAlterEnum(r);
  if (r.keyword('domain')) return readAlterDomain(r);
  if (!r.keyword('table')) return undefined;
  const relation = readRelation(r);
  if (!relation) return undefined;
  if (r.keyword('rename')) return readRename(r, relation);
  const cmds: unknown[] = [];
  do {
    const cmd = readAlterCmd(r);
    if (!cmd) return undefined;
    cmds.push({ AlterTableCmd: { behavior: 'DROP_RESTRICT', ...cmd } });
  } while (r.punct(','));
  if (!r.done) return undefined;
  return stmts({ AlterTableStmt: { relation, cmds, objtype: 'OBJECT_TABLE' } });
}

/** After `ALTER TABLE … SET`: `(<name> = <integer> [, …])`, libpg-query's AT_SetRelOptions (storage parameters: fillfactor, …). */
function readRelOptions(r: Reader): Record<string, unknown> | undefined {
  if (!r.punct('(')) return undefined;
  const items: unknown[] = [];
  do {
    const name = r.name();
    if (!name || !r.punct('=')) return undefined;
    const value = r.constant();
    const ival = value && (value.A_Const as { ival?: Record<string, unknown> }).ival;
    if (!ival) return undefined;
    items.push({ DefElem: { defname: name.value, arg: { Integer: ival }, defaction: 'DEFELEM_UNSPEC', location: name.pos } });
  } while (r.punct(','));
  return r.punct(')') ? { subtype: 'AT_SetRelOptions', def: { List: { items } } } : undefined;
}

/**
 * After `ALTER DOMAIN`: `[<schema>.]<name> ADD CONSTRAINT <name> CHECK (<condition>) [NOT VALID]`, libpg-query's
 * AlterDomainStmt (its constraint as readConstraint reads a table's).
 */
function readAlterDomain(r: Reader): unknown {
  const typeName = readTypeName(r);
  if (!typeName || !r.keyword('add')) return undefined;
  const def = readConstraint(r);
  if (def?.contype !== 'CONSTR_CHECK' || !r.done) return undefined;
  return stmts({ AlterDomainStmt: { subtype: 'C', typeName, def: { Constraint: def }, behavior: 'DROP_RESTRICT' } });
}

/** After `ALTER TABLE <table> RENAME`: `[COLUMN] <name> TO <name>` or `TO <name>`, libpg-query's RenameStmt. */
function readRename(r: Reader, relation: Record<string, unknown>): unknown {
  if (r.keyword('constraint')) {
    const from = r.name();
    const to = from && r.keyword('to') ? r.name() : undefined;
    if (!from || !to || !r.done) return undefined;
    return stmts({
      RenameStmt: {
        renameType: 'OBJECT_TABCONSTRAINT',
        relationType: 'OBJECT_ACCESS_METHOD',
        relation,
        subname: from.value,
        newname: to.value,
        behavior: 'DROP_RESTRICT',
      },
    });
  }
  let subname: string | undefined;
  if (!r.keyword('to')) {
    r.keyword('column');
    subname = r.name()?.value;
    if (subname === undefined || !r.keyword('to')) return undefined;
  }
  const newname = r.name();
  if (!newname || !r.done) return undefined;
  return stmts({
    RenameStmt: {
      renameType: subname === undefined ? 'OBJECT_TABLE' : 'OBJECT_COLUMN',
      // The parser leaves relationType at its zero value for a table's rename: OBJECT_ACCESS_METHOD.
      relationType: subname === undefined ? 'OBJECT_ACCESS_METHOD' : 'OBJECT_TABLE',
      relation,
      ...(subname !== undefined ? { subname } : {}),
      newname: newname.value,
      behavior: 'DROP_RESTRICT',
    },
  });
}

/** One command of ALTER TABLE (the forms listed at the top), as libpg-query's AlterTableCmd without its default behavior. */
function readAlterCmd(r: Reader): Record<string, unknown> | undefined {
  if (r.keyword('validate')) {
    const name = r.keyword('constraint') ? r.name() : undefined;
    return name && { subtype: 'AT_ValidateConstraint', name: name.value };
  }
  if (r.keyword('alter')) {
    r.keyword('column');
    const name = r.name();
    return name && readAlterColumn(r, name);
  }
  if (r.keyword('set')) {
    if (r.peekPunct('(')) return readRelOptions(r);
    if (r.keyword('logged')) return { subtype: 'AT_SetLogged' };
    if (r.keyword('unlogged')) return { subtype: 'AT_SetUnLogged' };
    const space = r.keyword('tablespace') ? r.name() : undefined;
    return space && { subtype: 'AT_SetTableSpace', name: space.value };
  }
  if (r.keyword('detach')) {
    const name = r.keyword('partition') ? readRelation(r) : undefined;
    if (!name) return undefined;
    const concurrent = r.keyword('concurrently');
    return { subtype: 'AT_DetachPartition', def: { PartitionCmd: { name, ...(concurrent ? { concurrent: true } : {}) } } };
  }
  if (r.keyword('drop')) {
    // DROP CONSTRAINT c | DROP [COLUMN] c, each [IF EXISTS] … [CASCADE | RESTRICT]: the same tree but for the subtype.
    const constraint = r.keyword('constraint');
    if (!constraint) r.keyword('column');
    const ifExists = r.keyword('if');
    if (ifExists && !r.keyword('exists')) return undefined;
    const name = r.name();
    if (!name) return undefined;
    const cascade = r.keyword('cascade');
    if (!cascade) r.keyword('restrict');
    return {
      subtype: constraint ? 'AT_DropConstraint' : 'AT_DropColumn',
      name: name.value,
      ...(cascade ? { behavior: 'DROP_CASCADE' } : {}),
      ...(ifExists ? { missing_ok: true } : {}),
    };
  }
  if (!r.keyword('add')) return undefined;
  if (r.peekKeyword('constraint') || r.peekKeyword('primary') || r.peekKeyword('unique')) {
    const constraint = readConstraint(r);
    return constraint && { subtype: 'AT_AddConstraint', def: { Constraint: constraint } };
  }
  r.keyword('column');
  const ifNotExists = r.keyword('if');
  if (ifNotExists && !(r.keyword('not') && r.keyword('exists'))) return undefined;
  const column = r.name();
  if (!column) return undefined;
  const typeName = readType(r);
  if (!typeName) return undefined;
  const constraints = readColumnConstraints(r);
  if (!constraints) return undefined;
  return {
    subtype: 'AT_AddColumn',
    def: {
      ColumnDef: {
        colname: column.value,
        typeName,
        is_local: true,
        ...(constraints.length ? { constraints } : {}),
        location: column.pos,
      },
    },
    ...(ifNotExists ? { missing_ok: true } : {}),
  };
}

/**
 * After `ALTER [COLUMN] <name>`: `SET NOT NULL`, `DROP NOT NULL`, `SET DEFAULT <constant>`, `DROP DEFAULT` or
 * `[SET DATA] TYPE <type>`.
 */
function readAlterColumn(r: Reader, column: { value: string; pos: number }): Record<string, unknown> | undefined {
  const name = column.value;
  if (r.keyword('set')) {
    if (r.keyword('not')) return r.keyword('null') ? { subtype: 'AT_SetNotNull', name } : undefined;
    if (r.keyword('default')) {
      const value = readValue(r);
      return value && { subtype: 'AT_ColumnDefault', name, def: value };
    }
    if (!(r.keyword('data') && r.peekKeyword('type'))) return undefined;
  } else if (r.keyword('drop')) {
    if (r.keyword('not')) return r.keyword('null') ? { subtype: 'AT_DropNotNull', name } : undefined;
    return r.keyword('default') ? { subtype: 'AT_ColumnDefault', name } : undefined;
  }
  if (!r.keyword('type')) return undefined;
  const typeName = readType(r);
  if (!typeName) return undefined;
  // USING <operand>[::<type>]: the column (or a constant) as it is or cast.
  let rawDefault: Record<string, unknown> | undefined;
  if (r.keyword('using')) {
    rawDefault = readOperand(r);
    const cast = r.pos;
    if (rawDefault && r.punct('::')) {
      const castType = readType(r);
      rawDefault = castType && { TypeCast: { arg: rawDefault, typeName: castType, location: cast } };
    }
    if (!rawDefault) return undefined;
  }
  return {
    subtype: 'AT_AlterColumnType',
    name,
    def: { ColumnDef: { typeName, ...(rawDefault ? { raw_default: rawDefault } : {}), location: column.pos } },
  };
}

/** `( <name> [, <name>]… )` as libpg-query's list of String nodes. */
function readNameList(r: Reader): unknown[] | undefined {
  if (!r.punct('(')) return undefined;
  const names: unknown[] = [];
  do {
    const name = r.name();
    if (!name) return undefined;
    names.push({ String: { sval: name.value } });
  } while (r.punct(','));
  return r.punct(')') ? names : undefined;
}

/**
 * `CONSTRAINT <name> FOREIGN KEY (<col>, …) REFERENCES [<schema>.]<table> [(<col>, …)] [NOT VALID]` or
 * `CONSTRAINT <name> CHECK (<predicate> [AND <predicate>]…) [NOT VALID]` (as UPDATE's WHERE): libpg-query's Constraint node.
 */
function readConstraint(r: Reader): Record<string, unknown> | undefined {
  const location = r.pos;
  const named = r.keyword('constraint');
  const conname = named ? r.name() : undefined;
  if (named && !conname) return undefined;
  let body: Record<string, unknown>;
  const key = r.keyword('unique') ? 'CONSTR_UNIQUE' : r.keyword('primary') ? (r.keyword('key') ? 'CONSTR_PRIMARY' : null) : undefined;
  if (key === null) return undefined;
  if (key) {
    // UNIQUE / PRIMARY KEY (<name>, …) or USING INDEX <name>, named or not; NOT VALID is an error for these.
    const name = conname ? { conname: conname.value } : {};
    if (r.keyword('using')) {
      const index = r.keyword('index') ? r.name() : undefined;
      return index && { contype: key, ...name, indexname: index.value, location };
    }
    const keys = readNameList(r);
    return keys && { contype: key, ...name, keys, location };
  }
  if (!conname) return undefined;
  if (r.keyword('exclude')) {
    // EXCLUDE [USING <method>] (<column> WITH <operator> [, …]): no expressions, operator classes, INCLUDE, WITH or WHERE.
    const accessMethod = readAccessMethod(r);
    if (!accessMethod || !r.punct('(')) return undefined;
    const exclusions: unknown[] = [];
    do {
      const column = r.name();
      const op = column && r.keyword('with') ? r.operator() : undefined;
      if (!column || !op) return undefined;
      const elem = { IndexElem: { name: column.value, ordering: 'SORTBY_DEFAULT', nulls_ordering: 'SORTBY_NULLS_DEFAULT' } };
      exclusions.push({ List: { items: [elem, { List: { items: [{ String: { sval: op.value } }] } }] } });
    } while (r.punct(','));
    if (!r.punct(')')) return undefined;
    return { contype: 'CONSTR_EXCLUSION', conname: conname.value, exclusions, access_method: accessMethod, location };
  }
  if (r.keyword('not')) {
    // NOT NULL <column> [NOT VALID] (PostgreSQL 18).
    const column = r.keyword('null') ? r.name() : undefined;
    if (!column) return undefined;
    const notValid = r.keyword('not');
    if (notValid && !r.keyword('valid')) return undefined;
    return {
      contype: 'CONSTR_NOTNULL',
      conname: conname.value,
      ...(notValid ? { skip_validation: true } : { initially_valid: true }),
      keys: [{ String: { sval: column.value } }],
      location,
    };
  }
  if (r.keyword('foreign')) {
    if (!r.keyword('key')) return undefined;
    const fkAttrs = readNameList(r);
    if (!fkAttrs || !r.keyword('references')) return undefined;
    const pktable = readRelation(r);
    if (!pktable) return undefined;
    let pkAttrs: unknown[] | undefined;
    if (r.peekPunct('(')) {
      pkAttrs = readNameList(r);
      if (!pkAttrs) return undefined;
    }
    body = {
      contype: 'CONSTR_FOREIGN',
      pktable,
      fk_attrs: fkAttrs,
      ...(pkAttrs ? { pk_attrs: pkAttrs } : {}),
      fk_matchtype: 's',
      fk_upd_action: 'a',
      fk_del_action: 'a',
    };
  } else if (r.keyword('check')) {
    if (!r.punct('(')) return undefined;
    const condition = readCondition(r);
    if (!condition || !r.punct(')')) return undefined;
    body = { contype: 'CONSTR_CHECK', raw_expr: condition };
  } else {
    return undefined;
  }
  const notValid = r.keyword('not');
  if (notValid && !r.keyword('valid')) return undefined;
  const { contype, ...rest } = body;
  return {
    contype,
    conname: conname.value,
    is_enforced: true,
    ...(notValid ? { skip_validation: true } : { initially_valid: true }),
    ...rest,
    location,
  };
}

/**
 * A column's `NOT NULL`, `NULL`, `DEFAULT <value>`, `PRIMARY KEY`, `UNIQUE`, `REFERENCES [<schema>.]<table>
 * [(<name>, …)]`, `CHECK (<condition>)`, `GENERATED … AS IDENTITY`, in any order, as libpg-query's Constraint
 * nodes; undefined on a repeat (NULL and NOT NULL count as one) or a word that starts another constraint's form.
 */
function readColumnConstraints(r: Reader): unknown[] | undefined {
  const constraints: unknown[] = [];
  const seen = new Set<string>();
  for (;;) {
    const at = r.pos;
    let constraint: Record<string, unknown> | undefined;
    if (r.keyword('default')) {
      let value = readValue(r);
      // A constant cast to a type: '<string>'::<type>.
      const cast = r.pos;
      if (value && 'A_Const' in value && r.punct('::')) {
        const castType = readType(r);
        value = castType && { TypeCast: { arg: value, typeName: castType, location: cast } };
      }
      if (!value) return undefined;
      constraint = { contype: 'CONSTR_DEFAULT', raw_expr: value, location: at };
    } else if (r.keyword('not')) {
      if (!r.keyword('null')) return undefined;
      constraint = { contype: 'CONSTR_NOTNULL', is_enforced: true, initially_valid: true, location: at };
    } else if (r.keyword('null')) {
      constraint = { contype: 'CONSTR_NULL', location: at };
    } else if (r.keyword('primary')) {
      if (!r.keyword('key')) return undefined;
      constraint = { contype: 'CONSTR_PRIMARY', location: at };
    } else if (r.keyword('unique')) {
      constraint = { contype: 'CONSTR_UNIQUE', location: at };
    } else if (r.keyword('check')) {
      // CHECK (<condition>), the condition as readCondition reads it.
      if (!r.punct('(')) return undefined;
      const condition = readCondition(r);
      if (!condition || !r.punct(')')) return undefined;
      constraint = { contype: 'CONSTR_CHECK', is_enforced: true, initially_valid: true, raw_expr: condition, location: at };
    } else if (r.keyword('generated')) {
      // GENERATED ALWAYS | BY DEFAULT AS IDENTITY (without sequence options; a generated expression is left to the parser).
      const when = r.keyword('always') ? 'a' : r.keyword('by') && r.keyword('default') ? 'd' : undefined;
      if (!when || !r.keyword('as')) return undefined;
      if (r.punct('(')) {
        // GENERATED ALWAYS AS (<condition>) [STORED | VIRTUAL] (BY DEFAULT is a syntax error here).
        const expr = when === 'a' ? readCondition(r) : undefined;
        if (!expr || !r.punct(')')) return undefined;
        const kind = r.keyword('stored') ? 's' : (r.keyword('virtual'), 'v');
        constraint = { contype: 'CONSTR_GENERATED', raw_expr: expr, generated_when: when, generated_kind: kind, location: at };
      } else {
        if (!r.keyword('identity') || r.peekPunct('(')) return undefined;
        constraint = { contype: 'CONSTR_IDENTITY', generated_when: when, location: at };
      }
    } else if (r.keyword('references')) {
      const pktable = readRelation(r);
      if (!pktable) return undefined;
      let pkAttrs: unknown[] | undefined;
      if (r.peekPunct('(')) {
        pkAttrs = readNameList(r);
        if (!pkAttrs) return undefined;
      }
      constraint = {
        contype: 'CONSTR_FOREIGN',
        is_enforced: true,
        initially_valid: true,
        pktable,
        ...(pkAttrs ? { pk_attrs: pkAttrs } : {}),
        fk_matchtype: 's',
        fk_upd_action: 'a',
        fk_del_action: 'a',
        location: at,
      };
    } else {
      return constraints;
    }
    // Each at most once (the parser reads repeats; analysis rejects some of them); a generation expression and IDENTITY count as one.
    const kind =
      constraint.contype === 'CONSTR_NULL'
        ? 'CONSTR_NOTNULL'
        : constraint.contype === 'CONSTR_GENERATED'
          ? 'CONSTR_IDENTITY'
          : (constraint.contype as string);
    if (seen.has(kind)) return undefined;
    seen.add(kind);
    constraints.push({ Constraint: constraint });
  }
}

/**
 * `CREATE TABLE [IF NOT EXISTS] [<schema>.]<table> (<column> <type> [<column constraint>]… | PRIMARY KEY (<name>, …)
 * | UNIQUE (<name>, …) [, …])`.
 */
function readCreateTable(r: Reader): unknown {
  const ifNotExists = r.keyword('if');
  if (ifNotExists && !(r.keyword('not') && r.keyword('exists'))) return undefined;
  const relation = readRelation(r);
  if (!relation || !r.punct('(')) return undefined;
  const tableElts: unknown[] = [];
  do {
    const at = r.pos;
    const contype = r.keyword('primary') ? (r.keyword('key') ? 'CONSTR_PRIMARY' : undefined) : r.keyword('unique') ? 'CONSTR_UNIQUE' : '';
    if (contype === undefined) return undefined;
    if (contype) {
      const keys = readNameList(r);
      if (!keys) return undefined;
      tableElts.push({ Constraint: { contype, keys, location: at } });
      continue;
    }
    const column = r.name();
    if (!column) return undefined;
    const typeName = readType(r);
    if (!typeName) return undefined;
    const constraints = readColumnConstraints(r);
    if (!constraints) return undefined;
    tableElts.push({
      ColumnDef: { colname: column.value, typeName, is_local: true, ...(constraints.length ? { constraints } : {}), location: column.pos },
    });
  } while (r.punct(','));
  if (!r.punct(')') || !r.done) return undefined;
  return stmts({ CreateStmt: { relation, tableElts, oncommit: 'ONCOMMIT_NOOP', ...(ifNotExists ? { if_not_exists: true } : {}) } });
}

/**
 * `CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] <name> ON [<schema>.]<table> [USING <method>] (<element> [, …])
 * [WHERE …]`, an element a column or a call `<function>([<column> [, <column>]…])` (an expression index: lower(email)).
 */
function readCreateIndex(r: Reader): unknown {
  const unique = r.keyword('unique');
  if (!r.keyword('index')) return undefined;
  const concurrent = r.keyword('concurrently');
  const ifNotExists = r.keyword('if');
  if (ifNotExists && !(r.keyword('not') && r.keyword('exists'))) return undefined;
  // Unnamed (`CREATE INDEX ON …`: the server names it) only without IF NOT EXISTS, which needs a name.
  const name = r.peekKeyword('on') && !ifNotExists ? undefined : r.name();
  if ((!name && ifNotExists) || !r.keyword('on')) return undefined;
  const relation = readRelation(r);
  if (!relation) return undefined;
  const accessMethod = readAccessMethod(r);
  if (!accessMethod || !r.punct('(')) return undefined;
  const indexParams: unknown[] = [];
  do {
    const column = r.name();
    if (!column) return undefined;
    const sort = { ordering: 'SORTBY_DEFAULT', nulls_ordering: 'SORTBY_NULLS_DEFAULT' };
    if (!r.punct('(')) {
      indexParams.push({ IndexElem: { name: column.value, ...sort } });
      continue;
    }
    // func_expr_windowless: `<function>(<column>, …)` with columns only (no DISTINCT, ORDER BY, `=>`, `*`, VARIADIC).
    const args: unknown[] = [];
    if (!r.punct(')')) {
      do {
        const arg = readColumnRef(r);
        if (!arg) return undefined;
        args.push(arg);
      } while (r.punct(','));
      if (!r.punct(')')) return undefined;
    }
    const funcname = [{ String: { sval: column.value } }];
    const call = { funcname, ...(args.length ? { args } : {}), funcformat: 'COERCE_EXPLICIT_CALL', location: column.pos };
    indexParams.push({ IndexElem: { expr: { FuncCall: call }, ...sort } });
  } while (r.punct(','));
  if (!r.punct(')')) return undefined;
  // A partial index: WHERE as UPDATE's.
  let whereClause: Record<string, unknown> | undefined;
  if (r.keyword('where')) {
    whereClause = readCondition(r);
    if (!whereClause) return undefined;
  }
  if (!r.done) return undefined;
  return stmts({
    IndexStmt: {
      ...(name ? { idxname: name.value } : {}),
      relation,
      accessMethod,
      indexParams,
      ...(whereClause ? { whereClause } : {}),
      ...(unique ? { unique: true } : {}),
      ...(concurrent ? { concurrent: true } : {}),
      ...(ifNotExists ? { if_not_exists: true } : {}),
    },
  });
}

/** `[USING <method>]` of an index or exclusion constraint: the method, btree when none is named, undefined after a bare USING. */
function readAccessMethod(r: Reader): string | undefined {
  return r.keyword('using') ? r.name()?.value : 'btree';
}

/** BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK, ABORT (each with TRANSACTION or WORK where the parser takes it). */
const TRANSACTION_KINDS: Readonly<Record<string, string>> = {
  begin: 'TRANS_STMT_BEGIN',
  start: 'TRANS_STMT_START',
  commit: 'TRANS_STMT_COMMIT',
  end: 'TRANS_STMT_COMMIT',
  rollback: 'TRANS_STMT_ROLLBACK',
  abort: 'TRANS_STMT_ROLLBACK',
};

function readTransaction(r: Reader, word: string): unknown {
  if (word === 'start') {
    if (!r.keyword('transaction')) return undefined;
  } else if (!r.keyword('transaction')) r.keyword('work');
  return r.done ? stmts({ TransactionStmt: { kind: TRANSACTION_KINDS[word], location: -1 } }) : undefined;
}

/** `DROP INDEX [CONCURRENTLY] [IF EXISTS] <name>, …` or `DROP TABLE [IF EXISTS] <name>, …`, each `[CASCADE | RESTRICT]`. */
function readDrop(r: Reader): unknown {
  const removeType = r.keyword('index') ? 'OBJECT_INDEX' : r.keyword('table') ? 'OBJECT_TABLE' : undefined;
  if (!removeType) return undefined;
  const concurrent = removeType === 'OBJECT_INDEX' && r.keyword('concurrently');
  const ifExists = r.keyword('if');
  if (ifExists && !r.keyword('exists')) return undefined;
  const objects: unknown[] = [];
  do {
    const first = r.name();
    if (!first) return undefined;
    const items = [{ String: { sval: first.value } }];
    if (r.punct('.')) {
      const second = r.name();
      if (!second) return undefined;
      items.push({ String: { sval: second.value } });
    }
    objects.push({ List: { items } });
  } while (r.punct(','));
  const cascade = r.keyword('cascade');
  if (!cascade) r.keyword('restrict');
  if (!r.done) return undefined;
  return stmts({
    DropStmt: {
      objects,
      removeType,
      behavior: cascade ? 'DROP_CASCADE' : 'DROP_RESTRICT',
      ...(ifExists ? { missing_ok: true } : {}),
      ...(concurrent ? { concurrent: true } : {}),
    },
  });
}

/** LOCK's modes as the parser numbers them (lockdefs.h), by their words. */
const LOCK_MODES: Readonly<Record<string, number>> = {
  'access share': 1,
  'row share': 2,
  'row exclusive': 3,
  'share update exclusive': 4,
  share: 5,
  'share row exclusive': 6,
  exclusive: 7,
  'access exclusive': 8,
};

/** `LOCK [TABLE] <table> [, …] [IN <mode> MODE] [NOWAIT]`. */
function readLock(r: Reader): unknown {
  r.keyword('table');
  const relations: unknown[] = [];
  do {
    const relation = readRelation(r);
    if (!relation) return undefined;
    relations.push({ RangeVar: relation });
  } while (r.punct(','));
  let mode = 8;
  if (r.keyword('in')) {
    const words: string[] = [];
    let w = r.word();
    for (; w && w.value !== 'mode' && words.length < 3; w = r.word()) words.push(w.value);
    const m = w?.value === 'mode' ? LOCK_MODES[words.join(' ')] : undefined;
    if (m === undefined) return undefined;
    mode = m;
  }
  const nowait = r.keyword('nowait');
  return r.done ? stmts({ LockStmt: { relations, mode, ...(nowait ? { nowait: true } : {}) } }) : undefined;
}

/** `CLUSTER <table> [USING <index>]`. */
function readCluster(r: Reader): unknown {
  const relation = readRelation(r);
  const using = relation !== undefined && r.keyword('using');
  const index = using ? r.name() : undefined;
  if (!relation || (using && !index) || !r.done) return undefined;
  return stmts({ ClusterStmt: { relation, ...(index ? { indexname: index.value } : {}) } });
}

/** `VACUUM [FULL] [ANALYZE] <table> [, …]` or `VACUUM ({ FULL | ANALYZE } [, …]) <table> [, …]`. */
function readVacuum(r: Reader): unknown {
  const options: unknown[] = [];
  const option = (word: string, at: number) => options.push({ DefElem: { defname: word, defaction: 'DEFELEM_UNSPEC', location: at } });
  if (r.punct('(')) {
    do {
      const at = r.pos;
      const word = r.word()?.value;
      if (word !== 'full' && word !== 'analyze') return undefined;
      option(word, at);
    } while (r.punct(','));
    if (!r.punct(')')) return undefined;
  } else {
    for (const word of ['full', 'analyze']) {
      const at = r.pos;
      if (r.keyword(word)) option(word, at);
    }
  }
  const rels: unknown[] = [];
  do {
    const relation = readRelation(r);
    if (!relation) return undefined;
    rels.push({ VacuumRelation: { relation } });
  } while (r.punct(','));
  if (!r.done) return undefined;
  return stmts({ VacuumStmt: { ...(options.length ? { options } : {}), rels, is_vacuumcmd: true } });
}

/** `RESET <name>`. */
function readReset(r: Reader): unknown {
  const name = r.name();
  return name && r.done ? stmts({ VariableSetStmt: { kind: 'VAR_RESET', name: name.value, location: -1 } }) : undefined;
}

/** `REFRESH MATERIALIZED VIEW [CONCURRENTLY] <view> [WITH [NO] DATA]`. */
function readRefresh(r: Reader): unknown {
  if (!r.keyword('materialized') || !r.keyword('view')) return undefined;
  const concurrent = r.keyword('concurrently');
  const relation = readRelation(r);
  if (!relation) return undefined;
  let skipData = false;
  if (r.keyword('with')) {
    skipData = r.keyword('no');
    if (!r.keyword('data')) return undefined;
  }
  if (!r.done) return undefined;
  return stmts({ RefreshMatViewStmt: { ...(concurrent ? { concurrent: true } : {}), ...(skipData ? { skipData: true } : {}), relation } });
}

/** `REINDEX { INDEX | TABLE } [CONCURRENTLY] <name>`. */
function readReindex(r: Reader): unknown {
  const kind = r.keyword('index') ? 'REINDEX_OBJECT_INDEX' : r.keyword('table') ? 'REINDEX_OBJECT_TABLE' : undefined;
  if (!kind) return undefined;
  const at = r.pos;
  const concurrent = r.keyword('concurrently');
  const relation = readRelation(r);
  if (!relation || !r.done) return undefined;
  return stmts({
    ReindexStmt: {
      kind,
      relation,
      ...(concurrent ? { params: [{ DefElem: { defname: 'concurrently', defaction: 'DEFELEM_UNSPEC', location: at } }] } : {}),
    },
  });
}

/** `<name>` or `<name>.<name>` in an expression, as libpg-query's ColumnRef. */
function readColumnRef(r: Reader): Record<string, unknown> | undefined {
  const first = r.name();
  if (!first) return undefined;
  const fields = [{ String: { sval: first.value } }];
  if (r.punct('.')) {
    const second = r.name();
    if (!second) return undefined;
    fields.push({ String: { sval: second.value } });
  }
  return { ColumnRef: { fields, location: first.pos } };
}

/**
 * A value: a string or integer constant, TRUE, FALSE, NULL, CURRENT_TIMESTAMP, or a call without arguments of a function
 * `[<schema>.]<name>()` (now(), gen_random_uuid()), as libpg-query's node; the cursor unmoved when it is none of these.
 */
function readValue(r: Reader): Record<string, unknown> | undefined {
  const constant = r.constant();
  if (constant) return constant;
  const at = r.pos;
  if (r.keyword('true')) return { A_Const: { boolval: { boolval: true }, location: at } };
  // libpg-query leaves out a false field.
  if (r.keyword('false')) return { A_Const: { boolval: {}, location: at } };
  if (r.keyword('null')) return { A_Const: { isnull: true, location: at } };
  const mark = r.mark();
  if (r.keyword('current_timestamp')) {
    if (!r.peekPunct('(')) return { SQLValueFunction: { op: 'SVFOP_CURRENT_TIMESTAMP', typmod: -1, location: at } };
    r.reset(mark);
    return undefined;
  }
  // `OPERATOR(` starts an operator's qualified name, not a call.
  const first = r.peekKeyword('operator') ? undefined : r.name();
  const funcname = first && [{ String: { sval: first.value } }];
  if (funcname && r.punct('.')) {
    const second = r.name();
    if (second) funcname.push({ String: { sval: second.value } });
    else funcname.length = 0;
  }
  if (funcname?.length && r.punct('(') && r.punct(')')) return { FuncCall: { funcname, funcformat: 'COERCE_EXPLICIT_CALL', location: at } };
  r.reset(mark);
  return undefined;
}

/** An operand: a column reference or a string or integer constant. */
function readOperand(r: Reader): Record<string, unknown> | undefined {
  return r.constant() ?? readColumnRef(r);
}

/** `<column> IS [NOT] NULL` or `<operand> <comparison> <operand>`, followed by AND or the end. */
function readPredicate(r: Reader): Record<string, unknown> | undefined {
  const left = readOperand(r);
  if (!left) return undefined;
  const is = r.pos;
  if (r.keyword('is')) {
    const not = r.keyword('not');
    if (!r.keyword('null')) return undefined;
    return { NullTest: { arg: left, nulltesttype: not ? 'IS_NOT_NULL' : 'IS_NULL', location: is } };
  }
  const op = r.operator();
  if (!op) return undefined;
  const right = readOperand(r);
  return right && { A_Expr: { kind: 'AEXPR_OP', name: [{ String: { sval: op.value } }], lexpr: left, rexpr: right, location: op.pos } };
}

/** `<predicate> [AND <predicate>]…`: the predicate, or libpg-query's BoolExpr of them (located at the first AND). */
function readCondition(r: Reader): Record<string, unknown> | undefined {
  const args: unknown[] = [];
  let and = -1;
  for (;;) {
    const predicate = readPredicate(r);
    if (!predicate) return undefined;
    args.push(predicate);
    const at = r.pos;
    if (!r.keyword('and')) break;
    if (and < 0) and = at;
  }
  return args.length === 1 ? (args[0] as Record<string, unknown>) : { BoolExpr: { boolop: 'AND_EXPR', args, location: and } };
}

/**
 * `UPDATE [<schema>.]<table> SET <column> = <operand> [, …] [WHERE <predicate> [AND <predicate>]…]`: a backfill.
 * Operands and predicates as readOperand / readPredicate; anything else (functions, OR, parentheses, FROM, RETURNING,
 * an alias) is left to the parser.
 */
function readUpdate(r: Reader): unknown {
  const relation = readRelation(r);
  if (!relation || !r.keyword('set')) return undefined;
  const targetList: unknown[] = [];
  do {
    const column = r.name();
    if (!column || !r.punct('=')) return undefined;
    const val = readValue(r) ?? readColumnRef(r);
    if (!val) return undefined;
    targetList.push({ ResTarget: { name: column.value, val, location: column.pos } });
  } while (r.punct(','));
  let whereClause: Record<string, unknown> | undefined;
  if (r.keyword('where')) {
    whereClause = readCondition(r);
    if (!whereClause) return undefined;
  }
  if (!r.done) return undefined;
  return stmts({ UpdateStmt: { relation, targetList, ...(whereClause ? { whereClause } : {}) } });
}

/** `COMMENT ON { TABLE | INDEX } [<schema>.]<name> | COLUMN [<schema>.]<table>.<column> IS '<string>' | NULL`. */
function readComment(r: Reader): unknown {
  if (!r.keyword('on')) return undefined;
  const objtype = r.keyword('table')
    ? 'OBJECT_TABLE'
    : r.keyword('index')
      ? 'OBJECT_INDEX'
      : r.keyword('column')
        ? 'OBJECT_COLUMN'
        : undefined;
  if (!objtype) return undefined;
  const items: unknown[] = [];
  do {
    const name = r.name();
    if (!name) return undefined;
    items.push({ String: { sval: name.value } });
  } while (r.punct('.'));
  const [min, max] = objtype === 'OBJECT_COLUMN' ? [2, 3] : [1, 2];
  if (items.length < min || items.length > max || !r.keyword('is')) return undefined;
  const value = r.constant();
  const comment = value && 'sval' in (value.A_Const as object) ? (value.A_Const as { sval: { sval: string } }).sval.sval : undefined;
  if (comment === undefined && !r.keyword('null')) return undefined;
  if (!r.done) return undefined;
  // libpg-query leaves out an empty comment, as a NULL one.
  return stmts({ CommentStmt: { objtype, object: { List: { items } }, ...(comment ? { comment } : {}) } });
}

/** `INSERT INTO [<schema>.]<table> [(<name>, …)] VALUES (<value>, …) [, (…)]…`: seed rows. */
function readInsert(r: Reader): unknown {
  if (!r.keyword('into')) return undefined;
  const relation = readRelation(r);
  if (!relation) return undefined;
  let cols: unknown[] | undefined;
  if (r.punct('(')) {
    cols = [];
    do {
      const column = r.name();
      if (!column) return undefined;
      cols.push({ ResTarget: { name: column.value, location: column.pos } });
    } while (r.punct(','));
    if (!r.punct(')')) return undefined;
  }
  if (!r.keyword('values')) return undefined;
  const valuesLists: unknown[] = [];
  do {
    if (!r.punct('(')) return undefined;
    const items: unknown[] = [];
    do {
      const value = readValue(r);
      if (!value) return undefined;
      items.push(value);
    } while (r.punct(','));
    if (!r.punct(')')) return undefined;
    valuesLists.push({ List: { items } });
  } while (r.punct(','));
  if (!r.done) return undefined;
  return stmts({
    InsertStmt: {
      relation,
      ...(cols ? { cols } : {}),
      selectStmt: { SelectStmt: { valuesLists, limitOption: 'LIMIT_OPTION_DEFAULT', op: 'SETOP_NONE' } },
      override: 'OVERRIDING_NOT_SET',
    },
  });
}

/**
 * libpg-query's parse tree of one statement's text (no terminator), when the statement is one of the forms above;
 * else undefined.
 */
export function readSimplePostgres(sql: string): unknown {
  // Printable ASCII and white space only: libpg-query's locations count UTF-8 bytes, these count UTF-16 units.
  if (
    !/^(set|alter|create|update|insert|drop|comment|reset|refresh|reindex|lock|cluster|vacuum|begin|start|commit|end|rollback|abort)(\s|$)/i.test(
      sql,
    ) ||
    /[^\t-\r -~]/.test(sql)
  )
    return undefined;
  const ts = tokens(sql);
  if (!ts) return undefined;
  const r = new Reader(sql, ts);
  const first = r.word()?.value;
  switch (first) {
    case 'set':
      return readSet(r);
    case 'alter':
      return readAlterTable(r);
    case 'create':
      return r.keyword('table') ? readCreateTable(r) : readCreateIndex(r);
    case 'update':
      return readUpdate(r);
    case 'insert':
      return readInsert(r);
    case 'comment':
      return readComment(r);
    case 'drop':
      return readDrop(r);
    case 'lock':
      return readLock(r);
    case 'cluster':
      return readCluster(r);
    case 'vacuum':
      return readVacuum(r);
    case 'reset':
      return readReset(r);
    case 'refresh':
      return readRefresh(r);
    case 'reindex':
      return readReindex(r);
    case undefined:
      return undefined;
    default:
      return first in TRANSACTION_KINDS ? readTransaction(r, first) : undefined;
  }
}
