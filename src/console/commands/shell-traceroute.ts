import { runTraceroute } from '../../engine/workloads/traceroute.ts'
import type { CommandSpec } from '../types.ts'
import { dim, err, out } from '../types.ts'
import { withCtx } from './shell-coreutils.ts'
import { netCtx, runFlows } from './shell-net.ts'

// traceroute: BusyBox's applet in busybox/alpine/curlimages/curl containers (engine/workloads/
// traceroute.ts). The EKS AL2023 node has none: the AMI's package list (awslabs/amazon-eks-ami
// templates/al2023/provisioners/install-worker.sh: chrony, conntrack, ethtool, ipvsadm, jq,
// nfs-utils, socat, wget, …) does not add it, so bash answers as it does for any missing program.
// The nginx (Debian) image has no traceroute either; withCtx answers `command not found` there.

export const traceroute: CommandSpec = {
  path: ['traceroute'],
  modes: ['node', 'container'],
  summary: 'Trace the route to HOST (BusyBox; not installed on the EKS AL2023 node)',
  usage: 'traceroute [-nI] [-m MAXTTL] [-q PROBES] [-w WAIT_SEC] HOST',
  rawArgs: true,
  run: (inv, env) => {
    if (env.mode.kind === 'node')
      return {
        lines: [
          err(
            env.mode.via === 'ssm'
              ? 'sh: traceroute: command not found'
              : '-bash: traceroute: command not found',
          ),
          dim(
            '(The EKS AL2023 AMI does not install traceroute; on a real node `dnf install -y traceroute` adds it. Run it from a busybox pod instead.)',
          ),
        ],
        exitCode: 127,
      }
    return withCtx(env, 'traceroute', (c) => {
      const n = netCtx(env, c)
      const r = runFlows(
        env,
        (ctx) => runTraceroute(ctx, n.place, inv.args, { ...n, uid: c.uid }),
        (x) => x.waitedMs,
      )
      if (!r) return { lines: [err('traceroute: error')], exitCode: 1 }
      return {
        lines: r.output.map((o) =>
          o.stream === 'stdout'
            ? out(o.text)
            : o.text.startsWith('traceroute: ')
              ? err(o.text)
              : { ...dim(o.text), stderr: true },
        ),
        exitCode: r.exitCode,
      }
    })
  },
}
