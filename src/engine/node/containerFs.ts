import type { ClusterState } from '../model/state.ts'
import type { ContainerRuntime, NodeRuntime, PodRuntime } from '../model/node.ts'
import type { Pod } from '../model/k8s.ts'
import { getObject } from '../apiserver/store.ts'
import { kernelVersionFor, nodeArch } from '../aws/nodeInfo.ts'
import { resolveImage, type Behaviour } from '../workloads/images.ts'
import { EPOCH_MS } from '../time.ts'
import { FsBuilder, type VirtualFs } from './vfs.ts'
import {
  podHostsFile,
  podResolvConf,
  serviceAccountFiles,
  volumeFiles,
  KERNEL_BUILD,
} from './fs.ts'
import { fileText } from '../kubelet/volumes.ts'
import { decodedLength } from '../apiserver/secrets.ts'
import { containerMountTable, procMounts } from './mounts.ts'
import { atomicWriterDir, hashInt } from './util.ts'
import { containerProcessSpec } from './processes.ts'

// A container's root filesystem as `kubectl exec` sees it: the image's files (a representative
// subset: the programs we simulate and the files learners look at) plus what the kubelet mounts in:
// /etc/hosts, /etc/hostname, /etc/resolv.conf and the service-account token volume.
// Pure function of ClusterState; anything not listed is absent ("No such file or directory").

/** bash; BusyBox ash as root (`/ # `) or as a user (`~ $ `); Debian's dash (`# `) */
export type ContainerShell = 'bash' | 'ash' | 'sh' | 'dash'

export interface ContainerView {
  pod: Pod
  rt: PodRuntime
  node: NodeRuntime
  container: ContainerRuntime
  behaviour: Behaviour | undefined
  fs: VirtualFs
  /** the image's USER and WORKDIR */
  user: { uid: number; gid: number; name: string; home: string }
  workdir: string
  /** is this an Alpine/BusyBox userland (ash, busybox ps) or Debian (bash, coreutils)? */
  userland: 'busybox' | 'debian' | 'none'
  /** the shell `sh` runs as (prompt style) */
  shellFor(cmd: string): ContainerShell | undefined
  /** true when the image has an executable for argv[0] (absolute, or found in $PATH) */
  hasExecutable(cmd: string): boolean
}

const PATH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']

// BusyBox 1.37 applets (the common part of the list in /bin and /usr/bin of the busybox image)
const BUSYBOX_BIN = [
  '[',
  '[[',
  'arch',
  'ash',
  'base64',
  'basename',
  'cat',
  'chgrp',
  'chmod',
  'chown',
  'clear',
  'cp',
  'cut',
  'date',
  'dd',
  'df',
  'dirname',
  'dmesg',
  'dnsdomainname',
  'du',
  'echo',
  'env',
  'expr',
  'false',
  'find',
  'free',
  'grep',
  'gunzip',
  'gzip',
  'head',
  'hostname',
  'id',
  'ip',
  'ipaddr',
  'iproute',
  'kill',
  'killall',
  'less',
  'ln',
  'ls',
  'md5sum',
  'mkdir',
  'mktemp',
  'more',
  'mount',
  'mv',
  'netstat',
  'nc',
  'nslookup',
  'ping',
  'printenv',
  'printf',
  'ps',
  'pwd',
  'readlink',
  'realpath',
  'rm',
  'rmdir',
  'route',
  'sed',
  'seq',
  'sh',
  'sha256sum',
  'sleep',
  'sort',
  'stat',
  'tail',
  'tar',
  'tee',
  'telnet',
  'test',
  'top',
  'touch',
  'tr',
  'traceroute',
  'true',
  'umount',
  'uname',
  'uniq',
  'uptime',
  'vi',
  'watch',
  'wc',
  'wget',
  'which',
  'whoami',
  'xargs',
  'yes',
]
// Debian (nginx image): coreutils, procps is NOT installed (no ps), but bash and curl are
const DEBIAN_BIN = [
  '[',
  'base64',
  'basename',
  'bash',
  'cat',
  'chgrp',
  'chmod',
  'chown',
  'cp',
  'curl',
  'cut',
  'dash',
  'date',
  'dd',
  'df',
  'dirname',
  'du',
  'echo',
  'env',
  'expr',
  'false',
  'find',
  'grep',
  'gunzip',
  'gzip',
  'head',
  'hostname',
  'id',
  'kill',
  'ln',
  'ls',
  'md5sum',
  'mkdir',
  'mktemp',
  'more',
  'mount',
  'mv',
  'perl',
  'printenv',
  'printf',
  'pwd',
  'readlink',
  'realpath',
  'rm',
  'rmdir',
  'sed',
  'seq',
  'sh',
  'sha256sum',
  'sleep',
  'sort',
  'stat',
  'tail',
  'tar',
  'tee',
  'test',
  'touch',
  'tr',
  'true',
  'umount',
  'uname',
  'uniq',
  'wc',
  'whoami',
  'xargs',
  'yes',
]

