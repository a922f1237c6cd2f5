/** Sequelize CLI: `YYYYMMDDHHMMSS-name.js` exporting up/down; the CLI opens no transaction, so nothing to opt out of. */
import { build, HEADER, result } from '../common';
import { calls } from '../code';
import type { MigrationWriter } from '../types';

export const sequelize: MigrationWriter = {
  tool: 'sequelize',
  label: 'Sequelize CLI',
  defaultDir: 'migrations',
  defaultScheme: { kind: 'timestamp', width: 14, format: 'datetime' },
  versionOf: (file) => /^(\d+)-[^/]*\.(js|cjs|ts|cts)$/.exec(file)?.[1],
  reads: () => [],
  write(plan, ctx) {
    const flavour = ctx.options.code ?? { ext: 'js', esm: false };
    const q = (l: string) => `await queryInterface.sequelize.query(${l})`;
    const { files } = build(this, plan, ctx, {
      order: 'text',
      render: (u, v) => {
        const up = calls(u.up, q, '    ');
        const down = u.down.length ? calls(u.down, q, '    ') : ['    // nothing to undo in this phase'];
        const head = flavour.esm ? ['export default {'] : ["'use strict';", '', "/** @type {import('sequelize-cli').Migration} */", 'module.exports = {'];
        const lines = [`// ${HEADER}: ${u.title}`, ...head, '  async up(queryInterface) {', ...up, '  },', '', '  async down(queryInterface) {', ...down, '  },', '};', ''];
        return { files: [{ name: `${v}-${u.slug.replace(/_/g, '-')}.${flavour.ext}`, content: lines.join('\n') }] };
      },
    });
    return result('sequelize', { files, notes: ['Apply with `sequelize db:migrate`; `sequelize db:migrate:undo` undoes one migration. The CLI runs each statement on its own, outside any transaction.'] });
  },
};
