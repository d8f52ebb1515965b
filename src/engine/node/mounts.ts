import type { ClusterState } from '../model/state.ts'
import type { NodeRuntime, PodRuntime } from '../model/node.ts'
import type { Pod } from '../model/k8s.ts'
import { getObject } from '../apiserver/store.ts'
import { tmpfsSizeKiB, volumeDir } from '../kubelet/volumes.ts'
import { parseQuantity } from '../quantity.ts'

// The mount tables `mount`, `/proc/mounts` and `findmnt` read: the node's, and a container's.
// What the lesson needs is exact: every Secret volume is its own tmpfs under
// /var/lib/kubelet/pods/<uid>/volumes/kubernetes.io~secret/<volume>, sized to the pod's memory
// limit or the node's allocatable memory (shown by the kernel in KiB, rounded to pages), and the
// container sees it read-only at its mountPath. AL2023 runs SELinux (permissive), so the kernel
// adds `seclabel`; its 6.1 kernel predates tmpfs `noswap` (Linux 6.4), so the kubelet adds none.
// Simplification: the node's system mounts are a representative AL2023 set, not a captured table.

export interface MountEntry {
  source: string
  target: string
  fstype: string
  options: string
}

/** Total memory in KiB, the basis of the system tmpfs sizes (as `df` reports them). */
function memKiB(state: ClusterState, node: NodeRuntime): number {
  const n = getObject(state, 'Node', undefined, node.name)
  return Math.floor(parseQuantity(n?.status.capacity.memory ?? '4Gi') / 1024)
}

/** The kubelet's tmpfs mounts for one pod: projected service-account tokens and Secret volumes. */
function podTmpfs(state: ClusterState, node: NodeRuntime, rt: PodRuntime): MountEntry[] {
  const pod = getObject(state, 'Pod', rt.namespace, rt.name)
  if (!pod || pod.metadata.uid !== rt.uid) return []
  const size = tmpfsSizeKiB({ state }, node.name, pod)
  const out: MountEntry[] = []
  for (const v of pod.spec.volumes ?? []) {
    const vol = rt.volumes?.[v.name]
    const target =
      v.projected && v.name.startsWith('kube-api-access-')
        ? `/var/lib/kubelet/pods/${rt.uid}/volumes/kubernetes.io~projected/${v.name}`
        : vol?.medium === 'tmpfs'
          ? volumeDir(rt.uid, vol)
          : undefined
    if (target)
      out.push({
        source: 'tmpfs',
        target,
        fstype: 'tmpfs',
        options: `rw,relatime,seclabel,size=${vol?.sizeKiB ?? size}k`,
      })
  }
  return out
}

function m(source: string, target: string, fstype: string, options: string): MountEntry {
  return { source, target, fstype, options }
}

/** containerd's overlayfs snapshotter: the image layer (snapshot 1) under a writable snapshot. */
function overlayOptions(upper: number): string {
  const dir = '/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots'
  return `rw,seclabel,relatime,lowerdir=${dir}/1/fs,upperdir=${dir}/${upper}/fs,workdir=${dir}/${upper}/work`
}

