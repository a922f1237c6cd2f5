/**
 * PostgreSQL statements, read with PostgreSQL's own parser (libpg-query's JSON parse tree), mapped onto
 * the lint model. Pure: the parse function is passed in.
 */
import { PG_CATALOG_SUBCOMMANDS } from '../rules';
import type { ColumnDefault, ColumnSpec, ColumnType, LockLevel } from '../types';
import { arr, expressionText, num, obj, str, tagged, type Obj } from './json';
import type { ConstraintKind, LintAction, Mutable, NameRef, ObjectKind, ObjectRef, ParsedStatement } from './model';
import { utf8ToUtf16Offset } from './text';

/** libpg-query's `parseSync`: returns `{ stmts: [{ stmt }] }` or throws an error with `sqlDetails.cursorPosition`. */
export type PgParse = (sql: string) => unknown;

const DEFAULT_STOP = ['NOT', 'NULL', 'CONSTRAINT', 'REFERENCES', 'CHECK', 'UNIQUE', 'PRIMARY', 'COLLATE', 'GENERATED', 'DEFAULT'];

/** Parse one statement's text. A syntax error becomes an `unparsed` statement with the parser's message and position. */
export function readPostgres(sql: string, parse: PgParse): ParsedStatement {
  let tree: unknown;
  try {
    tree = parse(sql);
  } catch (err) {
    const details = obj(obj(err).sqlDetails);
    const cursor = num(details.cursorPosition);
    return {
      kind: 'unparsed',
      actions: [],
      error: {
        message: err instanceof Error ? err.message : String(err),
        ...(cursor !== undefined ? { offset: utf8ToUtf16Offset(sql, cursor) } : {}),
      },
    };
  }
  const stmts = arr(obj(tree).stmts);
  if (stmts.length === 0) return { kind: 'other', actions: [], label: 'empty' };
  // The splitter hands over one statement; BEGIN ATOMIC bodies and the like may still hold more — read the first.
  const [tag, node] = tagged(obj(stmts[0]).stmt);
  return fromNode(tag, node, sql);
}

function relation(r: unknown): NameRef | undefined {
  const o = obj(r);
  const name = str(o.relname);
  if (!name) return undefined;
  const schema = str(o.schemaname);
  return schema ? { schema, name } : { name };
}

