import type { KObject } from '../../engine/index.ts'
import { createObject, fluentBitManifest, qualifiedSingular } from '../../engine/index.ts'
import type { CommandEnv, CommandResult, CommandSpec, Invocation, OutputLine } from '../types.ts'
import { fail, out, err, dim } from '../types.ts'
import { str, strs } from '../flags.ts'
import {
  DRY_RUN_FLAG,
  FILENAME_FLAG,
  OUTPUT_FLAG,
  namespaceOf,
  withGlobals,
} from './kubectlFlags.ts'
import { parseManifests, type Manifest } from '../kubectl/manifests.ts'
import { applyOne } from '../kubectl/apply.ts'
import { apiErrorLines } from '../errors.ts'
import { parseOutputFormat, renderStructured } from './kubectl-get.ts'

/** Reads `-f -` (stdin/heredoc). The simulation has no local files: a path gets kubectl's real error. */
/** The manifests lessons tell learners to apply by URL, served from built-in copies. */
const FLUENT_BIT_URL =
  'https://raw.githubusercontent.com/aws-samples/amazon-cloudwatch-container-insights/latest/k8s-deployment-manifest-templates/deployment-mode/daemonset/container-insights-monitoring/fluent-bit/fluent-bit.yaml'
const KNOWN_MANIFESTS: Record<string, (env: CommandEnv) => string> = {
  [FLUENT_BIT_URL]: (env) =>
    fluentBitManifest(env.sim.state.aws.cluster.name, env.sim.state.aws.region),
}

export function readManifests(
  inv: Invocation,
  env: CommandEnv,
): { ok: true; manifests: Manifest[]; source: string } | { ok: false; lines: OutputLine[] } {
  const files = strs(inv.flags, 'filename')
  if (files.length === 0) return { ok: false, lines: [err('error: must specify one of -f and -k')] }
  const manifests: Manifest[] = []
  let source = 'STDIN'
  for (const f of files) {
    let text: string | undefined
    if (/^https?:\/\//.test(f)) {
      // no internet in the simulation: the few well-known manifests are served from built-in copies
      const known = KNOWN_MANIFESTS[f]
      if (!known)
        return {
          ok: false,
          lines: [
            err(`error: unable to read URL "${f}", server reported 404 Not Found, status code=404`),
            dim('(Cutaway has no internet; it knows only the manifests its lessons use.)'),
          ],
        }
      text = known(env)
      source = f
    } else if (f !== '-')
      return { ok: false, lines: [err(`error: the path "${f}" does not exist`)] }
    else {
      if (!inv.stdin) return { ok: false, lines: [err('error: no objects passed to apply')] }
      text = inv.stdin
      source = 'STDIN'
    }
    const parsed = parseManifests(text, source)
    if (!parsed.ok) return { ok: false, lines: parsed.error.split('\n').map(err) }
    manifests.push(...parsed.manifests)
  }
  return { ok: true, manifests, source }
}

export function dryRunSuffix(mode: string | undefined): string | { error: string } {
  if (mode === undefined || mode === 'none') return ''
  if (mode === 'client') return ' (dry run)'
  if (mode === 'server') return ' (server dry run)'
  return { error: `error: Invalid dry-run value (${mode}). Must be "none", "server", or "client".` }
}

export function namespaceMismatch(m: Manifest, inv: Invocation): string | undefined {
  const flagNs = str(inv.flags, 'namespace')
  const objNs = m.obj.metadata.namespace
  if (flagNs && objNs && flagNs !== objNs && m.resource.namespaced)
    return `error: the namespace from the provided object "${objNs}" does not match the namespace "${flagNs}". You must pass '--namespace=${objNs}' to perform this operation.`
  return undefined
}

export const kubectlApply: CommandSpec = {
  path: ['kubectl', 'apply'],
  modes: ['local'],
  summary: 'Apply a configuration to a resource by file name or stdin',
  usage: 'kubectl apply -f - <<EOF … EOF',
  mutates: true,
  flags: withGlobals([
    FILENAME_FLAG,
    DRY_RUN_FLAG,
    OUTPUT_FLAG,
    {
      name: 'validate',
      type: 'string',
      description: 'Validation mode: strict, warn, ignore (true/false).',
    },
  ]),
  run(inv, env) {
    return applyOrCreate(inv, env, 'apply')
  },
}

export function applyOrCreate(
  inv: Invocation,
  env: CommandEnv,
  verb: 'apply' | 'create',
): CommandResult {
  const read = readManifests(inv, env)
  if (!read.ok) return { lines: read.lines, exitCode: 1 }
  const suffix = dryRunSuffix(str(inv.flags, 'dry-run'))
  if (typeof suffix !== 'string') return fail([suffix.error])
  const fmt = parseOutputFormat(str(inv.flags, 'output'))
  if (typeof fmt === 'string') return fail([`error: ${fmt}`])
  const ns = namespaceOf(inv.flags)
  for (const m of read.manifests) {
    const mismatch = namespaceMismatch(m, inv)
    if (mismatch) return fail([mismatch])
  }
  const lines: OutputLine[] = []
  const warnings: OutputLine[] = []
  const objs: KObject[] = []
  let exitCode = 0
  // each object is its own request, as kubectl sends them: earlier ones stay applied if a later one fails
  for (const m of read.manifests) {
    const r = env.sim.transact((ctx) => {
      if (verb === 'apply') return applyOne(ctx, m, ns, suffix !== '')
      const manifest = {
        ...m.obj,
        metadata: {
          ...m.obj.metadata,
          ...(m.resource.namespaced ? { namespace: m.obj.metadata.namespace ?? ns } : {}),
        },
      }
      return {
        outcome: 'created' as const,
        obj: createObject(ctx, manifest as never, { dryRun: suffix !== '' }),
        warnMissingAnnotation: false,
      }
    })
    if (!r.ok) {
      exitCode = 1
      lines.push(...apiErrorLines(r.error, `error when creating "${read.source}": `))
      continue
    }
    const { outcome, obj, warnMissingAnnotation } = r.value
    if (warnMissingAnnotation)
      warnings.push({
        text: `Warning: resource ${m.resource.resource}/${obj.metadata.name} is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.`,
        tone: 'warn',
      })
    objs.push(obj)
    if (fmt.kind === 'table')
      lines.push(out(`${qualifiedSingular(m.resource)}/${obj.metadata.name} ${outcome}${suffix}`))
    else if (fmt.kind === 'name')
      lines.push(out(`${qualifiedSingular(m.resource)}/${obj.metadata.name}`))
  }
  if (fmt.kind !== 'table' && fmt.kind !== 'name' && objs.length) {
    const res = renderStructured(fmt, objs, objs.length === 1)
    if ('error' in res) return fail([`error: ${res.error}`])
    for (const l of res) lines.push(l)
  }
  return { lines: [...warnings, ...lines], exitCode }
}
