import type { Ctx } from '../context.ts'
import { resolveImage } from '../workloads/images.ts'
import { fluentBitFlush } from './fluentbit.ts'

/** After a container's tick: a running Fluent Bit flushes what it tailed (its `Flush 5` timer). */
export function fluentBitTick(
  ctx: Ctx,
  nodeName: string,
  podUid: string,
  containerName: string,
  containerId: string,
): void {
  const node = ctx.state.nodes[nodeName]
  const rt = node?.pods[podUid]
  const c = rt?.containers.find((x) => x.name === containerName)
  if (!node || !rt || !c || c.id !== containerId || c.state !== 'running') return
  if (resolveImage(c.image)?.info.behaviour !== 'fluent-bit') return
  fluentBitFlush(ctx, node, rt, containerId)
}
