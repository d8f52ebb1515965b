import { ApiError, getObject, lookupResource, patchObject } from '../../engine/index.ts'
import type { ResourceInfo } from '../../engine/index.ts'
import type { CommandSpec, OutputLine } from '../types.ts'
import { err, fail, ok, out } from '../types.ts'
import { bool, str, strs } from '../flags.ts'
import { DRY_RUN_FLAG, OUTPUT_FLAG, namespaceOf, withGlobals } from './kubectlFlags.ts'
import { dryRunSuffix } from './kubectl-apply.ts'
import { toYaml } from '../format/yaml.ts'
import { toJson } from '../format/json.ts'
import { groupResource, objectRef } from '../kubectl/resources.ts'
import { apiErrorLines } from '../errors.ts'

// `kubectl set env` (kubectl 1.32, staging/src/k8s.io/kubectl/pkg/cmd/set/set_env.go and
// pkg/cmd/set/env/env_parse.go). Without -c it changes EVERY container of the template, init
// containers included, as the real command does (`kubectl set env daemonset aws-node -n kube-system
// AWS_VPC_K8S_CNI_EXTERNALSNAT=true` also writes the variable into aws-vpc-cni-init and
// aws-eks-nodeagent). Outputs and errors checked against the real 1.32 binary with --local.
// Simplified: no -f, --from, --keys, --all, --prefix, `-e -` from stdin; -o only yaml, json, name (the
// yaml matches the real binary byte for byte; the json follows kubectl's Go field order only as far as
// format/json.ts's orderApiObject knows it).

interface EnvVar {
  name: string
  value?: string
  valueFrom?: {
    fieldRef?: { fieldPath: string }
    resourceFieldRef?: { resource: string }
    configMapKeyRef?: { name: string; key: string }
    secretKeyRef?: { name: string; key: string }
  }
}
interface Ctr {
  name: string
  env?: EnvVar[]
}

/** validation.IsEnvVarName */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/
const ENV_NAME_ERROR =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"

// envutil.IsEnvironmentArgument (`^(.+)=(.*)$`): `=B` has no key, so it is a resource name
const isEnvArg = (a: string) => /^.+=/s.test(a) || a.endsWith('-')

/** envutil.ParseEnv: KEY=VALUE sets, KEY- removes. */
export function parseEnvArgs(
  specs: readonly string[],
): { set: EnvVar[]; remove: string[] } | { error: string } {
  const set: EnvVar[] = []
  const remove: string[] = []
  for (const spec of specs) {
    if (spec.includes('=')) {
      const i = spec.indexOf('=')
      const name = spec.slice(0, i)
      if (!ENV_NAME.test(name))
        return { error: `"${name}" is not a valid key name: ${ENV_NAME_ERROR}` }
      set.push({ name, value: spec.slice(i + 1) })
    } else if (spec.endsWith('-')) remove.push(spec.slice(0, -1))
    else return { error: `unknown environment variable: ${spec}` }
  }
  for (const r of remove)
    if (set.some((e) => e.name === r))
      return {
        error: 'can not both modify and remove the same environment variable in the same command',
      }
  return { set, remove }
}

/** set_env.go updateEnv: replace in place, drop removed, append new ones in argument order. */
export function updateEnv(
  existing: readonly EnvVar[],
  env: readonly EnvVar[],
  remove: readonly string[],
): EnvVar[] {
  const outEnv: EnvVar[] = []
  const covered = new Set(remove)
  for (const e of existing) {
    if (covered.has(e.name)) continue
    const newer = env.find((x) => x.name === e.name)
    if (newer) {
      covered.add(e.name)
      outEnv.push(newer)
      continue
    }
    outEnv.push(e)
  }
  for (const e of env) {
    if (covered.has(e.name)) continue
    covered.add(e.name)
    outEnv.push(e)
  }
  return outEnv
}

/** filepath.Match with `*` and `?` (what -c/--containers uses). */
function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]') +
      '$',
  )
  return re.test(name)
}

