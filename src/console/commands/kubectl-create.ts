import type { KObject, NewObjectLike } from './kubectlTypes.ts'
import { ApiError, createObject, getObject } from '../../engine/index.ts'
import type { CommandEnv, CommandResult, CommandSpec, Invocation } from '../types.ts'
import { ok, fail } from '../types.ts'
import { bool, int, str, strs } from '../flags.ts'
import {
  DRY_RUN_FLAG,
  FILENAME_FLAG,
  OUTPUT_FLAG,
  namespaceOf,
  withGlobals,
} from './kubectlFlags.ts'
import { apiErrorLines } from '../errors.ts'
import { parseOutputFormat, renderStructured } from './kubectl-get.ts'
import { applyOrCreate, dryRunSuffix } from './kubectl-apply.ts'
import { toYaml } from '../format/yaml.ts'
import { toJson } from '../format/json.ts'
import { jsonPatch, mergePatch } from '../kubectl/patch.ts'

// kubectl's generators: create deployment / namespace / service, run, expose. They build the object
// client-side (the shapes `--dry-run=client -o yaml` shows) and POST it.

/** kubectl derives a container name from the image: last path segment, tag and digest removed. */
export function containerNameFromImage(image: string): string {
  const last = image.split('/').pop() ?? image
  return last
    .split('@')[0]!
    .split(':')[0]!
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
}

/** Prints a generated object for `--dry-run=client -o yaml|json` exactly as kubectl (no server defaults). */
function printGenerated(
  obj: Record<string, unknown>,
  output: string | undefined,
): CommandResult | undefined {
  if (output === 'yaml') return ok(toYaml(obj).replace(/\n$/, '').split('\n'))
  if (output === 'json') return ok(toJson(obj).split('\n'))
  return undefined
}

export function submit(
  env: CommandEnv,
  inv: Invocation,
  obj: NewObjectLike,
  ref: string,
  verb: string,
  failPrefix: string,
): CommandResult {
  const suffix = dryRunSuffix(str(inv.flags, 'dry-run'))
  if (typeof suffix !== 'string') return fail([suffix.error])
  const output = str(inv.flags, 'output')
  if (suffix === ' (dry run)') {
    const printed = printGenerated(obj, output)
    if (printed) return printed
    return ok([`${ref} ${verb}${suffix}`])
  }
  const r = env.sim.transact((ctx) => createObject(ctx, obj as never, { dryRun: suffix !== '' }))
  if (!r.ok) {
    const lines = apiErrorLines(r.error)
    // generator commands wrap server errors with fmt.Errorf, which prints the bare message:
    // "error: failed to create deployment: deployments.apps "web" already exists",
    // "error: failed to create NodePort service: Service "api" is invalid: spec.ports[0].nodePort: …"
    if (failPrefix && r.error instanceof ApiError)
      return fail([`error: ${failPrefix}${r.error.message}`])
    return { lines, exitCode: 1 }
  }
  const fmt = parseOutputFormat(output)
  if (typeof fmt === 'string') return fail([`error: ${fmt}`])
  if (fmt.kind !== 'table' && fmt.kind !== 'name') {
    const res = renderStructured(fmt, [r.value as KObject], true)
    return 'error' in res ? fail([`error: ${res.error}`]) : ok(res)
  }
  return ok([fmt.kind === 'name' ? ref : `${ref} ${verb}${suffix}`])
}

export const createFlags = [
  DRY_RUN_FLAG,
  OUTPUT_FLAG,
  {
    name: 'save-config',
    type: 'bool' as const,
    description: 'If true, the configuration of current object will be saved in its annotation.',
  },
]

