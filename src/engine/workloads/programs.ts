import type { Container } from '../model/k8s.ts'
import type { ProgramState } from '../model/node.ts'
import type { ImageInfo } from './images.ts'
import { compile, run, type Compiled } from './sh.ts'
import type { ProgramRun } from './curl.ts'

// What a container's process does, from its image and the pod spec's command/args.
// Kubernetes semantics: `command` replaces the image ENTRYPOINT (and drops its CMD); `args` replaces CMD.

export interface Output {
  stream: 'stdout' | 'stderr'
  text: string
}

export function effectiveArgv(c: Container, image: ImageInfo): string[] {
  if (c.command) return [...c.command, ...(c.args ?? [])]
  return [...image.entrypoint, ...(c.args ?? image.cmd)]
}

function klog(
  level: 'I' | 'W' | 'E',
  at: { month: string; day: string; time: string },
  file: string,
  msg: string,
): string {
  // klog header: Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg
  return `${level}${at.month}${at.day} ${at.time}       1 ${file}] ${msg}`
}

export interface StartContext {
  hostname: string
  /** formatted wall-clock pieces for log headers */
  nginxTime: string // 2026/03/02 08:46:12
  klogTime: { month: string; day: string; time: string }
  isoTime: string
  kernel: string
  nodeName: string
  /** runs a curl command line from this pod over the simulated network (workloads/curl.ts) */
  curl?: (args: string[]) => ProgramRun
}