export function nodeMountTable(state: ClusterState, nodeName: string): MountEntry[] {
  const node = state.nodes[nodeName]
  if (!node) return []
  const mem = memKiB(state, node)
  const out: MountEntry[] = [
    m('proc', '/proc', 'proc', 'rw,nosuid,nodev,noexec,relatime'),
    m('sysfs', '/sys', 'sysfs', 'rw,seclabel,nosuid,nodev,noexec,relatime'),
    m(
      'devtmpfs',
      '/dev',
      'devtmpfs',
      `rw,seclabel,nosuid,size=4096k,nr_inodes=${Math.floor(mem / 8)},mode=755`,
    ),
    m('securityfs', '/sys/kernel/security', 'securityfs', 'rw,nosuid,nodev,noexec,relatime'),
    m('tmpfs', '/dev/shm', 'tmpfs', 'rw,seclabel,nosuid,nodev'),
    m(
      'devpts',
      '/dev/pts',
      'devpts',
      'rw,seclabel,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=000',
    ),
    m(
      'tmpfs',
      '/run',
      'tmpfs',
      `rw,seclabel,nosuid,nodev,size=${Math.floor(mem / 5)}k,nr_inodes=819200,mode=755`,
    ),
    m(
      'cgroup2',
      '/sys/fs/cgroup',
      'cgroup2',
      'rw,seclabel,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot',
    ),
    m('pstore', '/sys/fs/pstore', 'pstore', 'rw,seclabel,nosuid,nodev,noexec,relatime'),
    m('bpf', '/sys/fs/bpf', 'bpf', 'rw,nosuid,nodev,noexec,relatime,mode=700'),
    m(
      '/dev/nvme0n1p1',
      '/',
      'xfs',
      'rw,noatime,seclabel,attr2,inode64,logbufs=8,logbsize=32k,sunit=1024,swidth=1024,noquota',
    ),
    m('selinuxfs', '/sys/fs/selinux', 'selinuxfs', 'rw,nosuid,noexec,relatime'),
    m(
      'tmpfs',
      '/tmp',
      'tmpfs',
      `rw,seclabel,nosuid,nodev,size=${Math.floor(mem / 2)}k,nr_inodes=1048576`,
    ),
    m(
      '/dev/nvme0n1p128',
      '/boot/efi',
      'vfat',
      'rw,noatime,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=winnt,errors=remount-ro',
    ),
  ]
  for (const rt of Object.values(node.pods).sort((a, b) => a.startedAt - b.startedAt)) {
    out.push(...podTmpfs(state, node, rt))
    if (!rt.hostNetwork) out.push(m('nsfs', rt.netns, 'nsfs', 'rw'))
    out.push(
      m(
        'shm',
        `/run/containerd/io.containerd.grpc.v1.cri/sandboxes/${rt.sandboxId}/shm`,
        'tmpfs',
        'rw,seclabel,nosuid,nodev,noexec,relatime,size=65536k',
      ),
      m(
        'overlay',
        `/run/containerd/io.containerd.runtime.v2.task/k8s.io/${rt.sandboxId}/rootfs`,
        'overlay',
        overlayOptions(2),
      ),
    )
    for (const c of rt.containers)
      if (c.state === 'running' && c.id)
        out.push(
          m(
            'overlay',
            `/run/containerd/io.containerd.runtime.v2.task/k8s.io/${c.id}/rootfs`,
            'overlay',
            overlayOptions(3),
          ),
        )
  }
  return out
}

/** What a container's mount namespace holds: its rootfs, the kernel filesystems, the files the
 * kubelet bind-mounts (/etc/hosts …) and its volumeMounts. Secret and token volumes are the node's
 * tmpfs, bind-mounted read-only; a ConfigMap volume is a directory of the node's disk. */
export function containerMountTable(
  state: ClusterState,
  node: NodeRuntime,
  rt: PodRuntime,
  pod: Pod,
  containerName: string,
): MountEntry[] {
  const spec = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find(
    (c) => c.name === containerName,
  )
  const size = tmpfsSizeKiB({ state }, node.name, pod)
  const disk =
    'rw,seclabel,noatime,attr2,inode64,logbufs=8,logbsize=32k,sunit=1024,swidth=1024,noquota'
  const out: MountEntry[] = [
    m('overlay', '/', 'overlay', overlayOptions(3)),
    m('proc', '/proc', 'proc', 'rw,nosuid,nodev,noexec,relatime'),
    m('tmpfs', '/dev', 'tmpfs', 'rw,seclabel,nosuid,size=65536k,mode=755'),
    m(
      'devpts',
      '/dev/pts',
      'devpts',
      'rw,seclabel,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=666',
    ),
    m('mqueue', '/dev/mqueue', 'mqueue', 'rw,seclabel,nosuid,nodev,noexec,relatime'),
    m('sysfs', '/sys', 'sysfs', 'ro,seclabel,nosuid,nodev,noexec,relatime'),
    m(
      'cgroup',
      '/sys/fs/cgroup',
      'cgroup2',
      'ro,seclabel,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot',
    ),
    m('/dev/nvme0n1p1', '/etc/hosts', 'xfs', disk),
    m('/dev/nvme0n1p1', '/dev/termination-log', 'xfs', disk),
    m('/dev/nvme0n1p1', '/etc/hostname', 'xfs', disk),
    m('/dev/nvme0n1p1', '/etc/resolv.conf', 'xfs', disk),
    m('shm', '/dev/shm', 'tmpfs', 'rw,seclabel,nosuid,nodev,noexec,relatime,size=65536k'),
  ]
  for (const vm of spec?.volumeMounts ?? []) {
    const v = pod.spec.volumes?.find((x) => x.name === vm.name)
    if (!v) continue
    const vol = rt.volumes?.[vm.name]
    const ro = vm.readOnly || v.secret || v.configMap || v.projected ? 'ro' : 'rw'
    if (v.projected || vol?.medium === 'tmpfs')
      out.push(
        m('tmpfs', vm.mountPath, 'tmpfs', `${ro},relatime,seclabel,size=${vol?.sizeKiB ?? size}k`),
      )
    else out.push(m('/dev/nvme0n1p1', vm.mountPath, 'xfs', disk.replace(/^rw/, ro)))
  }
  return out
}

/** `/proc/mounts` (and /proc/self/mounts) text. */
export function procMounts(entries: MountEntry[]): string {
  return entries.map((e) => `${e.source} ${e.target} ${e.fstype} ${e.options} 0 0\n`).join('')
}
