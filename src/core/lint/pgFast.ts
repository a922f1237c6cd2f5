/**
 * A reader for the very simplest PostgreSQL statements that gives exactly the parse tree libpg-query gives, without
 * loading libpg-query's WebAssembly (most of a one-file `lint`'s cold start, bench/coldStart.ts). It knows these forms:
 *
 *   SET [SESSION | LOCAL] lock_timeout | statement_timeout { = | TO } '<string>' | <integer>
 *   ALTER TABLE [<schema>.]<table> ADD COLUMN <name> <type> [DEFAULT '<string>' | <integer>]
 *   ALTER TABLE [<schema>.]<table> VALIDATE CONSTRAINT <name> | ALTER [COLUMN] <name> SET NOT NULL | DROP [COLUMN] <name>
 *   ALTER TABLE [<schema>.]<table> ADD CONSTRAINT <name> { FOREIGN KEY (<name>, …) REFERENCES [<schema>.]<table>
 *     [(<name>, …)] | CHECK (<name> IS NOT NULL) } [NOT VALID]
 *   CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] <name> ON [<schema>.]<table> (<name> [, <name>]…)
 *
 * where a name is a plain identifier that is no reserved PostgreSQL keyword, or a double-quoted one; <type> is such a
 * plain identifier (a type name as written: text, uuid, jsonb, timestamptz, …) or int, integer, smallint, bigint,
 * boolean, varchar, varchar(<n>). Anything else, including any comment, non-ASCII text or a second command, returns
 * undefined: the caller then asks libpg-query. test/unit/lint/pgFast.test.ts compares both readers on many inputs.
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
    } else if (c === 61 /* = */ || c === 46 /* . */ || c === 40 /* ( */ || c === 41 /* ) */ || c === 44 /* , */) {
      // `=` followed by an operator character would be another operator.
      if (c === 61 && /[~!@#%^&|`?+\-*/<>=]/.test(sql[i + 1] ?? '')) return undefined;
      out.push({ kind: 'punct', value: sql[i]!, pos: i });
      i++;
    } else {
      return undefined;
    }
  }
  return out;
}

/** A cursor over the tokens; every `take…` returns undefined (and the reader gives up) on anything unexpected. */
class Reader {
  private i = 0;
  constructor(private readonly ts: readonly Token[]) {}
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
};

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
  const catalog = KEYWORD_TYPES[t.value];
  if (catalog === undefined && (PG_NAME_KEYWORDS.has(t.value) || NOT_NAMES.has(t.value))) return undefined;
  let typmods: unknown[] | undefined;
  if (catalog === 'varchar' && r.punct('(')) {
    const n = r.constant();
    if (!n || !('ival' in (n.A_Const as object)) || !r.punct(')')) return undefined;
    typmods = [n];
  }
  const names = catalog ? [{ String: { sval: 'pg_catalog' } }, { String: { sval: catalog } }] : [{ String: { sval: t.value } }];
  return { names, ...(typmods ? { typmods } : {}), typemod: -1, location: t.pos };
}

