import type { ConnectionOptions } from '../connection';
import { checkLocalHost } from '../hosts';
import { RunFailure } from './types';

/** Refuse a host that is not local (src/db/hosts.ts, by resolved address) unless the connection profile allows running there. */
export async function assertRunAllowed(options: Pick<ConnectionOptions, 'host'>, allowRemote: boolean | undefined): Promise<void> {
  if (allowRemote) return;
  const verdict = await checkLocalHost(options.host);
  if (verdict.local) return;
  throw new RunFailure(
    `Refusing to run on "${options.host}": it is not a local host (${verdict.reason}). Running migrations is meant for local databases; ` +
      'set "allowRun": true on the connection profile (CLI: --allow-remote) if you really mean this server.',
    'refused',
    null,
  );
}