function fromNode(tag: string, n: Obj, sql: string): ParsedStatement {
  switch (tag) {
    case 'AlterTableStmt': {
      if (str(n.objtype) !== 'OBJECT_TABLE') {
        // ALTER VIEW / MATERIALIZED VIEW / SEQUENCE … OWNER TO: a catalog change on that relation.
        const owner = CHANGE_OWNER[str(n.objtype) ?? ''];
        const cmds = arr(n.cmds);
        if (owner && cmds.length > 0 && cmds.every((c) => str(tagged(c)[1].subtype) === 'AT_ChangeOwner'))
          return catalogStatement(owner, relation(n.relation));
        return { kind: 'other', actions: [], label: 'ALTER ' + (str(n.objtype) ?? '').replace('OBJECT_', '') };
      }
      const table = relation(n.relation);
      const actions = arr(n.cmds).map((c) => alterCmd(tagged(c)[1], sql));
      // Literals without spreads on the paths every statement takes: the same keys in the same order.
      return table ? { kind: 'alter-table', table, actions } : { kind: 'alter-table', actions };
    }
    case 'IndexStmt': {
      const table = relation(n.relation);
      const name = str(n.idxname);
      const concurrent = n.concurrent === true;
      const unique = n.unique === true;
      const ifNotExists = n.if_not_exists === true;
      const columns = arr(n.indexParams).map((p) => str(tagged(p)[1].name) ?? '(expression)');
      const index = name ? { name, concurrent, unique, ifNotExists, columns } : { concurrent, unique, ifNotExists, columns };
      return table ? { kind: 'create-index', table, actions: [], index } : { kind: 'create-index', actions: [], index };
    }
    case 'CreateStmt': {
      const table = relation(n.relation);
      const definition = arr(n.tableElts)
        .map((e) => tagged(e))
        .map(([t, d]) => (t === 'ColumnDef' ? addColumn(d, sql, false) : t === 'Constraint' ? constraintAction(d) : undefined))
        .filter((x): x is LintAction => x !== undefined);
      return { kind: 'create-table', ...(table ? { table } : {}), actions: [], definition };
    }
    case 'CreateTableAsStmt': {
      const table = relation(obj(n.into).rel);
      return { kind: 'create-table', ...(table ? { table } : {}), actions: [] };
    }
    case 'TransactionStmt': {
      const kind = str(n.kind) ?? '';
      if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') return { kind: 'begin', actions: [] };
      if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_COMMIT_PREPARED') return { kind: 'commit', actions: [] };
      if (kind === 'TRANS_STMT_ROLLBACK') return { kind: 'rollback', actions: [] };
      return { kind: 'other', actions: [], label: kind.replace('TRANS_STMT_', '') };
    }
    case 'VariableSetStmt': {
      const name = (str(n.name) ?? '').toLowerCase();
      const kind = str(n.kind);
      const value = kind === 'VAR_RESET' || kind === 'VAR_SET_DEFAULT' ? 'DEFAULT' : arr(n.args).map(constText).join(', ');
      return { kind: 'set', actions: [], setting: { name, value, local: n.is_local === true } };
    }
    case 'DropStmt': {
      const type = str(n.removeType);
      const names = arr(n.objects).map((o) => arr(tagged(o)[1].items).map((i) => str(tagged(i)[1].sval) ?? ''));
      const first = names[0] ?? [];
      const ref: NameRef | undefined = first.length
        ? first.length > 1
          ? { schema: first[first.length - 2]!, name: first[first.length - 1]! }
          : { name: first[0]! }
        : undefined;
      if (type === 'OBJECT_INDEX')
        return { kind: 'other', actions: [], label: 'DROP INDEX', statementOp: { op: 'drop-index', concurrent: n.concurrent === true } };
      if ((type === 'OBJECT_TRIGGER' || type === 'OBJECT_POLICY') && first.length > 1) {
        const on = first.slice(0, -1);
        const table: NameRef = on.length > 1 ? { schema: on[on.length - 2]!, name: on[on.length - 1]! } : { name: on[0]! };
        return catalogStatement(type === 'OBJECT_TRIGGER' ? 'DropTrigger' : 'DropPolicy', table);
      }
      const relationKind = DROP_RELATION[type ?? ''];
      if (relationKind) return catalogStatement(relationKind, ref);
      const object = DROP_OBJECT[type ?? ''];
      if (object)
        return {
          kind: 'other',
          actions: [],
          label: `DROP ${(type ?? '').replace('OBJECT_', '')}`,
          statementOp: { op: 'drop-object', object, cascade: str(n.behavior) === 'DROP_CASCADE' },
          objects: arr(n.objects).map((o) => ({ kind: object, name: objectName(o) })),
        };
      if (type === 'OBJECT_TABLE')
        return { kind: 'other', actions: [], label: 'DROP TABLE', ...(ref ? { table: ref } : {}), statementOp: { op: 'drop-table' } };
      return { kind: 'other', actions: [], label: `DROP ${(type ?? '').replace('OBJECT_', '')}` };
    }
    case 'ReindexStmt': {
      const concurrent = arr(n.params).some((p) => str(tagged(p)[1].defname) === 'concurrently');
      const kind = str(n.kind);
      const table = kind === 'REINDEX_OBJECT_TABLE' ? relation(n.relation) : undefined;
      return { kind: 'other', actions: [], label: 'REINDEX', ...(table ? { table } : {}), statementOp: { op: 'reindex', concurrent } };
    }
    case 'VacuumStmt': {
      const full = arr(n.options).some((p) => str(tagged(p)[1].defname) === 'full');
      const table = relation(obj(tagged(arr(n.rels)[0])[1]).relation);
      if (!full || n.is_vacuumcmd !== true) return { kind: 'other', actions: [], label: n.is_vacuumcmd === true ? 'VACUUM' : 'ANALYZE' };
      return { kind: 'other', actions: [], label: 'VACUUM FULL', ...(table ? { table } : {}), statementOp: { op: 'vacuum-full' } };
    }
    case 'ClusterStmt': {
      const table = relation(n.relation);
      return { kind: 'other', actions: [], label: 'CLUSTER', ...(table ? { table } : {}), statementOp: { op: 'cluster' } };
    }
    case 'RefreshMatViewStmt': {
      const table = relation(n.relation);
      return {
        kind: 'other',
        actions: [],
        label: 'REFRESH MATERIALIZED VIEW',
        ...(table ? { table } : {}),
        statementOp: { op: 'refresh-matview', concurrent: n.concurrent === true },
      };
    }
    case 'TruncateStmt': {
      const table = relation(arr(n.relations)[0] !== undefined ? tagged(arr(n.relations)[0])[1] : undefined);
      return { kind: 'other', actions: [], label: 'TRUNCATE', ...(table ? { table } : {}), statementOp: { op: 'truncate' } };
    }
    case 'RenameStmt': {
      const type = str(n.renameType) ?? '';
      const objects: Record<string, 'column' | 'table' | 'schema' | 'constraint' | 'index' | 'function' | 'type'> = {
        OBJECT_COLUMN: 'column',
        OBJECT_TABLE: 'table',
        OBJECT_SCHEMA: 'schema',
        OBJECT_TABCONSTRAINT: 'constraint',
        OBJECT_INDEX: 'index',
        OBJECT_FUNCTION: 'function',
        OBJECT_PROCEDURE: 'function',
        OBJECT_ROUTINE: 'function',
        OBJECT_AGGREGATE: 'function',
        OBJECT_TYPE: 'type',
        OBJECT_DOMAIN: 'type',
      };
      const object = objects[type] ?? 'other';
      const table = ['index', 'function', 'type', 'schema'].includes(object) ? undefined : relation(n.relation);
      const named: ObjectRef | undefined =
        object === 'schema'
          ? { kind: 'schema', name: str(n.subname) ?? '' }
          : object === 'function' || object === 'type'
            ? { kind: object, name: objectName(n.object) }
            : undefined;
      return {
        kind: 'other',
        actions: [],
        label: `RENAME ${object.toUpperCase()}`,
        ...(table ? { table } : {}),
        statementOp: {
          op: 'rename',
          object,
          ...(object === 'column' && str(n.subname) ? { from: str(n.subname)! } : {}),
          ...((object === 'column' || object === 'table') && str(n.newname) ? { to: str(n.newname)! } : {}),
        },
        ...(named ? { objects: [named] } : {}),
      };
    }
    case 'AlterEnumStmt': {
      const objects = [{ kind: 'type' as const, name: lastName(n.typeName) }];
      if (str(n.oldVal) !== undefined)
        return {
          kind: 'other',
          actions: [],
          label: 'ALTER TYPE … RENAME VALUE',
          statementOp: { op: 'rename', object: 'enum value' },
          objects,
        };
      return {
        kind: 'other',
        actions: [],
        label: 'ALTER TYPE … ADD VALUE',
        statementOp: { op: 'enum-add-value', value: str(n.newVal) ?? '' },
        objects,
      };
    }
    case 'AlterFunctionStmt':
      return {
        kind: 'other',
        actions: [],
        label: `ALTER ${(str(n.objtype) ?? 'OBJECT_FUNCTION').replace('OBJECT_', '')}`,
        statementOp: { op: 'alter-routine' },
        objects: [{ kind: 'function', name: objectName({ ObjectWithArgs: n.func }) }],
      };
    case 'AlterOwnerStmt': {
      const type = (str(n.objectType) ?? '').replace('OBJECT_', '');
      const label = `ALTER ${type.replace(/_/g, ' ')} … OWNER TO`;
      const object = OWNER_OBJECT[type];
      if (!object) return { kind: 'other', actions: [], label };
      const kind: ObjectKind | undefined = object === 'other' ? undefined : object;
      return {
        kind: 'other',
        actions: [],
        label,
        statementOp: { op: 'alter-owner', object },
        ...(kind ? { objects: [{ kind, name: objectName(n.object) }] } : {}),
      };
    }
    case 'CreateSchemaStmt':
    case 'CreateFunctionStmt':
    case 'CreateEnumStmt':
    case 'CompositeTypeStmt':
    case 'CreateRangeStmt':
    case 'CreateDomainStmt':
    case 'CreateExtensionStmt': {
      const creates = createdObject(tag, n);
      return { kind: 'other', actions: [], label: tag.replace(/Stmt$/, ''), ...(creates ? { creates } : {}) };
    }
    case 'CreateTrigStmt':
    case 'RuleStmt':
      return catalogStatement(tag === 'CreateTrigStmt' ? 'CreateTrigger' : 'CreateRule', relation(n.relation));
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      return catalogStatement(tag === 'CreatePolicyStmt' ? 'CreatePolicy' : 'AlterPolicy', relation(n.table));
    case 'CreateStatsStmt':
      return catalogStatement('CreateStats', relation(obj(tagged(arr(n.relations)[0])[1])));
    case 'AlterSeqStmt':
      return catalogStatement('AlterSequence', relation(n.sequence));
    case 'AlterObjectSchemaStmt': {
      const table = str(n.objectType) === 'OBJECT_TABLE' ? relation(n.relation) : undefined;
      if (!table) return { kind: 'other', actions: [], label: 'ALTER … SET SCHEMA' };
      // Moving a table to another schema renames it for every query that names its old schema (or finds it on the search_path).
      return { kind: 'other', actions: [], label: 'ALTER TABLE … SET SCHEMA', table, statementOp: { op: 'rename', object: 'table' } };
    }
    case 'LockStmt': {
      const table = relation(arr(n.relations)[0] !== undefined ? tagged(arr(n.relations)[0])[1] : undefined);
      const mode = LOCK_MODES[num(n.mode) ?? 8] ?? 'ACCESS EXCLUSIVE';
      return { kind: 'other', actions: [], label: 'LOCK TABLE', ...(table ? { table } : {}), statementOp: { op: 'lock-table', mode } };
    }
    case 'AlterDomainStmt':
      if (str(n.subtype) === 'O')
        return {
          kind: 'other',
          actions: [],
          label: 'ALTER DOMAIN … SET NOT NULL',
          statementOp: { op: 'domain-constraint', notValid: false, notNull: true },
        };
      if (str(n.subtype) === 'C')
        return {
          kind: 'other',
          actions: [],
          label: 'ALTER DOMAIN … ADD CONSTRAINT',
          statementOp: { op: 'domain-constraint', notValid: obj(tagged(n.def)[1]).skip_validation === true },
        };
      return { kind: 'other', actions: [], label: 'ALTER DOMAIN' };
    case 'UpdateStmt': {
      const table = relation(n.relation);
      return { kind: 'other', actions: [], label: 'UPDATE', ...(table ? { table } : {}) };
    }
    default:
      return { kind: 'other', actions: [], label: tag.replace(/Stmt$/, '') };
  }
}

