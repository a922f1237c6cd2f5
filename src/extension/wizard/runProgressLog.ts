/** How the runner's progress reaches the log: no vscode, so the runner tests on the real servers exercise it. */
import type { RunProgress } from '../../db/run/types';

export interface ProgressLog {
  debug(component: string, message: string): void;
  info(component: string, message: string): void;
}

/** Steps at info; the per-batch lines of a long backfill at debug, so the run's report is not buried under them. */
export function logRunProgress(log: ProgressLog, p: RunProgress): void {
  const text = `${p.phaseTitle}${p.rowsDone !== undefined ? ` · ${p.rowsDone} rows` : ''}${p.message ? ` · ${p.message}` : ''}`;
  if (p.kind === 'batch' || p.kind === 'throttled') log.debug('run', text);
  else log.info('run', text);
}
