// One activation, as the extension host does it: `require` the bundle (with `vscode` resolved to a stub), then call
// `activate(context)`. Run in a fresh process per sample by bench/activation.ts; prints {"loadMs","activateMs","modules"} (the files `require`d by then).
// With a third argument (dist/features.js), then loads and starts the features as their first use does ("featuresMs").
// With CW_ACTIVATION_COMMAND=<command id>, then runs that registered command ("commandShown": did it show the channel).
'use strict';
/* global require, process, __filename, setImmediate */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS host, loaded the way the extension host loads extensions */
const Module = require('node:module');
const { performance } = require('node:perf_hooks');

/** Any property is another stub; calls and `new` return stubs; a stub is a disposable, never a thenable. */
function stub(name) {
  const target = function () {};
  return new Proxy(target, {
    get(t, prop) {
      if (prop === 'then') return undefined;
      if (prop === Symbol.toPrimitive) return () => name;
      if (prop === 'dispose') return () => undefined;
      if (!(prop in t)) t[prop] = stub(`${name}.${String(prop)}`);
      return t[prop];
    },
    // The extension sets properties on what the API returns (a status item's name, text…): keep them, even the
    // function target's own read-only `name` and `length`.
    set(t, prop, value) {
      Object.defineProperty(t, prop, { value, writable: true, configurable: true, enumerable: true });
      return true;
    },
    apply: () => stub(`${name}()`),
    construct: () => stub(`new ${name}`),
  });
}

class EventEmitter {
  constructor() {
    this.listeners = [];
    this.event = (l) => {
      this.listeners.push(l);
      return { dispose: () => undefined };
    };
  }
  fire(e) {
    for (const l of this.listeners) l(e);
  }
  dispose() {
    this.listeners = [];
  }
}
const memento = () => ({ get: (_k, d) => d, update: async () => undefined, keys: () => [], setKeysForSync: () => undefined });
const log = Object.fromEntries(
  ['trace', 'debug', 'info', 'warn', 'error', 'append', 'appendLine', 'show', 'hide', 'clear', 'dispose', 'replace'].map((k) => [
    k,
    () => undefined,
  ]),
);
const commandHandlers = {};
let channelShown = false;
const overrides = {
  EventEmitter,
  commands: {
    registerCommand: (id, fn) => {
      commandHandlers[id] = fn;
      return { dispose: () => undefined };
    },
  },
  workspace: {
    getConfiguration: () => ({ get: (_k, d) => d, inspect: () => undefined, has: () => false, update: async () => undefined }),
    workspaceFolders: undefined,
    isTrusted: true,
    textDocuments: [],
  },
  window: {
    createOutputChannel: () => ({
      ...log,
      show: () => {
        channelShown = true;
      },
      name: 'Column Wizard',
      logLevel: 2,
      onDidChangeLogLevel: () => ({ dispose() {} }),
    }),
    visibleTextEditors: [],
    activeTextEditor: undefined,
  },
  l10n: {
    t: (m, ...a) => (typeof m === 'string' ? m : m.message).replace(/\{(\d+)\}/g, (_, i) => String(a[i])),
    bundle: undefined,
    uri: undefined,
  },
  env: { language: 'en' },
};
// esbuild's interop copies the module's own property names once, so the stub module lists the API's top-level names.
const API = [
  'commands',
  'window',
  'workspace',
  'languages',
  'env',
  'extensions',
  'l10n',
  'authentication',
  'debug',
  'tasks',
  'tests',
  'CancellationError',
  'CancellationTokenSource',
  'CodeAction',
  'CodeActionKind',
  'CodeLens',
  'ConfigurationTarget',
  'Diagnostic',
  'DiagnosticSeverity',
  'DiagnosticTag',
  'Disposable',
  'EventEmitter',
  'FileSystemError',
  'FileType',
  'Hover',
  'LanguageStatusSeverity',
  'MarkdownString',
  'Position',
  'ProgressLocation',
  'QuickPickItemKind',
  'Range',
  'RelativePattern',
  'Selection',
  'StatusBarAlignment',
  'ThemeColor',
  'ThemeIcon',
  'TreeItem',
  'TreeItemCollapsibleState',
  'Uri',
  'ViewColumn',
  'WorkspaceEdit',
  'LogLevel',
  'ExtensionMode',
];
const root = stub('vscode');
const vscode = {};
for (const name of API) {
  const o = overrides[name];
  vscode[name] = o && typeof o === 'object' ? new Proxy(o, { get: (oo, p) => (p in oo ? oo[p] : root[name][p]) }) : (o ?? root[name]);
}

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };

const [bundle, packageJson, features] = process.argv.slice(2);
const context = new Proxy(
  {
    subscriptions: [],
    globalState: memento(),
    workspaceState: memento(),
    secrets: {
      get: async () => undefined,
      store: async () => undefined,
      delete: async () => undefined,
      onDidChange: () => ({ dispose() {} }),
    },
    extension: { packageJSON: require(packageJson), id: 'column-wizard.column-wizard' },
    extensionMode: 1,
  },
  { get: (t, p) => (p in t ? t[p] : stub(`context.${String(p)}`)) },
);

const t0 = performance.now();
const ext = require(bundle);
const t1 = performance.now();
if (typeof ext.activate === 'function') ext.activate(context);
const t2 = performance.now();
const command = process.env.CW_ACTIVATION_COMMAND;
const ran = command ? Promise.resolve(commandHandlers[command]?.()) : Promise.resolve();
// The modules loaded once the promises activate() (and the command) started have run (a `void import(…)` shows here).
void ran.then(() =>
  setImmediate(() => {
    const modules = Object.keys(require.cache).filter((f) => f !== 'vscode' && f !== __filename && f !== packageJson);
    let featuresMs;
    if (features) {
      const t3 = performance.now();
      require(features).startFeatures(context, { channel: vscode.window.createOutputChannel(), ...log });
      featuresMs = performance.now() - t3;
    }
    const commandShown = command ? channelShown : undefined;
    process.stdout.write(`${JSON.stringify({ loadMs: t1 - t0, activateMs: t2 - t1, modules, featuresMs, commandShown })}\n`);
    process.exit(0);
  }),
);
