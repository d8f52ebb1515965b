import { describe, expect, it } from 'vitest'
import {
  createSimulation,
  fluentBitManifest,
  kubeletUnreachableError,
  listObjects,
  type Pod,
} from '../../engine/index.ts'
import { Console } from '../session.ts'

// Issue 4, "where do a pod's logs go?": terminate the node's instance and the container logs on it
// are gone (kubectl logs cannot reach the kubelet, the files went with the disk); with Fluent Bit
// applied, the same lines are still in CloudWatch Logs.

function boot(): Console {
  return new Console(createSimulation({ seed: 7 }), { settleAfterCommands: true })
}
const text = (c: Console, cmd: string) =>
  c
    .run(cmd)
    .lines.map((l) => l.text)
    .join('\n')

const LOG_SCRIPT = 'i=0; while true; do echo "order $i shipped"; sleep 2; done'

function scenario(c: Console, withFluentBit: boolean) {
  if (withFluentBit) {
    const r = c.run(`kubectl apply -f - <<'EOF'\n${fluentBitManifest('demo', 'us-west-2')}EOF`)
    expect(r.exitCode, r.lines.map((l) => l.text).join('\n')).toBe(0)
    c.sim.advance(20_000)
  }
  const r = c.run(
    `kubectl create deployment shop --image=busybox --replicas=2 -- sh -c '${LOG_SCRIPT}'`,
  )
  expect(r.exitCode, r.lines.map((l) => l.text).join('\n')).toBe(0)
  c.sim.advance(30_000)
}

const shopPods = (c: Console) =>
  listObjects(c.sim.state, 'Pod', 'default').filter((p) => p.metadata.name.startsWith('shop-'))

function instanceOf(c: Console, node: string): string {
  return Object.values(c.sim.state.aws.instances).find((i) => i.privateDnsName === node)!.instanceId
}

describe('aws ec2 terminate-instances', () => {
  it('prints TerminatingInstances and walks the node through its end', () => {
    const c = boot()
    scenario(c, false)
    const victim = shopPods(c)[0]!
    const node = victim.spec.nodeName!
    const id = instanceOf(c, node)
    expect(
      c.sim.state.nodes[node]!.pods[victim.metadata.uid]!.containers[0]!.logs.length,
    ).toBeGreaterThan(0)
    const before = Object.keys(c.sim.state.nodes)
    const out = text(c, `aws ec2 terminate-instances --instance-ids ${id}`)
    expect(JSON.parse(out)).toEqual({
      TerminatingInstances: [
        {
          CurrentState: { Code: 32, Name: 'shutting-down' },
          InstanceId: id,
          PreviousState: { Code: 16, Name: 'running' },
        },
      ],
    })
    expect(out.split('\n')[2]).toBe('        {')
    // the OS goes down within seconds: no kubelet, no containers, no files on that node
    c.sim.advance(6_000)
    expect(c.sim.state.nodes[node]).toBeUndefined()
    const pod = listObjects(c.sim.state, 'Pod', 'default').find(
      (p) => p.metadata.name === victim.metadata.name,
    )!
    expect(kubeletUnreachableError(c.sim.state, pod, 'busybox')).toMatch(
      new RegExp(
        `^Error from server: Get "https://[\\d.]+:10250/containerLogs/default/${victim.metadata.name}/busybox": dial tcp [\\d.]+:10250: connect: no route to host$`,
      ),
    )
    // terminated, NotReady, deleted by the cloud controller, pods collected and recreated elsewhere
    c.sim.advance(60_000)
    expect(c.sim.state.aws.instances[id]!.state).toBe('terminated')
    expect(
      JSON.parse(
        text(
          c,
          `aws ec2 describe-instances --instance-ids ${id} --query Reservations[0].Instances[0].State`,
        ),
      ),
    ).toEqual({ Code: 48, Name: 'terminated' })
    c.sim.advance(90_000)
    expect(listObjects(c.sim.state, 'Node').some((n) => n.metadata.name === node)).toBe(false)
    const pods = shopPods(c)
    expect(pods.map((p) => p.metadata.name)).not.toContain(victim.metadata.name)
    expect(pods).toHaveLength(2)
    expect(pods.every((p: Pod) => p.spec.nodeName !== node)).toBe(true)
    // a replacement joins the node group with a new name
    c.sim.advance(180_000)
    const after = Object.keys(c.sim.state.nodes)
    expect(after).toHaveLength(3)
    const fresh = after.filter((n) => !before.includes(n))
    expect(fresh).toHaveLength(1)
    expect(listObjects(c.sim.state, 'Node').map((n) => n.metadata.name)).toContain(fresh[0])
  })

  it('rejects unknown and malformed ids like EC2', () => {
    const c = boot()
    const r = c.run('aws ec2 terminate-instances --instance-ids i-0123456789abcdef0')
    expect(r.exitCode).toBe(254)
    expect(r.lines.map((l) => l.text).join('\n')).toContain(
      "An error occurred (InvalidInstanceID.NotFound) when calling the TerminateInstances operation: The instance ID 'i-0123456789abcdef0' does not exist",
    )
    expect(text(c, 'aws ec2 terminate-instances --instance-ids web')).toContain(
      '(InvalidInstanceID.Malformed) when calling the TerminateInstances operation: Invalid id: "web"',
    )
  })
})

