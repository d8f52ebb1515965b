import type { ClusterState } from '../model/state.ts'
import type { NodeRuntime, PodRuntime, VolumeRuntime } from '../model/node.ts'
import { fileText, volumeDir } from '../kubelet/volumes.ts'
import { nodeMountTable, procMounts } from './mounts.ts'
import { decodedLength } from '../apiserver/secrets.ts'
import type { Pod } from '../model/k8s.ts'
import { getObject } from '../apiserver/store.ts'
import { NODE_OS, kernelVersionFor, machineOf, nodeArch } from '../aws/nodeInfo.ts'
import { EPOCH_MS } from '../time.ts'
import { cniLogMtime, cniLogText } from '../net/ipam/cniLogs.ts'
import { FsBuilder, type VirtualFs } from './vfs.ts'
import { atomicWriterDir, base64, base64DecodeText, hashHex, hashInt, utf8Bytes } from './util.ts'
import { NODE_USERS, instanceTypeOf, kubeletArgs, nodeProcesses } from './processes.ts'
import { maxPods } from '../aws/instanceTypes.ts'
import {
  containerInstances,
  containerLogPath,
  containerLogSymlink,
  instanceLogFiles,
  logFileContent,
  podLogDir,
} from '../logs/files.ts'

// A worker node's disk as the learner sees it over ssh: a pure function of ClusterState.
// Paths follow the real layout (FIDELITY.md §1): containerd writes each container's output to
// /var/log/pods/<ns>_<pod>_<uid>/<container>/<restartCount>.log in the CRI format, and the kubelet
// links /var/log/containers/<pod>_<ns>_<container>-<containerID>.log to it. Anything not modelled
// is simply absent, so tools answer "No such file or directory" as they would for a missing file.
// Log files, their rotation and .gz files come from engine/logs/files.ts.
// Simplifications: binaries are listed with
// plausible sizes but have no bytes; the journal, /sys and most of /usr are not modelled.

/** Simulated ms at which the AMI was built (the mtime of files that came with the image). */
const AMI_BUILT = Date.UTC(2026, 0, 20, 21, 14, 33) - EPOCH_MS

export const AL2023_OS_RELEASE = `NAME="Amazon Linux"
VERSION="2023"
ID="amzn"
ID_LIKE="fedora"
VERSION_ID="2023"
PLATFORM_ID="platform:al2023"
PRETTY_NAME="${NODE_OS.osImage}"
ANSI_COLOR="0;33"
CPE_NAME="cpe:2.3:o:amazon:amazon_linux:2023"
HOME_URL="https://aws.amazon.com/linux/amazon-linux-2023/"
DOCUMENTATION_URL="https://docs.aws.amazon.com/linux/"
SUPPORT_URL="https://aws.amazon.com/premiumsupport/"
BUG_REPORT_URL="https://github.com/amazonlinux/amazon-linux-2023"
VENDOR_NAME="AWS"
VENDOR_URL="https://aws.amazon.com/"
SUPPORT_END="2029-06-30"
`

/** `uname -v` of the AL2023 kernel */
export const KERNEL_BUILD = '#1 SMP PREEMPT_DYNAMIC Tue Jan 13 18:37:59 UTC 2026'

/** The cluster CA as PEM (the body is the cluster's certificateAuthority data, re-wrapped). */
export function clusterCaPem(state: ClusterState): string {
  const ca = state.aws.cluster.certificateAuthority
  const decoded = base64DecodeText(ca)
  if (
    decoded?.startsWith('-----BEGIN CERTIFICATE-----') &&
    decoded.includes('-----END CERTIFICATE-----') &&
    !decoded.includes('\ufffd')
  )
    return decoded.endsWith('\n') ? decoded : decoded + '\n'
  // the simulated CA data is a PEM header, random base64 and a footer: keep the random part as the body
  const body = (
    'MIIDBTCCAe2gAwIBAgII' +
    ca.replace(/^LS0tLS1CRUdJTi[A-Za-z0-9+/]{50}/, '').replace(/LS0t[A-Za-z0-9+/=]*$/, '')
  ).slice(0, 1040)
  return `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join('\n')}=\n-----END CERTIFICATE-----\n`
}

