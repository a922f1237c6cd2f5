/**
 * Starting code-server (a real VS Code with a Node extension host) for the e2e tests and `npm start`.
 * Everything it writes stays under one state folder: user data, extensions, logs, XDG dirs and TMPDIR.
 * The server runs in its own process group; `stop()` ends the whole group (extension hosts, watchers, agent host).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { createHash } from 'node:crypto';
import { mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { node24Env, ROOT, type Tools } from './tools';

/** Quiet, offline-friendly user settings: no Welcome tab, no chat side bar, no update or gallery checks. */
export const BASE_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'workbench.enableExperiments': false,
  'update.mode': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
};

export interface StateDirs {
  readonly root: string;
  readonly userData: string;
  readonly extensions: string;
  readonly xdg: string;
}

export function stateDirs(root: string): StateDirs {
  return { root, userData: join(root, 'user-data'), extensions: join(root, 'extensions'), xdg: join(root, 'xdg') };
}

/** Keeps code-server and chromium out of $HOME and /tmp (they write config, logs and sockets there otherwise). */
export function isolatedEnv(dirs: StateDirs, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    XDG_CONFIG_HOME: join(dirs.xdg, 'config'),
    XDG_DATA_HOME: join(dirs.xdg, 'data'),
    XDG_CACHE_HOME: join(dirs.xdg, 'cache'),
    TMPDIR: join(dirs.xdg, 'tmp'),
    EXTENSIONS_GALLERY: '{}',
  };
  for (const k of ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'TMPDIR'] as const) mkdirSync(env[k]!, { recursive: true });
  return env;
}

export function writeUserSettings(dirs: StateDirs, settings: Record<string, unknown>): void {
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), `${JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2)}\n`);
}

export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePromise(port));
    });
  });
}

/**
 * Packages the extension into `outFile` through `npm run package` (one place for vsce's flags), which runs
 * `vscode:prepublish`, the production build.
 */
export function packageVsix(outFile: string): string {
  mkdirSync(join(outFile, '..'), { recursive: true });
  try {
    execFileSync('npm', ['run', '--silent', 'package', '--', '--out', outFile], { cwd: ROOT, stdio: 'pipe', encoding: 'utf8' });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`vsce package failed:\n${(e.stdout ?? '').trim()}\n${(e.stderr ?? '').trim()}`.trim());
  }
  return outFile;
}

/**
 * Packages a test fixture extension folder (no build step, no dependencies) into `outFile` with the project's vsce,
 * run directly so it works without node_modules/.bin.
 */
export function packageFixtureVsix(dir: string, outFile: string): string {
  mkdirSync(join(outFile, '..'), { recursive: true });
  const vsce = require.resolve('@vscode/vsce/vsce');
  try {
    execFileSync(
      process.execPath,
      [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', outFile],
      {
        cwd: dir,
        stdio: 'pipe',
        encoding: 'utf8',
      },
    );
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`vsce package of ${dir} failed:\n${(e.stdout ?? '').trim()}\n${(e.stderr ?? '').trim()}`.trim());
  }
  return outFile;
}

