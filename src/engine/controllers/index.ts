import { logMonitorTick } from '../logs/rotate.ts'
import type { Ctx } from '../context.ts'
import type { ControllerName, WorkItem } from '../model/state.ts'
import { assertNever } from '../events.ts'
import { reconcileDeployment } from './deployment.ts'
import { reconcileReplicaSet } from './replicaset.ts'
import { reconcileDaemonSet } from './daemonset.ts'
import { reconcileEndpointSlices } from './endpointslice.ts'
import { collectGarbage, reconcileNamespace } from './gc.ts'
import { schedulePending } from '../scheduler/scheduler.ts'
import { containerTick, nodeHeartbeat, syncPod } from '../kubelet/kubelet.ts'
import { runLifecycle } from '../aws/terminate.ts'
import { runNodeGroupWork } from '../aws/nodegroups.ts'
import { fluentBitTick } from '../shipping/tick.ts'
import { syncKubeProxy } from '../net/kubeproxy/sync.ts'
import { ipamdPoolCheck } from '../net/ipam/ipamd.ts'

// Who reconciles what. The kube-controller-manager's controllers and the scheduler run in the
// AWS-managed control plane; the kubelet runs on each node.
const CONTROLLERS: Record<ControllerName, (ctx: Ctx, key: string) => void> = {
  deployment: reconcileDeployment,
  replicaset: reconcileReplicaSet,
  daemonset: reconcileDaemonSet,
  endpointslice: reconcileEndpointSlices,
  scheduler: schedulePending,
  kubelet: syncPod,
  namespace: reconcileNamespace,
  gc: collectGarbage,
  'kube-proxy': syncKubeProxy,
}

export function runWork(ctx: Ctx, work: WorkItem): void {
  switch (work.kind) {
    case 'reconcile':
      CONTROLLERS[work.controller](ctx, work.key)
      return
    case 'kubelet.sync': {
      const rt = ctx.state.nodes[work.node]?.pods[work.podUid]
      if (rt) syncPod(ctx, `${rt.namespace}/${rt.name}`)
      return
    }
    case 'container.tick':
      containerTick(ctx, work.node, work.podUid, work.container, work.containerId)
      fluentBitTick(ctx, work.node, work.podUid, work.container, work.containerId)
      return
    case 'aws.lifecycle':
      runLifecycle(ctx, work.step, work.instanceId, work.node)
      return
    case 'aws.nodegroup':
      runNodeGroupWork(ctx, work.step, work.nodegroup, work.subnetId)
      return
    case 'kubelet.logRotate':
      logMonitorTick(ctx, work.node, work.podUid, work.container, work.containerId)
      return
    case 'node.heartbeat':
      nodeHeartbeat(ctx, work.node)
      return
    case 'ipamd.pool':
      ipamdPoolCheck(ctx, work.node)
      return
    default:
      assertNever(work)
  }
}
