import type { Context } from 'hono';

/** What `@hono/node-server` passes as the app's env: the Node request, whose socket knows the peer. */
interface NodeBindings {
  readonly incoming?: { readonly socket?: { readonly remoteAddress?: string | undefined } | undefined } | undefined;
}

/** The key of requests whose address is unknown (in-process `app.request()` without a Node env). */
export const UNKNOWN_ADDRESS = 'unknown';

/**
 * The client's address, for per-address limits. By default the TCP peer (`socket.remoteAddress`);
 * `X-Forwarded-For` is ignored, since any client can send it. Behind `trustedProxies` reverse proxies,
 * each of which appends the address it saw, the entry that many places from the right is the one
 * the outermost trusted proxy saw: entries to its left are whatever the client claimed.
 */
export function clientAddress(c: Context, trustedProxies: number): string {
  const peer = (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress ?? UNKNOWN_ADDRESS;
  const trusted = Math.floor(trustedProxies);
  if (trusted <= 0) return peer;
  const hops = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  if (hops.length === 0) return peer;
  return hops[Math.max(0, hops.length - trusted)]!;
}
