/** The lint corpus: .sql files whose comments carry the target (`-- corpus: dialect=… version=…`) and, before each statement, its expected rule ids (`-- expect: a b` or `-- expect: -`). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dialect, Target } from '../../../src/core/types';
import { splitStatements } from '../../../src/core/lint/text';

export interface CorpusStatement {
  readonly index: number;
  readonly line: number;
  readonly text: string;
  readonly expected: readonly string[] | undefined;
}

export interface CorpusFile {
  readonly path: string;
  readonly name: string;
  readonly text: string;
  readonly target: Target;
  readonly statements: readonly CorpusStatement[];
}

export const CORPUS_DIR = join(__dirname, 'corpus');

export function loadCorpus(): CorpusFile[] {
  const files: CorpusFile[] = [];
  for (const dir of readdirSync(CORPUS_DIR).sort()) {
    for (const name of readdirSync(join(CORPUS_DIR, dir)).sort()) {
      const path = join(CORPUS_DIR, dir, name);
      const text = readFileSync(path, 'utf8');
      const header = /^-- corpus: dialect=(\w+) version=([\d.]+)/m.exec(text);
      if (!header) throw new Error(`${path}: missing "-- corpus: dialect=… version=…" header`);
      const target = { dialect: header[1] as Dialect, version: header[2]! };
      const split = splitStatements(text, target.dialect === 'postgres' ? 'postgres' : 'mysql');
      const statements = split.statements.map((s, index) => {
        const expect = s.leadingComments.map((c) => /^expect:\s*(.*)$/.exec(c.text)).find((m) => m);
        const expected = expect ? (expect[1]!.trim() === '-' ? [] : expect[1]!.trim().split(/\s+/).sort()) : undefined;
        return { index, line: text.slice(0, s.start).split('\n').length, text: s.text, expected };
      });
      files.push({ path, name: `${dir}/${name}`, text, target, statements });
    }
  }
  return files;
}
