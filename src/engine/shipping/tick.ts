import type { Ctx } from '../context.ts'
import { resolveImage } from '../workloads/images.ts'
import { fluentBitFlush } from './fluentbit.ts'
import { runningContainer } from '../kubelet/kubelet.ts'

/** After a container's tick: a running Fluent Bit flushes what it tailed (its `Flush 5` timer). */
export function fluentBitTick(
  ctx: Ctx,
  nodeName: string,
  podUid: string,
  containerName: string,
  containerId: string,
): void {
  const found = runningContainer(ctx, nodeName, podUid, containerName, containerId)
  if (!found || resolveImage(found.c.image)?.info.behaviour !== 'fluent-bit') return
  fluentBitFlush(ctx, found.node, found.rt, containerId)
}