/** nodeadm's kubelet configuration (awslabs/amazon-eks-ami nodeadm/internal/kubelet/config.go), 4-space JSON. */
export function kubeletConfigJson(state: ClusterState, node: NodeRuntime): string {
  const t = instanceTypeOf(state, node)
  const pods = maxPods(t)
  let cpuReserved = 0
  for (let core = 1; core <= t.vcpus; core++)
    cpuReserved += core === 1 ? 60 : core === 2 ? 10 : core <= 4 ? 5 : 2.5
  const cfg = {
    kind: 'KubeletConfiguration',
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    address: '0.0.0.0',
    authentication: {
      x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' },
      webhook: { enabled: true, cacheTTL: '2m0s' },
      anonymous: { enabled: false },
    },
    authorization: {
      mode: 'Webhook',
      webhook: { cacheAuthorizedTTL: '5m0s', cacheUnauthorizedTTL: '30s' },
    },
    cgroupDriver: 'systemd',
    cgroupRoot: '/',
    clusterDNS: ['10.100.0.10'],
    clusterDomain: 'cluster.local',
    containerRuntimeEndpoint: 'unix:///run/containerd/containerd.sock',
    evictionHard: {
      'memory.available': '100Mi',
      'nodefs.available': '10%',
      'nodefs.inodesFree': '5%',
    },
    featureGates: { RotateKubeletServerCertificate: true },
    hairpinMode: 'hairpin-veth',
    kubeReserved: {
      cpu: `${Math.round(cpuReserved)}m`,
      'ephemeral-storage': '1Gi',
      memory: `${11 * pods + 255}Mi`,
    },
    kubeReservedCgroup: '/runtime',
    logging: { verbosity: 2 },
    maxPods: pods,
    protectKernelDefaults: true,
    providerID: `aws:///${node.zone}/${node.instanceId}`,
    readOnlyPort: 0,
    serializeImagePulls: false,
    serverTLSBootstrap: true,
    shutdownGracePeriod: '2m30s',
    shutdownGracePeriodCriticalPods: '30s',
    systemReservedCgroup: '/system',
    tlsCipherSuites: [
      'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
      'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
      'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
      'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
      'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
      'TLS_RSA_WITH_AES_256_GCM_SHA384',
      'TLS_RSA_WITH_AES_128_GCM_SHA256',
    ],
  }
  return JSON.stringify(cfg, null, 4)
}

export function kubeletKubeconfig(state: ClusterState): string {
  const c = state.aws.cluster
  return `---
apiVersion: v1
kind: Config
clusters:
  - name: kubernetes
    cluster:
      certificate-authority: /etc/kubernetes/pki/ca.crt
      server: ${c.endpoint}
current-context: kubelet
contexts:
  - name: kubelet
    context:
      cluster: kubernetes
      user: kubelet
users:
  - name: kubelet
    user:
      exec:
        apiVersion: client.authentication.k8s.io/v1beta1
        command: aws
        args:
          - "eks"
          - "get-token"
          - "--cluster-name"
          - "${c.name}"
          - "--region"
          - "${c.region}"
`
}

const AWS_CONFLIST = `{
  "cniVersion": "0.4.0",
  "name": "aws-cni",
  "disableCheck": true,
  "plugins": [
    {
      "name": "aws-cni",
      "type": "aws-cni",
      "vethPrefix": "eni",
      "mtu": "9001",
      "podSGEnforcingMode": "strict",
      "pluginLogFile": "/var/log/aws-routed-eni/plugin.log",
      "pluginLogLevel": "DEBUG",
      "capabilities": {
        "io.kubernetes.cri.pod-annotations": true
      }
    },
    {
      "name": "egress-cni",
      "type": "egress-cni",
      "mtu": "9001",
      "enabled": "false",
      "randomizeSNAT": "prng",
      "nodeIP": "",
      "ipam": {
        "type": "host-local",
        "ranges": [
          [
            {
              "subnet": "fd00::ac:00/118"
            }
          ]
        ],
        "routes": [
          {
            "dst": "::/0"
          }
        ],
        "dataDir": "/run/cni/v4pd/egress-v6-ipam"
      },
      "pluginLogFile": "/var/log/aws-routed-eni/egress-v6-plugin.log",
      "pluginLogLevel": "DEBUG"
    },
    {
      "type": "portmap",
      "capabilities": {
        "portMappings": true
      },
      "snat": true
    }
  ]
}
`