/** `code-server --install-extension <vsix>` into the given user-data and extensions dirs (about 0.5 s). */
export function installVsix(tools: Tools, dirs: StateDirs, vsix: string): void {
  mkdirSync(dirs.extensions, { recursive: true });
  const r = spawnSync(
    join(tools.node24Dir, 'bin', 'node'),
    [
      tools.codeServer,
      '--config',
      '/dev/null',
      '--user-data-dir',
      dirs.userData,
      '--extensions-dir',
      dirs.extensions,
      '--install-extension',
      vsix,
      '--force',
    ],
    { env: node24Env(tools, isolatedEnv(dirs)), encoding: 'utf8' },
  );
  if (r.status !== 0 || !/successfully installed/i.test(r.stdout)) {
    throw new Error(`installing ${vsix} into code-server failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}

/**
 * Writes `<user-data>/languagepacks.json` for the language packs installed in `dirs.extensions`, as VS Code's server
 * does when a pack is installed from the UI. `--install-extension` does not write it (code-server issue #4735;
 * code-server's own display-language e2e test writes it in its set-up too, PR #5495), and without it `--locale`
 * falls back to English. Same shape as VS Code's LanguagePacksCache: id → { hash, extensions, translations, label }.
 */
export function writeLanguagePacks(dirs: StateDirs): void {
  interface Localization {
    languageId: string;
    languageName?: string;
    localizedLanguageName?: string;
    translations: { id: string; path: string }[];
  }
  const packs: Record<string, { hash: string; extensions: unknown[]; translations: Record<string, string>; label?: string }> = {};
  for (const name of readdirSync(dirs.extensions)) {
    const dir = join(dirs.extensions, name);
    let manifest: { publisher: string; name: string; version: string; contributes?: { localizations?: Localization[] } };
    try {
      manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as typeof manifest;
    } catch {
      continue; // extensions.json and the like
    }
    const id = `${manifest.publisher}.${manifest.name}`.toLowerCase();
    for (const loc of manifest.contributes?.localizations ?? []) {
      const pack = (packs[loc.languageId] ??= {
        hash: '',
        extensions: [],
        translations: {},
        label: loc.localizedLanguageName ?? loc.languageName,
      });
      pack.extensions.push({ extensionIdentifier: { id }, version: manifest.version });
      for (const t of loc.translations) pack.translations[t.id] = join(dir, t.path);
      pack.hash = createHash('md5').update(`${id}${manifest.version}`).digest('hex');
    }
  }
  writeFileSync(join(dirs.userData, 'languagepacks.json'), `${JSON.stringify(packs, null, 2)}\n`);
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly logFile: string;
  /** Ends the server's whole process group; resolves when the server has exited. */
  stop(): Promise<void>;
  log(): string;
}

export interface StartOptions {
  readonly dirs: StateDirs;
  readonly workspace: string;
  readonly port?: number;
  /** Needed for extension-host tests: the workbench then honours extensionTestsPath in the URL payload. */
  readonly smokeTestDriver?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** Keep workspace trust on (no --disable-workspace-trust); the user settings decide whether it is enabled. */
  readonly workspaceTrust?: boolean;
  /** `--locale`: VS Code's display language; it only switches when a language pack for it is installed. */
  readonly locale?: string;
}

export async function startCodeServer(tools: Tools, opts: StartOptions): Promise<RunningServer> {
  const port = opts.port ?? (await freePort());
  mkdirSync(opts.dirs.root, { recursive: true });
  const logFile = join(opts.dirs.root, 'code-server.log');
  const out = openSync(logFile, 'w');
  const args = [
    tools.codeServer,
    '--config',
    '/dev/null',
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--reconnection-grace-time',
    '10',
    '--user-data-dir',
    opts.dirs.userData,
    '--extensions-dir',
    opts.dirs.extensions,
  ];
  if (!opts.workspaceTrust) args.push('--disable-workspace-trust');
  if (opts.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  if (opts.locale) args.push('--locale', opts.locale);
  args.push(opts.workspace);
  // detached: its own process group (setsid), so the group can be ended as a whole.
  const child = spawn(join(tools.node24Dir, 'bin', 'node'), args, {
    env: node24Env(tools, isolatedEnv(opts.dirs, { ...process.env, ...opts.env })),
    stdio: ['ignore', out, out],
    detached: true,
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('code-server did not start');
  const stop = async (): Promise<void> => {
    for (const sig of ['SIGTERM', 'SIGKILL'] as const) {
      try {
        process.kill(-pid, sig);
      } catch {
        /* group already gone */
      }
      const done = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
      if (done) break;
    }
    // Children (extension hosts, file watchers) share the group; give the signal a moment to reach them all.
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* all gone */
    }
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60000;
  for (;;) {
    if (dead) throw new Error(`code-server exited during start-up:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on ${url} within 60 s; log: ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, port, logFile, stop, log: () => readFileSync(logFile, 'utf8') };
}