export const kubectlCreateDeployment: CommandSpec = {
  path: ['kubectl', 'create', 'deployment'],
  modes: ['local'],
  summary: 'Create a deployment with the specified name',
  usage: 'kubectl create deployment NAME --image=image -- [COMMAND] [args...] [options]',
  mutates: true,
  flags: withGlobals([
    {
      name: 'image',
      type: 'strings',
      description:
        'Image names to run. A deployment can have multiple images set for multi-container pod.',
    },
    {
      name: 'replicas',
      short: 'r',
      type: 'int',
      default: 1,
      description: 'Number of replicas to create. Default is 1.',
    },
    {
      name: 'port',
      type: 'int',
      default: -1,
      description: 'The containerPort that this deployment exposes.',
    },
    ...createFlags,
  ]),
  run(inv, env) {
    const name = inv.args[0]
    if (!name)
      return fail([
        'error: exactly one NAME is required, got 0',
        "See 'kubectl create deployment -h' for help and examples",
      ])
    if (inv.args.length > 1)
      return fail([
        `error: exactly one NAME is required, got ${inv.args.length}`,
        "See 'kubectl create deployment -h' for help and examples",
      ])
    const images = strs(inv.flags, 'image')
    if (images.length === 0) return fail(['error: required flag(s) "image" not set'])
    if (images.length > 1 && inv.rest.length)
      return fail(['error: cannot specify multiple --image options and command'])
    const port = int(inv.flags, 'port') ?? -1
    // Go's field order (what -o json prints; YAML sorts)
    const containers = images.map((image) => ({
      name: containerNameFromImage(image),
      image,
      ...(inv.rest.length ? { command: inv.rest } : {}),
      ...(port > 0 ? { ports: [{ containerPort: port }] } : {}),
      resources: {},
    }))
    const labels = { app: name }
    const obj = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { creationTimestamp: null, labels, name, namespace: namespaceOf(inv.flags) },
      spec: {
        replicas: int(inv.flags, 'replicas') ?? 1,
        selector: { matchLabels: labels },
        template: { metadata: { creationTimestamp: null, labels }, spec: { containers } },
        strategy: {},
      },
      status: {},
    }
    const printable = {
      ...obj,
      metadata: {
        creationTimestamp: null,
        labels,
        name,
        ...(str(inv.flags, 'namespace') ? { namespace: namespaceOf(inv.flags) } : {}),
      },
    }
    if (str(inv.flags, 'dry-run') === 'client')
      return submit(env, inv, printable as NewObjectLike, `deployment.apps/${name}`, 'created', '')
    const { creationTimestamp: _c, ...meta } = obj.metadata
    return submit(
      env,
      inv,
      {
        ...obj,
        metadata: meta,
        spec: {
          ...obj.spec,
          strategy: undefined,
          template: { ...obj.spec.template, metadata: { labels } },
        },
        status: undefined,
      } as NewObjectLike,
      `deployment.apps/${name}`,
      'created',
      'failed to create deployment: ',
    )
  },
}

export const kubectlCreateNamespace: CommandSpec = {
  path: ['kubectl', 'create', 'namespace'],
  modes: ['local'],
  summary: 'Create a namespace with the specified name',
  usage: 'kubectl create namespace NAME [--dry-run=server|client|none]',
  mutates: true,
  flags: withGlobals(createFlags),
  run(inv, env) {
    const name = inv.args[0]
    if (!name || inv.args.length > 1)
      return fail([
        `error: exactly one NAME is required, got ${inv.args.length}`,
        "See 'kubectl create namespace -h' for help and examples",
      ])
    if (str(inv.flags, 'dry-run') === 'client')
      return submit(
        env,
        inv,
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { creationTimestamp: null, name },
          spec: {},
          status: {},
        } as NewObjectLike,
        `namespace/${name}`,
        'created',
        '',
      )
    return submit(
      env,
      inv,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as NewObjectLike,
      `namespace/${name}`,
      'created',
      '',
    )
  },
}

