import { fieldRefValue } from '../kubelet/kubelet.ts'
import type { ClusterState } from '../model/state.ts'
import type { ContainerRuntime, NodeRuntime, PodRuntime } from '../model/node.ts'
import type { Container, Pod } from '../model/k8s.ts'
import { getObject } from '../apiserver/store.ts'
import { INSTANCE_TYPES, nodeResources } from '../aws/instanceTypes.ts'
import { NODE_OS } from '../aws/nodeInfo.ts'
import { resolveImage } from '../workloads/images.ts'
import { effectiveArgv } from '../workloads/programs.ts'
import { hashInt } from './util.ts'

// The process table of a worker node, as `ps` shows it: a pure function of ClusterState.
// PIDs of container processes are the runtime's (ContainerRuntime.pid); the rest of the table is
// the AL2023 EKS AMI's usual set of daemons, with fixed PIDs from early boot.
// Sources: awslabs/amazon-eks-ami templates/al2023 (kubelet.service, nodeadm flags),
// docs/research/kubectl-formats.md §7.3. Simplified: only a representative handful of the ~100
// kernel threads, and CPU/memory figures are plausible constants, not measurements.

export interface NodeProcess {
  pid: number
  ppid: number
  uid: number
  /** argv; kernel threads have none and show as [comm] */
  args: string[]
  comm: string
  kernel?: boolean
  /** simulated ms */
  startedAt: number
  cpuMs: number
  /** KiB */
  vsz: number
  rss: number
  stat: string
  tty: string
  container?: { namespace: string; pod: string; container: string; id: string }
}

/** The learner's own login, which shows up in the table (sshd/sudo, or the SSM session worker). */
export interface SessionInfo {
  via: 'ssh' | 'ssm'
  /** the command line being run right now (`ps aux`) */
  command?: string[]
}

export const NODE_USERS: Record<number, string> = {
  0: 'root',
  81: 'dbus',
  192: 'systemd-network',
  193: 'systemd-resolve',
  994: 'chrony',
  1000: 'ec2-user',
  1001: 'ssm-user',
}

export function instanceTypeOf(state: ClusterState, node: NodeRuntime) {
  const inst = state.aws.instances[node.instanceId]
  return (
    INSTANCE_TYPES[inst?.instanceType ?? state.config.instanceType] ?? INSTANCE_TYPES['t3.medium']!
  )
}

/** MemTotal in KiB, as the kernel reports it (the node's memory capacity). */
export function memTotalKi(state: ClusterState, node: NodeRuntime): number {
  return Number(nodeResources(instanceTypeOf(state, node)).capacity.memory.replace('Ki', ''))
}

/**
 * nodeadm's kubelet flags. nodeadm collects them in a Go map, so their order differs from node to
 * node (we shuffle by a hash of the node name); the managed node group's --node-labels come last.
 */
export function kubeletArgs(state: ClusterState, node: NodeRuntime): string[] {
  const flags = [
    '--config=/etc/kubernetes/kubelet/config.json',
    '--kubeconfig=/var/lib/kubelet/kubeconfig',
    '--image-credential-provider-bin-dir=/etc/eks/image-credential-provider',
    '--image-credential-provider-config=/etc/eks/image-credential-provider/config.json',
    `--node-ip=${node.ip}`,
    '--cloud-provider=external',
    `--hostname-override=${node.name}`,
  ]
  const keyed = flags.map((f) => ({ f, k: hashInt(`${node.name}|${f}`, 1 << 30) }))
  keyed.sort((a, b) => a.k - b.k)
  const ng = state.aws.instances[node.instanceId]?.nodegroup ?? 'ng-default'
  return [
    ...keyed.map((x) => x.f),
    `--node-labels=eks.amazonaws.com/nodegroup-image=${NODE_OS.amiId},eks.amazonaws.com/capacityType=ON_DEMAND,eks.amazonaws.com/nodegroup=${ng}`,
  ]
}