/**
 * A statement that is one catalog change on `table`: its label is the SQL PG_CATALOG_SUBCOMMANDS names for it (where
 * its lock and effect live too).
 */
function catalogStatement(subcommand: string, table: NameRef | undefined): ParsedStatement {
  return {
    kind: 'other',
    actions: [],
    label: PG_CATALOG_SUBCOMMANDS[subcommand]!.sql,
    ...(table ? { table } : {}),
    statementOp: { op: 'catalog-change', subcommand },
  };
}

/** ALTER VIEW / MATERIALIZED VIEW / SEQUENCE … OWNER TO: its row in rules.ts PG_CATALOG_SUBCOMMANDS. */
const CHANGE_OWNER: Readonly<Record<string, string>> = {
  OBJECT_VIEW: 'ChangeOwnerView',
  OBJECT_MATVIEW: 'ChangeOwnerMatview',
  OBJECT_SEQUENCE: 'ChangeOwnerSequence',
};

/**
 * ALTER … OWNER TO by object kind (AlterOwnerStmt's, without `OBJECT_`): how the server locks it (rules.ts `alter-owner`).
 * Kinds not listed (database, foreign data wrapper, server, event trigger, publication, subscription, tablespace, large
 * object) have no verdict: unknown-statement reports them.
 */