function serviceGenerator(type: 'ClusterIP' | 'NodePort' | 'LoadBalancer'): CommandSpec {
  const sub = type.toLowerCase()
  return {
    path: ['kubectl', 'create', 'service', sub],
    modes: ['local'],
    summary: `Create a ${type} service`,
    usage: `kubectl create service ${sub} NAME [--tcp=<port>:<targetPort>] [--dry-run=server|client|none]`,
    mutates: true,
    flags: withGlobals([
      {
        name: 'tcp',
        type: 'strings',
        description: 'Port pairs can be specified as <port>:<targetPort>.',
      },
      ...(type === 'NodePort'
        ? [
            {
              name: 'node-port',
              type: 'int' as const,
              description: 'Port used to expose the service on each node in a cluster.',
            },
          ]
        : []),
      ...createFlags,
    ]),
    run(inv, env) {
      const name = inv.args[0]
      if (!name || inv.args.length > 1)
        return fail([`error: exactly one NAME is required, got ${inv.args.length}`])
      const tcp = strs(inv.flags, 'tcp')
      if (tcp.length === 0 && type !== 'ClusterIP')
        return fail(['error: at least one tcp port specifier must be provided'])
      const ports = []
      for (const t of tcp) {
        const [p, tp] = t.split(':')
        const port = Number(p)
        const targetPort = tp === undefined ? port : /^\d+$/.test(tp) ? Number(tp) : tp
        if (!Number.isInteger(port))
          return fail([`error: strconv.Atoi: parsing "${p}": invalid syntax`])
        ports.push({
          // kubectl create_service.go: strings.Replace(tcpString, ":", "-", -1)
          name: t.replaceAll(':', '-'),
          protocol: 'TCP', // ServicePort's Go field order (what -o json prints)
          port,
          targetPort,
          ...(type === 'NodePort' && int(inv.flags, 'node-port')
            ? { nodePort: int(inv.flags, 'node-port') }
            : {}),
        })
      }
      const spec = { ports, selector: { app: name }, type }
      if (str(inv.flags, 'dry-run') === 'client')
        return submit(
          env,
          inv,
          {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { creationTimestamp: null, labels: { app: name }, name },
            spec,
            status: { loadBalancer: {} },
          } as NewObjectLike,
          `service/${name}`,
          'created',
          '',
        )
      return submit(
        env,
        inv,
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { labels: { app: name }, name, namespace: namespaceOf(inv.flags) },
          spec,
        } as NewObjectLike,
        `service/${name}`,
        'created',
        `failed to create ${type} service: `,
      )
    },
  }
}

export const kubectlCreateFile: CommandSpec = {
  path: ['kubectl', 'create'],
  modes: ['local'],
  summary: 'Create a resource from a file or from stdin',
  usage: 'kubectl create -f - <<EOF … EOF   |   kubectl create deployment|namespace|service …',
  mutates: true,
  flags: withGlobals([
    FILENAME_FLAG,
    ...createFlags,
    { name: 'validate', type: 'string', description: 'Validation mode.' },
  ]),
  run(inv, env) {
    if (inv.args.length > 0)
      return fail([
        `error: unknown command "${inv.args[0]}" for "kubectl create"`,
        '',
        'Did you mean this?',
        '\tdeployment',
        '\tnamespace',
        '\tservice',
      ])
    if (strs(inv.flags, 'filename').length === 0)
      return fail([
        'error: must specify one of -f and -k',
        '',
        "See 'kubectl create -h' for help and examples",
      ])
    return applyOrCreate(inv, env, 'create')
  },
}

