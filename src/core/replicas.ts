/**
 * What replicas and hot standbys change about a plan, as findings shared by the planner and `explain`.
 * Measured on PostgreSQL 15 and MariaDB 10.11 (servers.md §A.3): a replayed ACCESS EXCLUSIVE lock waits for standby
 * readers of the table, queues new ones behind it, and after max_standby_streaming_delay cancels the ones holding it
 * up; a MariaDB replica applies DDL only after the primary committed it, serially.
 */
import type { Finding } from './types';

/** The `standby-replay` warning: each ACCESS EXCLUSIVE step is replayed on every hot standby. */
export function standbyReplayFinding(maxStandbyStreamingDelayMs?: number): Finding {
  const delay =
    maxStandbyStreamingDelayMs === undefined
      ? ''
      : maxStandbyStreamingDelayMs < 0
        ? ' (-1 here: replay waits forever)'
        : ` (${maxStandbyStreamingDelayMs} ms here)`;
  return {
    code: 'standby-replay',
    severity: 'warning',
    message:
      'ACCESS EXCLUSIVE steps are replayed on hot standbys, where they wait for (and then block) standby queries — ' +
      `up to max_standby_streaming_delay${delay} — before replay continues; every new standby reader of the table queues behind the replayed lock meanwhile, ` +
      'and then the standby cancels the queries holding it up.',
    fix: 'run when standby traffic is low; the runner given the standbys (--replica-url) checks them for open transactions on the table before each such step and waits or stops',
  };
}
