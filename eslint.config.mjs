// Layer rules: the direction of imports is a lint error, not a convention.
//   webview → protocol → core ← db ← extension / cli
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'net', 'tls', 'crypto', 'http', 'https', 'url', 'util', 'events', 'stream', 'worker_threads', 'process'];
const drivers = ['pg', 'pg-*', 'mysql2', 'mysql2/*'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.tools/**', '.embedded-pg/**', 'test-results/**', 'test/fixtures/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/protocol.ts', 'src/protocolValidation.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['vscode'], message: 'src/core is pure: no vscode.' },
          { group: drivers, message: 'src/core is pure: no database driver.' },
          { group: nodeBuiltins, message: 'src/core is pure: no node built-ins; take I/O as arguments.' },
          { group: ['**/db/**', '**/extension/**', '**/cli'], message: 'src/core imports nothing above it.' },
        ],
      }],
    },
  },
  {
    files: ['src/db/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['vscode'], message: 'src/db never imports vscode.' },
          { group: ['**/extension/**', '**/cli'], message: 'src/db imports core only.' },
        ],
      }],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['vscode'], message: 'The webview runs in a browser: no vscode module (use acquireVsCodeApi in webview/vscodeApi.ts).' },
          { group: ['**/db/**', '**/extension/**', ...drivers], message: 'The webview imports protocol and core only.' },
          { group: nodeBuiltins, message: 'The webview runs in a browser: no node modules.' },
        ],
      }],
    },
  },
);