export const kubectlRun: CommandSpec = {
  path: ['kubectl', 'run'],
  modes: ['local'],
  summary: 'Run a particular image on the cluster (creates a pod)',
  usage:
    'kubectl run NAME --image=image [--env="key=value"] [--port=port] [--dry-run=server|client] [--overrides=inline-json] [--command] -- [COMMAND] [args...] [options]',
  mutates: true,
  flags: withGlobals([
    { name: 'image', type: 'string', description: 'The image for the container to run.' },
    { name: 'port', type: 'int', description: 'The port that this container exposes.' },
    { name: 'env', type: 'strings', description: 'Environment variables to set in the container.' },
    {
      name: 'labels',
      short: 'l',
      type: 'string',
      description: 'Comma separated labels to apply to the pod(s). Will override previous values.',
    },
    {
      name: 'restart',
      type: 'string',
      default: 'Always',
      description: 'The restart policy for this Pod.  Legal values [Always, OnFailure, Never].',
    },
    {
      name: 'command',
      type: 'bool',
      description:
        "If true and extra arguments are present, use them as the 'command' field in the container, rather than the 'args' field which is the default.",
    },
    {
      name: 'overrides',
      type: 'string',
      description:
        'An inline JSON override for the generated object. If this is non-empty, it is used to override the generated object. Requires that the object supply a valid apiVersion field.',
    },
    {
      name: 'override-type',
      type: 'string',
      default: 'merge',
      description: 'The method used to override the generated object: json, merge, or strategic.',
    },
    ...createFlags,
  ]),
  run(inv, env) {
    const name = inv.args[0]
    if (!name)
      return fail(['error: NAME is required for run', "See 'kubectl run -h' for help and examples"])
    const image = str(inv.flags, 'image')
    if (!image) return fail(['error: required flag(s) "image" not set'])
    const restart = str(inv.flags, 'restart') ?? 'Always'
    if (!['Always', 'OnFailure', 'Never'].includes(restart))
      return fail([`error: invalid restart policy: ${restart}`])
    const labels = str(inv.flags, 'labels')
      ? Object.fromEntries(
          str(inv.flags, 'labels')!
            .split(',')
            .map((kv) => kv.split('=') as [string, string]),
        )
      : { run: name }
    const envVars = strs(inv.flags, 'env').map((kv) => ({
      name: kv.split('=')[0]!,
      value: kv.split('=').slice(1).join('='),
    }))
    // the Pod as kubectl's generator builds it, in Go's field order (what `-o json` prints): no
    // namespace unless -n was given, creationTimestamp null and an empty status, as the typed object
    // serialises
    const explicitNs = str(inv.flags, 'namespace')
    const container = {
      name,
      image,
      ...(inv.rest.length
        ? bool(inv.flags, 'command')
          ? { command: inv.rest }
          : { args: inv.rest }
        : {}),
      ...(int(inv.flags, 'port') ? { ports: [{ containerPort: int(inv.flags, 'port')! }] } : {}),
      ...(envVars.length ? { env: envVars } : {}),
      resources: {},
    }
    const generated = {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: {
        name,
        ...(explicitNs ? { namespace: explicitNs } : {}),
        creationTimestamp: null,
        labels,
      },
      spec: { containers: [container], restartPolicy: restart, dnsPolicy: 'ClusterFirst' },
      status: {},
    }
    const overridden = applyOverrides(
      generated,
      str(inv.flags, 'overrides'),
      str(inv.flags, 'override-type') ?? 'merge',
    )
    if (typeof overridden === 'string') return fail([`error: ${overridden}`])
    if (str(inv.flags, 'dry-run') === 'client')
      return submit(env, inv, overridden as NewObjectLike, `pod/${name}`, 'created', '')
    const { creationTimestamp: _c, ...meta } = (overridden.metadata ?? {}) as Record<
      string,
      unknown
    >
    const { status: _s, ...rest } = overridden
    return submit(
      env,
      inv,
      {
        ...rest,
        metadata: { ...meta, namespace: namespaceOf(inv.flags) },
      } as unknown as NewObjectLike,
      `pod/${name}`,
      'created',
      '',
    )
  },
}

/**
 * `--overrides`: kubectl's Overrider (kubectl/pkg/cmd/util/override_options.go) patches the generated
 * object with the JSON given, as an RFC 7396 merge patch by default. The error texts are those of
 * evanphx/json-patch, which kubectl prints after `error: `. Strategic merge is applied as a merge
 * patch (lists replaced whole), a simplification that matters only for patches of list items.
 */
function applyOverrides(
  obj: Record<string, unknown>,
  overrides: string | undefined,
  type: string,
): Record<string, unknown> | string {
  if (!overrides) return obj
  if (!['json', 'merge', 'strategic'].includes(type)) return `invalid override type: ${type}`
  let patch: unknown
  try {
    patch = JSON.parse(overrides)
  } catch {
    return type === 'json' ? 'invalid character in JSON patch' : 'Invalid JSON Patch'
  }
  let out: unknown
  try {
    out = type === 'json' ? jsonPatch(obj, patch) : mergePatch(obj, patch)
  } catch (e) {
    return (e as Error).message
  }
  // the patched JSON is decoded back into a v1.Pod: Go's encoding/json errors for the shapes a typo
  // gives (texts of kubectl 1.32.5)
  if (!out || typeof out !== 'object' || Array.isArray(out))
    return `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKind(out)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`
  const spec = (out as { spec?: unknown }).spec
  const containers = (spec as { containers?: unknown } | undefined)?.containers
  if (containers !== undefined && !Array.isArray(containers))
    return `json: cannot unmarshal ${jsonKind(containers)} into Go struct field PodSpec.spec.containers of type []v1.Container`
  return out as Record<string, unknown>
}

/** encoding/json's name for a JSON value's type in its UnmarshalTypeError */
function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array'
  if (v === null) return 'null'
  return typeof v === 'boolean' ? 'bool' : typeof v
}

