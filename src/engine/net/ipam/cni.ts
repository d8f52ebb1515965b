import type { Ctx } from '../../context.ts'
import { emit } from '../../context.ts'
import type { NodeRuntime, PodRuntime } from '../../model/node.ts'
import { vethName } from '../../node/util.ts'
import { assignPodIp, eniRouteTable, releasePodIp, type AssignResult } from './ipamd.ts'

// The CNI ADD and DEL for a pod sandbox, as the AWS VPC CNI plugin does them
// (aws/amazon-vpc-cni-k8s cmd/routed-eni-cni-plugin/cni.go and driver/driver.go; FIDELITY §5.4).
// The plumbing itself (veth, /32, routes, ARP entry, ip rules) is not stored: it follows from the
// pod's IP and ipamd's datastore, and net/ipam/hostnet.ts derives it when someone looks.

/** The link-local gateway every pod routes through (driver.go: the veth's host side answers for it). */
export const POD_GATEWAY = '169.254.1.1'

function steps(
  ns: string,
  name: string,
  sandboxId: string,
  netns: string,
  veth: string,
  r: AssignResult,
): { actor: string; action: string }[] {
  const out = [
    {
      actor: 'kubelet',
      action: `RunPodSandbox ${ns}/${name} (CRI call to containerd)`,
    },
    {
      actor: 'containerd',
      action: `started the pause container ${sandboxId.slice(0, 13)} in a new network namespace ${netns}`,
    },
    {
      actor: 'containerd',
      action: `exec /opt/cni/bin/aws-cni with CNI_COMMAND=ADD CNI_NETNS=${netns} CNI_IFNAME=eth0`,
    },
    { actor: 'aws-cni', action: 'AddNetwork gRPC call to ipamd (127.0.0.1:50051)' },
  ]
  if (!r.ok) return [...out, { actor: 'ipamd', action: `no free address: ${r.error}` }]
  const table = eniRouteTable(r.deviceNumber)
  return [
    ...out,
    {
      actor: 'ipamd',
      action: `assigned ${r.ip} (secondary IP of ${r.eniId}, device ${r.deviceNumber})`,
    },
    { actor: 'aws-cni', action: `created veth pair ${veth} (host) <-> eth0 (pod netns)` },
    { actor: 'aws-cni', action: `pod: ip addr add ${r.ip}/32 dev eth0` },
    {
      actor: 'aws-cni',
      action: `pod: ip route add ${POD_GATEWAY} dev eth0 scope link; ip route add default via ${POD_GATEWAY} dev eth0`,
    },
    {
      actor: 'aws-cni',
      action: `pod: ip neigh add ${POD_GATEWAY} lladdr <${veth} MAC> dev eth0 nud permanent`,
    },
    { actor: 'aws-cni', action: `host: ip route add ${r.ip} dev ${veth} scope link` },
    { actor: 'aws-cni', action: `host: ip rule add to ${r.ip} lookup main prio 512` },
    ...(table !== 254
      ? [{ actor: 'aws-cni', action: `host: ip rule add from ${r.ip} lookup ${table} prio 1536` }]
      : []),
  ]
}

/** CNI ADD: an address from ipamd, then the pod's plumbing. Fails when ipamd has no free address. */
export function cniAdd(
  ctx: Ctx,
  node: NodeRuntime,
  pod: { namespace: string; name: string },
  sandboxId: string,
  netns: string,
): AssignResult {
  const r = assignPodIp(ctx, node, { ...pod, containerId: sandboxId })
  const veth = vethName(pod.namespace, pod.name)
  if (r.ok && node.ipamd) node.ipamd.ifindex[veth] = node.ipamd.nextIfindex++
  emit(ctx, {
    type: 'cni.add',
    node: node.name,
    namespace: pod.namespace,
    pod: pod.name,
    sandboxId,
    netns,
    hostVeth: veth,
    ...(r.ok ? { ip: r.ip, networkInterfaceId: r.eniId } : { error: r.error }),
    steps: steps(pod.namespace, pod.name, sandboxId, netns, veth, r),
  })
  return r
}

/** CNI DEL: routes and rules go with the veth; the address goes back to ipamd to cool down. */
export function cniDel(ctx: Ctx, node: NodeRuntime, rt: PodRuntime): void {
  if (rt.hostNetwork) return
  const veth = vethName(rt.namespace, rt.name)
  const eniId = node.ipamd?.ips[rt.ip]?.eniId
  releasePodIp(ctx, node, rt.ip)
  if (node.ipamd) delete node.ipamd.ifindex[veth]
  emit(ctx, {
    type: 'cni.del',
    node: node.name,
    namespace: rt.namespace,
    pod: rt.name,
    sandboxId: rt.sandboxId,
    netns: rt.netns,
    ip: rt.ip,
    ...(eniId ? { networkInterfaceId: eniId } : {}),
    hostVeth: veth,
    steps: [
      { actor: 'kubelet', action: `StopPodSandbox ${rt.namespace}/${rt.name}` },
      {
        actor: 'containerd',
        action: `exec /opt/cni/bin/aws-cni with CNI_COMMAND=DEL CNI_NETNS=${rt.netns}`,
      },
      { actor: 'aws-cni', action: `host: ip rule del to ${rt.ip}; ip route del ${rt.ip}` },
      { actor: 'aws-cni', action: `deleted veth ${veth} (its pod end eth0 goes with it)` },
      {
        actor: 'ipamd',
        action: `released ${rt.ip}: reusable after the 30 s IP_COOLDOWN_PERIOD`,
      },
    ],
  })
}
