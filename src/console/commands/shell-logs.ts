import type { ClusterState, ContainerRuntime, NodeRuntime, PodRuntime } from '../../engine/index.ts'
import {
  containerLogPath,
  criLines,
  getObject,
  gunzipNodeFile,
  NODE_OS,
  rfc3339Nano,
  wholeLines,
} from '../../engine/index.ts'
import type { CommandEnv, CommandResult, CommandSpec, OutputLine } from '../types.ts'
import { err, out, textLines } from '../types.ts'
import { absPath, shellCtx, type ShellCtx } from './shell-context.ts'
import { COREUTILS_COMMANDS } from './shell-coreutils.ts'
import { FOLLOW_MS } from './kubectl-logs.ts'

// Log tools on a node: zcat for the kubelet's rotated .gz files, `tail -f` (bounded follow),
// crictl (ps, pods, logs, inspect) talking to containerd, and journalctl for the kubelet unit.
// `tail -f` follows for FOLLOW_MS (10 s) of simulated time and returns, as `kubectl logs -f` does.
// crictl's tables follow kubernetes-sigs/cri-tools cmd/crictl (container.go, sandbox.go, display.go:
// tabwriter minwidth 20, padding 3; IDs truncated to 13 characters).

function withNode(
  env: CommandEnv,
  fn: (ctx: ShellCtx & { node: NodeRuntime }) => CommandResult,
): CommandResult {
  const ctx = shellCtx(env)
  if ('gone' in ctx) return { lines: ctx.gone, exitCode: 255 }
  if (!ctx.node) return { lines: [err('command not found')], exitCode: 127 }
  return fn(ctx as ShellCtx & { node: NodeRuntime })
}

// ---------------------------------------------------------------------------------------------
// zcat

const zcat: CommandSpec = {
  path: ['zcat'],
  modes: ['node'],
  summary: 'Print gzip-compressed files uncompressed',
  usage: 'zcat FILE …',
  rawArgs: true,
  run: (inv, env) =>
    withNode(env, (ctx) => {
      const lines: OutputLine[] = []
      let exitCode = 0
      if (inv.args.length === 0) {
        return {
          lines: [
            err('gzip: compressed data not read from a terminal. Use -f to force decompression.'),
          ],
          exitCode: 1,
        }
      }
      for (const a of inv.args.filter((x) => !x.startsWith('-'))) {
        const p = absPath(ctx, a)
        const real = ctx.fs.realpath(p)
        const st = typeof real === 'string' ? ctx.fs.stat(real) : real
        if (typeof real !== 'string' || !('type' in st)) {
          lines.push(err(`gzip: ${a}: No such file or directory`))
          exitCode = 1
          continue
        }
        if (st.type === 'dir') {
          lines.push(err(`gzip: ${a} is a directory -- ignored`))
          exitCode = 2
          continue
        }
        const text = gunzipNodeFile(env.sim.state, ctx.node.name, real)
        if (text === undefined) {
          lines.push(err(`gzip: ${a}: not in gzip format`))
          exitCode = 1
          continue
        }
        lines.push(...(text === '' ? [] : textLines(text)))
      }
      return { lines, exitCode }
    }),
}

// ---------------------------------------------------------------------------------------------
// tail -f (everything else goes to coreutils' tail)

const coreTail = COREUTILS_COMMANDS.find((c) => c.path.length === 1 && c.path[0] === 'tail')!