export const kubectlExpose: CommandSpec = {
  path: ['kubectl', 'expose'],
  modes: ['local'],
  summary: 'Take a deployment, pod or service and expose it as a new Kubernetes service',
  usage:
    'kubectl expose (-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] [--target-port=port] [--name=name] [--type=type]',
  mutates: true,
  args: ['resource', 'pod'],
  flags: withGlobals([
    { name: 'port', type: 'string', description: 'The port that the service should serve on.' },
    {
      name: 'target-port',
      type: 'string',
      description:
        'Name or number for the port on the container that the service should direct traffic to.',
    },
    {
      name: 'protocol',
      type: 'string',
      description: "The network protocol for the service to be created. Default is 'TCP'.",
    },
    { name: 'name', type: 'string', description: 'The name for the newly created object.' },
    {
      name: 'type',
      type: 'string',
      description:
        "Type for this service: ClusterIP, NodePort, LoadBalancer, or ExternalName. Default is 'ClusterIP'.",
    },
    ...createFlags,
  ]),
  run(inv, env) {
    const [typeArg, nameArg] = inv.args[0]?.includes('/') ? inv.args[0].split('/') : inv.args
    if (!typeArg || !nameArg)
      return fail(['error: You must provide one or more resources by argument or filename.'])
    const ns = namespaceOf(inv.flags)
    const kind = /^(deploy|deployment|deployments)$/.test(typeArg)
      ? 'Deployment'
      : /^(po|pod|pods)$/.test(typeArg)
        ? 'Pod'
        : /^(rs|replicaset|replicasets)$/.test(typeArg)
          ? 'ReplicaSet'
          : /^(svc|service|services)$/.test(typeArg)
            ? 'Service'
            : undefined
    if (!kind) return fail([`error: cannot expose a ${typeArg}`])
    const target = getObject(env.sim.state, kind, ns, nameArg)
    if (!target)
      return fail([
        `Error from server (NotFound): ${kind === 'Deployment' ? 'deployments.apps' : kind === 'ReplicaSet' ? 'replicasets.apps' : kind.toLowerCase() + 's'} "${nameArg}" not found`,
      ])
    const selector =
      kind === 'Pod'
        ? target.metadata.labels
        : kind === 'Service'
          ? (target as { spec: { selector?: Record<string, string> } }).spec.selector
          : (target as { spec: { selector: { matchLabels?: Record<string, string> } } }).spec
              .selector.matchLabels
    if (!selector || Object.keys(selector).length === 0)
      return fail([
        `error: couldn't retrieve selectors via --selector flag or introspection: the ${kind.toLowerCase()} has no labels`,
      ])
    let portText = str(inv.flags, 'port')
    if (!portText) {
      const podSpec =
        kind === 'Pod'
          ? (target as { spec: { containers: { ports?: { containerPort: number }[] }[] } }).spec
          : (
              target as {
                spec: {
                  template?: { spec: { containers: { ports?: { containerPort: number }[] }[] } }
                }
              }
            ).spec.template?.spec
      const p = podSpec?.containers.flatMap((c) => c.ports ?? [])[0]
      if (!p)
        return fail([
          "error: couldn't find port via --port flag or introspection",
          "See 'kubectl expose -h' for help and examples",
        ])
      portText = String(p.containerPort)
    }
    const name = str(inv.flags, 'name') ?? nameArg
    const targetPortText = str(inv.flags, 'target-port') ?? portText
    const type = str(inv.flags, 'type') ?? 'ClusterIP'
    const obj = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { labels: target.metadata.labels ?? {}, name, namespace: ns },
      spec: {
        ports: [
          {
            port: Number(portText),
            protocol: str(inv.flags, 'protocol') ?? 'TCP',
            targetPort: /^\d+$/.test(targetPortText) ? Number(targetPortText) : targetPortText,
          },
        ],
        selector,
        type,
      },
    }
    return submit(env, inv, obj as NewObjectLike, `service/${name}`, 'exposed', '')
  },
}

export const CREATE_COMMANDS: CommandSpec[] = [
  kubectlCreateFile,
  kubectlCreateDeployment,
  kubectlCreateNamespace,
  serviceGenerator('ClusterIP'),
  serviceGenerator('NodePort'),
  serviceGenerator('LoadBalancer'),
  kubectlRun,
  kubectlExpose,
]
