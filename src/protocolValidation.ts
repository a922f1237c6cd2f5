/**
 * The validators of the wizard protocol (`src/protocol.ts` declares the messages): every message is checked on
 * arrival — `parseWebviewMessage` on the host, `parseHostMessage` in the webview — and one that does not fit is
 * rejected with a specific reason. Validators copy only the keys they know.
 * Pure TypeScript: no vscode, no DOM, no node.
 */
import type {
  ColumnPosition,
  ColumnSpec,
  Dialect,
  Estimate,
  Finding,
  ForeignKeySpec,
  LockLevel,
  MysqlAlgorithm,
  Phase,
  OnlineCopyTool,
  PhaseKind,
  Plan,
  Severity,
  Step,
  StorageEstimate,
  TableRef,
  Verification,
} from './core/types';
import type { ReportedCode } from './core/findings';
import {
  MAX_PLACES,
  REQUEST_METHODS,
  type CodeChecklist,
  type CodeChecklistItem,
  type CodePlace,
  type ColumnDraft,
  type HostMessage,
  type PendingMigrations,
  type PlanResult,
  type RequestMessage,
  type RequestMethod,
  type Requests,
  type ResponseMessage,
  type RunStepSummary,
  type RunSummary,
  type WebviewMessage,
  type WizardContext,
  type WizardTarget,
} from './protocol';

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Thrown inside the validators; turned into `{ ok: false, error }` at the top. */
class Invalid extends Error {
  override readonly name = 'Invalid';
}

type Obj = Record<string, unknown>;
const MAX_TEXT = 100_000;
/** The most items any array of a message may hold (a schema's tables are the longest list: 10,000 are benchmarked). */
export const MAX_ITEMS = 50_000;

