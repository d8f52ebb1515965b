// IPv4 arithmetic on unsigned 32-bit integers.

export function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number)
  return (((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!) >>> 0
}

export function intToIp(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
}

export function parseCidr(cidr: string): { base: number; prefix: number; size: number } {
  const [ip, p] = cidr.split('/')
  const prefix = Number(p)
  const size = 2 ** (32 - prefix)
  const base = (ipToInt(ip!) & (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0)) >>> 0
  return { base, prefix, size }
}

export function cidrContains(cidr: string, ip: string): boolean {
  const { base, size } = parseCidr(cidr)
  const n = ipToInt(ip)
  return n >= base && n < base + size
}

/** ip-192-168-12-34: how EC2 names an instance after its private IPv4. */
export function ipDnsLabel(ip: string): string {
  return `ip-${ip.replaceAll('.', '-')}`
}
