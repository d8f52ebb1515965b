import { patchObject, lookupResource } from '../../engine/index.ts'
import type { CommandSpec } from '../types.ts'
import { ok, fail } from '../types.ts'
import { int } from '../flags.ts'
import { namespaceOf, withGlobals } from './kubectlFlags.ts'
import { groupResource } from '../kubectl/resources.ts'
import { apiErrorLines } from '../errors.ts'
import { ApiError } from '../../engine/index.ts'

export const kubectlScale: CommandSpec = {
  path: ['kubectl', 'scale'],
  modes: ['local'],
  summary: 'Set a new size for a deployment or replica set',
  usage: 'kubectl scale [--current-replicas=count] --replicas=COUNT (TYPE NAME | TYPE/NAME)',
  mutates: true,
  args: ['resource', 'deployment'],
  flags: withGlobals([
    {
      name: 'replicas',
      type: 'int',
      default: -1,
      description: 'The new desired number of replicas. Required.',
    },
    {
      name: 'current-replicas',
      type: 'int',
      default: -1,
      description: 'Precondition for current size.',
    },
  ]),
  run(inv, env) {
    const replicas = int(inv.flags, 'replicas') ?? -1
    if (replicas === -1) return fail(['error: required flag(s) "replicas" not set'])
    if (replicas < 0)
      return fail([
        'error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0',
      ])
    const [typeArg, nameArg] = inv.args[0]?.includes('/') ? inv.args[0].split('/') : inv.args
    if (!typeArg || !nameArg)
      return fail(['error: resource(s) were provided, but no name was specified'])
    const r = lookupResource(typeArg)
    if (!r) return fail([`error: the server doesn't have a resource type "${typeArg}"`])
    if (r.kind !== 'Deployment' && r.kind !== 'ReplicaSet')
      return fail([
        `error: no objects passed to scale ${groupResource(r)} "${nameArg}" cannot be scaled`,
      ])
    const ns = namespaceOf(inv.flags)
    const current = int(inv.flags, 'current-replicas') ?? -1
    const res = env.sim.transact((ctx) =>
      patchObject(ctx, r.kind as 'Deployment', ns, nameArg, (o) => {
        if (current >= 0 && o.spec.replicas !== current)
          throw new ApiError(
            'Conflict',
            `Expected replicas to be ${current}, was ${o.spec.replicas}`,
          )
        o.spec.replicas = replicas
      }),
    )
    if (!res.ok) {
      if (res.error instanceof ApiError && res.error.reason === 'NotFound')
        return fail([`error: no objects passed to scale ${res.error.message}`])
      if (res.error instanceof ApiError && res.error.reason === 'Conflict')
        return fail([`error: ${res.error.message}`])
      return { lines: apiErrorLines(res.error), exitCode: 1 }
    }
    return ok([`${r.group ? `${r.singular}.${r.group}` : r.singular}/${nameArg} scaled`])
  },
}
