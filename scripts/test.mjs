#!/usr/bin/env node
// Runs the test suites under node's test runner, whose closing lines ("ℹ pass N", "ℹ fail N") CI reads.
// Usage: node scripts/test.mjs [unit|db|webview|package|e2e ...]   (no argument: every suite, in one run, so one closing summary)
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const ALL = ['unit', 'db', 'webview', 'package', 'e2e'];
const suites = process.argv.slice(2).length ? process.argv.slice(2) : ALL;

function testFiles(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(testFiles(p));
    else if (/\.test\.ts$/.test(name)) out.push(p);
  }
  return out;
}

const files = suites.flatMap((s) => {
  if (!ALL.includes(s)) {
    console.error(`unknown suite '${s}'; one of ${ALL.join(', ')}`);
    process.exit(2);
  }
  return testFiles(join('test', s));
});
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

// The e2e suites need code-server and Node 24 (scripts/tools.ts). Install them before the run, so a first install
// (minutes) is not counted against the first e2e file's test timeout; when it fails, the e2e tests report why.
if (suites.includes('e2e')) {
  const tools = spawnSync(process.execPath, ['--import', 'tsx', join('scripts', 'tools.ts')], { stdio: 'inherit' });
  if (tools.status !== 0) console.error('[tools] the e2e tools could not be installed; the e2e tests will say why');
}

const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-timeout=300000', ...files], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
