/**
 * `plan --url`: the plan from live facts. Reads the server's flavor and version and the table's facts, checks the
 * column on the server, plans with this server's measured throughput (cached; src/cli/calibration.ts), and verifies every DDL step with a
 * probe on an empty copy of the table (the probe wins where it disagrees with the rules).
 */
import type { Io } from '../cli';
import { planColumn } from '../core/plan';
import type { Plan, Target } from '../core/types';
import type { DatabaseClient } from '../db/client';
import { verifyPlan } from '../db/verify';
import { requireString, UsageError } from './args';
import { planOptionsFromValues, tableAndColumnFromOptions } from './plan';
import { cliCalibration } from './calibration';

export async function planLive(values: Record<string, unknown>, io: Io): Promise<Plan> {
  for (const offline of ['dialect', 'server-version', 'rows', 'bytes']) {
    if (values[offline] !== undefined) throw new UsageError(`--${offline} cannot be combined with --url: the server and the table say it`);
  }
  const url = requireString(values, 'url');
  // Checked before connecting; read for the server's dialect once connected.
  requireString(values, 'table');
  requireString(values, 'column');
  const planOptions = planOptionsFromValues(values);
  const { connect } = await import('../db/client');
  const client: DatabaseClient = await connect(url);
  try {
    const info = await client.serverInfo();
    const target: Target = { dialect: info.dialect, version: info.version };
    const { table: parsed, spec } = tableAndColumnFromOptions(values, info.dialect);
    const table = { schema: parsed.schema || client.options.database, name: parsed.name };
    if (!table.schema) throw new UsageError('--table needs a database (db.table) when the URL names none');
    const facts = await client.tableFacts(table, { sampleMs: 1000 });
    const serverFindings = await client.validateColumn(spec, table);
    const { calibration } = await cliCalibration(client, values, io);
    const planned = planColumn(spec, facts, target, { ...planOptions, calibration });
    const known = new Set(planned.warnings.map((w) => w.code));
    const withFindings: Plan = { ...planned, warnings: [...planned.warnings, ...serverFindings.filter((f) => !known.has(f.code))] };
    if (serverFindings.some((f) => f.severity === 'error')) return withFindings;
    const { plan, defects } = await verifyPlan(client, withFindings);
    for (const d of defects) io.err(`column-wizard plan: ${d.message}`);
    return plan;
  } finally {
    await client.close();
  }
}