const KERNEL_THREADS = [
  'kthreadd',
  'pool_workqueue_release',
  'kworker/R-rcu_g',
  'kworker/R-rcu_p',
  'kworker/R-slub_',
  'kworker/R-netns',
  'kworker/0:0H-events_highpri',
  'kworker/R-mm_pe',
  'rcu_tasks_kthread',
  'ksoftirqd/0',
  'rcu_preempt',
  'migration/0',
  'cpuhp/0',
  'cpuhp/1',
  'migration/1',
  'ksoftirqd/1',
  'kdevtmpfs',
  'kworker/R-inet_',
  'kauditd',
  'khungtaskd',
  'oom_reaper',
  'kworker/R-write',
  'kcompactd0',
  'khugepaged',
  'kworker/R-kbloc',
  'kswapd0',
  'kworker/R-nvme-',
  'xfsaild/nvme0n1p1',
  'kworker/1:1H-xfs-log/nvme0n1p1',
  'kworker/0:2-events',
]

/** Where a pod's sandbox processes sit: just below its first container's PID (allocated together). */
function sandboxBase(node: NodeRuntime, rt: PodRuntime, index: number): number {
  const pids = [...rt.containers, ...Object.values(rt.previous)]
    .map((c) => c.pid)
    .filter((p): p is number => p !== undefined)
  return pids.length ? Math.min(...pids) - 15 : node.nextPid + 5 + index * 20
}

function podSpecContainer(pod: Pod | undefined, c: ContainerRuntime): Container | undefined {
  if (!pod) return undefined
  return (c.init ? pod.spec.initContainers : pod.spec.containers)?.find((x) => x.name === c.name)
}

/** $(VAR) expansion the kubelet applies to command/args, with the downward-API fields we know. */
export function expandVars(arg: string, env: Record<string, string>): string {
  return arg.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name: string) => env[name] ?? m)
}

/** Values of `env[].valueFrom.fieldRef` the kubelet resolves (downward API). */
export function fieldRefEnv(
  pod: Pod,
  node: NodeRuntime | undefined,
  spec: Container,
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const e of spec.env ?? []) {
    const ref = (e.valueFrom as { fieldRef?: { fieldPath?: string } } | undefined)?.fieldRef
      ?.fieldPath
    if (!ref) continue
    // the kubelet's own resolution; before the pod reports hostIP, the node's IP is it
    const v = ref === 'status.hostIP' ? (pod.status.hostIP ?? node?.ip) : fieldRefValue(pod, ref)
    if (v !== undefined) out[e.name] = v
  }
  return out
}

export interface ContainerProcessSpec {
  args: string[]
  uid: number
  stat: string
  vsz: number
  rss: number
  /** CPU share while running, 0..1 */
  cpu: number
  children: { args: string[]; uid: number; stat: string; vsz: number; rss: number; cpu: number }[]
}