describe('aws logs with Fluent Bit', () => {
  it('keeps the lines in CloudWatch after the node is gone', () => {
    const c = boot()
    scenario(c, true)
    const victim = shopPods(c)[0]!
    const node = victim.spec.nodeName!
    const groups = JSON.parse(text(c, 'aws logs describe-log-groups')) as {
      logGroups: { logGroupName: string }[]
    }
    expect(groups.logGroups.map((g) => g.logGroupName)).toContain(
      '/aws/containerinsights/demo/application',
    )
    const streams = JSON.parse(
      text(
        c,
        'aws logs describe-log-streams --log-group-name /aws/containerinsights/demo/application',
      ),
    ) as { logStreams: { logStreamName: string }[] }
    const mine = streams.logStreams.find((s) => s.logStreamName.includes(victim.metadata.name))!
    expect(mine.logStreamName).toMatch(
      new RegExp(
        `^${node.replaceAll('.', '\\.')}-application\\.var\\.log\\.containers\\.${victim.metadata.name}_default_busybox-[0-9a-f]{64}\\.log$`,
      ),
    )
    c.run(`aws ec2 terminate-instances --instance-ids ${instanceOf(c, node)}`)
    c.sim.advance(240_000)
    expect(c.sim.state.nodes[node]).toBeUndefined()
    const tail = text(
      c,
      `aws logs tail /aws/containerinsights/demo/application --since 1h --log-stream-name-prefix ${node}`,
    ).split('\n')
    const lines = tail.filter((l) => l.includes(victim.metadata.name))
    expect(lines.length).toBeGreaterThan(3)
    expect(lines[0]).toMatch(
      /^2026-03-02T\d\d:\d\d:\d\d\.\d{6}\+00:00 ip-\S+-application\.var\.log\.containers\.shop-\S+ \{"time":"[^"]+Z","stream":"stdout","_p":"F","log":"order 0 shipped","kubernetes":\{"pod_name":"shop-/,
    )
    const short = text(
      c,
      `aws logs tail /aws/containerinsights/demo/application --since 1h --format short`,
    )
    expect(short).toMatch(/^2026-03-02T\d\d:\d\d:\d\d \{"time"/m)
  })

  it('is deterministic and answers with the real errors', () => {
    const run = () => {
      const c = boot()
      scenario(c, true)
      return text(c, 'aws logs tail /aws/containerinsights/demo/application --since 1h')
    }
    expect(run()).toBe(run())
    const c = boot()
    const r = c.run('aws logs tail /aws/containerinsights/demo/application')
    expect(r.exitCode).toBe(254)
    expect(r.lines.map((l) => l.text).join('\n')).toBe(
      '\nAn error occurred (ResourceNotFoundException) when calling the FilterLogEvents operation: The specified log group does not exist.',
    )
    expect(text(c, 'aws logs describe-log-streams --log-group-name nope')).toBe(
      '\nAn error occurred (ResourceNotFoundException) when calling the DescribeLogStreams operation: The specified log group does not exist.',
    )
    expect(text(c, 'aws logs describe-log-groups')).toBe('{\n    "logGroups": []\n}')
  })
})