const OS_RELEASE: Record<string, string> = {
  debian: `PRETTY_NAME="Debian GNU/Linux 13 (trixie)"
NAME="Debian GNU/Linux"
VERSION_ID="13"
VERSION="13 (trixie)"
VERSION_CODENAME=trixie
DEBIAN_VERSION_FULL=13.2
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`,
  alpine: `NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.22.2
PRETTY_NAME="Alpine Linux v3.22"
HOME_URL="https://alpinelinux.org/"
BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"
`,
}

function findPod(
  state: ClusterState,
  namespace: string,
  name: string,
): { node: NodeRuntime; rt: PodRuntime } | undefined {
  for (const node of Object.values(state.nodes))
    for (const rt of Object.values(node.pods))
      if (rt.namespace === namespace && rt.name === name) return { node, rt }
  return undefined
}

/** A running container's view, or undefined when the pod or container is not running on a node. */
export function containerFs(
  state: ClusterState,
  namespace: string,
  podName: string,
  containerName: string,
): ContainerView | undefined {
  const pod = getObject(state, 'Pod', namespace, podName)
  const found = findPod(state, namespace, podName)
  if (!pod || !found) return undefined
  const { node, rt } = found
  const c = rt.containers.find((x) => x.name === containerName)
  if (!c) return undefined
  const image = resolveImage(c.image)
  const behaviour = image?.info.behaviour
  const started = c.startedAt ?? rt.startedAt
  // image layer times: the image was built well before the cluster existed
  const built = Date.UTC(2025, 10, 12, 3, 21, 7) - EPOCH_MS + hashInt(c.image, 86_400_000)
  const userland: ContainerView['userland'] =
    behaviour === 'busybox' || behaviour === 'curl'
      ? 'busybox'
      : behaviour === 'nginx'
        ? 'debian'
        : 'none'
  const user =
    behaviour === 'curl'
      ? { uid: 100, gid: 101, name: 'curl_user', home: '/home/curl_user' }
      : behaviour === 'coredns'
        ? { uid: 65532, gid: 65532, name: 'nonroot', home: '/home/nonroot' }
        : { uid: 0, gid: 0, name: 'root', home: '/root' }
  const workdir = behaviour === 'curl' ? '/home/curl_user' : '/'
  const users: Record<number, string> =
    userland === 'debian'
      ? { 0: 'root', 1: 'daemon', 33: 'www-data', 65534: 'nobody', 101: 'nginx' }
      : userland === 'busybox'
        ? {
            0: 'root',
            65534: 'nobody',
            ...(behaviour === 'curl' ? { 100: 'curl_user' } : ({} as Record<number, string>)),
          }
        : { 0: 'root', 65532: 'nonroot' }
  const groups: Record<number, string> =
    userland === 'debian'
      ? { 0: 'root', 101: 'nginx', 65534: 'nogroup' }
      : userland === 'busybox'
        ? {
            0: 'root',
            65534: 'nobody',
            ...(behaviour === 'curl' ? { 101: 'curl_group' } : ({} as Record<number, string>)),
          }
        : { 0: 'root', 65532: 'nonroot' }
  const b = new FsBuilder(
    { uid: 0, gid: 0, perm: 0o755, mtime: built, fs: 'overlay' },
    users,
    groups,
  )
  b.mount('/proc', 'proc')
    .mount('/dev', 'tmpfs')
    .mount('/var/run/secrets/kubernetes.io/serviceaccount', 'tmpfs')

  for (const d of ['dev', 'etc', 'home', 'proc', 'root', 'sys', 'tmp', 'usr', 'var']) b.dir(`/${d}`)
  b.dir('/root', { perm: 0o700 })
  b.dir('/tmp', { perm: 0o1777 })
  b.dir('/proc', { perm: 0o555, mtime: started })
  b.dir('/sys', { perm: 0o555, mtime: started })
  if (userland === 'busybox') {
    for (const x of BUSYBOX_BIN) b.binary(`/bin/${x}`, 1_131_168)
    b.dir('/usr/sbin').dir('/usr/bin').dir('/var/spool/mail').dir('/var/www')
    b.file(
      '/etc/passwd',
      'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nbin:x:2:2:bin:/bin:/bin/false\nsys:x:3:3:sys:/dev:/bin/false\nsync:x:4:100:sync:/bin:/bin/sync\nmail:x:8:8:mail:/var/spool/mail:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\noperator:x:37:37:Operator:/var:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n' +
        (behaviour === 'curl'
          ? 'curl_user:x:100:101:Linux User,,,:/home/curl_user:/sbin/nologin\n'
          : ''),
    )
    b.file(
      '/etc/group',
      'root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nwheel:x:10:root\nmail:x:12:\nwww-data:x:33:\nusers:x:100:\nnogroup:x:65534:\n',
    )
  }
  if (behaviour === 'curl') {
    b.file('/etc/os-release', OS_RELEASE.alpine!)
    b.file('/etc/alpine-release', '3.22.2\n')
    b.binary('/usr/bin/curl', 271_288)
    b.file(
      '/entrypoint.sh',
      '#!/bin/sh\nset -e\n\nif [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ]; then\n  set -- curl "$@"\nfi\n\nexec "$@"\n',
      { perm: 0o755 },
    )
    b.dir('/home/curl_user', { uid: 100, gid: 101 })
  }
  if (userland === 'debian') {
    for (const d of [
      'boot',
      'media',
      'mnt',
      'opt',
      'run',
      'srv',
      'usr/local/bin',
      'usr/local/sbin',
      'usr/sbin',
      'var/cache/nginx',
      'var/log/nginx',
    ])
      b.dir(`/${d}`)
    b.link('/bin', 'usr/bin')
      .link('/lib', 'usr/lib')
      .link('/lib64', 'usr/lib64')
      .link('/sbin', 'usr/sbin')
    for (const x of DEBIAN_BIN)
      b.binary(
        `/usr/bin/${x}`,
        x === 'bash' ? 1_298_416 : x === 'curl' ? 306_568 : 43_000 + hashInt(x, 100_000),
      )
    b.binary('/usr/sbin/nginx', 1_689_888)
    b.file('/etc/os-release', OS_RELEASE.debian!)
    b.file('/etc/debian_version', '13.2\n')
    b.file(
      '/etc/passwd',
      'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\nsys:x:3:3:sys:/dev:/usr/sbin/nologin\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\nnginx:x:101:101:nginx user:/nonexistent:/bin/false\n',
    )
    b.file(
      '/docker-entrypoint.sh',
      '#!/bin/sh\n# vim:sw=4:ts=4:et\n\nset -e\n\nentrypoint_log() {\n    if [ -z "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ]; then\n        echo "$@"\n    fi\n}\n',
      { perm: 0o775 },
    )
    for (const f of [
      '10-listen-on-ipv6-by-default.sh',
      '15-local-resolvers.envsh',
      '20-envsubst-on-templates.sh',
      '30-tune-worker-processes.sh',
    ])
      b.file(`/docker-entrypoint.d/${f}`, '#!/bin/sh\n', { perm: 0o775 })
    b.file(
      '/etc/nginx/nginx.conf',
      '\nuser  nginx;\nworker_processes  auto;\n\nerror_log  /var/log/nginx/error.log notice;\npid        /run/nginx.pid;\n\n\nevents {\n    worker_connections  1024;\n}\n\n\nhttp {\n    include       /etc/nginx/mime.types;\n    default_type  application/octet-stream;\n\n    log_format  main  \'$remote_addr - $remote_user [$time_local] "$request" \'\n                      \'$status $body_bytes_sent "$http_referer" \'\n                      \'"$http_user_agent" "$http_x_forwarded_for"\';\n\n    access_log  /var/log/nginx/access.log  main;\n\n    sendfile        on;\n    #tcp_nopush     on;\n\n    keepalive_timeout  65;\n\n    #gzip  on;\n\n    include /etc/nginx/conf.d/*.conf;\n}\n',
    )
    b.file(
      '/etc/nginx/conf.d/default.conf',
      'server {\n    listen       80;\n    listen  [::]:80;\n    server_name  localhost;\n\n    #access_log  /var/log/nginx/host.access.log  main;\n\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n\n    #error_page  404              /404.html;\n\n    # redirect server error pages to the static page /50x.html\n    #\n    error_page   500 502 503 504  /50x.html;\n    location = /50x.html {\n        root   /usr/share/nginx/html;\n    }\n}\n',
      { mtime: started },
    )
    b.file(
      '/usr/share/nginx/html/index.html',
      '<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n<a href="http://nginx.org/">nginx.org</a>.<br/>\nCommercial support is available at\n<a href="http://nginx.com/">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n',
    )
    b.file(
      '/usr/share/nginx/html/50x.html',
      '<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n</head>\n<body>\n<h1>An error occurred.</h1>\n</body>\n</html>\n',
    )
    // nginx's official image sends its logs to the container's stdout/stderr through these links
    b.link('/var/log/nginx/access.log', '/dev/stdout', { mtime: built })
    b.link('/var/log/nginx/error.log', '/dev/stderr', { mtime: built })
    b.file('/run/nginx.pid', `1\n`, { mtime: started })
  }
  if (userland === 'none') {
    const own: Partial<Record<Behaviour, [string, number]>> = {
      coredns: ['/coredns', 54_104_216],
      'kube-proxy': ['/usr/local/bin/kube-proxy', 44_531_864],
      'aws-node': ['/app/aws-vpc-cni', 43_092_114],
      'network-policy-agent': ['/controller', 55_903_512],
      pause: ['/pause', 742_472],
      'cni-init': ['/init/aws-vpc-cni-init', 39_813_440],
    }
    const bin = behaviour ? own[behaviour] : undefined
    if (bin) b.binary(bin[0], bin[1])
    if (behaviour === 'aws-node')
      b.binary('/app/aws-k8s-agent', 60_412_880)
        .binary('/app/grpc-health-probe', 11_612_160)
        .file('/app/10-aws.conflist', '')
    if (behaviour === 'coredns')
      b.dir('/etc/coredns', { mtime: started }).file('/etc/coredns/Corefile', COREFILE, {
        mtime: started,
      })
    b.file(
      '/etc/passwd',
      'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n',
    )
  }

  // what the kubelet and containerd put in every container
  const hostname = rt.hostNetwork ? node.name : rt.name
  b.file('/etc/hostname', `${hostname}\n`, { mtime: rt.startedAt })
  b.file('/etc/hosts', () => podHostsFile(rt, hostname), { mtime: rt.startedAt })
  b.file('/etc/resolv.conf', () => podResolvConf(state, rt.namespace), { mtime: rt.startedAt })
  b.file('/dev/termination-log', '', { perm: 0o666, mtime: started })
  b.chardev('/dev/null', { mtime: started })
  b.chardev('/dev/zero', { mtime: started })
  b.chardev('/dev/urandom', { mtime: started })
  b.link('/dev/stdout', '/proc/self/fd/1', { mtime: started })
  b.link('/dev/stderr', '/proc/self/fd/2', { mtime: started })
  const ps = containerProcessSpec(state, node, pod, c)
  b.file('/proc/1/cmdline', ps.args.join('\0') + '\0', { perm: 0o444, mtime: started })
  b.file(
    '/proc/version',
    `Linux version ${kernelVersionFor(nodeArch(state, node))} (mockbuild@ip-10-0-54-1) (gcc (GCC) 11.5.0 20240719 (Red Hat 11.5.0-5), GNU ld version 2.41-50.amzn2023.0.3) ${KERNEL_BUILD}\n`,
    { perm: 0o444, mtime: started },
  )
  const mounted =
    (c.init ? pod.spec.initContainers : pod.spec.containers)?.find((x) => x.name === c.name)
      ?.volumeMounts ?? []
  const sa = mounted.find((m) => m.mountPath === '/var/run/secrets/kubernetes.io/serviceaccount')
  if (sa) {
    const vdir = '/var/run/secrets/kubernetes.io/serviceaccount'
    const at = rt.startedAt + 150
    // same AtomicWriter names as on the node (the volume is the node's tmpfs, bind-mounted)
    const ts = atomicWriterDir(
      at,
      `/var/lib/kubelet/pods/${rt.uid}/volumes/kubernetes.io~projected/${sa.name}`,
    )
    b.dir(vdir, { perm: 0o1777, mtime: at })
    b.dir(`${vdir}/${ts}`, { mtime: at })
    for (const [name, content] of Object.entries(serviceAccountFiles(state, pod, node, at))) {
      b.file(`${vdir}/${ts}/${name}`, content, { perm: 0o644, mtime: at })
      b.link(`${vdir}/${name}`, `..data/${name}`, { mtime: at })
    }
    b.link(`${vdir}/..data`, ts, { mtime: at })
  }
  // Secret/ConfigMap volumes: the node's volume directory bind-mounted at mountPath (read-only), or
  // with `subPath` one file of it, frozen as it was when this container started
  const spec = (c.init ? pod.spec.initContainers : pod.spec.containers)?.find(
    (x) => x.name === c.name,
  )
  for (const m of spec?.volumeMounts ?? []) {
    const vol = rt.volumes?.[m.name]
    if (!vol) continue
    if (m.subPath) {
      const f = c.subPathFiles?.[m.mountPath]
      if (f)
        b.file(m.mountPath, () => fileText(f), {
          perm: f.mode & 0o7777,
          mtime: vol.mountedAt,
          size: decodedLength(f.b64),
        })
      continue
    }
    volumeFiles(b, m.mountPath, vol)
  }
  b.file('/proc/mounts', () => procMounts(containerMountTable(state, node, rt, pod, c.name)), {
    perm: 0o444,
    mtime: started,
  })
  const fs = b.build()
  const hasExecutable = (cmd: string) => {
    const candidates = cmd.includes('/')
      ? [cmd.startsWith('/') ? cmd : `${workdir === '/' ? '' : workdir}/${cmd}`]
      : PATH_DIRS.map((d) => `${d}/${cmd}`)
    return candidates.some((p) => {
      const st = fs.stat(p)
      return !('errno' in st) && st.type === 'file' && (st.perm & 0o111) !== 0
    })
  }
  return {
    pod,
    rt,
    node,
    container: c,
    behaviour,
    fs,
    user,
    workdir,
    userland,
    hasExecutable,
    shellFor(cmd) {
      const base = cmd.split('/').pop()
      if (!hasExecutable(cmd)) return undefined
      if (base === 'bash') return 'bash'
      if (base === 'sh' || base === 'ash')
        return userland === 'busybox' ? (user.uid === 0 ? 'ash' : 'sh') : 'dash'
      return undefined
    },
  }
}