function readAlterTable(r: Reader): unknown {
  if (!r.keyword('table')) return undefined;
  const relation = readRelation(r);
  if (!relation) return undefined;
  const other = readOtherAlter(r);
  if (other !== undefined) return other && r.done ? alterTable(relation, other) : undefined;
  if (!r.keyword('add')) return undefined;
  if (r.peekKeyword('constraint')) {
    const constraint = readConstraint(r);
    return constraint && r.done ? alterTable(relation, { subtype: 'AT_AddConstraint', def: { Constraint: constraint } }) : undefined;
  }
  if (!r.keyword('column')) return undefined;
  const column = r.name();
  if (!column) return undefined;
  const typeName = readType(r);
  if (!typeName) return undefined;
  let constraints: unknown[] | undefined;
  if (r.peekKeyword('default')) {
    const at = r.pos;
    r.keyword('default');
    const value = r.constant();
    if (!value) return undefined;
    constraints = [{ Constraint: { contype: 'CONSTR_DEFAULT', raw_expr: value, location: at } }];
  }
  if (!r.done) return undefined;
  return alterTable(relation, {
    subtype: 'AT_AddColumn',
    def: {
      ColumnDef: { colname: column.value, typeName, is_local: true, ...(constraints ? { constraints } : {}), location: column.pos },
    },
  });
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
 * `CONSTRAINT <name> CHECK (<col> IS NOT NULL) [NOT VALID]`: libpg-query's Constraint node.
 */
function readConstraint(r: Reader): Record<string, unknown> | undefined {
  const location = r.pos;
  if (!r.keyword('constraint')) return undefined;
  const conname = r.name();
  if (!conname) return undefined;
  let body: Record<string, unknown>;
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
    const column = r.name();
    const is = r.pos;
    if (!column || !r.keyword('is') || !r.keyword('not') || !r.keyword('null') || !r.punct(')')) return undefined;
    body = {
      contype: 'CONSTR_CHECK',
      raw_expr: {
        NullTest: {
          arg: { ColumnRef: { fields: [{ String: { sval: column.value } }], location: column.pos } },
          nulltesttype: 'IS_NOT_NULL',
          location: is,
        },
      },
    };
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

function alterTable(relation: Record<string, unknown>, cmd: Record<string, unknown>): unknown {
  return stmts({
    AlterTableStmt: { relation, cmds: [{ AlterTableCmd: { ...cmd, behavior: 'DROP_RESTRICT' } }], objtype: 'OBJECT_TABLE' },
  });
}

/**
 * `VALIDATE CONSTRAINT <name>`, `ALTER [COLUMN] <name> SET NOT NULL`, `DROP [COLUMN] <name>`: the command, null when
 * the words start one of these forms but it does not follow, undefined when they start none.
 */
function readOtherAlter(r: Reader): Record<string, unknown> | null | undefined {
  if (r.keyword('validate')) {
    const name = r.keyword('constraint') ? r.name() : undefined;
    return name ? { subtype: 'AT_ValidateConstraint', name: name.value } : null;
  }
  if (r.keyword('alter')) {
    r.keyword('column');
    const name = r.name();
    return name && r.keyword('set') && r.keyword('not') && r.keyword('null') ? { subtype: 'AT_SetNotNull', name: name.value } : null;
  }
  if (r.keyword('drop')) {
    r.keyword('column');
    const name = r.name();
    return name ? { subtype: 'AT_DropColumn', name: name.value } : null;
  }
  return undefined;
}

/** `CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] <name> ON [<schema>.]<table> (<column> [, <column>]…)`. */
function readCreateIndex(r: Reader): unknown {
  const unique = r.keyword('unique');
  if (!r.keyword('index')) return undefined;
  const concurrent = r.keyword('concurrently');
  const ifNotExists = r.keyword('if');
  if (ifNotExists && !(r.keyword('not') && r.keyword('exists'))) return undefined;
  const name = r.name();
  if (!name || !r.keyword('on')) return undefined;
  const relation = readRelation(r);
  if (!relation || !r.punct('(')) return undefined;
  const indexParams: unknown[] = [];
  do {
    const column = r.name();
    if (!column) return undefined;
    indexParams.push({ IndexElem: { name: column.value, ordering: 'SORTBY_DEFAULT', nulls_ordering: 'SORTBY_NULLS_DEFAULT' } });
  } while (r.punct(','));
  if (!r.punct(')') || !r.done) return undefined;
  return stmts({
    IndexStmt: {
      idxname: name.value,
      relation,
      accessMethod: 'btree',
      indexParams,
      ...(unique ? { unique: true } : {}),
      ...(concurrent ? { concurrent: true } : {}),
      ...(ifNotExists ? { if_not_exists: true } : {}),
    },
  });
}

/**
 * libpg-query's parse tree of one statement's text (no terminator), when the statement is one of the forms above;
 * else undefined.
 */
export function readSimplePostgres(sql: string): unknown {
  // Printable ASCII and white space only: libpg-query's locations count UTF-8 bytes, these count UTF-16 units.
  if (!/^(set|alter|create)\s/i.test(sql) || /[^\t-\r -~]/.test(sql)) return undefined;
  const ts = tokens(sql);
  if (!ts) return undefined;
  const r = new Reader(ts);
  if (r.keyword('set')) return readSet(r);
  if (r.keyword('alter')) return readAlterTable(r);
  if (r.keyword('create')) return readCreateIndex(r);
  return undefined;
}
