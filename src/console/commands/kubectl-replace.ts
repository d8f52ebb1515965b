import type { KObject } from '../../engine/index.ts'
import {
  ApiError,
  getObject,
  qualifiedSingular,
  resourceName,
  updateObject,
} from '../../engine/index.ts'
import type { CommandSpec, OutputLine } from '../types.ts'
import { out } from '../types.ts'
import { FILENAME_FLAG, namespaceOf, withGlobals } from './kubectlFlags.ts'
import { namespaceMismatch, readManifests } from './kubectl-apply.ts'
import { apiErrorLines } from '../errors.ts'

// kubectl replace -f: a PUT of the whole object. The AWS docs use it to re-encrypt every Secret
// after turning envelope encryption on (`kubectl get secrets --all-namespaces -o json | kubectl
// replace -f -`): nothing changes but each Secret is written again, so the API server stores it
// under the new provider (https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html).
//
// The API server keeps uid and creationTimestamp from the stored object (rest.BeforeUpdate), and a
// resourceVersion in the request is an optimistic-concurrency precondition: a stale one is a Conflict.

function conflict(kind: KObject['kind'], name: string): ApiError {
  return new ApiError(
    'Conflict',
    `Operation cannot be fulfilled on ${resourceName(kind)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, kind: resourceName(kind) },
  )
}

export const kubectlReplace: CommandSpec = {
  path: ['kubectl', 'replace'],
  modes: ['local'],
  summary: 'Replace a resource by file name or stdin (a full PUT: the object is written again)',
  usage: 'kubectl get secrets -A -o json | kubectl replace -f -',
  mutates: true,
  flags: withGlobals([FILENAME_FLAG]),
  run(inv, env) {
    const read = readManifests(inv, env)
    if (!read.ok) return { lines: read.lines, exitCode: 1 }
    for (const m of read.manifests) {
      const mismatch = namespaceMismatch(m, inv)
      if (mismatch) return { lines: [{ text: mismatch, tone: 'err' }], exitCode: 1 }
    }
    const ns = namespaceOf(inv.flags)
    const lines: OutputLine[] = []
    let exitCode = 0
    // one request per object, as kubectl sends them: earlier ones stay replaced if a later one fails
    for (const m of read.manifests) {
      const r = env.sim.transact((ctx) => {
        const namespace = m.resource.namespaced ? (m.obj.metadata.namespace ?? ns) : undefined
        const name = m.obj.metadata.name ?? ''
        const current = getObject(ctx.state, m.resource.kind, namespace, name)
        if (!current) throw notFoundFor(m.resource.kind, name)
        const rv = m.obj.metadata.resourceVersion
        if (rv && rv !== current.metadata.resourceVersion) throw conflict(m.resource.kind, name)
        const obj = {
          ...m.obj,
          metadata: {
            ...m.obj.metadata,
            ...(namespace !== undefined ? { namespace } : {}),
            uid: current.metadata.uid,
            creationTimestamp: current.metadata.creationTimestamp,
          },
        } as KObject
        return updateObject(ctx, obj)
      })
      if (!r.ok) {
        exitCode = 1
        lines.push(...apiErrorLines(r.error, `error when replacing "${read.source}": `))
        continue
      }
      lines.push(out(`${qualifiedSingular(m.resource)}/${r.value.metadata.name} replaced`))
    }
    return { lines, exitCode }
  },
}

function notFoundFor(kind: KObject['kind'], name: string): ApiError {
  return new ApiError('NotFound', `${resourceName(kind)} "${name}" not found`, {
    name,
    kind: resourceName(kind),
  })
}
