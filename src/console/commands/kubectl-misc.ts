import { RESOURCES, getObject } from '../../engine/index.ts'
import type { CommandSpec } from '../types.ts'
import { ok, fail, dim } from '../types.ts'
import { str } from '../flags.ts'
import { withGlobals, OUTPUT_FLAG } from './kubectlFlags.ts'
import { formatTable } from '../format/table.ts'
import { COMMANDS } from './index.ts'

/** The kubectl the learner runs (a v1.32 client, within one minor version of the v1.32 control plane). */
export const KUBECTL_CLIENT_VERSION = 'v1.32.5'

export const kubectlRoot: CommandSpec = {
  path: ['kubectl'],
  modes: ['local'],
  summary: 'kubectl controls the Kubernetes cluster manager',
  usage: 'kubectl [flags] [options]',
  rawArgs: true,
  run(inv) {
    if (
      inv.args.length &&
      inv.args[0] !== '--help' &&
      inv.args[0] !== '-h' &&
      !inv.args[0]!.startsWith('-')
    )
      return fail([`error: unknown command "${inv.args[0]}" for "kubectl"`])
    const subs = COMMANDS.filter((c) => c.path[0] === 'kubectl' && c.path.length === 2)
    const width = Math.max(...subs.map((s) => s.path[1]!.length)) + 3
    return ok([
      'kubectl controls the Kubernetes cluster manager.',
      '',
      ' Find more information at: https://kubernetes.io/docs/reference/kubectl/',
      '',
      'Commands simulated here:',
      ...subs.map((s) => `  ${s.path[1]!.padEnd(width)}${s.summary}`),
      '',
      'Usage:',
      '  kubectl [flags] [options]',
      '',
      'Use "kubectl <command> --help" for more information about a given command.',
    ])
  },
}

export const kubectlVersion: CommandSpec = {
  path: ['kubectl', 'version'],
  modes: ['local'],
  summary: 'Print the client and server version information',
  usage: 'kubectl version [--client] [-o json|yaml]',
  flags: withGlobals([
    {
      name: 'client',
      type: 'bool',
      description: 'If true, shows client version only (no server required).',
    },
    OUTPUT_FLAG,
  ]),
  run(inv, env) {
    const server = serverVersion(env.sim.state.aws.cluster.version)
    if (inv.flags.client)
      return ok([`Client Version: ${KUBECTL_CLIENT_VERSION}`, 'Kustomize Version: v5.5.0'])
    return ok([
      `Client Version: ${KUBECTL_CLIENT_VERSION}`,
      'Kustomize Version: v5.5.0',
      `Server Version: ${server}`,
    ])
  },
}

/** EKS reports its API server as vMAJOR.MINOR.PATCH-eks-<7 hex>. */
export function serverVersion(minor: string): string {
  return minor === '1.32' ? 'v1.32.9-eks-3025e55' : `v${minor}.0-eks-0000000`
}

export const kubectlClusterInfo: CommandSpec = {
  path: ['kubectl', 'cluster-info'],
  modes: ['local'],
  summary:
    'Display addresses of the control plane and services with label kubernetes.io/cluster-service=true',
  usage: 'kubectl cluster-info',
  flags: withGlobals([]),
  run(_inv, env) {
    const ep = env.sim.state.aws.cluster.endpoint
    const dns = getObject(env.sim.state, 'Service', 'kube-system', 'kube-dns')
    return ok([
      `Kubernetes control plane is running at ${ep}`,
      ...(dns
        ? [`CoreDNS is running at ${ep}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy`]
        : []),
      '',
      "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.",
    ])
  },
}

export const kubectlApiResources: CommandSpec = {
  path: ['kubectl', 'api-resources'],
  modes: ['local'],
  summary: 'Print the supported API resources on the server',
  usage: 'kubectl api-resources [--namespaced=true|false]',
  flags: withGlobals([
    {
      name: 'namespaced',
      type: 'string',
      description:
        'If false, non-namespaced resources will be returned, otherwise returning namespaced resources by default.',
    },
  ]),
  run(inv) {
    const nsFilter = str(inv.flags, 'namespaced')
    const rows = [['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']]
    const sorted = [...RESOURCES].sort((a, b) =>
      a.group === b.group
        ? a.resource < b.resource
          ? -1
          : 1
        : a.group === ''
          ? -1
          : b.group === ''
            ? 1
            : a.group < b.group
              ? -1
              : 1,
    )
    for (const r of sorted) {
      if (nsFilter !== undefined && String(r.namespaced) !== nsFilter) continue
      rows.push([
        r.resource,
        r.shortNames.join(','),
        r.group ? `${r.group}/${r.version}` : r.version,
        String(r.namespaced),
        r.kind,
      ])
    }
    return ok([
      ...formatTable(rows),
      dim('(Cutaway models the resources above; a real cluster lists about 60.)'),
    ])
  },
}

export const kubectlTop: CommandSpec = {
  path: ['kubectl', 'top'],
  modes: ['local'],
  summary:
    'Display resource (CPU/memory) usage (needs metrics-server, not installed on a new EKS cluster)',
  usage: 'kubectl top (node|pod)',
  rawArgs: true,
  run() {
    return fail(['error: Metrics API not available'])
  },
}

export const kubectlConfigCurrentContext: CommandSpec = {
  path: ['kubectl', 'config', 'current-context'],
  modes: ['local'],
  summary: 'Display the current-context',
  usage: 'kubectl config current-context',
  rawArgs: true,
  run(_inv, env) {
    return ok([env.sim.state.aws.cluster.arn])
  },
}

export const MISC_COMMANDS: CommandSpec[] = [
  kubectlRoot,
  kubectlVersion,
  kubectlClusterInfo,
  kubectlApiResources,
  kubectlTop,
  kubectlConfigCurrentContext,
]
