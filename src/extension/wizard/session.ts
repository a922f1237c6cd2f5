/**
 * The host side of the wizard protocol, free of `vscode`: it validates what the webview sends, waits for `ready`,
 * answers each request exactly once, and posts notifications. The panel supplies the backend and the `post`
 * function; the webview tests run this same class in node against the real page.
 */
import type { ModelPhase } from '../../core/app/modelEdit';
import {
  EMPTY_DRAFT,
  MAX_PLACES,
  type CodeChecklist,
  type ColumnDraft,
  type HostMessage,
  type HostNotification,
  type PlanResult,
  type RequestMessage,
  type RequestMethod,
  type Requests,
  type ResponseMessage,
  type WizardContext,
} from '../../protocol';
import { parseWebviewMessage } from '../../protocolValidation';
import { redactSecrets } from '../../core/redact';
import type { Severity, TableRef } from '../../core/types';
import { describeError } from '../../core/format';

/** What the session needs from the rest of the extension. Every method may throw: the message goes back as the response's error. */
export interface WizardBackend {
  /** The table's context; `refresh` re-reads the facts from the database. */
  context(refresh: boolean): Promise<WizardContext>;
  /** `revision` lets the backend follow up with `didVerifyPlan` for the same revision. */
  computePlan(draft: ColumnDraft, revision: number): Promise<Omit<PlanResult, 'revision'>>;
  listColumns(table: TableRef): Promise<readonly string[]>;
  writeMigration(draft: ColumnDraft): Promise<readonly string[]>;
  runMigration(draft: ColumnDraft): Promise<Requests['runMigration']['result']>;
  /** Opens the report of a run this panel did; false when it knows no such run. */
  openRunReport(runId: string): Promise<boolean>;
  /** Records the pending migrations of a run this panel did (its summary's `migrations`) as applied; throws when it cannot. */
  recordApplied(runId: string): Promise<Requests['recordApplied']['result']>;
  /** Copies the plan's SQL; returns the number of characters copied. */
  copySql(draft: ColumnDraft): Promise<number>;
  /** The plan's rollout checklist with its places in the workspace's code. */
  scanCode(draft: ColumnDraft): Promise<CodeChecklist>;
  /** Offers the model edit of `phase` as a refactoring preview; returns how many edits were offered. */
  previewModelEdit(draft: ColumnDraft, phase: ModelPhase): Promise<number>;
  /** Opens a place the last scan listed; false when it listed no such place. */
  openPlace(file: string, line: number): Promise<boolean>;
}

export interface SessionLog {
  info(component: string, message: string): void;
  error(component: string, message: string, err?: unknown): void;
}

type Handlers = { readonly [M in RequestMethod]: (params: Requests[M]['params']) => Promise<Requests[M]['result']> };

/** At most `MAX_PLACES` places per step cross to the webview; the step says how many more there are. */
function limitPlaces(c: CodeChecklist): CodeChecklist {
  return {
    ...c,
    items: c.items.map((i) =>
      i.places.length <= MAX_PLACES
        ? i
        : {
            ...i,
            places: i.places.slice(0, MAX_PLACES - 1).concat({
              file: i.places[MAX_PLACES - 1]!.file,
              line: i.places[MAX_PLACES - 1]!.line,
              text: `… and ${i.places.length - MAX_PLACES + 1} more places (the log lists them)`,
              done: i.places.slice(MAX_PLACES - 1).every((p) => p.done),
            }),
          },
    ),
  };
}

/** Whether handing `incoming` to a wizard whose draft is `open` would throw away something the user entered there. */
export function draftWouldBeLost(open: ColumnDraft | null, incoming: ColumnDraft): boolean {
  if (open === null) return false;
  const o = JSON.stringify(open);
  return o !== JSON.stringify(EMPTY_DRAFT) && o !== JSON.stringify(incoming);
}

export class WizardSession {
  private ready = false;
  private draft: ColumnDraft | null;
  /** A draft handed over while the page was discarded (hidden panel): sent after the next `init`. */
  private pendingDraft: ColumnDraft | null = null;
  private readonly handlers: Handlers;