const OWNER_OBJECT: Readonly<Record<string, 'schema' | 'function' | 'type' | 'other'>> = {
  SCHEMA: 'schema',
  FUNCTION: 'function',
  PROCEDURE: 'function',
  ROUTINE: 'function',
  AGGREGATE: 'function',
  TYPE: 'type',
  DOMAIN: 'type',
  COLLATION: 'other',
  CONVERSION: 'other',
  LANGUAGE: 'other',
  OPERATOR: 'other',
  OPCLASS: 'other',
  OPFAMILY: 'other',
  STATISTIC_EXT: 'other',
  TSDICTIONARY: 'other',
  TSCONFIGURATION: 'other',
};

/** The unqualified name in a parse-tree name: a String, a List of Strings, a TypeName or an ObjectWithArgs. */
function objectName(o: unknown): string {
  const [tag, node] = tagged(o);
  if (tag === 'String') return str(node.sval) ?? '';
  if (tag === 'List') return lastName(node.items);
  if (tag === 'TypeName') return lastName(node.names);
  if (tag === 'ObjectWithArgs') return lastName(node.objname);
  return '';
}

function lastName(list: unknown): string {
  const names = arr(list).map((i) => str(tagged(i)[1].sval) ?? '');
  return names[names.length - 1] ?? '';
}

