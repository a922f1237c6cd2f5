/**
 * The per-node runbook of a multi-node plan (Galera, PostgreSQL logical replication), written beside the migration
 * files: migration tools run one file on one server, so the runbook says which statements run on which node, in which
 * order, and what to check before moving on. Pure text from a TopologyPlan (src/core/topology.ts).
 */
import type { NodeStage, TopologyPlan } from './topology';

function stageSql(tp: TopologyPlan, st: NodeStage): string[] {
  return st.steps.map(({ phaseIndex, stepIndex }) => {
    const s = tp.plan.phases[phaseIndex]!.steps[stepIndex]!;
    if (s.backfill)
      return `-- backfill in batches of ${s.backfill.batchSize ?? '?'} rows, repeated until it updates no row (each batch its own transaction):\n${s.sql};`;
    const semi = (x: string) => (x.trim().endsWith(';') ? x : `${x};`);
    const pre = [...(s.lockTimeoutSql ? [s.lockTimeoutSql] : []), ...(s.session?.before ?? [])].map(semi);
    const post = (s.session?.after ?? []).map(semi);
    if (st.mode === 'rsu')
      return [...pre, "SET SESSION wsrep_OSU_method = 'RSU';", `${s.sql};`, "SET SESSION wsrep_OSU_method = 'TOI';", ...post].join('\n');
    return [...pre, `${s.sql};`, ...post].join('\n');
  });
}

export function renderRunbook(tp: TopologyPlan): string {
  const t = tp.topology;
  const lines: string[] = [
    `# Runbook: add ${tp.plan.column.name} to ${tp.plan.table.schema}.${tp.plan.table.name} on ${t.kind === 'galera' ? `a Galera cluster of ${t.clusterSize} nodes` : 'a PostgreSQL publisher and its subscribers'}`,
    '',
    t.kind === 'galera'
      ? 'DDL under TOI (the default) is replicated: run it on ONE node and every node executes it at once. RSU stages must be run on EVERY node, one at a time.'
      : 'Logical replication does not replicate DDL: every stage runs on the node it names, in this order. The backfill on the publisher reaches the subscribers through the subscription.',
    '',
  ];
  for (const st of tp.stages) {
    const where =
      st.mode === 'toi'
        ? 'any ONE node (TOI: all nodes execute it)'
        : st.mode === 'rsu'
          ? 'EACH node in turn'
          : st.mode === 'replicated'
            ? 'any ONE node (replicated as small write-sets)'
            : `${st.role} ${st.node}`;
    lines.push(`## ${st.order}. On ${where}`, '', st.why, '', '```sql', ...stageSql(tp, st), '```', '');
    if (st.mode === 'rsu')
      lines.push(
        "Before the next node: `SHOW STATUS LIKE 'wsrep_local_state_comment'` on this node says Synced, and the change is there.",
        '',
      );
    if (t.kind === 'logical' && st.role === 'subscriber')
      lines.push(
        `Before moving on: the column ${tp.plan.column.name} exists on this subscriber${st.order > tp.stages.findIndex((x) => x.role === 'publisher') + 1 ? ", and every subscription slot on the publisher has confirmed_flush_lsn ≥ the publisher's pg_current_wal_lsn() taken after the backfill" : ''}.`,
        '',
      );
  }
  lines.push(
    'Afterwards: `column-wizard drift --url NODE1 --url NODE2 … --table ' +
      `${tp.plan.table.schema}.${tp.plan.table.name}` +
      '` compares the table on every node.',
    '',
  );
  return lines.join('\n');
}