function obj(v: unknown, at: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Invalid(`${at} must be an object`);
  return v as Obj;
}
function str(o: Obj, key: string, at: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new Invalid(`${at}.${key} must be a string`);
  if (v.length > MAX_TEXT) throw new Invalid(`${at}.${key} is longer than ${MAX_TEXT} characters`);
  return v;
}
function optStr(o: Obj, key: string, at: string): string | undefined {
  return o[key] === undefined ? undefined : str(o, key, at);
}
function bool(o: Obj, key: string, at: string): boolean {
  if (typeof o[key] !== 'boolean') throw new Invalid(`${at}.${key} must be true or false`);
  return o[key] as boolean;
}
function num(o: Obj, key: string, at: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Invalid(`${at}.${key} must be a finite number`);
  return v;
}
function int(o: Obj, key: string, at: string): number {
  const v = num(o, key, at);
  if (!Number.isSafeInteger(v) || v < 0) throw new Invalid(`${at}.${key} must be a non-negative integer`);
  return v;
}
function oneOf<T extends string>(o: Obj, key: string, allowed: readonly T[], at: string): T {
  const v = o[key];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new Invalid(`${at}.${key} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
  }
  return v as T;
}
function arr<T>(o: Obj, key: string, at: string, item: (v: unknown, at: string) => T): T[] {
  const v = o[key];
  if (!Array.isArray(v)) throw new Invalid(`${at}.${key} must be an array`);
  if (v.length > MAX_ITEMS) throw new Invalid(`${at}.${key} has ${v.length} items; at most ${MAX_ITEMS}`);
  return v.map((x, i) => item(x, `${at}.${key}[${i}]`));
}
const strItem = (v: unknown, at: string): string => {
  if (typeof v !== 'string') throw new Invalid(`${at} must be a string`);
  if (v.length > MAX_TEXT) throw new Invalid(`${at} is longer than ${MAX_TEXT} characters`);
  return v;
};
/** Copies only the keys it knows: nothing unexpected rides along into a handler or the DOM. */
function defined<T extends Obj>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

const DIALECT_VALUES: readonly Dialect[] = ['postgres', 'mysql', 'mariadb'];
const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];
const ON_DELETE: readonly NonNullable<ForeignKeySpec['onDelete']>[] = ['NO ACTION', 'RESTRICT', 'CASCADE', 'SET NULL', 'SET DEFAULT'];
const PHASE_KINDS: readonly PhaseKind[] = ['expand', 'backfill', 'constrain', 'index', 'cutover', 'contract'];
const ONLINE_COPY_TOOLS: readonly OnlineCopyTool['name'][] = ['pt-online-schema-change', 'column-wizard'];
const LOCK_LEVELS: readonly LockLevel[] = [
  'NONE',
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
  'SHARED',
];
const ALGORITHMS: readonly MysqlAlgorithm[] = ['INSTANT', 'NOCOPY', 'INPLACE', 'COPY'];
/** Every key of ColumnSpec: a key added to ColumnSpec is a compile error here until it is listed. */
const SPEC_FIELD_SET: Record<keyof ColumnSpec, true> = {
  name: true,
  type: true,
  nullable: true,
  default: true,
  unique: true,
  index: true,
  references: true,
  check: true,
  generated: true,
  autoIncrement: true,
  identity: true,
  folded: true,
  position: true,
  comment: true,
  collation: true,
};
const SPEC_FIELDS = Object.keys(SPEC_FIELD_SET) as (keyof ColumnSpec)[];

function tableRef(v: unknown, at: string): TableRef {
  const o = obj(v, at);
  return { schema: str(o, 'schema', at), name: str(o, 'name', at) };
}

function position(v: unknown, at: string): ColumnPosition {
  const o = obj(v, at);
  const kind = oneOf(o, 'kind', ['last', 'first', 'after'] as const, at);
  return kind === 'after' ? { kind, column: str(o, 'column', at) } : { kind };
}

export function checkDraft(v: unknown, at = 'draft'): ColumnDraft {
  const o = obj(v, at);
  const refs = o.references;
  let references: ColumnDraft['references'] = null;
  if (refs !== null) {
    const r = obj(refs, `${at}.references`);
    const onDelete = r.onDelete === undefined ? undefined : oneOf(r, 'onDelete', ON_DELETE, `${at}.references`);
    references = defined({
      schema: optStr(r, 'schema', `${at}.references`),
      table: str(r, 'table', `${at}.references`),
      column: str(r, 'column', `${at}.references`),
      onDelete,
    });
  }
  return {
    name: str(o, 'name', at),
    type: str(o, 'type', at),
    nullable: bool(o, 'nullable', at),
    defaultKind: oneOf(o, 'defaultKind', ['none', 'literal', 'expression'] as const, at),
    defaultText: str(o, 'defaultText', at),
    unique: bool(o, 'unique', at),
    index: bool(o, 'index', at),
    references,
    check: str(o, 'check', at),
    position: position(o.position, `${at}.position`),
  };
}

/**
 * The webview's saved state as VS Code hands it to the serializer after a reload: the target names (required) and
 * the draft (dropped when it does not validate). Anything else is refused: the panel is not restored.
 */
export function checkSavedWizardState(v: unknown): ParseResult<{ target: WizardTarget; draft: ColumnDraft | null }> {
  try {
    const o = obj(v, 'state');
    const t = obj(o.target, 'state.target');
    const target = {
      connection: str(t, 'connection', 'state.target'),
      schema: str(t, 'schema', 'state.target'),
      table: str(t, 'table', 'state.target'),
    };
    let draft: ColumnDraft | null = null;
    try {
      draft = o.draft === undefined ? null : checkDraft(o.draft);
    } catch {
      draft = null;
    }
    return { ok: true, value: { target, draft } };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

function finding(v: unknown, at: string): Finding {
  const o = obj(v, at);
  const field = o.field === undefined ? undefined : oneOf(o, 'field', SPEC_FIELDS, at);
  return defined({
    // A plan file from another version may carry a code this one does not list: it is shown as text, and the few
    // places that branch on a code (core/findings.ts) simply do not match it.
    code: str(o, 'code', at) as ReportedCode,
    severity: oneOf(o, 'severity', SEVERITIES, at),
    message: str(o, 'message', at),
    field,
    fix: optStr(o, 'fix', at),
  });
}

function estimate(v: unknown, at: string): Estimate {
  const o = obj(v, at);
  const lockSeconds = num(o, 'lockSeconds', at);
  const totalSeconds = num(o, 'totalSeconds', at);
  if (lockSeconds < 0 || totalSeconds < 0) throw new Invalid(`${at}: estimates cannot be negative`);
  const range =
    o.range === undefined
      ? undefined
      : (() => {
          const r = o.range;
          if (!Array.isArray(r) || r.length !== 2 || !r.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0) || r[0] > r[1])
            throw new Invalid(`${at}.range: expected [low, high] seconds`);
          return [r[0], r[1]] as const;
        })();
  const runs = o.runs === undefined ? undefined : num(o, 'runs', at);
  return defined({
    lockSeconds,
    totalSeconds,
    basis: oneOf(o, 'basis', ['measured', 'learned', 'default'] as const, at),
    kind: optStr(o, 'kind', at),
    range,
    measuredAt: optStr(o, 'measuredAt', at),
    runs,
  });
}

function storageEstimate(v: unknown, at: string): StorageEstimate {
  const o = obj(v, at);
  return defined({
    tableBytes: num(o, 'tableBytes', at),
    indexBytes: num(o, 'indexBytes', at),
    growthBytes: num(o, 'growthBytes', at),
    tempBytes: o.tempBytes === undefined ? undefined : num(o, 'tempBytes', at),
  });
}

function verification(v: unknown, at: string): Verification {
  const o = obj(v, at);
  const algorithm = o.algorithm === undefined ? undefined : oneOf(o, 'algorithm', ALGORITHMS, at);
  return defined({
    lock: oneOf(o, 'lock', LOCK_LEVELS, at),
    rewrite: bool(o, 'rewrite', at),
    algorithm,
    agrees: bool(o, 'agrees', at),
    detail: optStr(o, 'detail', at),
  });
}

function step(v: unknown, at: string): Step {
  const o = obj(v, at);
  const blocks = obj(o.blocks, `${at}.blocks`);
  const backfill =
    o.backfill === undefined
      ? undefined
      : (() => {
          const b = obj(o.backfill, `${at}.backfill`);
          return defined({
            table: tableRef(b.table, `${at}.backfill.table`),
            column: str(b, 'column', `${at}.backfill`),
            valueSql: str(b, 'valueSql', `${at}.backfill`),
            batchSize: b.batchSize === undefined ? undefined : int(b, 'batchSize', `${at}.backfill`),
            key: b.key === undefined ? undefined : arr(b, 'key', `${at}.backfill`, strItem),
          });
        })();
  const session =
    o.session === undefined
      ? undefined
      : (() => {
          const x = obj(o.session, `${at}.session`);
          return { before: arr(x, 'before', `${at}.session`, strItem), after: arr(x, 'after', `${at}.session`, strItem) };
        })();
  // What an online copy runs (its tool and the ALTER it applies to the copy): kept, so that a plan file's copy is run
  // as the copy it says, and checked like its SQL (src/cli/planFile.ts).
  const onlineCopy =
    o.onlineCopy === undefined
      ? undefined
      : (() => {
          const c = obj(o.onlineCopy, `${at}.onlineCopy`);
          const tool = obj(c.tool, `${at}.onlineCopy.tool`);
          return defined({
            tool: {
              name: oneOf(tool, 'name', ONLINE_COPY_TOOLS, `${at}.onlineCopy.tool`),
              version: str(tool, 'version', `${at}.onlineCopy.tool`),
            },
            alter: str(c, 'alter', `${at}.onlineCopy`),
            copiers: c.copiers === undefined ? undefined : int(c, 'copiers', `${at}.onlineCopy`),
          });
        })();
  return defined({
    sql: str(o, 'sql', at),
    down: optStr(o, 'down', at),
    lock: oneOf(o, 'lock', LOCK_LEVELS, at),
    algorithm: o.algorithm === undefined ? undefined : oneOf(o, 'algorithm', ALGORITHMS, at),
    blocks: { reads: bool(blocks, 'reads', `${at}.blocks`), writes: bool(blocks, 'writes', `${at}.blocks`) },
    rewrite: bool(o, 'rewrite', at),
    estimate: estimate(o.estimate, `${at}.estimate`),
    storage: o.storage === undefined ? undefined : storageEstimate(o.storage, `${at}.storage`),
    verified: o.verified === undefined ? undefined : verification(o.verified, `${at}.verified`),
    why: str(o, 'why', at),
    lockTimeoutSql: optStr(o, 'lockTimeoutSql', at),
    backfill,
    unavoidable: optStr(o, 'unavoidable', at),
    fallbackSql: optStr(o, 'fallbackSql', at),
    session,
    onlineCopy,
  });
}

function phase(v: unknown, at: string): Phase {
  const o = obj(v, at);
  return {
    kind: oneOf(o, 'kind', PHASE_KINDS, at),
    title: str(o, 'title', at),
    transactional: bool(o, 'transactional', at),
    steps: arr(o, 'steps', at, step),
  };
}

/** The plan as the webview renders it. The column spec rides along unchecked beyond being an object with a name: the webview shows only its name. */
function plan(v: unknown, at: string): Plan {
  const o = obj(v, at);
  const t = obj(o.table, `${at}.table`);
  const column = obj(o.column, `${at}.column`);
  str(column, 'name', `${at}.column`);
  return {
    dialect: oneOf(o, 'dialect', DIALECT_VALUES, at),
    serverVersion: str(o, 'serverVersion', at),
    table: {
      schema: str(t, 'schema', `${at}.table`),
      name: str(t, 'name', `${at}.table`),
      rows: num(t, 'rows', `${at}.table`),
      bytes: num(t, 'bytes', `${at}.table`),
    },
    column: column as unknown as Plan['column'],
    phases: arr(o, 'phases', at, phase),
    warnings: arr(o, 'warnings', at, finding),
    rollout: arr(o, 'rollout', at, strItem),
  };
}

/** Check a whole plan (a plan.json file, a message): the first problem is thrown as an Error naming where it is. */
export function checkPlan(v: unknown, at = 'plan'): Plan {
  const r = attempt(() => plan(v, at));
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

function planResult(v: unknown, at: string): PlanResult {
  const o = obj(v, at);
  return defined({
    revision: int(o, 'revision', at),
    findings: arr(o, 'findings', at, finding),
    plan: o.plan === null ? null : plan(o.plan, `${at}.plan`),
    error: optStr(o, 'error', at),
  });
}

export function checkContext(v: unknown, at = 'context'): WizardContext {
  const o = obj(v, at);
  const c = obj(o.connection, `${at}.connection`);
  const t = obj(o.table, `${at}.table`);
  return {
    connection: {
      name: str(c, 'name', `${at}.connection`),
      dialect: oneOf(c, 'dialect', DIALECT_VALUES, `${at}.connection`),
      serverVersion: str(c, 'serverVersion', `${at}.connection`),
      allowRun: bool(c, 'allowRun', `${at}.connection`),
      ...(c.production !== undefined ? { production: bool(c, 'production', `${at}.connection`) } : {}),
    },
    table: {
      schema: str(t, 'schema', `${at}.table`),
      name: str(t, 'name', `${at}.table`),
      rows: num(t, 'rows', `${at}.table`),
      bytes: num(t, 'bytes', `${at}.table`),
    },
    columns: arr(o, 'columns', at, strItem),
    tables: arr(o, 'tables', at, tableRef),
    migrationsTool: str(o, 'migrationsTool', at),
    ...(o.estimates !== undefined
      ? {
          estimates: (() => {
            const e = obj(o.estimates, `${at}.estimates`);
            return {
              state: oneOf(e, 'state', ['measuring', 'measured', 'rough'] as const, `${at}.estimates`),
              text: str(e, 'text', `${at}.estimates`),
            };
          })(),
        }
      : {}),
    ...(o.topology !== undefined
      ? {
          topology: (() => {
            const tp = obj(o.topology, `${at}.topology`);
            return { summary: str(tp, 'summary', `${at}.topology`), problems: arr(tp, 'problems', `${at}.topology`, strItem) };
          })(),
        }
      : {}),
  };
}

const CHECK_STATES: readonly CodeChecklistItem['state'][] = ['done', 'todo', 'none-found', 'database'];
const STEP_KINDS: readonly CodeChecklistItem['kind'][] = [
  'tolerate',
  'expand',
  'write',
  'server-fills',
  'backfill',
  'index',
  'constrain',
  'read',
  'contract',
];

function codePlace(v: unknown, at: string): CodePlace {
  const o = obj(v, at);
  return { file: str(o, 'file', at), line: int(o, 'line', at), text: str(o, 'text', at), done: bool(o, 'done', at) };
}

function optNum(o: Obj, key: string, at: string): number | undefined {
  return o[key] === undefined ? undefined : num(o, key, at);
}

function runStep(v: unknown, at: string): RunStepSummary {
  const o = obj(v, at);
  let range: [number, number] | undefined;
  if (o.range !== undefined) {
    const r = arr(o, 'range', at, (x, a) => num({ x }, 'x', a));
    if (r.length !== 2) throw new Invalid(`${at}.range must hold two numbers`);
    range = [r[0]!, r[1]!];
  }
  return defined({
    phaseIndex: int(o, 'phaseIndex', at),
    stepIndex: int(o, 'stepIndex', at),
    phase: str(o, 'phase', at),
    sql: str(o, 'sql', at),
    seconds: num(o, 'seconds', at),
    estimateSeconds: optNum(o, 'estimateSeconds', at),
    range,
    skipped: optStr(o, 'skipped', at),
    note: optStr(o, 'note', at),
    rows: o.rows === undefined ? undefined : int(o, 'rows', at),
  });
}

export function checkRunSummary(v: unknown, at = 'run'): RunSummary {
  const o = obj(v, at);
  let size: RunSummary['size'];
  if (o.size !== undefined) {
    const z = obj(o.size, `${at}.size`);
    size = {
      predictedBytes: z.predictedBytes === null ? null : num(z, 'predictedBytes', `${at}.size`),
      measuredBytes: num(z, 'measuredBytes', `${at}.size`),
    };
  }
  return defined({
    runId: str(o, 'runId', at),
    table: tableRef(o.table, `${at}.table`),
    column: str(o, 'column', at),
    steps: arr(o, 'steps', at, runStep),
    size,
    warnings: arr(o, 'warnings', at, strItem),
    migrations: o.migrations === undefined ? undefined : pendingMigrations(o.migrations, `${at}.migrations`),
  });
}

function pendingMigrations(v: unknown, at: string): PendingMigrations {
  const o = obj(v, at);
  // Names in the folder; a tool whose migration is a folder (Prisma) names `<folder>/migration.sql`.
  const files = arr(o, 'files', at, strItem);
  if (!files.every(isRelativePath)) throw new Invalid(`${at}.files must be paths inside their folder`);
  return defined({
    tool: str(o, 'tool', at),
    // The workspace root is ''.
    folder: o.folder === '' ? '' : relativePath(o, 'folder', at),
    files,
    history: optStr(o, 'history', at),
    recorded: o.recorded === undefined ? undefined : int(o, 'recorded', at),
  });
}

export function checkCodeChecklist(v: unknown, at = 'codeChecklist'): CodeChecklist {
  const o = obj(v, at);
  const edits = obj(o.modelEdits, `${at}.modelEdits`);
  return {
    table: str(o, 'table', at),
    column: str(o, 'column', at),
    summary: str(o, 'summary', at),
    filesRead: int(o, 'filesRead', at),
    items: arr(o, 'items', at, (x, a) => {
      const i = obj(x, a);
      if (Array.isArray(i.places) && i.places.length > MAX_PLACES)
        throw new Invalid(`${a}.places has ${i.places.length} items; at most ${MAX_PLACES}`);
      return {
        kind: oneOf(i, 'kind', STEP_KINDS, a),
        text: str(i, 'text', a),
        state: oneOf(i, 'state', CHECK_STATES, a),
        places: arr(i, 'places', a, codePlace),
      };
    }),
    modelEdits: { expand: int(edits, 'expand', `${at}.modelEdits`), final: int(edits, 'final', `${at}.modelEdits`) },
    ...(o.notNullCheck === undefined ? {} : { notNullCheck: str(o, 'notNullCheck', at) }),
  };
}

/** A workspace-relative path: no absolute path, no `..`, no scheme. */
function relativePath(o: Obj, key: string, at: string): string {
  const p = str(o, key, at);
  if (!isRelativePath(p)) throw new Invalid(`${at}.${key} must be a workspace-relative path`);
  return p;
}

/** A non-empty relative path that stays inside its folder: no absolute path, drive or scheme, no `..` segment. */
export function isRelativePath(p: string): boolean {
  return p !== '' && !/^([/\\]|[A-Za-z]:|[a-z][a-z0-9+.-]*:)/i.test(p) && !p.split(/[/\\]/).includes('..');
}

const PARAMS: { readonly [M in RequestMethod]: (v: unknown, at: string) => Requests[M]['params'] } = {
  computePlan: (v, at) => {
    const o = obj(v, at);
    return { draft: checkDraft(o.draft, `${at}.draft`), revision: int(o, 'revision', at) };
  },
  listColumns: (v, at) => ({ table: tableRef(obj(v, at).table, `${at}.table`) }),
  writeMigration: (v, at) => ({ draft: checkDraft(obj(v, at).draft, `${at}.draft`) }),
  runMigration: (v, at) => ({ draft: checkDraft(obj(v, at).draft, `${at}.draft`) }),
  openRunReport: (v, at) => ({ runId: str(obj(v, at), 'runId', at) }),
  recordApplied: (v, at) => ({ runId: str(obj(v, at), 'runId', at) }),
  copySql: (v, at) => ({ draft: checkDraft(obj(v, at).draft, `${at}.draft`) }),
  scanCode: (v, at) => ({ draft: checkDraft(obj(v, at).draft, `${at}.draft`) }),
  previewModelEdit: (v, at) => {
    const o = obj(v, at);
    return { draft: checkDraft(o.draft, `${at}.draft`), phase: oneOf(o, 'phase', ['expand', 'final'] as const, at) };
  },
  openPlace: (v, at) => {
    const o = obj(v, at);
    return { file: relativePath(o, 'file', at), line: int(o, 'line', at) };
  },
};

const RESULTS: { readonly [M in RequestMethod]: (v: unknown, at: string) => Requests[M]['result'] } = {
  computePlan: planResult,
  listColumns: (v, at) => ({ columns: arr(obj(v, at), 'columns', at, strItem) }),
  writeMigration: (v, at) => ({ files: arr(obj(v, at), 'files', at, strItem) }),
  runMigration: (v, at) => {
    const o = obj(v, at);
    return defined({
      started: bool(o, 'started', at),
      message: str(o, 'message', at),
      run: o.run === undefined ? undefined : checkRunSummary(o.run, `${at}.run`),
    });
  },
  openRunReport: (v, at) => ({ opened: bool(obj(v, at), 'opened', at) }),
  recordApplied: (v, at) => {
    const o = obj(v, at);
    return { recorded: int(o, 'recorded', at), table: str(o, 'table', at) };
  },
  copySql: (v, at) => ({ characters: int(obj(v, at), 'characters', at) }),
  scanCode: checkCodeChecklist,
  previewModelEdit: (v, at) => ({ edits: int(obj(v, at), 'edits', at) }),
  openPlace: (v, at) => ({ opened: bool(obj(v, at), 'opened', at) }),
};

function messageType(raw: unknown): { o: Obj; type: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Invalid('message is not an object');
  const o = raw as Obj;
  if (typeof o.type !== 'string') throw new Invalid('message has no string "type"');
  return { o, type: o.type };
}

function method(o: Obj, at: string): RequestMethod {
  return oneOf(o, 'method', REQUEST_METHODS, at);
}

function attempt<T>(fn: () => T): ParseResult<T> {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, error: err.message };
    throw err;
  }
}

/** Check a message that arrived at the host from the webview. */
export function parseWebviewMessage(raw: unknown): ParseResult<WebviewMessage> {
  return attempt((): WebviewMessage => {
    const { o, type } = messageType(raw);
    switch (type) {
      case 'ready':
        return { type };
      case 'refreshFacts':
        return { type };
      case 'didChangeDraft':
        return { type, draft: checkDraft(o.draft, 'didChangeDraft.draft') };
      case 'request': {
        const m = method(o, 'request');
        const id = int(o, 'id', 'request');
        const params = PARAMS[m](o.params, `request(${m}).params`);
        return { type, id, method: m, params } as RequestMessage;
      }
      default:
        throw new Invalid(`unknown webview message type "${type.slice(0, 40)}"`);
    }
  });
}

/** Check a message that arrived in the webview from the host. */
export function parseHostMessage(raw: unknown): ParseResult<HostMessage> {
  return attempt((): HostMessage => {
    const { o, type } = messageType(raw);
    switch (type) {
      case 'init':
        return {
          type,
          context: checkContext(o.context, 'init.context'),
          draft: o.draft === null ? null : checkDraft(o.draft, 'init.draft'),
        };
      case 'didChangeContext':
        return { type, context: checkContext(o.context, 'didChangeContext.context') };
      case 'didVerifyPlan':
        return { type, revision: int(o, 'revision', 'didVerifyPlan'), plan: plan(o.plan, 'didVerifyPlan.plan') };
      case 'useDraft':
        return { type, draft: checkDraft(o.draft, 'useDraft.draft') };
      case 'status':
        return { type, level: oneOf(o, 'level', SEVERITIES, 'status'), message: str(o, 'message', 'status') };
      case 'response': {
        const m = method(o, 'response');
        const id = int(o, 'id', 'response');
        const ok = bool(o, 'ok', 'response');
        if (!ok) return { type, id, method: m, ok, error: str(o, 'error', `response(${m})`) } as ResponseMessage;
        return { type, id, method: m, ok, result: RESULTS[m](o.result, `response(${m}).result`) } as ResponseMessage;
      }
      default:
        throw new Invalid(`unknown host message type "${type.slice(0, 40)}"`);
    }
  });
}