function listLines(kind: string, name: string, containers: Ctr[]): OutputLine[] {
  const lines: OutputLine[] = []
  for (const c of containers) {
    lines.push(out(`# ${kind} ${name}, container ${c.name}`))
    for (const e of c.env ?? []) {
      const f = e.valueFrom
      if (!f) lines.push(out(`${e.name}=${e.value ?? ''}`))
      else if (f.fieldRef) lines.push(out(`# ${e.name} from field path ${f.fieldRef.fieldPath}`))
      else if (f.resourceFieldRef)
        lines.push(out(`# ${e.name} from resource ${f.resourceFieldRef.resource}`))
      else if (f.configMapKeyRef)
        lines.push(
          out(`# ${e.name} from configmap ${f.configMapKeyRef.name}, key ${f.configMapKeyRef.key}`),
        )
      else if (f.secretKeyRef)
        lines.push(out(`# ${e.name} from secret ${f.secretKeyRef.name}, key ${f.secretKeyRef.key}`))
    }
  }
  return lines
}

const KINDS = ['Deployment', 'DaemonSet', 'ReplicaSet'] as const
type SetEnvKind = (typeof KINDS)[number]

export const kubectlSetEnv: CommandSpec = {
  path: ['kubectl', 'set', 'env'],
  modes: ['local'],
  summary: 'Update environment variables on a pod template',
  usage: 'kubectl set env RESOURCE/NAME KEY_1=VAL_1 ... KEY_N=VAL_N',
  mutates: true,
  args: ['resource', 'none'],
  flags: withGlobals([
    {
      name: 'containers',
      short: 'c',
      type: 'string',
      default: '*',
      description:
        'The names of containers in the selected pod templates to change - may use wildcards',
    },
    {
      name: 'env',
      short: 'e',
      type: 'strings',
      description:
        'Specify a key-value pair for an environment variable to set into each container.',
    },
    {
      name: 'list',
      type: 'bool',
      default: false,
      description: 'If true, display the environment and any changes in the standard format.',
    },
    {
      name: 'overwrite',
      type: 'bool',
      default: true,
      description:
        'If true, allow environment to be overwritten, otherwise reject updates that overwrite existing environment.',
    },
    DRY_RUN_FLAG,
    { ...OUTPUT_FLAG, values: ['json', 'yaml', 'name'] },
  ]),
  run(inv, env) {
    // SplitEnvironmentFromResources: resources first, then the env changes
    const firstEnv = inv.args.findIndex(isEnvArg)
    const resources = firstEnv < 0 ? inv.args : inv.args.slice(0, firstEnv)
    const envArgs = firstEnv < 0 ? [] : inv.args.slice(firstEnv)
    if (envArgs.some((a) => !isEnvArg(a)))
      return fail([
        `error: all resources must be specified before environment changes: ${inv.args.join(' ')}`,
      ])
    if (resources.length === 0)
      return fail([
        'error: one or more resources must be specified as <resource> <name> or <resource>/<name>',
      ])
    const targets = splitTargets(resources)
    if ('error' in targets) return fail([targets.error])
    const parsed = parseEnvArgs([...strs(inv.flags, 'env'), ...envArgs])
    if ('error' in parsed) return fail([`error: ${parsed.error}`])
    const dry = dryRunSuffix(str(inv.flags, 'dry-run'))
    if (typeof dry !== 'string') return fail([dry.error])
    const output = str(inv.flags, 'output')
    if (output !== undefined && !['yaml', 'json', 'name'].includes(output))
      return fail([
        `error: Cutaway's kubectl set env prints -o yaml, json or name, not "${output}"`,
      ])
    const ns = namespaceOf(inv.flags)
    const pattern = str(inv.flags, 'containers') ?? '*'
    // the builder fetches every object first: one missing name fails the command, nothing changes
    const found: { r: ResourceInfo; kind: SetEnvKind; name: string }[] = []
    const missing: string[] = []
    for (const t of targets) {
      const r = lookupResource(t.type)
      if (!r) return fail([`error: the server doesn't have a resource type "${t.type}"`])
      if (!(KINDS as readonly string[]).includes(r.kind))
        return fail([
          `error: ${objectRef(r, t.name)} does not have any containers: Cutaway's kubectl set env changes deployments, daemonsets and replicasets`,
        ])
      if (getObject(env.sim.state, r.kind as SetEnvKind, ns, t.name))
        found.push({ r, kind: r.kind as SetEnvKind, name: t.name })
      else missing.push(`Error from server (NotFound): ${groupResource(r)} "${t.name}" not found`)
    }
    if (missing.length) return fail(missing)
    const pick = (spec: { containers: Ctr[]; initContainers?: Ctr[] }) =>
      [...spec.containers, ...(spec.initContainers ?? [])].filter((c) => globMatch(pattern, c.name))
    const lines: OutputLine[] = []
    const printed: unknown[] = []
    for (const { r, kind, name } of found) {
      const obj = getObject(env.sim.state, kind, ns, name)!
      const chosen = pick(obj.spec.template.spec as never)
      if (!chosen.length)
        lines.push({
          text: `Warning: ${kind}/${name} does not have any containers matching "${pattern}"`,
          tone: 'warn',
        })
      if (bool(inv.flags, 'list')) {
        const shown = chosen.map((c) => ({
          ...c,
          env: updateEnv(c.env ?? [], parsed.set, parsed.remove),
        }))
        lines.push(...listLines(kind, name, shown))
        continue
      }
      if (!bool(inv.flags, 'overwrite'))
        for (const c of chosen)
          for (const e of parsed.set)
            if ((c.env ?? []).some((x) => x.name === e.name))
              return fail([
                `error: ${objectRef(r, name)}: 'overwrite' is false but found environment variable ${e.name}`,
              ])
      const edit = (o: typeof obj) => {
        for (const c of pick(o.spec.template.spec as never)) {
          const next = updateEnv(c.env ?? [], parsed.set, parsed.remove)
          if (next.length) c.env = next as never
          else delete c.env
        }
      }
      const changed = chosen.some(
        (c) =>
          JSON.stringify(c.env ?? []) !==
          JSON.stringify(updateEnv(c.env ?? [], parsed.set, parsed.remove)),
      )
      // an empty patch: kubectl sends nothing and prints nothing (but -o still prints the object).
      // Simplified: --dry-run=server edits a copy here instead of asking the API server.
      if (changed && !dry) {
        const res = env.sim.transact((ctx) => patchObject(ctx, kind, ns, name, edit))
        if (!res.ok) {
          if (res.error instanceof ApiError)
            return { lines: [...lines, ...apiErrorLines(res.error)], exitCode: 1 }
          return { lines: [...lines, err(String(res.error))], exitCode: 1 }
        }
      }
      const after = dry
        ? (JSON.parse(JSON.stringify(obj)) as typeof obj)
        : getObject(env.sim.state, kind, ns, name)!
      if (dry) edit(after)
      if (output === 'name') lines.push(out(objectRef(r, name)))
      else if (output) printed.push(after)
      else if (changed) lines.push(out(`${objectRef(r, name)} env updated${dry}`))
    }
    if (output === 'yaml')
      lines.push(
        ...printed.flatMap((o, i) => [...(i ? [out('---')] : []), ...textLines(toYaml(o))]),
      )
    if (output === 'json') lines.push(...printed.flatMap((o) => textLines(toJson(o))))
    return ok(lines)
  },
}

/** TYPE NAME… or TYPE/NAME…, not both (the resource builder's rule). */
function splitTargets(
  resources: readonly string[],
): { type: string; name: string }[] | { error: string } {
  if (resources[0]!.includes('/')) {
    if (resources.some((x) => !x.includes('/')))
      return {
        error:
          "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
      }
    return resources.map((x) => {
      const i = x.indexOf('/')
      return { type: x.slice(0, i), name: x.slice(i + 1) }
    })
  }
  const [type, ...names] = resources as [string, ...string[]]
  if (!names.length) return { error: 'error: resource(s) were provided, but no name was specified' }
  return names.map((name) => ({ type, name }))
}

function textLines(text: string): OutputLine[] {
  return text.replace(/\n$/, '').split('\n').map(out)
}
