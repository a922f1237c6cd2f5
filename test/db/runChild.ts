/** A runner in its own process, for the "process killed" fault test: node --import tsx runChild.ts URL PLAN_JSON_FILE */
import { readFileSync } from 'node:fs';
import { connect } from '../../src/db/client';
import { runPlan } from '../../src/db/run';

async function main() {
  const [url, planFile] = process.argv.slice(2);
  const client = await connect(url!);
  const out = await runPlan(client, JSON.parse(readFileSync(planFile!, 'utf8')), {
    backfill: { fixedBatchSize: 50, pauseMs: 5 },
    onProgress: (p) => {
      if (p.kind === 'batch') process.stdout.write(`batch ${p.rowsDone}\n`);
    },
  });
  process.stdout.write(`${out.status}\n`);
  await client.close();
}
main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