const KUBELET_SERVICE = `[Unit]
Description=Kubernetes Kubelet
Documentation=https://github.com/kubernetes/kubernetes
After=containerd.service
Wants=containerd.service

[Service]
Slice=runtime.slice
EnvironmentFile=/etc/eks/kubelet/environment
ExecStartPre=/sbin/iptables -P FORWARD ACCEPT -w 5
ExecStart=/usr/bin/kubelet $NODEADM_KUBELET_ARGS

Restart=on-failure
RestartForceExitStatus=SIGPIPE
RestartSec=5
KillMode=process
CPUAccounting=true
MemoryAccounting=true

[Install]
WantedBy=multi-user.target
`

/** `/etc/hosts` as the kubelet writes it for a pod (pkg/kubelet/kubelet_pods.go managedHostsFileContent). */
export function podHostsFile(rt: PodRuntime, hostname: string): string {
  return `# Kubernetes-managed hosts file.
127.0.0.1\tlocalhost
::1\tlocalhost ip6-localhost ip6-loopback
fe00::0\tip6-localnet
fe00::0\tip6-mcastprefix
fe00::1\tip6-allnodes
fe00::2\tip6-allrouters
${rt.ip}\t${hostname}
`
}

/** A pod's /etc/resolv.conf (dnsPolicy ClusterFirst): search path from the namespace plus the node's. */
export function podResolvConf(state: ClusterState, namespace: string): string {
  return `search ${namespace}.svc.cluster.local svc.cluster.local cluster.local ${state.config.region}.compute.internal
nameserver 10.100.0.10
options ndots:5
`
}

/** The node's resolver config (systemd-resolved's upstream file, which the kubelet hands to pods). */
export function nodeResolvConf(state: ClusterState): string {
  return `# This is /run/systemd/resolve/resolv.conf managed by man:systemd-resolved(8).
# Do not edit.
#
# This file might be symlinked as /etc/resolv.conf. If you're looking at
# /etc/resolv.conf and seeing this text, you have followed the symlink.
#
# This is a dynamic resolv.conf file for connecting local clients directly to
# all known uplink DNS servers. This file lists all configured search domains.
#
# Third party programs should typically not access this file directly, but only
# through the symlink at /etc/resolv.conf. To manage man:resolv.conf(5) in a
# different way, configure a different symlink.

nameserver 192.168.0.2
search ${state.config.region}.compute.internal
`
}

