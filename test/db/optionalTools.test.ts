/** A suite that needs a tool outside node_modules skips with the reason on a machine without it, and fails under CI=true. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = resolve(__dirname, '../..');

/** Run the Sqitch test with a PATH that holds only node: no sqitch, no perl. */
function sqitchTestWithoutSqitch(ci: boolean) {
  const bin = mkdtempSync(join(tmpdir(), 'cw-no-sqitch-'));
  try {
    symlinkSync(process.execPath, join(bin, 'node'));
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: bin };
    delete env.NODE_TEST_CONTEXT; // run as a test runner of its own, reporting TAP on stdout
    if (ci) env.CI = 'true';
    else delete env.CI;
    return spawnSync(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=tap', '--test-name-pattern', 'Sqitch', 'test/db/migrationsMore.test.ts'],
      { cwd: ROOT, env, encoding: 'utf8', timeout: 300_000 },
    );
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

describe('optional tools', () => {
  it('without Sqitch on PATH the Sqitch test is skipped with the reason (not spawn ENOENT)', () => {
    const r = sqitchTestWithoutSqitch(false);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /ok \d+ - Sqitch: init, deploy the written changes, revert them # SKIP Sqitch is not available \(sqitch is not on PATH\); install the Debian packages sqitch and libdbd-pg-perl/,
    );
    assert.doesNotMatch(r.stdout, /ENOENT/);
  });
  it('under CI=true the same missing tool fails the test', () => {
    const r = sqitchTestWithoutSqitch(true);
    assert.notEqual(r.status, 0);
    assert.match(r.stdout, /not ok \d+ - Sqitch: .*[\s\S]*Sqitch is not available \(sqitch is not on PATH\)/);
  });
});
