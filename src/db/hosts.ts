import { lookup } from 'node:dns/promises';
import { ipVersion, isLoopbackAddress, isSocketHost } from '../core/hosts';

/** How a host was judged: `local` only when every address it resolves to is a loopback address. */
export interface HostVerdict {
  readonly local: boolean;
  /** The addresses the name resolved to (the literal itself for an IP address; empty for a socket or a failed lookup). */
  readonly addresses: readonly string[];
  /** Why it is not local, for a message (a remote address, or the lookup error). */
  readonly reason?: string;
}

/**
 * The one local-host rule (extension, CLI and runner): a Unix socket, or a name/address whose every resolved address
 * is a loopback address (127.0.0.0/8, ::1, ::ffff:127.x). Names are resolved with the system resolver (`/etc/hosts`
 * included), so `db.localhost` counts only when it really resolves to loopback, and `localhost` pointed elsewhere
 * does not. A name that does not resolve is not local.
 */
export async function checkLocalHost(host: string): Promise<HostVerdict> {
  const h = host.trim();
  if (isSocketHost(h)) return { local: true, addresses: [] };
  const bare = h.replace(/^\[(.*)\]$/, '$1');
  if (ipVersion(bare)) {
    return isLoopbackAddress(bare)
      ? { local: true, addresses: [bare] }
      : { local: false, addresses: [bare], reason: `${bare} is not a loopback address` };
  }
  let addresses: string[];
  try {
    addresses = (await lookup(bare, { all: true, verbatim: true })).map((a) => a.address);
  } catch (err) {
    return {
      local: false,
      addresses: [],
      reason: `"${bare}" does not resolve (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    };
  }
  const remote = addresses.filter((a) => !isLoopbackAddress(a));
  if (addresses.length === 0 || remote.length)
    return { local: false, addresses, reason: `"${bare}" resolves to ${remote.join(', ') || 'nothing'}` };
  return { local: true, addresses };
}

export async function isLocalHost(host: string): Promise<boolean> {
  return (await checkLocalHost(host)).local;
}
