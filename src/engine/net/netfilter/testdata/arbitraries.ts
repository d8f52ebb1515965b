// fast-check generators of valid rule specifications (for a user chain `X` of the filter table,
// where every target of the grammar may appear; chain `Y` exists to be jumped to). Test-only.

import fc from 'fast-check'

const not = fc.boolean().map((b) => (b ? '! ' : ''))
const octet = fc.integer({ min: 0, max: 255 })
const ip = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'))
const cidr = fc
  .tuple(ip, fc.option(fc.integer({ min: 0, max: 32 }), { nil: undefined }))
  .map(([a, l]) => (l === undefined ? a : `${a}/${l}`))
const addr = (flag: string) => fc.tuple(not, cidr).map(([n, c]) => `${n}${flag} ${c}`)
const iface = (flag: string) =>
  fc
    .tuple(not, fc.constantFrom('eth0', 'eni+', 'lo', 'vlan+', 'ens5'))
    .map(([n, i]) => `${n}${flag} ${i}`)
const port = fc.integer({ min: 0, max: 65535 })
const portSpec = fc.oneof(
  port.map(String),
  fc.tuple(port, port).map(([a, b]) => `${Math.min(a, b)}:${Math.max(a, b)}`),
)
const commentText = fc
  .stringMatching(/^[A-Za-z0-9 /:._>,-]{1,30}$/)
  .filter((s) => s.trim() === s && s !== '')
const comment = commentText.map((c) => `-m comment --comment "${c}"`)
const u32 = fc.integer({ min: 0, max: 0xffffffff }).map((n) => `0x${n.toString(16)}`)
const markMatch = fc
  .tuple(fc.constantFrom('mark', 'connmark'), not, u32, fc.option(u32, { nil: undefined }))
  .map(([m, n, v, k]) => `-m ${m} ${n}--mark ${v}${k ? '/' + k : ''}`)
const probability = fc
  .integer({ min: 0, max: 10_000_000_000 })
  .map((n) => `-m statistic --mode random --probability ${(n / 1e10).toFixed(10)}`)
const ctstate = fc
  .tuple(
    not,
    fc.subarray(['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED', 'SNAT', 'DNAT'], {
      minLength: 1,
    }),
  )
  .map(([n, s]) => `-m conntrack ${n}--ctstate ${s.join(',')}`)
const addrtype = fc
  .tuple(not, fc.constantFrom('LOCAL', 'UNICAST', 'BROADCAST', 'MULTICAST'))
  .map(([n, t]) => `-m addrtype ${n}--dst-type ${t}`)
const generic = fc.oneof(comment, markMatch, probability, ctstate, addrtype)

const tcpUdp = fc
  .tuple(
    fc.constantFrom('tcp', 'udp'),
    fc.option(fc.tuple(not, portSpec), { nil: undefined }),
    fc.option(fc.tuple(not, portSpec), { nil: undefined }),
    fc.boolean(),
  )
  .map(([p, s, d, explicit]) => {
    let out = `-p ${p}${explicit ? ` -m ${p}` : ''}`
    if (s) out += ` ${s[0]}--sport ${s[1]}`
    if (d) out += ` ${d[0]}--dport ${d[1]}`
    return out
  })
const multiport = fc
  .tuple(
    fc.constantFrom('tcp', 'udp'),
    fc.constantFrom('sports', 'dports', 'ports'),
    not,
    fc.array(portSpec, { minLength: 1, maxLength: 7 }),
  )
  .map(([p, k, n, l]) => `-p ${p} -m multiport ${n}--${k} ${l.join(',')}`)
const icmp = fc
  .tuple(not, fc.constantFrom('echo-request', 'echo-reply', '3/1', '11', 'any', 'port-unreachable'))
  .map(([n, t]) => `-p icmp ${n}--icmp-type ${t}`)
const protoPart = fc.oneof(
  fc.constant(''),
  tcpUdp,
  multiport,
  icmp,
  fc.constantFrom('-p all', '! -p tcp', '-p sctp'),
)

const target = fc.oneof(
  fc.constantFrom('', '-j ACCEPT', '-j DROP', '-j RETURN', '-j Y', '-g Y', '-j REJECT'),
  fc
    .tuple(
      fc.constantFrom('MARK', 'CONNMARK'),
      fc.constantFrom('set-xmark', 'set-mark', 'or-mark', 'xor-mark', 'and-mark'),
      u32,
    )
    .map(([t, op, v]) => `-j ${t} --${op} ${v}`),
  fc
    .tuple(fc.constantFrom('save-mark', 'restore-mark'), fc.option(u32, { nil: undefined }))
    .map(([op, m]) => `-j CONNMARK --${op}${m ? ` --mask ${m}` : ''}`),
  fc
    .tuple(fc.option(commentText, { nil: undefined }), fc.integer({ min: 0, max: 7 }))
    .map(([p, l]) => `-j LOG${p ? ` --log-prefix "${p.slice(0, 28)}"` : ''} --log-level ${l}`),
  fc
    .constantFrom('icmp-net-unreachable', 'host-unreach', 'icmp-admin-prohibited')
    .map((w) => `-j REJECT --reject-with ${w}`),
)

/** One rule's options, in a learner's or kube-proxy's order (basic options, protocol, matches, target). */
export const ruleArgs = fc
  .tuple(
    fc.option(addr('-s'), { nil: undefined }),
    fc.option(addr('-d'), { nil: undefined }),
    fc.option(iface('-i'), { nil: undefined }),
    fc.option(iface('-o'), { nil: undefined }),
    fc.array(generic, { maxLength: 2 }),
    protoPart,
    fc.array(generic, { maxLength: 2 }),
    target,
  )
  .map(([s, d, i, o, m1, p, m2, t]) =>
    [...m1, s, d, i, o, p, ...m2, t].filter((x): x is string => !!x).join(' '),
  )
