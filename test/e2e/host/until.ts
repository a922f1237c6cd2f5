/** Poll `probe` until it returns something other than undefined, or fail after `ms` naming `what`. Shared by the host specs. */
export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 30000, everyMs = 150): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