/** What runs inside a container (its PID 1 and children), from its image and the pod spec. */
export function containerProcessSpec(
  state: ClusterState,
  node: NodeRuntime | undefined,
  pod: Pod | undefined,
  c: ContainerRuntime,
): ContainerProcessSpec {
  const image = resolveImage(c.image)
  const spec = podSpecContainer(pod, c)
  const env = pod && spec ? fieldRefEnv(pod, node, spec) : {}
  const argv =
    image && spec ? effectiveArgv(spec, image.info).map((a) => expandVars(a, env)) : [c.image]
  const base = (argv[0] ?? '').split('/').pop()
  const cpus = node ? instanceTypeOf(state, node).vcpus : 2
  if (image?.info.behaviour === 'nginx' && (base === 'docker-entrypoint.sh' || base === 'nginx')) {
    const worker = {
      args: ['nginx: worker process'],
      uid: 101,
      stat: 'S',
      vsz: 11892,
      rss: 2912,
      cpu: 0,
    }
    return {
      args: ['nginx: master process nginx -g daemon off;'],
      uid: 0,
      stat: 'Ss',
      vsz: 11440,
      rss: 7424,
      cpu: 0,
      children: Array.from({ length: cpus }, () => worker),
    }
  }
  if (image?.info.behaviour === 'aws-node' && base === 'aws-vpc-cni') {
    return {
      args: argv,
      uid: 0,
      stat: 'Ssl',
      vsz: 1238220,
      rss: 27840,
      cpu: 0.0005,
      children: [
        { args: ['./aws-k8s-agent'], uid: 0, stat: 'Sl', vsz: 1317244, rss: 54120, cpu: 0.002 },
      ],
    }
  }
  const shell = base === 'sh' || base === 'ash' || base === 'bash' || base === 'sleep'
  const uid =
    image?.info.behaviour === 'coredns'
      ? 65532
      : image?.info.behaviour === 'curl'
        ? 100
        : image?.info.behaviour === 'pause'
          ? 65535
          : 0
  const heavy = {
    coredns: [1291264, 48512, 0.002],
    'kube-proxy': [1283616, 61204, 0.001],
    'network-policy-agent': [1302852, 50460, 0.001],
  } as Record<string, [number, number, number]>
  const [vsz, rss, cpu] =
    (image && heavy[image.info.behaviour]) ?? (shell ? [4412, 1280, 0] : [1240000, 20000, 0.0005])
  return { args: argv, uid, stat: shell ? 'Ss' : 'Ssl', vsz, rss, cpu, children: [] }
}