/** The bound service-account token the kubelet projects into a pod (a JWT; the signature is not real). */
export function serviceAccountToken(
  state: ClusterState,
  pod: Pod,
  node: NodeRuntime | undefined,
  issuedAt: number,
): string {
  const iat = Math.floor((EPOCH_MS + issuedAt) / 1000)
  const sa = pod.spec.serviceAccountName ?? 'default'
  const ns = pod.metadata.namespace ?? 'default'
  const saObj = getObject(state, 'ServiceAccount', ns, sa)
  const nodeObj = node ? getObject(state, 'Node', undefined, node.name) : undefined
  const uuidOf = (seed: string) => {
    const h = hashHex(seed, 32)
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`
  }
  const header = { alg: 'RS256', kid: hashHex(`kid|${state.aws.cluster.arn}`, 40) }
  const payload = {
    aud: ['https://kubernetes.default.svc'],
    exp: iat + 365 * 86400 + 7,
    iat,
    iss: state.aws.cluster.oidcIssuer,
    jti: uuidOf(`jti|${pod.metadata.uid}|${issuedAt}`),
    'kubernetes.io': {
      namespace: ns,
      ...(node
        ? { node: { name: node.name, uid: nodeObj?.metadata.uid ?? uuidOf(node.name) } }
        : {}),
      pod: { name: pod.metadata.name, uid: pod.metadata.uid },
      serviceaccount: { name: sa, uid: saObj?.metadata.uid ?? uuidOf(`sa|${ns}/${sa}`) },
      warnafter: iat + 3607,
    },
    nbf: iat,
    sub: `system:serviceaccount:${ns}:${sa}`,
  }
  const sig = base64(
    Array.from({ length: 256 }, (_, i) => hashInt(`sig|${pod.metadata.uid}|${issuedAt}|${i}`, 256)),
    true,
  )
  return `${base64(utf8Bytes(JSON.stringify(header)), true)}.${base64(utf8Bytes(JSON.stringify(payload)), true)}.${sig}`
}

/** The files of a pod's kube-api-access projected volume. */
export function serviceAccountFiles(
  state: ClusterState,
  pod: Pod,
  node: NodeRuntime | undefined,
  at: number,
): Record<string, () => string> {
  return {
    'ca.crt': () => clusterCaPem(state),
    namespace: () => pod.metadata.namespace ?? 'default',
    token: () => serviceAccountToken(state, pod, node, at),
  }
}

export { containerInstances, podLogDir, containerLogPath, containerLogSymlink }

/** The node's filesystem. Returns undefined for an unknown node. */
export function nodeFs(state: ClusterState, nodeName: string): VirtualFs | undefined {
  const node = state.nodes[nodeName]
  if (!node) return undefined
  const boot = node.bootTime
  const configured = boot + 8_000
  const arch = nodeArch(state, node)
  const kernel = kernelVersionFor(arch)
  const b = new FsBuilder(
    { uid: 0, gid: 0, perm: 0o755, mtime: AMI_BUILT, fs: 'xfs' },
    NODE_USERS,
    { 0: 'root', 10: 'wheel', 1000: 'ec2-user', 1001: 'ssm-user' },
  )
  b.mount('/run', 'tmpfs').mount('/proc', 'proc').mount('/dev', 'devtmpfs').mount('/tmp', 'tmpfs')

  // top level (AL2023: /bin, /lib, /sbin are symlinks into /usr)
  for (const d of [
    'boot',
    'dev',
    'etc',
    'home',
    'local',
    'media',
    'mnt',
    'opt',
    'proc',
    'root',
    'run',
    'srv',
    'sys',
    'tmp',
    'usr',
    'var',
  ])
    b.dir(`/${d}`)
  b.dir('/proc', { perm: 0o555, mtime: boot })
  b.dir('/sys', { perm: 0o555, mtime: boot })
  b.dir('/root', { perm: 0o550 })
  b.dir('/tmp', { perm: 0o1777, mtime: boot })
  b.dir('/run', { mtime: boot })
  b.link('/bin', 'usr/bin')
    .link('/lib', 'usr/lib')
    .link('/lib64', 'usr/lib64')
    .link('/sbin', 'usr/sbin')

  // /etc
  b.file('/etc/hostname', `${node.name}\n`, { mtime: boot + 3_000 })
  b.file('/usr/lib/os-release', AL2023_OS_RELEASE)
  b.link('/etc/os-release', '../usr/lib/os-release')
  b.file('/etc/system-release', `Amazon Linux release 2023.9.20260120 (Amazon Linux)\n`)
  b.link('/etc/redhat-release', 'system-release')
  b.file('/etc/machine-id', `${node.machineId}\n`, { perm: 0o444, mtime: boot + 1_000 })
  b.file(
    '/etc/hosts',
    '127.0.0.1   localhost localhost.localdomain localhost4 localhost4.localdomain4\n::1         localhost6 localhost6.localdomain6\n',
  )
  b.link('/etc/resolv.conf', '../run/systemd/resolve/stub-resolv.conf')
  b.file(
    '/run/systemd/resolve/stub-resolv.conf',
    `# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).\n# Do not edit.\n#\n# This file might be symlinked as /etc/resolv.conf. If you're looking at\n# /etc/resolv.conf and seeing this text, you have followed the symlink.\n#\n# This is a dynamic resolv.conf file for connecting local clients to the\n# internal DNS stub resolver of systemd-resolved. This file lists all\n# configured search domains.\n#\n# Run "resolvectl status" to see details about the uplink DNS servers\n# currently in use.\n#\n# Third party programs should typically not access this file directly, but only\n# through the symlink at /etc/resolv.conf. To manage man:resolv.conf(5) in a\n# different way, configure a different symlink.\n\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch ${state.config.region}.compute.internal\n`,
    { mtime: boot + 2_000 },
  )
  b.file('/run/systemd/resolve/resolv.conf', () => nodeResolvConf(state), { mtime: boot + 2_000 })
  b.file(
    '/etc/eks/release',
    `BASE_AMI_ID="ami-0f1a2b3c4d5e6f708"\nBUILD_TIME="Tue Jan 20 21:14:33 UTC 2026"\nBUILD_KERNEL="${kernel}"\nARCH="${machineOf(arch)}"\n`,
  )
  b.file(
    '/etc/eks/kubelet/environment',
    () => `NODEADM_KUBELET_ARGS="${kubeletArgs(state, node).join(' ')}"\n`,
    { mtime: configured },
  )
  b.file(
    '/etc/eks/image-credential-provider/config.json',
    JSON.stringify(
      {
        apiVersion: 'kubelet.config.k8s.io/v1',
        kind: 'CredentialProviderConfig',
        providers: [
          {
            name: 'ecr-credential-provider',
            matchImages: [
              '*.dkr.ecr.*.amazonaws.com',
              '*.dkr-ecr.*.on.aws',
              '*.dkr.ecr.*.amazonaws.com.cn',
              '*.dkr-ecr.*.on.amazonwebservices.com.cn',
              '*.dkr.ecr-fips.*.amazonaws.com',
              '*.dkr-ecr-fips.*.on.aws',
              '*.dkr.ecr.*.c2s.ic.gov',
              '*.dkr.ecr.*.sc2s.sgov.gov',
              '*.dkr.ecr.*.cloud.adc-e.uk',
              '*.dkr.ecr.*.csp.hci.ic.gov',
            ],
            defaultCacheDuration: '12h',
            apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
          },
        ],
      },
      null,
      4,
    ),
    { mtime: configured },
  )
  b.binary('/etc/eks/image-credential-provider/ecr-credential-provider', 19_742_872)
  b.file('/etc/kubernetes/kubelet/config.json', () => kubeletConfigJson(state, node), {
    mtime: configured,
  })
  b.file('/etc/kubernetes/pki/ca.crt', () => clusterCaPem(state), { mtime: configured })
  b.dir('/etc/kubernetes/manifests')
  b.file('/etc/systemd/system/kubelet.service', KUBELET_SERVICE)
  b.file('/etc/cni/net.d/10-aws.conflist', AWS_CONFLIST, { mtime: cniInstalledAt(node) })

  // CNI plugins: the AMI ships the reference plugins; aws-node's init container adds aws-cni and egress-cni
  const cniBins: [string, number][] = [
    ['bandwidth', 4_283_232],
    ['bridge', 4_752_696],
    ['dhcp', 11_107_384],
    ['dummy', 4_153_640],
    ['firewall', 4_802_672],
    ['host-device', 4_130_448],
    ['host-local', 3_655_160],
    ['ipvlan', 4_153_184],
    ['loopback', 3_724_544],
    ['macvlan', 4_175_544],
    ['portmap', 4_018_552],
    ['ptp', 4_394_912],
    ['sbr', 3_890_952],
    ['static', 3_275_432],
    ['tap', 4_201_992],
    ['tuning', 3_920_352],
    ['vlan', 4_166_040],
    ['vrf', 3_908_312],
  ]
  for (const [n, size] of cniBins) b.binary(`/opt/cni/bin/${n}`, size)
  b.binary('/opt/cni/bin/aws-cni', 47_181_200, { mtime: cniInstalledAt(node) })
  b.binary('/opt/cni/bin/egress-cni', 42_617_112, { mtime: cniInstalledAt(node) })
  b.file(
    '/opt/cni/bin/aws-cni-support.sh',
    '#!/usr/bin/env bash\n# Collects logs and state for AWS VPC CNI troubleshooting (not simulated).\n',
    { perm: 0o755, mtime: cniInstalledAt(node) },
  )

  // binaries
  for (const [p, size] of [
    ['/usr/bin/kubelet', 77_926_552],
    ['/usr/bin/containerd', 41_275_704],
    ['/usr/bin/containerd-shim-runc-v2', 9_699_480],
    ['/usr/bin/ctr', 20_258_960],
    ['/usr/bin/nodeadm', 57_812_552],
    ['/usr/bin/amazon-ssm-agent', 33_471_680],
    ['/usr/bin/bash', 1_410_480],
    ['/usr/bin/ls', 141_848],
    ['/usr/bin/cat', 36_464],
    ['/usr/sbin/runc', 11_732_936],
    ['/usr/sbin/iptables', 203_752],
    ['/usr/lib/systemd/systemd', 96_808],
  ] as const)
    b.binary(p, size)
  b.link('/usr/bin/sh', 'bash')

  // homes
  for (const [home, uid] of [
    ['/root', 0],
    ['/home/ec2-user', 1000],
  ] as const) {
    b.dir(home, { uid, gid: uid, perm: home === '/root' ? 0o550 : 0o700 })
    b.file(`${home}/.bash_logout`, '# ~/.bash_logout\n\n', { uid, gid: uid })
    b.file(
      `${home}/.bash_profile`,
      '# .bash_profile\n\n# Get the aliases and functions\nif [ -f ~/.bashrc ]; then\n\t. ~/.bashrc\nfi\n\n# User specific environment and startup programs\n',
      { uid, gid: uid },
    )
    b.file(
      `${home}/.bashrc`,
      '# .bashrc\n\n# Source global definitions\nif [ -f /etc/bashrc ]; then\n\t. /etc/bashrc\nfi\n',
      { uid, gid: uid },
    )
  }
  b.dir('/home/ec2-user/.ssh', { uid: 1000, gid: 1000, perm: 0o700, mtime: boot + 4_000 })
  b.file(
    '/home/ec2-user/.ssh/authorized_keys',
    `ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC${hashHex(node.instanceId, 40)} eks-demo-key\n`,
    { uid: 1000, gid: 1000, perm: 0o600, mtime: boot + 4_000 },
  )

  // containerd
  b.dir('/run/containerd', { perm: 0o711, mtime: boot + 9_000 })
  b.socket('/run/containerd/containerd.sock', { mtime: boot + 9_000 })
  b.socket('/run/containerd/containerd.sock.ttrpc', { mtime: boot + 9_000 })
  b.dir('/run/containerd/io.containerd.runtime.v2.task/k8s.io', { mtime: boot + 9_000 })

  // /dev, /proc
  b.chardev('/dev/null', { mtime: boot })
  b.chardev('/dev/zero', { mtime: boot })
  b.chardev('/dev/urandom', { mtime: boot })
  b.file(
    '/proc/version',
    `Linux version ${kernel} (mockbuild@ip-10-0-54-1) (gcc (GCC) 11.5.0 20240719 (Red Hat 11.5.0-5), GNU ld version 2.41-50.amzn2023.0.3) ${KERNEL_BUILD}\n`,
    { perm: 0o444, mtime: boot },
  )
  b.file(
    '/proc/uptime',
    () => {
      const up = (state.now - boot) / 1000
      return `${up.toFixed(2)} ${(up * instanceTypeOf(state, node).vcpus * 0.97).toFixed(2)}\n`
    },
    { perm: 0o444, mtime: boot },
  )
  b.file(
    '/proc/cmdline',
    `BOOT_IMAGE=(hd0,gpt1)/boot/vmlinuz-${kernel} root=UUID=${hashHex(`root|${node.instanceId}`, 8)}-${hashHex(`r2|${node.instanceId}`, 4)}-4${hashHex(`r3|${node.instanceId}`, 3)}-8${hashHex(`r4|${node.instanceId}`, 3)}-${hashHex(`r5|${node.instanceId}`, 12)} ro console=tty0 console=ttyS0,115200n8 nvme_core.io_timeout=4294967295 rd.emergency=poweroff rd.shell=0 selinux=1 security=selinux quiet\n`,
    { perm: 0o444, mtime: boot },
  )
  b.file('/proc/mounts', () => procMounts(nodeMountTable(state, nodeName)), {
    perm: 0o444,
    mtime: boot,
  })
  for (const p of nodeProcesses(state, nodeName)) {
    const dir = `/proc/${p.pid}`
    b.dir(dir, { perm: 0o555, uid: p.uid, gid: p.uid, mtime: p.startedAt })
    b.file(`${dir}/cmdline`, p.kernel ? '' : p.args.join('\0') + '\0', {
      perm: 0o444,
      uid: p.uid,
      gid: p.uid,
      mtime: p.startedAt,
    })
    b.file(`${dir}/comm`, `${p.comm}\n`, {
      perm: 0o644,
      uid: p.uid,
      gid: p.uid,
      mtime: p.startedAt,
    })
  }

  // kubelet state
  b.dir('/var/lib/kubelet', { mtime: configured })
  b.file('/var/lib/kubelet/kubeconfig', () => kubeletKubeconfig(state), { mtime: configured })
  b.file(
    '/var/lib/kubelet/cpu_manager_state',
    `{"policyName":"none","defaultCpuSet":"","checksum":${1353318690 + hashInt(node.name, 1000)}}`,
    { perm: 0o644, mtime: boot + 12_000 },
  )
  b.file(
    '/var/lib/kubelet/memory_manager_state',
    `{"policyName":"None","machineState":null,"checksum":1556210230}`,
    { perm: 0o644, mtime: boot + 12_000 },
  )
  for (const d of [
    'device-plugins',
    'plugins',
    'plugins_registry',
    'pod-resources',
    'checkpoints',
    'pki',
  ])
    b.dir(`/var/lib/kubelet/${d}`, { mtime: boot + 12_000 })
  b.dir('/var/lib/kubelet/pods', { perm: 0o750, mtime: boot + 12_000 })

  // logs
  b.dir('/var/log', { mtime: boot })
  b.dir('/var/log/pods', { mtime: boot + 12_000 })
  b.dir('/var/log/containers', { mtime: boot + 12_000 })
  b.dir('/var/log/journal', { perm: 0o2755, mtime: boot })
  b.dir(`/var/log/journal/${node.machineId}`, { perm: 0o2755, mtime: boot })
  b.dir('/var/log/aws-routed-eni', { mtime: cniInstalledAt(node) })
  for (const f of ['ipamd', 'plugin'] as const)
    b.file(`/var/log/aws-routed-eni/${f}.log`, () => cniLogText(node, f), {
      mtime: cniLogMtime(node, f) ?? cniInstalledAt(node),
    })
  b.file('/var/log/aws-routed-eni/egress-v6-plugin.log', '', { mtime: cniInstalledAt(node) })
  b.file('/var/log/aws-routed-eni/network-policy-agent.log', '', { mtime: cniInstalledAt(node) })
  b.file('/var/log/aws-routed-eni/ebpf-sdk.log', '', { mtime: cniInstalledAt(node) })

  for (const rt of Object.values(node.pods)) addPod(b, state, node, rt)
  return b.build()
}

