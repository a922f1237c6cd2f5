/** `FileSink` over node:fs, rooted at a folder: the CLI's way to write migration files. */
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FileExistsError, type FileSink } from '../core/migrations/types';

const code = (err: unknown) => (err as NodeJS.ErrnoException).code;

export class NodeFileSink implements FileSink {
  constructor(readonly root: string) {}

  private abs(path: string): string {
    return join(this.root, ...path.split('/'));
  }

  async list(dir: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (rel: string) => {
      let entries;
      try {
        entries = await readdir(this.abs(rel), { withFileTypes: true });
      } catch (err) {
        if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return;
        throw err;
      }
      for (const e of entries) {
        const child = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) await walk(child);
        else if (e.isFile()) out.push(child);
      }
    };
    await walk(dir);
    const prefix = dir ? `${dir}/` : '';
    return out.map((p) => p.slice(prefix.length)).sort();
  }

  async read(path: string): Promise<string | undefined> {
    try {
      return await readFile(this.abs(path), 'utf8');
    } catch (err) {
      if (code(err) === 'ENOENT') return undefined;
      throw err;
    }
  }

  async exists(path: string): Promise<boolean> {
    try {
      await stat(this.abs(path));
      return true;
    } catch {
      return false;
    }
  }

  async createExclusive(path: string, content: string): Promise<void> {
    await mkdir(dirname(this.abs(path)), { recursive: true });
    try {
      await writeFile(this.abs(path), content, { flag: 'wx' });
    } catch (err) {
      if (code(err) === 'EEXIST') throw new FileExistsError(path);
      throw err;
    }
  }

  async overwrite(path: string, content: string): Promise<void> {
    await writeFile(this.abs(path), content);
  }

  async remove(path: string): Promise<void> {
    await rm(this.abs(path), { force: true });
  }
}