const COREFILE = `.:53 {
    errors
    health {
        lameduck 5s
      }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
    }
    prometheus :9153
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
}
`

export interface ContainerProcess {
  pid: number
  user: string
  /** cpu time in ms */
  timeMs: number
  args: string
  startedAt: number
}

/** The container's own PID namespace (what `ps` inside it shows), plus any exec'd processes. */
export function containerProcesses(
  state: ClusterState,
  view: ContainerView,
  execs: string[][] = [],
): ContainerProcess[] {
  const c = view.container
  const started = c.startedAt ?? view.rt.startedAt
  const ps = containerProcessSpec(state, view.node, view.pod, c)
  const name = (uid: number) => view.fs.userName(uid)
  const elapsed = Math.max(0, state.now - started)
  const out: ContainerProcess[] = [
    {
      pid: 1,
      user: name(ps.uid),
      timeMs: elapsed * ps.cpu,
      args: ps.args.join(' '),
      startedAt: started,
    },
  ]
  // nginx's log says "start worker process 29": the entrypoint's helpers used the PIDs in between
  const childBase = view.behaviour === 'nginx' ? 29 : 7
  ps.children.forEach((ch, i) =>
    out.push({
      pid: childBase + i,
      user: name(ch.uid),
      timeMs: elapsed * ch.cpu,
      args: ch.args.join(' '),
      startedAt: started + 20,
    }),
  )
  let next = childBase + ps.children.length + 1 + hashInt(`${c.id}|exec`, 6)
  for (const argv of execs) {
    out.push({
      pid: next,
      user: name(view.user.uid),
      timeMs: 0,
      args: argv.join(' '),
      startedAt: state.now,
    })
    next += 6
  }
  return out
}