/** The first state of a freshly started container's program, and the lines it prints at once. */
export function startProgram(
  c: Container,
  image: ImageInfo,
  sc: StartContext,
): { program: ProgramState; output: Output[] } {
  let argv = effectiveArgv(c, image)
  // curlimages/curl's /entrypoint.sh: `exec "$@"` when its first argument is a command
  // (`command -v "$1"`), else `curl "$@"`; so `kubectl run c --image=curlimages/curl -- sleep 3600`
  // sleeps. The commands checked are the BusyBox applets a learner runs this way.
  if (
    image.behaviour === 'curl' &&
    argv[0]?.endsWith('entrypoint.sh') &&
    ['sleep', 'sh', 'ash', 'echo', 'cat', 'env', 'true', 'false'].includes(argv[1] ?? '')
  )
    argv = argv.slice(1)
  const base = (argv[0] ?? '').split('/').pop()
  // shells first: any image with a shell can run `sh -c '…'`
  if (base === 'sh' || base === 'bash' || base === 'ash') {
    if (argv[1] === '-c' && argv[2] !== undefined)
      return { program: scriptState(argv[2]), output: [] }
    // `sh` with no tty and no script reads EOF and exits 0 (why a bare busybox pod goes CrashLoopBackOff)
    return { program: { kind: 'exit', code: 0, afterMs: 5 }, output: [] }
  }
  if (base === 'sleep' || base === 'echo') {
    return { program: scriptState(argv.map(quote).join(' ')), output: [] }
  }
  switch (image.behaviour) {
    case 'nginx':
      if (base === 'docker-entrypoint.sh' || base === 'nginx')
        return { program: { kind: 'daemon' }, output: nginxStartup(sc) }
      break
    case 'curl':
      if (base === 'entrypoint.sh' || base === 'curl') {
        // entrypoint.sh prepends `curl` unless its first argument is a command (`curl …`)
        const curlArgs =
          base === 'curl' ? argv.slice(1) : argv[1] === 'curl' ? argv.slice(2) : argv.slice(1)
        if (curlArgs.length === 0)
          return {
            program: { kind: 'exit', code: 2, afterMs: 20 },
            output: [
              {
                stream: 'stderr',
                text: "curl: try 'curl --help' or 'curl --manual' for more information",
              },
            ],
          }
        if (sc.curl) {
          // the request runs when the container starts; its output is logged at once, and the
          // container exits when curl would have (after a connect timeout, for instance)
          const r = sc.curl(curlArgs)
          return {
            program: { kind: 'exit', code: r.exitCode, afterMs: Math.max(50, r.waitedMs) },
            output: r.output,
          }
        }
        return {
          program: { kind: 'exit', code: 7, afterMs: 50 },
          output: [
            {
              stream: 'stderr',
              text: `curl: (7) Failed to connect: network requests from pods are not simulated yet`,
            },
          ],
        }
      }
      break
    case 'coredns':
      return {
        program: { kind: 'daemon' },
        output: [
          { stream: 'stdout', text: '.:53' },
          {
            stream: 'stdout',
            text: '[INFO] plugin/reload: Running configuration SHA512 = 8a7d59126e7f114ab49c6d2613be93d8ef7d408af8ee61a710210843dc409f03133727e38f64469d9bb180f396c84ebf48a42bde3b3769730865ca9df5eb281c',
          },
          { stream: 'stdout', text: 'CoreDNS-1.11.4' },
          { stream: 'stdout', text: 'linux/amd64, go1.23.4, 6b78b8e' },
        ],
      }
    case 'kube-proxy':
      return {
        program: { kind: 'daemon' },
        output: [
          {
            stream: 'stderr',
            text: klog('I', sc.klogTime, 'server_linux.go:66', '"Using iptables proxy"'),
          },
          {
            stream: 'stderr',
            text: klog(
              'I',
              sc.klogTime,
              'server.go:677',
              `"Successfully retrieved node IP(s)" IPs=["${sc.hostname}"]`,
            ),
          },
          {
            stream: 'stderr',
            text: klog('I', sc.klogTime, 'server_linux.go:170', '"Using iptables Proxier"'),
          },
          {
            stream: 'stderr',
            text: klog(
              'I',
              sc.klogTime,
              'proxier.go:255',
              '"Setting route_localnet=1 to allow node-ports on localhost; to change this either disable iptables.localhostNodePorts (--iptables-localhost-nodeports) or set nodePortAddresses (--nodeport-addresses) to filter loopback addresses" ipFamily="IPv4"',
            ),
          },
          {
            stream: 'stderr',
            text: klog('I', sc.klogTime, 'config.go:199', '"Starting service config controller"'),
          },
          {
            stream: 'stderr',
            text: klog(
              'I',
              sc.klogTime,
              'config.go:105',
              '"Starting endpoint slice config controller"',
            ),
          },
        ],
      }
    case 'aws-node':
      return {
        program: { kind: 'daemon' },
        output: [
          {
            stream: 'stdout',
            text: `{"level":"info","ts":"${sc.isoTime}","caller":"entrypoint.sh","msg":"Validating env variables ..."}`,
          },
          {
            stream: 'stdout',
            text: `{"level":"info","ts":"${sc.isoTime}","caller":"entrypoint.sh","msg":"Install CNI binaries.."}`,
          },
          {
            stream: 'stdout',
            text: `{"level":"info","ts":"${sc.isoTime}","caller":"entrypoint.sh","msg":"Starting IPAM daemon... "}`,
          },
          {
            stream: 'stdout',
            text: `{"level":"info","ts":"${sc.isoTime}","caller":"entrypoint.sh","msg":"Checking for IPAM connectivity... "}`,
          },
          {
            stream: 'stdout',
            text: `{"level":"info","ts":"${sc.isoTime}","caller":"entrypoint.sh","msg":"Copying config file... "}`,
          },
          {
            stream: 'stdout',
            text: `{"level":"info","ts":"${sc.isoTime}","caller":"entrypoint.sh","msg":"Successfully copied CNI plugin binary and config file."}`,
          },
        ],
      }
    case 'cni-init':
      return {
        program: { kind: 'exit', code: 0, afterMs: 900 },
        output: [
          { stream: 'stdout', text: 'Copying CNI plugin binaries ...' },
          { stream: 'stdout', text: 'Configure rp_filter loose... ' },
          { stream: 'stdout', text: 'CNI init container done' },
        ],
      }
    case 'fluent-bit':
      // a long-running process; the simulation wakes it every `Flush 5` seconds to ship what it
      // tailed (engine/shipping/fluentbit.ts, called from the container tick)
      if (base === 'entrypoint.sh' || base === 'fluent-bit')
        return { program: scriptState('while true; do sleep 5; done'), output: fluentBitStartup() }
      break
    case 'network-policy-agent':
    case 'pause':
      return { program: { kind: 'daemon' }, output: [] }
    case 'busybox':
      break
  }
  // the image has no such program
  return {
    program: { kind: 'exit', code: 128, afterMs: 0 },
    output: [],
  }
}