function cniInstalledAt(node: NodeRuntime): number {
  const p = Object.values(node.pods).find(
    (x) => x.namespace === 'kube-system' && x.name.startsWith('aws-node-'),
  )
  const init = p?.containers.find((c) => c.init)
  return init?.startedAt ?? p?.startedAt ?? node.bootTime + 60_000
}

function addPod(b: FsBuilder, state: ClusterState, node: NodeRuntime, rt: PodRuntime): void {
  const pod = getObject(state, 'Pod', rt.namespace, rt.name)
  const logDir = podLogDir(rt)
  b.dir(logDir, { mtime: rt.startedAt })
  for (const c of containerInstances(rt)) {
    const started = c.startedAt ?? c.finishedAt ?? rt.startedAt
    b.dir(`${logDir}/${c.name}`, { mtime: started })
    for (const f of instanceLogFiles(rt, c)) {
      b.file(f.path, () => logFileContent(f), {
        perm: 0o640,
        mtime: f.mtime,
        size: f.size,
      })
      if (f.symlink) b.link(f.symlink, f.path, { mtime: started })
    }
  }

  const dir = `/var/lib/kubelet/pods/${rt.uid}`
  b.dir(dir, { perm: 0o750, mtime: rt.startedAt })
  b.file(`${dir}/etc-hosts`, () => podHostsFile(rt, rt.hostNetwork ? node.name : rt.name), {
    mtime: rt.startedAt,
  })
  b.dir(`${dir}/plugins`, { perm: 0o750, mtime: rt.startedAt })
  b.dir(`${dir}/volumes`, { perm: 0o750, mtime: rt.startedAt })
  for (const c of rt.containers) {
    // the kubelet's terminationMessagePath file, one per container instance
    if (c.id)
      b.file(`${dir}/containers/${c.name}/${hashHex(c.id, 8)}`, '', {
        perm: 0o666,
        mtime: c.startedAt ?? rt.startedAt,
      })
  }
  if (!pod) return
  for (const v of pod.spec.volumes ?? []) {
    if (v.projected && v.name.startsWith('kube-api-access-')) {
      b.dir(`${dir}/volumes/kubernetes.io~projected`, { mtime: rt.startedAt + 150 })
      const vdir = `${dir}/volumes/kubernetes.io~projected/${v.name}`
      projectedDir(
        b,
        vdir,
        rt.startedAt + 150,
        serviceAccountFiles(state, pod, node, rt.startedAt + 150),
      )
    } else if (v.secret || v.configMap) {
      const vol = rt.volumes?.[v.name]
      if (vol) volumeFiles(b, volumeDir(rt.uid, vol), vol)
    } else if (v.emptyDir) {
      b.dir(`${dir}/volumes/kubernetes.io~empty-dir/${v.name}`, {
        perm: 0o777,
        mtime: rt.startedAt + 150,
      })
    }
  }
}