  constructor(
    private readonly backend: WizardBackend,
    private readonly post: (message: HostMessage) => void | PromiseLike<unknown>,
    private readonly log: SessionLog,
    initialDraft: ColumnDraft | null = null,
  ) {
    this.draft = initialDraft;
    // A mapped type: a request method without a handler does not compile.
    this.handlers = {
      computePlan: async ({ draft, revision }) => ({ ...(await backend.computePlan(draft, revision)), revision }),
      listColumns: async ({ table }) => ({ columns: await backend.listColumns(table) }),
      writeMigration: async ({ draft }) => ({ files: await backend.writeMigration(draft) }),
      runMigration: async ({ draft }) => backend.runMigration(draft),
      openRunReport: async ({ runId }) => ({ opened: await backend.openRunReport(runId) }),
      recordApplied: async ({ runId }) => backend.recordApplied(runId),
      copySql: async ({ draft }) => ({ characters: await backend.copySql(draft) }),
      scanCode: async ({ draft }) => limitPlaces(await backend.scanCode(draft)),
      previewModelEdit: async ({ draft, phase }) => ({ edits: await backend.previewModelEdit(draft, phase) }),
      openPlace: async ({ file, line }) => ({ opened: await backend.openPlace(file, line) }),
    };
  }

  /** The last draft the webview reported (kept to restore a panel the webview lost). */
  get currentDraft(): ColumnDraft | null {
    return this.draft;
  }

  /** Handle one raw message from the webview. Resolves when its answer (if any) has been posted. */
  async receive(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.log.error('wizard', `rejected a webview message: ${parsed.error}`);
      return;
    }
    const msg = parsed.value;
    if (msg.type === 'ready') {
      this.ready = true;
      await this.send(async () => ({ type: 'init', context: await this.backend.context(false), draft: this.draft }));
      const pending = this.pendingDraft;
      this.pendingDraft = null;
      if (pending) await this.post({ type: 'useDraft', draft: pending });
      return;
    }
    if (!this.ready) {
      this.log.error('wizard', `rejected "${msg.type}" before the webview said ready`);
      return;
    }
    switch (msg.type) {
      case 'didChangeDraft':
        this.draft = msg.draft;
        return;
      case 'refreshFacts':
        await this.send(async () => ({ type: 'didChangeContext', context: await this.backend.context(true) }));
        return;
      case 'request':
        await this.answer(msg);
        return;
    }
  }

  /** A notification to the webview; dropped before `ready`, as the page would not hear it. */
  notify(message: HostNotification): void {
    if (!this.ready) return;
    void this.post(message);
  }

  /** Put `draft` into the webview's form (now, or after its next `ready` if the page was discarded). */
  useDraft(draft: ColumnDraft): void {
    this.draft = draft;
    if (this.ready) void this.post({ type: 'useDraft', draft });
    else this.pendingDraft = draft;
  }

  status(level: Severity, message: string): void {
    this.notify({ type: 'status', level, message });
  }

  /** The webview was reloaded (panel re-shown without retained context): wait for its next `ready`. */
  reset(): void {
    this.ready = false;
  }

  private async send(build: () => Promise<HostMessage>): Promise<void> {
    try {
      await this.post(await build());
    } catch (err) {
      this.log.error('wizard', 'could not prepare a message for the webview', err);
      await this.post({ type: 'status', level: 'error', message: redactSecrets(describeError(err)) });
    }
  }

  private async answer(msg: RequestMessage): Promise<void> {
    const handler = this.handlers[msg.method] as (p: unknown) => Promise<unknown>;
    let response: ResponseMessage;
    try {
      const result = await handler(msg.params);
      response = { type: 'response', id: msg.id, method: msg.method, ok: true, result } as ResponseMessage;
    } catch (err) {
      const error = redactSecrets(describeError(err));
      this.log.error('wizard', `${msg.method} failed`, err);
      response = { type: 'response', id: msg.id, method: msg.method, ok: false, error };
    }
    await this.post(response);
  }
}