/** What a plain CREATE makes; none for CREATE OR REPLACE and IF NOT EXISTS (the object may be an existing one). */
function createdObject(tag: string, n: Obj): ObjectRef | undefined {
  if (n.replace === true || n.if_not_exists === true) return undefined;
  switch (tag) {
    case 'CreateSchemaStmt': {
      const name = str(n.schemaname) ?? str(obj(n.authrole).rolename);
      return name ? { kind: 'schema', name } : undefined;
    }
    case 'CreateFunctionStmt':
      return { kind: 'function', name: lastName(n.funcname) };
    case 'CreateEnumStmt':
    case 'CreateRangeStmt':
      return { kind: 'type', name: lastName(n.typeName) };
    case 'CompositeTypeStmt':
      return { kind: 'type', name: str(obj(n.typevar).relname) ?? '' };
    case 'CreateDomainStmt':
      return { kind: 'type', name: lastName(n.domainname) };
    case 'CreateExtensionStmt':
      return { kind: 'extension', name: str(n.extname) ?? '' };
    default:
      return undefined;
  }
}

/** DROP of a relation other than a table or an index: its row in rules.ts PG_CATALOG_SUBCOMMANDS. */
const DROP_RELATION: Readonly<Record<string, string>> = {
  OBJECT_VIEW: 'DropView',
  OBJECT_MATVIEW: 'DropMatview',
  OBJECT_SEQUENCE: 'DropSequence',
};

/** DROP of a schema, routine, type or extension: rules.ts `drop-object`. */
const DROP_OBJECT: Readonly<Record<string, 'schema' | 'function' | 'type' | 'extension'>> = {
  OBJECT_SCHEMA: 'schema',
  OBJECT_FUNCTION: 'function',
  OBJECT_PROCEDURE: 'function',
  OBJECT_ROUTINE: 'function',
  OBJECT_TYPE: 'type',
  OBJECT_DOMAIN: 'type',
  OBJECT_EXTENSION: 'extension',
};

/** libpg_query's LockStmt `mode` (the server's lock mode numbers, lockdefs.h) as the manual names it; no mode written is 8. */
const LOCK_MODES: Readonly<Record<number, LockLevel>> = {
  1: 'ACCESS SHARE',
  2: 'ROW SHARE',
  3: 'ROW EXCLUSIVE',
  4: 'SHARE UPDATE EXCLUSIVE',
  5: 'SHARE',
  6: 'SHARE ROW EXCLUSIVE',
  7: 'EXCLUSIVE',
  8: 'ACCESS EXCLUSIVE',
};