/** A Secret/ConfigMap volume as the kubelet's AtomicWriter left it: the payload it wrote last (a
 * Secret's on tmpfs, a ConfigMap's on the node's disk), not the object as it is now. */
export function volumeFiles(b: FsBuilder, vdir: string, vol: VolumeRuntime): void {
  const at = vol.writtenAt
  if (vol.medium === 'tmpfs') b.mount(vdir, 'tmpfs')
  b.dir(vdir, { perm: vol.medium === 'tmpfs' ? 0o1777 : 0o777, mtime: at })
  b.dir(`${vdir}/${vol.dir}`, { perm: 0o755, mtime: at })
  const top = new Set<string>()
  for (const f of vol.files) {
    b.file(`${vdir}/${vol.dir}/${f.path}`, () => fileText(f), {
      perm: f.mode & 0o7777,
      mtime: at,
      size: decodedLength(f.b64),
    })
    top.add(f.path.split('/')[0]!)
  }
  for (const name of top) b.link(`${vdir}/${name}`, `..data/${name}`, { mtime: vol.mountedAt })
  b.link(`${vdir}/..data`, vol.dir, { mtime: at })
}

/** The kubelet's AtomicWriter layout: a timestamped dir, `..data` pointing at it, and one symlink per key. */
function projectedDir(
  b: FsBuilder,
  vdir: string,
  at: number,
  files: Record<string, () => string>,
): void {
  const ts = atomicWriterDir(at, vdir)
  b.mount(vdir, 'tmpfs')
  b.dir(vdir, { perm: 0o1777, mtime: at })
  b.dir(`${vdir}/${ts}`, { perm: 0o755, mtime: at })
  for (const [name, content] of Object.entries(files)) {
    b.file(`${vdir}/${ts}/${name}`, content, { perm: 0o644, mtime: at })
    b.link(`${vdir}/${name}`, `..data/${name}`, { mtime: at })
  }
  b.link(`${vdir}/..data`, ts, { mtime: at })
}
