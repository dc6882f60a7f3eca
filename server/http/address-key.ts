import { isIPv6 } from 'node:net';

/**
 * The key of a client address for per-address limits: an IPv4 address as it is (also when written
 * IPv4-mapped, `::ffff:203.0.113.7`), an IPv6 address by its /64 prefix — one subscriber usually
 * holds a whole /64, so per-address keys would give it 2^64 budgets. Anything else as it is.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  const bare = address.split('%')[0]!;
  if (!isIPv6(bare)) return address;
  const [head = '', tail = ''] = bare.split('::') as [string?, string?];
  const left = head === '' ? [] : head.split(':');
  const right = bare.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const groups = bare.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