function alterCmd(c: Obj, sql: string): LintAction {
  const subtype = str(c.subtype) ?? '';
  const column = str(c.name) ?? '';
  switch (subtype) {
    case 'AT_AddColumn':
      return addColumn(tagged(c.def)[1], sql, c.missing_ok === true);
    case 'AT_SetNotNull':
      return { kind: 'set-not-null', column };
    case 'AT_ColumnDefault':
      if (c.def === undefined) return { kind: 'drop-default', column };
      return { kind: 'set-default', column, default: defaultOf(c.def, sql) };
    case 'AT_AddConstraint':
      return constraintAction(tagged(c.def)[1]);
    case 'AT_ValidateConstraint':
      return { kind: 'validate-constraint', name: column };
    case 'AT_DropColumn':
      return { kind: 'drop-column', column };
    case 'AT_DropNotNull':
      return { kind: 'drop-not-null', column };
    case 'AT_DropConstraint':
      return { kind: 'drop-constraint', name: column };
    case 'AT_AlterColumnType': {
      const t = typeName(obj(tagged(c.def)[1].typeName));
      return {
        kind: 'alter-type',
        column,
        type: t.params.length ? `${t.name}(${t.params.join(',')})` : t.name,
        ...(tagged(c.def)[1].raw_default !== undefined ? { using: true } : {}),
      };
    }
    case 'AT_SetLogged':
    case 'AT_SetUnLogged':
      return { kind: 'statement-op', op: { op: 'set-logged' } };
    case 'AT_SetTableSpace':
      return { kind: 'statement-op', op: { op: 'set-tablespace' } };
    case 'AT_SetAccessMethod':
      return { kind: 'statement-op', op: { op: 'set-access-method' } };
    case 'AT_DetachPartition':
      return { kind: 'statement-op', op: { op: 'detach-partition', concurrent: obj(tagged(c.def)[1]).concurrent === true } };
    default:
      return { kind: 'other', description: subtype.replace(/^AT_/, '') + (column ? ` ${column}` : '') };
  }
}

const CONTYPES: Record<string, ConstraintKind> = {
  CONSTR_CHECK: 'check',
  CONSTR_FOREIGN: 'foreign',
  CONSTR_UNIQUE: 'unique',
  CONSTR_PRIMARY: 'primary',
  CONSTR_NOTNULL: 'not-null',
  CONSTR_EXCLUSION: 'exclusion',
};

function constraintAction(k: Obj): LintAction {
  const kind = CONTYPES[str(k.contype) ?? ''];
  if (!kind) return { kind: 'other', description: `ADD CONSTRAINT (${str(k.contype) ?? '?'})` };
  const name = str(k.conname);
  const usingIndex = str(k.indexname);
  const refTable = relation(k.pktable);
  const columns = [...arr(k.keys), ...arr(k.fk_attrs)].map((s) => str(tagged(s)[1].sval) ?? '');
  const [exprTag, expr] = tagged(k.raw_expr);
  const provesNotNull =
    kind === 'check' && exprTag === 'NullTest' && str(expr.nulltesttype) === 'IS_NOT_NULL'
      ? arr(obj(tagged(expr.arg)[1]).fields)
          .map((f) => str(tagged(f)[1].sval))
          .filter((x): x is string => x !== undefined)
          .pop()
      : undefined;
  return {
    ...(provesNotNull ? { provesNotNull } : {}),
    kind: 'add-constraint',
    constraint: kind,
    ...(name ? { name } : {}),
    notValid: k.skip_validation === true,
    ...(usingIndex ? { usingIndex } : {}),
    columns,
    ...(refTable ? { refTable } : {}),
  };
}

const TYPE_NAMES: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  bool: 'boolean',
  float4: 'real',
  float8: 'double precision',
  bpchar: 'char',
  varchar: 'varchar',
  timestamptz: 'timestamp with time zone',
  timestamp: 'timestamp',
  timetz: 'time with time zone',
  time: 'time',
  numeric: 'numeric',
  interval: 'interval',
};

function typeName(t: Obj): ColumnType {
  const names = arr(t.names).map((s) => str(tagged(s)[1].sval) ?? '');
  const last = names[names.length - 1] ?? '';
  const builtin = names.length === 1 || (names.length === 2 && names[0] === 'pg_catalog');
  const name = builtin ? (TYPE_NAMES[last] ?? last) : names.join('.');
  const params = arr(t.typmods).map((m) => num(obj(obj(tagged(m)[1]).ival).ival) ?? 0);
  return arr(t.arrayBounds).length ? { name: name.toLowerCase(), params, array: true } : { name: name.toLowerCase(), params };
}

