import { isIP } from 'node:net';
import type { ConnectionOptions } from '../connection';
import { RunFailure } from './types';

/** Loopback addresses, `localhost`, and Unix socket paths. */
export function isLocalHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === '' || h === 'localhost' || h.endsWith('.localhost') || h.startsWith('/')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

/** Refuse a host that is not local unless the connection profile allows running there. */
export function assertRunAllowed(options: Pick<ConnectionOptions, 'host'>, allowRemote: boolean | undefined): void {
  if (allowRemote || isLocalHost(options.host)) return;
  throw new RunFailure(
    `Refusing to run on "${options.host}": it is not a local host. Running migrations is meant for local databases; ` +
      'set "allowRun": true on the connection profile (CLI: --allow-remote) if you really mean this server.',
    'refused',
    null,
  );
}
