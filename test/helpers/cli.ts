/** The command line run in-process, its output kept for assertions (unit and db tests). */
import { main, type Io } from '../../src/cli';

export interface Captured {
  /** Pass to `main(argv, io)`. */
  readonly io: Io;
  /** What was printed to stdout and stderr, one entry a call. */
  readonly out: string[];
  readonly err: string[];
  /** Both, stdout first, one line an entry. */
  text(): string;
}

export function capture(): Captured {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t) }, out, err, text: () => [...out, ...err].join('\n') };
}

/** `column-wizard ...args`: its exit code and its stdout and stderr, each call's text a line. */
export async function runCli(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const c = capture();
  const code = await main([...args], c.io);
  return { code, out: c.out.join('\n'), err: c.err.join('\n') };
}