/** An exec failure at start, as containerd reports it when argv[0] does not exist in the image. */
export function startFailure(c: Container, image: ImageInfo): string | undefined {
  const argv = effectiveArgv(c, image)
  const base = (argv[0] ?? '').split('/').pop() ?? ''
  const known = ['sh', 'bash', 'ash', 'sleep', 'echo']
  const imageOwn: Record<string, string[]> = {
    nginx: ['docker-entrypoint.sh', 'nginx'],
    curl: ['entrypoint.sh', 'curl'],
    coredns: ['coredns'],
    'kube-proxy': ['kube-proxy'],
    'aws-node': ['aws-vpc-cni'],
    'cni-init': ['aws-vpc-cni-init'],
    'network-policy-agent': ['controller'],
    pause: ['pause'],
    'fluent-bit': ['entrypoint.sh', 'fluent-bit'],
    busybox: [],
  }
  if (argv.length === 0) return undefined
  if (
    known.includes(base) ||
    imageOwn[image.behaviour]?.includes(base) ||
    image.behaviour === 'kube-proxy'
  )
    return undefined
  if (image.behaviour === 'nginx' && base === 'bash') return undefined
  return `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "${argv[0]}": executable file not found in $PATH: unknown`
}

function quote(s: string): string {
  return /^[\w./:=-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`
}

function scriptState(source: string): ProgramState {
  return { kind: 'script', source, pc: 0, vars: {}, loops: {} }
}

const compiled = new Map<string, Compiled>()
export function compileCached(source: string): Compiled {
  let c = compiled.get(source)
  if (!c) {
    c = compile(source)
    compiled.set(source, c)
  }
  return c
}

export { run as runScript }

/** aws-for-fluent-bit's entrypoint line, then Fluent Bit's banner (Log_Level error hides the rest). */
function fluentBitStartup(): Output[] {
  return [
    { stream: 'stdout', text: 'AWS for Fluent Bit Container Image Version 2.32.5' },
    { stream: 'stderr', text: 'Fluent Bit v1.9.10' },
    { stream: 'stderr', text: '* Copyright (C) 2015-2022 The Fluent Bit Authors' },
    { stream: 'stderr', text: '* Fluent Bit is a CNCF sub-project under the umbrella of Fluentd' },
    { stream: 'stderr', text: '* https://fluentbit.io' },
  ]
}

function nginxStartup(sc: StartContext): Output[] {
  const t = sc.nginxTime
  const ep = '/docker-entrypoint.sh'
  return [
    {
      stream: 'stdout',
      text: `${ep}: /docker-entrypoint.d/ is not empty, will attempt to perform configuration`,
    },
    { stream: 'stdout', text: `${ep}: Looking for shell scripts in /docker-entrypoint.d/` },
    {
      stream: 'stdout',
      text: `${ep}: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh`,
    },
    {
      stream: 'stdout',
      text: '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
    },
    {
      stream: 'stdout',
      text: '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
    },
    { stream: 'stdout', text: `${ep}: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh` },
    { stream: 'stdout', text: `${ep}: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh` },
    { stream: 'stdout', text: `${ep}: Launching /docker-entrypoint.d/30-tune-worker-processes.sh` },
    { stream: 'stdout', text: `${ep}: Configuration complete; ready for start up` },
    { stream: 'stderr', text: `${t} [notice] 1#1: using the "epoll" event method` },
    { stream: 'stderr', text: `${t} [notice] 1#1: nginx/1.29.3` },
    { stream: 'stderr', text: `${t} [notice] 1#1: built by gcc 14.2.0 (Debian 14.2.0-19) ` },
    { stream: 'stderr', text: `${t} [notice] 1#1: OS: Linux ${sc.kernel}` },
    { stream: 'stderr', text: `${t} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576` },
    { stream: 'stderr', text: `${t} [notice] 1#1: start worker processes` },
    { stream: 'stderr', text: `${t} [notice] 1#1: start worker process 29` },
    { stream: 'stderr', text: `${t} [notice] 1#1: start worker process 30` },
  ]
}
