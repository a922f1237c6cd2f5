/**
 * The rollout checklist linked to the code: each step of the plan's checklist with the places in the workspace
 * that belong to it (from the scan), and ticked when all of them are done. Steps the database does (backfill,
 * index, constrain's DDL) have no places; a step whose places the scan did not find is left unticked, never
 * ticked by default.
 */
import { keptNotNullCheck, rolloutSteps, type RolloutStepKind } from '../plan';
import type { Plan } from '../types';
import { summarizeScan, type CallSite, type ModelMatch, type WorkspaceScan } from './scan';

/** One place in the code that belongs to a step. */
export interface CodePlace {
  /** Workspace-relative, `/`-separated. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** What is there and what it still needs, in a few words. */
  readonly text: string;
  readonly done: boolean;
}

/** `done`: every place is done; `todo`: some are not; `none-found`: the step concerns code but the scan found no place for it; `database`: a step for the database alone. */
export type CheckState = 'done' | 'todo' | 'none-found' | 'database';

export interface CodeChecklistItem {
  readonly kind: RolloutStepKind;
  readonly text: string;
  readonly state: CheckState;
  readonly places: readonly CodePlace[];
}

export interface CodeChecklist {
  readonly table: string;
  readonly column: string;
  /** "prisma model Order in prisma/schema.prisma:16; 2 INSERTs in src/orders.ts". */
  readonly summary: string;
  readonly filesRead: number;
  readonly items: readonly CodeChecklistItem[];
  /** Models the expand edit (nullable field) and the final edit (required field) would change. */
  readonly modelEdits: { readonly expand: number; readonly final: number };
  /** The CHECK the plan keeps for NOT NULL (PostgreSQL before 12): the final edit keeps the field optional and notes it. */
  readonly notNullCheck?: string;
}

const place = (c: CallSite, text: string, done: boolean): CodePlace => ({ file: c.file, line: c.line, text, done });

/** Whether a model declares the column in its final form: required, or (where the plan keeps a CHECK for NOT NULL) optional with the CHECK noted. */
function finalDeclared(m: ModelMatch, plan: Plan): boolean {
  const check = keptNotNullCheck(plan);
  return check ? m.required === false && m.checkNoted === check.name : m.required === true;
}

function placesOf(kind: RolloutStepKind, plan: Plan, scan: WorkspaceScan): CodePlace[] | null {
  const col = plan.column.name;
  const ormModels = scan.models.filter((m) => m.kind !== 'activerecord');
  switch (kind) {
    case 'tolerate':
      return scan.calls.flatMap((c) => {
        if (c.kind === 'select-star' && c.fixedShape)
          return [place(c, `SELECT * mapped into a fixed shape (${c.fixedShape}): name the columns`, false)];
        if (c.via === 'sql' && (c.kind === 'insert' || c.kind === 'upsert') && c.setsColumn === null)
          return [place(c, 'INSERT without a column list: name the columns', false)];
        return [];
      });
    case 'expand':
      return ormModels.map((m) => ({
        file: m.file,
        line: m.line,
        text: `${m.kind} model ${m.name}: ${m.hasColumn ? `declares ${col}` : `add ${col} (nullable while the backfill runs)`}`,
        done: m.hasColumn,
      }));
    case 'write':
      return scan.calls
        .filter((c) => (c.kind === 'insert' || c.kind === 'upsert') && c.setsColumn !== null)
        .map((c) =>
          place(
            c,
            `${c.via === 'sql' ? c.text : `${c.via} ${c.kind}`}: ${c.setsColumn ? `sets ${col}` : `does not set ${col}`}`,
            c.setsColumn === true,
          ),
        );
    case 'constrain': {
      if (plan.column.nullable) return null;
      const check = keptNotNullCheck(plan);
      return ormModels.map((m) => {
        const done = finalDeclared(m, plan);
        const text = check
          ? done
            ? `${col} optional, NOT NULL enforced by CHECK ${check.name}`
            : `keep ${col} optional (the column stays nullable) and note the CHECK ${check.name} once the constrain phase ran`
          : done
            ? `${col} required`
            : `make ${col} required once the constrain phase ran`;
        return { file: m.file, line: m.line, text: `${m.kind} model ${m.name}: ${text}`, done };
      });
    }
    case 'read':
      return scan.api.map((a) => ({
        file: a.file,
        line: a.line,
        text: `${a.format} ${a.name}: ${a.hasField ? `exposes ${col}` : `add ${col} after the backfill, not before`}`,
        done: a.hasField === true,
      }));
    default:
      return null;
  }
}

/** The plan's rollout checklist with the scan's places, ticked where the code is done. */
export function codeChecklist(plan: Plan, scan: WorkspaceScan): CodeChecklist {
  const items = rolloutSteps(plan.phases, plan.column).map(({ kind, text }): CodeChecklistItem => {
    const places = placesOf(kind, plan, scan);
    if (places === null) return { kind, text, state: 'database', places: [] };
    // The tolerate step is about what must not be there: with the table found in the code and no offending place, it is done.
    if (kind === 'tolerate' && places.length === 0)
      return { kind, text, state: scan.calls.length + scan.models.length > 0 ? 'done' : 'none-found', places };
    if (places.length === 0) return { kind, text, state: 'none-found', places };
    return { kind, text, state: places.every((p) => p.done) ? 'done' : 'todo', places };
  });
  const ormModels = scan.models.filter((m) => m.kind !== 'activerecord');
  const check = plan.column.nullable ? undefined : keptNotNullCheck(plan);
  return {
    ...(check ? { notNullCheck: check.name } : {}),
    table: scan.target.table,
    column: scan.target.column,
    summary: summarizeScan(scan),
    filesRead: scan.filesRead,
    items,
    modelEdits: {
      expand: ormModels.filter((m) => !m.hasColumn).length,
      final: plan.column.nullable ? 0 : ormModels.filter((m) => !m.hasColumn || !finalDeclared(m, plan)).length,
    },
  };
}
