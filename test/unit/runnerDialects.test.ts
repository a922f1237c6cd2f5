import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ENGINES, type Engine } from '../../src/db/engines';
import { runnerDialect } from '../../src/db/run/dialect';

const ROOT = join(__dirname, '..', '..');
const RUN = join(ROOT, 'src', 'db', 'run');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The code without comments (a comment may name an engine; only code that branches on one is refused). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

// Engine names as strings, and comparisons of an engine or a plan dialect: what an inline engine branch looks like.
const BRANCH = [
  /(['"`])(postgres|postgresql|mysql|mariadb)\1/i,
  /\b(engine|engineOf\([^)]*\)|options\.engine)\s*[!=]==?/,
  /[!=]==?\s*[\w.]*\bengine\b/,
  /\b(dialect|info\.dialect|plan\.dialect)\s*[!=]==?\s*['"`]/,
];

describe('the runner names no engine: every engine difference is in src/db/<engine>/run.ts', () => {
  it('no file under src/db/run branches on an engine', () => {
    const offending: string[] = [];
    for (const f of files(RUN)) {
      code(readFileSync(f, 'utf8'))
        .split('\n')
        .forEach((line, i) => {
          if (BRANCH.some((re) => re.test(line))) offending.push(`${f.slice(ROOT.length + 1)}:${i + 1}: ${line.trim()}`);
        });
    }
    assert.deepEqual(offending, []);
  });

  it('each engine folder has the same-shaped run.ts and errors.ts, and its adapter has every member the other has', () => {
    const engines = Object.keys(ENGINES) as Engine[];
    assert.deepEqual([...engines].sort(), ['mysql', 'postgres']);
    for (const e of engines) {
      for (const f of ['run.ts', 'errors.ts', 'client.ts']) assert.ok(statSync(join(ROOT, 'src', 'db', e, f)).isFile(), `src/db/${e}/${f}`);
    }
    const [pg, my] = (['postgres', 'mysql'] as const).map((e) => runnerDialect(e));
    // Optional capabilities an engine may lack: an online index build that can end INVALID, NOT VALID constraints, an
    // online copy by an external tool (MySQL/MariaDB pt-online-schema-change).
    const optional = new Set(['onlineIndex', 'notValidConstraints', 'onlineCopy']);
    const members = (d: object) =>
      Object.keys(d)
        .filter((k) => !optional.has(k))
        .sort();
    assert.deepEqual(members(pg!), members(my!));
    assert.ok(members(pg!).length > 30);
  });

  it('each engine runs its own plans only', () => {
    assert.deepEqual(runnerDialect('postgres').planDialects, ['postgres']);
    assert.deepEqual(runnerDialect('mysql').planDialects, ['mysql', 'mariadb']);
  });
});
