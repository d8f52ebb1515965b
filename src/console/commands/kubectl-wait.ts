import type { ClusterState, KObject } from '../../engine/index.ts'
import { getObject, parseDuration, qualifiedSingular } from '../../engine/index.ts'
import type { CommandSpec, OutputLine } from '../types.ts'
import { fail, out, err } from '../types.ts'
import { bool, str } from '../flags.ts'
import { ALL_NAMESPACES_FLAG, SELECTOR_FLAG, namespaceOf, withGlobals } from './kubectlFlags.ts'
import { parseResourceArgs, listFor, groupResource } from '../kubectl/resources.ts'
import { parseSelector, matchesSelector } from '../kubectl/selectors.ts'
import { evaluateJsonPath } from '../format/jsonpath.ts'

// kubectl wait --for=condition=Ready|--for=delete|--for=jsonpath='{…}'=value, advancing simulated
// time until every object satisfies it or --timeout (30s by default) passes.

type Check = (o: KObject | undefined) => boolean

function parseFor(text: string | undefined): Check | string {
  if (!text) return 'error: --for must be specified'
  if (text === 'delete') return (o) => o === undefined
  let m = /^condition=([^=]+)(?:=(.*))?$/.exec(text)
  if (m) {
    const type = m[1]!.toLowerCase()
    const want = (m[2] ?? 'true').toLowerCase()
    return (o) =>
      !!(
        o as { status?: { conditions?: { type: string; status: string }[] } } | undefined
      )?.status?.conditions?.some(
        (c) => c.type.toLowerCase() === type && c.status.toLowerCase() === want,
      )
  }
  m = /^jsonpath=(.+?)(?:=(.*))?$/.exec(text)
  if (m) {
    const path = m[1]!.replace(/^'(.*)'$/, '$1')
    const want = m[2]
    return (o) => {
      if (!o) return false
      const v = evaluateJsonPath(
        path.startsWith('{') ? path : `{${path}}`,
        JSON.parse(JSON.stringify(o)),
      )
      return want === undefined ? v !== '' : v === want
    }
  }
  return `error: unrecognized condition: "${text}"`
}

export const kubectlWait: CommandSpec = {
  path: ['kubectl', 'wait'],
  modes: ['local'],
  summary: 'Wait for a specific condition on one or many resources',
  usage:
    "kubectl wait ([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)]) [--for=create|--for=delete|--for condition=available|--for=jsonpath='{}'[=value]]",
  args: ['resource', 'pod'],
  flags: withGlobals([
    {
      name: 'for',
      type: 'string',
      description:
        "The condition to wait on: [create|delete|condition=condition-name[=condition-value]|jsonpath='{JSONPath expression}'=[JSONPath value]].",
    },
    {
      name: 'timeout',
      type: 'string',
      default: '30s',
      description: 'The length of time to wait before giving up.',
    },
    {
      name: 'all',
      type: 'bool',
      description: 'Select all resources in the namespace of the specified resource types',
    },
    SELECTOR_FLAG,
    ALL_NAMESPACES_FLAG,
  ]),
  run(inv, env) {
    const check = parseFor(str(inv.flags, 'for'))
    if (typeof check === 'string') return fail([check])
    const timeoutText = str(inv.flags, 'timeout') ?? '30s'
    const timeout = parseDuration(timeoutText)
    if (timeout === undefined)
      return fail([
        `error: invalid argument "${timeoutText}" for "--timeout" flag: time: invalid duration "${timeoutText}"`,
      ])
    const parsed = parseResourceArgs(inv.args)
    if (!parsed.ok)
      return fail([
        `error: ${parsed.error === 'Required resource not specified.' ? 'resource(s) were provided, but no name was specified' : parsed.error}`,
      ])
    const ns = namespaceOf(inv.flags)
    const sel = parseSelector(str(inv.flags, 'selector') ?? '')
    if (typeof sel === 'string') return fail([`error: ${sel}`])
    const targets: {
      r: (typeof parsed.requests)[number]['resource']
      name: string
      namespace?: string
      uid?: string
    }[] = []
    const isDelete = str(inv.flags, 'for') === 'delete'
    for (const { resource: r, names } of parsed.requests) {
      if (names.length)
        for (const n of names)
          targets.push({
            r,
            name: n,
            namespace: r.namespaced ? ns : undefined,
            uid: getObject(env.sim.state, r.kind, r.namespaced ? ns : undefined, n)?.metadata.uid,
          })
      else if (bool(inv.flags, 'all') || str(inv.flags, 'selector') !== undefined)
        for (const o of listFor(
          env.sim.state,
          r,
          bool(inv.flags, 'all-namespaces') ? undefined : ns,
        ).filter((o) => matchesSelector(sel, o.metadata.labels)))
          targets.push({
            r,
            name: o.metadata.name,
            namespace: o.metadata.namespace,
            uid: o.metadata.uid,
          })
      else return fail(['error: resource(s) were provided, but no name was specified'])
    }
    if (targets.length === 0) return fail(['error: no matching resources found'])
    const lines: OutputLine[] = []
    for (const t of targets) {
      if (!t.uid && !isDelete)
        return fail([`Error from server (NotFound): ${groupResource(t.r)} "${t.name}" not found`])
    }
    const current = (s: ClusterState, t: (typeof targets)[number]) => {
      const o = getObject(s, t.r.kind, t.namespace, t.name)
      return o && o.metadata.uid === t.uid ? o : isDelete ? undefined : o
    }
    const done = new Set<number>()
    const all = (s: ClusterState) => {
      targets.forEach((t, i) => {
        if (!done.has(i) && check(current(s, t))) {
          done.add(i)
          if (t.uid) lines.push(out(`${qualifiedSingular(t.r)}/${t.name} condition met`))
        }
      })
      return done.size === targets.length
    }
    if (!all(env.sim.state)) env.sim.runUntil(all, timeout)
    if (done.size < targets.length) {
      const first = targets.find((_, i) => !done.has(i))!
      return {
        lines: [
          ...lines,
          err(
            `error: timed out waiting for the condition on ${groupResource(first.r).split('.')[0]}/${first.name}`,
          ),
        ],
        exitCode: 1,
      }
    }
    return { lines, exitCode: 0 }
  },
}
