import {
  ipAddr,
  ipLink,
  ipNeigh,
  ipRoute,
  ipRule,
  type IpFlavour,
  type IpPlace,
} from '../../engine/net/ipam/iproute2.ts'
import type { CommandResult, CommandSpec } from '../types.ts'
import { err, out } from '../types.ts'
import { withCtx } from './shell-coreutils.ts'

// `ip` (iproute2 on the node and in Debian-based images; BusyBox's applet in busybox/alpine): the
// read-only subcommands a learner uses to see what the VPC CNI set up. Changes (`ip route add` …)
// are refused as a non-root container would be, or with iproute2's own wording on the node.

const OBJECTS: [string, string][] = [
  ['address', 'addr'],
  ['addr', 'addr'],
  ['a', 'addr'],
  ['link', 'link'],
  ['l', 'link'],
  ['route', 'route'],
  ['ro', 'route'],
  ['r', 'route'],
  ['rule', 'rule'],
  ['ru', 'rule'],
  ['neighbour', 'neigh'],
  ['neighbor', 'neigh'],
  ['neigh', 'neigh'],
  ['n', 'neigh'],
]
const SHOW = ['show', 'list', 'ls', 'lst', 'sh']

function usage(f: IpFlavour): CommandResult {
  return {
    lines:
      f === 'busybox'
        ? [err('Usage: ip [OPTIONS] address|route|link|tunnel|neigh|rule [ARGS]')]
        : [
            err('Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }'),
            err('where  OBJECT := { address | link | neighbor | route | rule | ... }'),
          ],
    exitCode: f === 'busybox' ? 1 : 255,
  }
}

export function runIp(args: string[], place: IpPlace, f: IpFlavour): CommandResult {
  const rest = args.filter((a) => a !== '-4')
  if (rest.length === 0) return usage(f)
  const obj = OBJECTS.find(([k]) => k === rest[0])?.[1]
  if (!obj)
    return {
      lines: [err(`Object "${rest[0]}" is unknown, try "ip help".`)],
      exitCode: f === 'busybox' ? 1 : 255,
    }
  const words = rest.slice(1)
  const verb = words[0] && !SHOW.includes(words[0]) ? words[0] : 'show'
  if (words[0] && SHOW.includes(words[0])) words.shift()
  if (verb !== 'show') {
    if (['add', 'del', 'delete', 'change', 'replace', 'append', 'flush', 'set'].includes(verb))
      return {
        lines: [
          err(
            f === 'busybox'
              ? 'ip: RTNETLINK answers: Operation not permitted'
              : 'RTNETLINK answers: Operation not permitted',
          ),
        ],
        exitCode: f === 'busybox' ? 1 : 2,
      }
    return {
      lines: [err(`Command "${verb}" is unknown, try "ip ${obj} help".`)],
      exitCode: f === 'busybox' ? 1 : 255,
    }
  }
  const toResult = (r: string[] | { error: string }): CommandResult =>
    Array.isArray(r)
      ? { lines: r.map(out), exitCode: 0 }
      : { lines: [err(r.error)], exitCode: f === 'busybox' ? 1 : 1 }
  switch (obj) {
    case 'addr':
    case 'link': {
      const i = words.indexOf('dev')
      const dev = i >= 0 ? words[i + 1] : words[0]
      return toResult(obj === 'addr' ? ipAddr(place, f, dev) : ipLink(place, f, dev))
    }
    case 'route': {
      const i = words.indexOf('table')
      if (i >= 0 && !words[i + 1])
        return { lines: [err('Command line is not complete. Try option "help"')], exitCode: 255 }
      const r = ipRoute(place, f, i >= 0 ? words[i + 1] : 'main')
      if (!Array.isArray(r)) return { lines: [err(r.error), err('Dump terminated')], exitCode: 2 }
      return toResult(r)
    }
    case 'rule':
      return toResult(ipRule(place, f))
    default:
      return toResult(ipNeigh(place, f))
  }
}

export const ip: CommandSpec = {
  path: ['ip'],
  modes: ['node', 'container'],
  summary: 'Show interfaces, addresses, routes, policy rules and ARP entries (iproute2 / BusyBox)',
  usage: 'ip [-4] addr|link|route|rule|neigh [show] [dev IFACE] [table N]',
  rawArgs: true,
  run: (inv, env) =>
    withCtx(env, 'ip', (c) => {
      const state = env.sim.state
      const node = c.view ? c.view.node : c.node!
      const place: IpPlace = c.view ? { state, node, pod: c.view.rt } : { state, node }
      return runIp(inv.args, place, c.tools === 'busybox' ? 'busybox' : 'iproute2')
    }),
}
