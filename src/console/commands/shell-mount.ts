import type { CommandSpec } from '../types.ts'
import { fail, ok } from '../types.ts'
import { containerMountTable, nodeMountTable } from '../../engine/node/mounts.ts'
import { withCtx } from './shell-coreutils.ts'

// `mount` without arguments: the mount table, one `SOURCE on TARGET type FSTYPE (OPTIONS)` line
// per mount (util-linux and BusyBox print the same). The one to look for in the Secrets lesson:
// `tmpfs on /var/lib/kubelet/pods/<uid>/volumes/kubernetes.io~secret/<volume> type tmpfs (…)`.
// Mounting anything is refused: the learner is not meant to change the node.

export const mount: CommandSpec = {
  path: ['mount'],
  modes: ['node', 'container'],
  summary: 'Show the mount table (tmpfs Secret volumes included)',
  usage: 'mount [-t TYPE]',
  rawArgs: true,
  run: (inv, env) =>
    withCtx(env, 'mount', (ctx) => {
      const args = [...inv.args]
      let type: string | undefined
      const t = args.indexOf('-t')
      if (t >= 0) {
        type = args[t + 1]
        args.splice(t, 2)
      }
      if (args.length)
        return fail([
          ctx.uid === 0
            ? `mount: ${args[args.length - 1]}: mounting is not simulated.`
            : 'mount: only root can do that.',
        ])
      const state = env.sim.state
      const table = ctx.view
        ? containerMountTable(
            state,
            ctx.view.node,
            ctx.view.rt,
            ctx.view.pod,
            ctx.view.container.name,
          )
        : nodeMountTable(state, ctx.node!.name)
      return ok(
        table
          .filter((m) => !type || type.split(',').includes(m.fstype))
          .map((m) => `${m.source} on ${m.target} type ${m.fstype} (${m.options})`),
      )
    }),
}