function constText(x: unknown): string {
  const [tag, c] = tagged(x);
  if (tag !== 'A_Const') return '?';
  if (c.isnull === true) return 'NULL';
  if ('ival' in c) return String(num(obj(c.ival).ival) ?? 0);
  if ('fval' in c) return str(obj(c.fval).fval) ?? '0';
  if ('boolval' in c) return obj(c.boolval).boolval === true ? 'true' : 'false';
  if ('sval' in c) return str(obj(c.sval).sval) ?? '';
  return '?';
}

/** A literal default keeps its text; anything else is an expression whose volatility the dialect rules judge. */
function defaultOf(expr: unknown, sql: string): ColumnDefault {
  const [tag, node] = tagged(expr);
  const text = expressionText(sql, utf8ToUtf16Offset(sql, minLocation(expr)), DEFAULT_STOP);
  const literal = tag === 'A_Const' || (tag === 'TypeCast' && tagged(node.arg)[0] === 'A_Const');
  if (literal) return { kind: 'literal', value: text };
  return { kind: 'expression', sql: text };
}

/** The smallest `location` in a parse subtree: where the expression's text starts (a TypeCast's own location is its `::`). */
function minLocation(x: unknown): number {
  let best = Number.POSITIVE_INFINITY;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(walk);
      return;
    }
    if (v === null || typeof v !== 'object') return;
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue;
      const child = (v as Obj)[k];
      if (k === 'location' && typeof child === 'number' && child >= 0) best = Math.min(best, child);
      else walk(child);
    }
  };
  walk(x);
  return Number.isFinite(best) ? best : 0;
}

function addColumn(def: Obj, sql: string, ifNotExists: boolean): LintAction {
  const type = typeName(obj(def.typeName));
  let nullable = true;
  let dflt: ColumnDefault = { kind: 'none' };
  let unique = false;
  let check: string | undefined;
  let references: ColumnSpec['references'];
  let generated: ColumnSpec['generated'];
  let autoIncrement = /^(small|big)?serial[248]?$/.test(type.name);
  for (const c of arr(def.constraints)) {
    const k = tagged(c)[1];
    switch (str(k.contype)) {
      case 'CONSTR_NOTNULL':
        nullable = false;
        break;
      case 'CONSTR_PRIMARY':
        nullable = false;
        unique = true;
        break;
      case 'CONSTR_DEFAULT':
        dflt = defaultOf(k.raw_expr, sql);
        break;
      case 'CONSTR_UNIQUE':
        unique = true;
        break;
      case 'CONSTR_CHECK':
        check = expressionText(sql, utf8ToUtf16Offset(sql, minLocation(k.raw_expr)), []);
        break;
      case 'CONSTR_FOREIGN': {
        const ref = relation(k.pktable);
        references = {
          table: ref?.name ?? '',
          ...(ref?.schema ? { schema: ref.schema } : {}),
          column: str(tagged(arr(k.pk_attrs)[0])[1].sval) ?? '',
        };
        break;
      }
      case 'CONSTR_GENERATED':
        generated = {
          expression: expressionText(sql, utf8ToUtf16Offset(sql, minLocation(k.raw_expr)), []),
          stored: str(k.generated_kind) !== 'v',
        };
        break;
      case 'CONSTR_IDENTITY':
        autoIncrement = true;
        nullable = false;
        break;
      default:
        break;
    }
  }
  // The optional keys assigned in order after the literal (no spread of a temporary object per key).
  const spec: Mutable<ColumnSpec> = { name: str(def.colname) ?? '', type, nullable, default: dflt };
  if (unique) spec.unique = unique;
  if (references) spec.references = references;
  if (check !== undefined) spec.check = check;
  if (generated) spec.generated = generated;
  if (autoIncrement) spec.autoIncrement = autoIncrement;
  return dflt.kind !== 'none'
    ? { kind: 'add-column', spec, ifNotExists, defaultText: dflt.kind === 'literal' ? dflt.value : dflt.sql }
    : { kind: 'add-column', spec, ifNotExists };
}
