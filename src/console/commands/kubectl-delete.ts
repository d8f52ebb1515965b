import type { KObject, ResourceInfo } from '../../engine/index.ts'
import {
  deleteObjectGracefully,
  getObject,
  lookupResource,
  qualifiedSingular,
} from '../../engine/index.ts'
import type { CommandSpec, OutputLine } from '../types.ts'
import { fail, out, err } from '../types.ts'
import { bool, int, str, strs } from '../flags.ts'
import {
  ALL_NAMESPACES_FLAG,
  FILENAME_FLAG,
  SELECTOR_FLAG,
  namespaceOf,
  withGlobals,
} from './kubectlFlags.ts'
import { parseResourceArgs, listFor, groupResource } from '../kubectl/resources.ts'
import { parseSelector, matchesSelector } from '../kubectl/selectors.ts'
import { readManifests } from './kubectl-apply.ts'
import { apiErrorLines } from '../errors.ts'

// kubectl delete: prints `<kind> "<name>" deleted` as each DELETE is accepted, then (--wait=true,
// the default) waits until the objects are really gone — for a pod, until the kubelet has stopped
// its containers, which takes the whole grace period when PID 1 ignores SIGTERM.

const WAIT_LIMIT_MS = 5 * 60_000

export const kubectlDelete: CommandSpec = {
  path: ['kubectl', 'delete'],
  modes: ['local'],
  summary:
    'Delete resources by file names, stdin, resources and names, or by resources and label selector',
  usage: 'kubectl delete ([-f FILENAME] | TYPE [(NAME | -l label | --all)]) [options]',
  mutates: true,
  args: ['resource', 'pod'],
  flags: withGlobals([
    FILENAME_FLAG,
    SELECTOR_FLAG,
    ALL_NAMESPACES_FLAG,
    {
      name: 'all',
      type: 'bool',
      description: 'Delete all resources, in the namespace of the specified resource types.',
    },
    {
      name: 'grace-period',
      type: 'int',
      default: -1,
      description: 'Period of time in seconds given to the resource to terminate gracefully.',
    },
    {
      name: 'now',
      type: 'bool',
      description:
        'If true, resources are signaled for immediate shutdown (same as --grace-period=1).',
    },
    {
      name: 'force',
      type: 'bool',
      description: 'If true, immediately remove resources from API and bypass graceful deletion.',
    },
    {
      name: 'wait',
      type: 'bool',
      default: true,
      description: 'If true, wait for resources to be gone before returning.',
    },
    {
      name: 'ignore-not-found',
      type: 'bool',
      description: 'Treat "resource not found" as a successful delete.',
    },
  ]),
  run(inv, env) {
    const ns = namespaceOf(inv.flags)
    const targets: { r: ResourceInfo; obj?: KObject; name: string; namespace?: string }[] = []
    const errors: OutputLine[] = []
    if (strs(inv.flags, 'filename').length) {
      const read = readManifests(inv, env)
      if (!read.ok) return { lines: read.lines, exitCode: 1 }
      for (const m of read.manifests) {
        const name = String(m.obj.metadata.name)
        const namespace = m.resource.namespaced ? (m.obj.metadata.namespace ?? ns) : undefined
        targets.push({
          r: m.resource,
          name,
          namespace,
          obj: getObject(env.sim.state, m.resource.kind, namespace, name),
        })
      }
    } else {
      if (inv.args.length === 0)
        return fail([
          'error: You must provide one or more resources by argument or filename.',
          'Example resource specifications include:',
          "   '-f rsrc.yaml'",
          "   '--filename=rsrc.json'",
          "   '<resource> <name>'",
          "   '<resource>'",
        ])
      const parsed = parseResourceArgs(inv.args)
      if (!parsed.ok) return fail([`error: ${parsed.error}`])
      const selText = str(inv.flags, 'selector')
      const all = bool(inv.flags, 'all')
      for (const { resource: r, names } of parsed.requests) {
        if (names.length) {
          for (const n of names)
            targets.push({
              r,
              name: n,
              namespace: r.namespaced ? ns : undefined,
              obj: getObject(env.sim.state, r.kind, r.namespaced ? ns : undefined, n),
            })
        } else if (selText !== undefined || all) {
          const sel = selText !== undefined ? parseSelector(selText) : []
          if (typeof sel === 'string') return fail([`error: ${sel}`])
          const allNs = bool(inv.flags, 'all-namespaces')
          for (const o of listFor(env.sim.state, r, allNs ? undefined : ns).filter((o) =>
            matchesSelector(sel, o.metadata.labels),
          ))
            targets.push({ r, name: o.metadata.name, namespace: o.metadata.namespace, obj: o })
        } else {
          return fail([`error: resource(s) were provided, but no name was specified`])
        }
      }
      if (targets.length === 0) return { lines: [out('No resources found')], exitCode: 0 }
    }
    const force = bool(inv.flags, 'force')
    let grace = int(inv.flags, 'grace-period') ?? -1
    if (bool(inv.flags, 'now')) grace = 1
    if (force && grace < 0) grace = 0
    const lines: OutputLine[] = []
    if (force)
      lines.push({
        text: 'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.',
        tone: 'warn',
      })
    const deleted: typeof targets = []
    for (const t of targets) {
      if (!t.obj) {
        if (!bool(inv.flags, 'ignore-not-found'))
          errors.push(
            err(`Error from server (NotFound): ${groupResource(t.r)} "${t.name}" not found`),
          )
        continue
      }
      const r = env.sim.transact((ctx) =>
        deleteObjectGracefully(
          ctx,
          t.r.kind,
          t.namespace,
          t.name,
          grace >= 0 ? { gracePeriodSeconds: grace } : {},
        ),
      )
      if (!r.ok) {
        errors.push(...apiErrorLines(r.error))
        continue
      }
      lines.push(out(`${qualifiedSingular(t.r)} "${t.name}" deleted`))
      deleted.push(t)
    }
    if (bool(inv.flags, 'wait') && !force && deleted.length) {
      const uids = new Set(deleted.map((t) => t.obj!.metadata.uid))
      env.sim.runUntil(
        (s) =>
          deleted.every(
            (t) =>
              getObject(s, t.r.kind, t.namespace, t.name)?.metadata.uid !== t.obj!.metadata.uid,
          ) || uids.size === 0,
        WAIT_LIMIT_MS,
      )
    }
    return { lines: [...lines, ...errors], exitCode: errors.length ? 1 : 0 }
  },
}

export { lookupResource }