/** `tail` with a bounded `-f`: prints the tail, then what is appended during FOLLOW_MS. */
export const tailFollow: CommandSpec = {
  ...coreTail,
  summary: 'Print the last lines of files (-n N, -f follows for 10 s of simulated time)',
  usage: 'tail [-n N] [-f] [file …]',
  run(inv, env) {
    const isFollow = (a: string) =>
      a === '-f' ||
      a === '--follow' ||
      a === '-F' ||
      (/^-[a-zA-Z]*f[a-zA-Z]*$/.test(a) && !a.startsWith('-n'))
    const follow = inv.args.some(isFollow)
    if (!follow || env.mode.kind !== 'node') return coreTail.run(inv, env)
    const args = inv.args
      .map((a) => (isFollow(a) ? a.replace(/[fF]/g, '') : a))
      .filter((a) => a !== '-' && a !== '--follow' && a !== '')
    const first = coreTail.run({ ...inv, args }, env)
    if (first.exitCode !== 0) return first
    const files = args.filter((a, i) => !a.startsWith('-') && !/^-n$/.test(args[i - 1] ?? ''))
    const read = (): string[] => {
      const ctx = shellCtx(env)
      if ('gone' in ctx) return files.map(() => '')
      return files.map((f) => {
        const t = ctx.fs.readFile(absPath(ctx, f))
        return typeof t === 'string' ? t : ''
      })
    }
    const lines = [...first.lines]
    let before = read()
    for (let t = 0; t < FOLLOW_MS; t += 1000) {
      env.sim.advance(1000)
      const now = read()
      now.forEach((text, i) => {
        const old = before[i]!
        if (text.length > old.length && text.startsWith(old))
          lines.push(...textLines(text.slice(old.length)))
        else if (text !== old && !text.startsWith(old))
          // the kubelet renamed the file away (rotation); GNU tail -f keeps reading the renamed file
          lines.push(err(`tail: ${files[i]}: file truncated`))
      })
      before = now
    }
    return { lines, exitCode: 0 }
  },
}

// ---------------------------------------------------------------------------------------------
// crictl

