import type { Ctx } from '../context.ts'
import { schedule } from '../context.ts'
import type { ClusterState } from '../model/state.ts'
import type { ContainerRuntime, NodeRuntime, PodRuntime } from '../model/node.ts'
import { EPOCH_MS } from '../time.ts'
import { compileCached, runScript, type StartContext } from '../workloads/programs.ts'
import { appendLogs, containerExited } from './kubelet.ts'
import { kernelVersionFor, nodeArch } from '../aws/nodeInfo.ts'

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const p2 = (n: number) => String(n).padStart(2, '0')

/** busybox `date`: `Mon Mar  2 08:46:12 UTC 2026` */
export function busyboxDate(simMs: number): string {
  const d = new Date(EPOCH_MS + simMs)
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`
}

export function programStartContext(
  state: ClusterState,
  node: NodeRuntime,
  rt: PodRuntime,
  _env: Record<string, string>,
): StartContext {
  const d = new Date(EPOCH_MS + state.now)
  const us = String(Math.floor((state.now % 1000) * 1000)).padStart(6, '0')
  return {
    hostname: rt.hostNetwork ? node.name : rt.name,
    nginxTime: `${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`,
    klogTime: {
      month: p2(d.getUTCMonth() + 1),
      day: p2(d.getUTCDate()),
      time: `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${us}`,
    },
    isoTime: d.toISOString(),
    kernel: kernelVersionFor(nodeArch(state, node)),
    nodeName: node.name,
  }
}

/** Runs a container's program until it sleeps or exits. */
export function runProgramTick(
  ctx: Ctx,
  node: NodeRuntime,
  rt: PodRuntime,
  c: ContainerRuntime,
): void {
  const p = c.program
  if (p.kind === 'exit') {
    containerExited(ctx, node, rt, c, p.code, p.code === 128 ? 'StartError' : undefined)
    return
  }
  if (p.kind !== 'script') return
  const compiled = compileCached(p.source)
  const out: { stream: 'stdout' | 'stderr'; text: string }[] = []
  if (compiled.error && p.pc === 0) {
    appendLogs(ctx, node, rt, c, [{ stream: 'stderr', text: compiled.error }])
    containerExited(ctx, node, rt, c, 2)
    return
  }
  const st = { pc: p.pc, vars: { ...p.vars }, loops: { ...p.loops } }
  const result = runScript(
    compiled,
    st,
    {
      vars: st.vars,
      date: () => busyboxDate(ctx.state.now),
      hostname: rt.hostNetwork ? node.name : rt.name,
    },
    (stream, text) => out.push({ stream, text }),
  )
  c.program = { kind: 'script', source: p.source, pc: st.pc, vars: st.vars, loops: st.loops }
  appendLogs(ctx, node, rt, c, out)
  if (result.kind === 'exit') containerExited(ctx, node, rt, c, result.code)
  else if (Number.isFinite(result.ms))
    schedule(
      ctx,
      result.ms,
      {
        kind: 'container.tick',
        node: node.name,
        podUid: rt.uid,
        container: c.name,
        containerId: c.id!,
      },
      { background: true },
    )
}