/** Every process on the node, ordered by PID. */
export function nodeProcesses(
  state: ClusterState,
  nodeName: string,
  session?: SessionInfo,
): NodeProcess[] {
  const node = state.nodes[nodeName]
  if (!node) return []
  const boot = node.bootTime
  const now = state.now
  const procs: NodeProcess[] = []
  const jitter = (seed: string, v: number) =>
    v + hashInt(`${node.name}|${seed}`, Math.max(1, Math.round(v / 20)))
  const add = (p: Omit<NodeProcess, 'cpuMs' | 'comm'> & { comm?: string; cpu?: number }) => {
    const { cpu = 0, ...rest } = p
    const comm = p.comm ?? (p.args[0] ?? '').split('/').pop()!.split(':')[0]!.slice(0, 15)
    procs.push({
      ...rest,
      comm,
      vsz: p.vsz && jitter(`vsz${p.pid}`, p.vsz),
      rss: p.rss && jitter(`rss${p.pid}`, p.rss),
      cpuMs: Math.floor(Math.max(0, now - p.startedAt) * cpu),
    })
  }
  const sys = (
    pid: number,
    args: string[],
    o: Partial<NodeProcess> & { cpu?: number; at?: number } = {},
  ) =>
    add({
      pid,
      ppid: 1,
      uid: 0,
      args,
      startedAt: boot + (o.at ?? 2000),
      vsz: 0,
      rss: 0,
      stat: 'Ss',
      tty: '?',
      ...o,
    })

  sys(1, ['/usr/lib/systemd/systemd', '--switched-root', '--system', '--deserialize=32'], {
    ppid: 0,
    at: 0,
    vsz: 172676,
    rss: 16616,
    cpu: 0.0004,
  })
  KERNEL_THREADS.forEach((name, i) => {
    const pid = i === 0 ? 2 : i < 28 ? i + 2 : 60 + i * 13
    add({
      pid,
      ppid: i === 0 ? 0 : 2,
      uid: 0,
      args: [],
      comm: name,
      kernel: true,
      startedAt: boot + (i < 28 ? 0 : 60_000),
      vsz: 0,
      rss: 0,
      stat: name.startsWith('kworker/R') ? 'I<' : name.startsWith('kworker') ? 'I' : 'S',
      tty: '?',
    })
  })
  sys(1104, ['/usr/lib/systemd/systemd-journald'], {
    at: 1200,
    vsz: 58312,
    rss: 19976,
    cpu: 0.0001,
  })
  sys(1148, ['/usr/lib/systemd/systemd-udevd'], { at: 1300, vsz: 33148, rss: 10732 })
  sys(1581, ['/sbin/auditd'], { at: 1800, stat: 'S<sl', vsz: 76364, rss: 3420 })
  sys(1605, ['/usr/lib/systemd/systemd-resolved'], { uid: 193, at: 1900, vsz: 23272, rss: 13160 })
  sys(1628, ['/usr/lib/systemd/systemd-networkd'], { uid: 192, at: 1950, vsz: 238284, rss: 9948 })
  sys(1651, ['/usr/bin/dbus-broker-launch', '--scope', 'system', '--audit'], {
    uid: 81,
    at: 2000,
    vsz: 11512,
    rss: 4284,
  })
  add({
    pid: 1654,
    ppid: 1651,
    uid: 81,
    args: [
      'dbus-broker',
      '--log',
      '4',
      '--controller',
      '9',
      '--machine-id',
      node.machineId,
      '--max-bytes',
      '536870912',
      '--max-fds',
      '4096',
      '--max-matches',
      '131072',
      '--audit',
    ],
    startedAt: boot + 2010,
    vsz: 5364,
    rss: 2872,
    stat: 'S',
    tty: '?',
  })
  sys(1662, ['/usr/lib/systemd/systemd-logind'], { at: 2020, vsz: 18956, rss: 9004 })
  sys(1690, ['/usr/sbin/chronyd', '-F', '2'], {
    uid: 994,
    at: 2100,
    stat: 'S',
    vsz: 87384,
    rss: 3812,
  })
  sys(1718, ['/usr/bin/amazon-ssm-agent'], {
    at: 2500,
    stat: 'Ssl',
    vsz: 1841336,
    rss: 31836,
    cpu: 0.0003,
  })
  sys(1760, ['sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'], {
    at: 2600,
    vsz: 16856,
    rss: 9276,
    comm: 'sshd',
  })
  sys(1766, ['/sbin/agetty', '-o', '-p -- \\u', '--noclear', '-', 'linux'], {
    at: 2650,
    stat: 'Ss+',
    tty: 'tty1',
    vsz: 221224,
    rss: 1924,
  })
  sys(
    1767,
    ['/sbin/agetty', '-o', '-p -- \\u', '--keep-baud', '115200,57600,38400,9600', '-', 'vt220'],
    { at: 2650, stat: 'Ss+', tty: 'ttyS0', vsz: 221268, rss: 2116 },
  )
  add({
    pid: 1795,
    ppid: 1718,
    uid: 0,
    args: ['/usr/bin/ssm-agent-worker'],
    startedAt: boot + 3000,
    vsz: 1998056,
    rss: 36084,
    stat: 'Sl',
    tty: '?',
    cpu: 0.0003,
  })
  sys(2468, ['/usr/bin/containerd'], {
    at: 9000,
    stat: 'Ssl',
    vsz: 2136212,
    rss: 58316,
    cpu: 0.004,
  })
  sys(2874, ['/usr/bin/kubelet', ...kubeletArgs(state, node)], {
    at: 12_000,
    stat: 'Ssl',
    vsz: 1974092,
    rss: 91272,
    cpu: 0.012,
  })

  Object.values(node.pods)
    .sort((a, b) => a.startedAt - b.startedAt || (a.uid < b.uid ? -1 : 1))
    .forEach((rt, i) => {
      const base = sandboxBase(node, rt, i)
      const pod = getObject(state, 'Pod', rt.namespace, rt.name)
      add({
        pid: base,
        ppid: 1,
        uid: 0,
        args: [
          '/usr/bin/containerd-shim-runc-v2',
          '-namespace',
          'k8s.io',
          '-id',
          rt.sandboxId,
          '-address',
          '/run/containerd/containerd.sock',
        ],
        startedAt: rt.startedAt,
        vsz: 1238732,
        rss: 13540,
        stat: 'Sl',
        tty: '?',
        cpu: 0.0002,
      })
      add({
        pid: base + 2,
        ppid: base,
        uid: 65535,
        args: ['/pause'],
        startedAt: rt.startedAt + 200,
        vsz: 1020,
        rss: 4,
        stat: 'Ss',
        tty: '?',
      })
      for (const c of rt.containers) {
        if (c.state !== 'running' || c.pid === undefined) continue
        const ps = containerProcessSpec(state, node, pod, c)
        const container = {
          namespace: rt.namespace,
          pod: rt.name,
          container: c.name,
          id: c.id ?? '',
        }
        const started = c.startedAt ?? rt.startedAt
        add({
          pid: c.pid,
          ppid: base,
          uid: ps.uid,
          args: ps.args,
          startedAt: started,
          vsz: ps.vsz,
          rss: ps.rss,
          stat: ps.stat,
          tty: '?',
          cpu: ps.cpu,
          container,
        })
        ps.children.forEach((ch, k) =>
          add({
            pid: c.pid! + 1 + k,
            ppid: c.pid!,
            uid: ch.uid,
            args: ch.args,
            startedAt: started + 20,
            vsz: ch.vsz,
            rss: ch.rss,
            stat: ch.stat,
            tty: '?',
            cpu: ch.cpu,
            container,
          }),
        )
      }
    })

  if (session) {
    const s = node.nextPid + 1000
    const at = Math.max(boot, now - 60_000)
    const cmd = session.command ?? ['ps', 'aux']
    if (session.via === 'ssh') {
      add({
        pid: s,
        ppid: 1760,
        uid: 0,
        args: ['sshd: ec2-user [priv]'],
        comm: 'sshd',
        startedAt: at,
        vsz: 19268,
        rss: 11672,
        stat: 'Ss',
        tty: '?',
      })
      add({
        pid: s + 4,
        ppid: s,
        uid: 1000,
        args: ['sshd: ec2-user@pts/0'],
        comm: 'sshd',
        startedAt: at,
        vsz: 19400,
        rss: 7092,
        stat: 'S',
        tty: '?',
      })
      add({
        pid: s + 5,
        ppid: s + 4,
        uid: 1000,
        args: ['-bash'],
        comm: 'bash',
        startedAt: at,
        vsz: 222664,
        rss: 5292,
        stat: 'Ss',
        tty: 'pts/0',
      })
      add({
        pid: s + 30,
        ppid: s + 5,
        uid: 0,
        args: ['sudo', '-i'],
        startedAt: at + 2000,
        vsz: 241928,
        rss: 7564,
        stat: 'S+',
        tty: 'pts/0',
      })
      add({
        pid: s + 32,
        ppid: s + 30,
        uid: 0,
        args: ['-bash'],
        comm: 'bash',
        startedAt: at + 2000,
        vsz: 222796,
        rss: 5412,
        stat: 'S',
        tty: 'pts/0',
      })
      add({
        pid: s + 60,
        ppid: s + 32,
        uid: 0,
        args: cmd,
        startedAt: now,
        vsz: 224228,
        rss: 3816,
        stat: 'R+',
        tty: 'pts/0',
      })
    } else {
      add({
        pid: s,
        ppid: 1795,
        uid: 0,
        args: ['/usr/bin/ssm-session-worker', `session-${node.instanceId}`, node.instanceId],
        comm: 'ssm-session-wor',
        startedAt: at,
        vsz: 1924380,
        rss: 28744,
        stat: 'Sl',
        tty: '?',
      })
      add({
        pid: s + 12,
        ppid: s,
        uid: 0,
        args: ['sh'],
        startedAt: at,
        vsz: 222412,
        rss: 4028,
        stat: 'Ss',
        tty: 'pts/0',
      })
      add({
        pid: s + 40,
        ppid: s + 12,
        uid: 0,
        args: cmd,
        startedAt: now,
        vsz: 224228,
        rss: 3816,
        stat: 'R+',
        tty: 'pts/0',
      })
    }
  }
  return procs.sort((a, b) => a.pid - b.pid)
}

/** The command line as ps prints it: argv joined by spaces, or [comm] for kernel threads. */
export function commandLine(p: NodeProcess): string {
  return p.kernel ? `[${p.comm}]` : p.args.join(' ')
}