/** github.com/docker/go-units HumanDuration */
export function goUnitsHuman(ms: number): string {
  const s = Math.floor(ms / 1000)
  if (s < 1) return 'Less than a second'
  if (s === 1) return '1 second'
  if (s < 60) return `${s} seconds`
  const m = Math.floor(s / 60)
  if (m === 1) return 'About a minute'
  if (m < 60) return `${m} minutes`
  const h = Math.round(s / 3600)
  if (h === 1) return 'About an hour'
  if (h < 48) return `${h} hours`
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`
  return `${Math.floor(h / 24 / 365)} years`
}

/** Go text/tabwriter with minwidth 20, padding 3; the last cell of a row is not padded. */
function table(rows: string[][]): string[] {
  const widths: number[] = []
  for (const r of rows)
    r.forEach((c, i) => {
      if (i < r.length - 1) widths[i] = Math.max(widths[i] ?? 0, c.length + 3, 20)
    })
  return rows.map((r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]!) : c)).join(''))
}

interface Found {
  rt: PodRuntime
  c: ContainerRuntime
  current: boolean
}

function allContainers(node: NodeRuntime): Found[] {
  const outList: Found[] = []
  for (const rt of Object.values(node.pods)) {
    for (const c of rt.containers) {
      const prev = rt.previous[c.name]
      if (prev?.id && prev.id !== c.id) outList.push({ rt, c: prev, current: false })
      if (c.id) outList.push({ rt, c, current: true })
    }
  }
  return outList.sort(
    (a, b) => (b.c.startedAt ?? 0) - (a.c.startedAt ?? 0) || (a.c.id! < b.c.id! ? -1 : 1),
  )
}

const crictlState = (c: ContainerRuntime) =>
  c.state === 'running' ? 'Running' : c.state === 'exited' ? 'Exited' : 'Created'

function findContainer(node: NodeRuntime, prefix: string): Found[] {
  return allContainers(node).filter((f) => f.c.id!.startsWith(prefix))
}

function notFound(id: string): CommandResult {
  return {
    lines: [
      err(
        `E0302 00:00:00.000000    9999 log.go:32] "Failed to get container status" err="rpc error: code = NotFound desc = an error occurred when try to find container \\"${id}\\": not found" containerID="${id}"`,
      ),
      err(
        `FATA[0000] rpc error: code = NotFound desc = an error occurred when try to find container "${id}": not found`,
      ),
    ],
    exitCode: 1,
  }
}

/** The CRI mounts of a container (ContainerStatus.mounts): each volumeMount's directory on the node,
 * e.g. a Secret's tmpfs at /var/lib/kubelet/pods/<uid>/volumes/kubernetes.io~secret/<volume>. */
function criMounts(state: ClusterState, rt: PodRuntime, c: ContainerRuntime) {
  const pod = getObject(state, 'Pod', rt.namespace, rt.name)
  const spec = [...(pod?.spec.containers ?? []), ...(pod?.spec.initContainers ?? [])].find(
    (x) => x.name === c.name,
  )
  const dir = `/var/lib/kubelet/pods/${rt.uid}`
  const plugin = (v: Record<string, unknown> | undefined) =>
    v?.secret
      ? 'kubernetes.io~secret'
      : v?.configMap
        ? 'kubernetes.io~configmap'
        : v?.projected
          ? 'kubernetes.io~projected'
          : v?.emptyDir
            ? 'kubernetes.io~empty-dir'
            : undefined
  const mount = (containerPath: string, hostPath: string, readonly: boolean) => ({
    containerPath,
    hostPath,
    propagation: 'PROPAGATION_PRIVATE',
    readonly,
    selinuxRelabel: false,
  })
  const out = (spec?.volumeMounts ?? []).flatMap((m, i) => {
    const v = pod?.spec.volumes?.find((x) => x.name === m.name)
    const kind = plugin(v)
    if (!kind) return []
    const ro = !!m.readOnly || kind !== 'kubernetes.io~empty-dir'
    return [
      mount(
        m.mountPath,
        m.subPath
          ? `${dir}/volume-subpaths/${m.name}/${c.name}/${i}`
          : `${dir}/volumes/${kind}/${m.name}`,
        ro,
      ),
    ]
  })
  out.push(mount('/etc/hosts', `${dir}/etc-hosts`, false))
  return out
}

function crictlRun(state: ClusterState, node: NodeRuntime, args: string[]): CommandResult {
  const sub = args[0]
  const rest = args.slice(1)
  const now = state.now
  if (sub === 'ps') {
    const all = rest.includes('-a') || rest.includes('--all')
    const quiet = rest.includes('-q') || rest.includes('--quiet')
    const list = allContainers(node).filter((f) => all || f.c.state === 'running')
    if (quiet) return { lines: list.map((f) => out(f.c.id!)), exitCode: 0 }
    const rows = [
      ['CONTAINER', 'IMAGE', 'CREATED', 'STATE', 'NAME', 'ATTEMPT', 'POD ID', 'POD', 'NAMESPACE'],
    ]
    for (const f of list)
      rows.push([
        f.c.id!.slice(0, 13),
        (f.c.imageId ?? f.c.imageRef ?? f.c.image).replace(/^.*sha256:/, '').slice(0, 13),
        `${goUnitsHuman(now - (f.c.startedAt ?? f.rt.startedAt))} ago`,
        crictlState(f.c),
        f.c.name,
        String(f.c.restartCount),
        f.rt.sandboxId.slice(0, 13),
        f.rt.name,
        f.rt.namespace,
      ])
    return { lines: table(rows).map(out), exitCode: 0 }
  }
  if (sub === 'pods') {
    const rows = [['POD ID', 'CREATED', 'STATE', 'NAME', 'NAMESPACE', 'ATTEMPT', 'RUNTIME']]
    const pods = Object.values(node.pods).sort((a, b) => b.startedAt - a.startedAt)
    for (const rt of pods)
      rows.push([
        rt.sandboxId.slice(0, 13),
        `${goUnitsHuman(now - rt.startedAt)} ago`,
        'Ready',
        rt.name,
        rt.namespace,
        '0',
        '(default)',
      ])
    return { lines: table(rows).map(out), exitCode: 0 }
  }
  if (sub === 'logs') {
    let tail = -1
    let timestamps = false
    let id: string | undefined
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i]!
      if (a === '--tail') tail = Number(rest[++i])
      else if (a.startsWith('--tail=')) tail = Number(a.slice(7))
      else if (a === '-t' || a === '--timestamps') timestamps = true
      else if (!a.startsWith('-')) id = a
    }
    if (!id) return { lines: [err('FATA[0000] ID cannot be empty')], exitCode: 1 }
    const found = findContainer(node, id)
    if (found.length !== 1) return notFound(id)
    // crictl reads the container's status.logPath: the live file
    let lines = wholeLines(criLines(found[0]!.c.logs))
    if (tail >= 0) lines = tail === 0 ? [] : lines.slice(-tail)
    return {
      lines: lines.map((l) => {
        const t = `${timestamps ? `${l.timestamp} ` : ''}${l.message}`
        return l.stream === 'stderr' ? { text: t, tone: 'out' as const } : out(t)
      }),
      exitCode: 0,
    }
  }
  if (sub === 'inspect') {
    const id = rest.find((a) => !a.startsWith('-'))
    if (!id) return { lines: [err('FATA[0000] ID cannot be empty')], exitCode: 1 }
    const found = findContainer(node, id)
    if (found.length !== 1) return notFound(id)
    const { rt, c } = found[0]!
    const ns = (t: number | undefined) =>
      t === undefined ? '0001-01-01T00:00:00Z' : rfc3339Nano(t)
    const doc = {
      status: {
        id: c.id,
        metadata: { attempt: c.restartCount, name: c.name },
        state:
          c.state === 'running'
            ? 'CONTAINER_RUNNING'
            : c.state === 'exited'
              ? 'CONTAINER_EXITED'
              : 'CONTAINER_CREATED',
        createdAt: ns(c.startedAt !== undefined ? c.startedAt - 40 : undefined),
        startedAt: ns(c.startedAt),
        finishedAt: ns(c.finishedAt),
        exitCode: c.exitCode ?? 0,
        image: {
          annotations: {},
          image: c.imageRef ?? c.image,
          runtimeHandler: '',
          userSpecifiedImage: '',
        },
        imageRef: c.imageId ?? '',
        reason:
          c.state === 'exited' ? (c.exitReason ?? (c.exitCode === 0 ? 'Completed' : 'Error')) : '',
        message: c.exitMessage ?? '',
        labels: {
          'io.kubernetes.container.name': c.name,
          'io.kubernetes.pod.name': rt.name,
          'io.kubernetes.pod.namespace': rt.namespace,
          'io.kubernetes.pod.uid': rt.uid,
        },
        annotations: {
          'io.kubernetes.container.restartCount': String(c.restartCount),
          'io.kubernetes.container.terminationMessagePath': '/dev/termination-log',
          'io.kubernetes.container.terminationMessagePolicy': 'File',
          'io.kubernetes.pod.terminationGracePeriod': '30',
        },
        mounts: criMounts(state, rt, c),
        logPath: containerLogPath(rt, c),
        resources: null,
        user: { linux: { gid: '0', supplementalGroups: ['0'], uid: '0' } },
      },
      info: {
        sandboxID: rt.sandboxId,
        pid: c.state === 'running' ? (c.pid ?? 0) : 0,
        removing: false,
        snapshotKey: c.id,
        snapshotter: 'overlayfs',
        runtimeType: 'io.containerd.runc.v2',
        runtimeOptions: { systemd_cgroup: true },
      },
    }
    return { lines: textLines(JSON.stringify(doc, null, 2)), exitCode: 0 }
  }
  return {
    lines: [err(`No help topic for '${sub ?? ''}'`)],
    exitCode: sub ? 1 : 0,
  }
}

const crictl: CommandSpec = {
  path: ['crictl'],
  modes: ['node'],
  summary: 'Talk to containerd over CRI: ps [-a], pods, logs [--tail N] ID, inspect ID',
  usage: 'crictl (ps [-a] | pods | logs [--tail N] CONTAINER-ID | inspect CONTAINER-ID)',
  rawArgs: true,
  run: (inv, env) => withNode(env, (ctx) => crictlRun(env.sim.state, ctx.node, inv.args)),
}

// ---------------------------------------------------------------------------------------------
// journalctl -u kubelet

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

function journalLines(state: ClusterState, node: NodeRuntime): { at: number; text: string }[] {
  const host = node.name.split('.')[0]!
  const pid = 2874
  const stamp = (at: number) => {
    const iso = rfc3339Nano(Math.floor(at))
    const d = new Date(iso)
    const p2 = (n: number) => String(n).padStart(2, '0')
    return {
      sys: `${MON[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`,
      klog: `${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(Math.floor(at % 1000) * 1000 + 417).padStart(6, '0')}`,
    }
  }
  const lines: { at: number; text: string }[] = []
  const kl = (at: number, lvl: string, src: string, msg: string) => {
    const s = stamp(at)
    lines.push({
      at,
      text: `${s.sys} ${host} kubelet[${pid}]: ${lvl}${s.klog}    ${pid} ${src}] ${msg}`,
    })
  }
  const boot = node.bootTime + 12_000
  lines.push({
    at: boot - 200,
    text: `${stamp(boot - 200).sys} ${host} systemd[1]: Starting kubelet.service - Kubernetes Kubelet...`,
  })
  lines.push({
    at: boot,
    text: `${stamp(boot).sys} ${host} systemd[1]: Started kubelet.service - Kubernetes Kubelet.`,
  })
  kl(
    boot + 30,
    'I',
    'server.go:486',
    `"Kubelet version" kubeletVersion="${NODE_OS.kubeletVersion}"`,
  )
  kl(boot + 31, 'I', 'server.go:488', '"Golang settings" GOGC="" GOMAXPROCS="" GOTRACEBACK=""')
  kl(boot + 410, 'I', 'kubelet.go:2347', '"Starting kubelet main sync loop"')
  kl(
    boot + 420,
    'I',
    'container_log_manager.go:189',
    '"Initializing container log rotate workers" workers=1 monitorPeriod="10s"',
  )
  kl(
    boot + 2100,
    'I',
    'kubelet_node_status.go:76',
    `"Successfully registered node" node="${node.name}"`,
  )
  for (const rt of Object.values(node.pods).sort((a, b) => a.startedAt - b.startedAt)) {
    kl(
      rt.startedAt - 5,
      'I',
      'kubelet.go:2437',
      `"SyncLoop ADD" source="api" pods=["${rt.namespace}/${rt.name}"]`,
    )
    for (const c of rt.containers)
      if (c.startedAt !== undefined)
        kl(
          c.startedAt + 3,
          'I',
          'pod_startup_latency_tracker.go:104',
          `"Observed pod startup duration" pod="${rt.namespace}/${rt.name}" podStartSLOduration=${((c.startedAt - rt.startedAt) / 1000 + 1).toFixed(6)}`,
        )
  }
  return lines.filter((l) => l.at <= state.now).sort((a, b) => a.at - b.at)
}

const journalctl: CommandSpec = {
  path: ['journalctl'],
  modes: ['node'],
  summary: 'Query the systemd journal (-u kubelet [-n N] [--no-pager])',
  usage: 'journalctl -u UNIT [-n N] [--no-pager]',
  rawArgs: true,
  run: (inv, env) =>
    withNode(env, (ctx) => {
      let unit: string | undefined
      let n: number | undefined
      const a = inv.args
      for (let i = 0; i < a.length; i++) {
        const x = a[i]!
        if (x === '-u' || x === '--unit') unit = a[++i]
        else if (x.startsWith('--unit=')) unit = x.slice(7)
        else if (x.startsWith('-u') && x.length > 2) unit = x.slice(2)
        else if (x === '-n' || x === '--lines') n = Number(a[++i] ?? 10)
        else if (x.startsWith('-n') && x.length > 2) n = Number(x.slice(2))
        else if (x.startsWith('--lines=')) n = Number(x.slice(8))
      }
      const u = unit?.replace(/\.service$/, '')
      if (u !== 'kubelet') return { lines: [out('-- No entries --')], exitCode: 0 }
      let lines = journalLines(env.sim.state, ctx.node).map((l) => l.text)
      if (n !== undefined && Number.isFinite(n)) lines = n === 0 ? [] : lines.slice(-n)
      return { lines: lines.map(out), exitCode: 0 }
    }),
}

export const SHELL_LOGS_COMMANDS: CommandSpec[] = [zcat, crictl, journalctl]
