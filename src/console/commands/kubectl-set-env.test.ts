import { describe, expect, it } from 'vitest'
import { createSimulation } from '../../engine/index.ts'
import { Console } from '../session.ts'
import { parseEnvArgs, updateEnv } from './kubectl-set-env.ts'

// kubectl set env on the aws-node DaemonSet: the output and errors of kubectl 1.32 (checked with the
// real binary and --local), then the rollout the change starts.

function setup(settle = true) {
  const sim = createSimulation({ seed: 7 })
  const c = new Console(sim, { settleAfterCommands: settle })
  const run = (cmd: string) => {
    const r = c.run(cmd)
    return { text: r.lines.map((l) => l.text).join('\n'), exitCode: r.exitCode }
  }
  return { sim, c, run }
}

describe('kubectl set env', () => {
  it('lists, sets, removes; errors as kubectl prints them', async () => {
    const { run } = setup()
    const t = [
      'kubectl set env daemonset/aws-node -n kube-system --list',
      'kubectl set env daemonset aws-node -n kube-system -c aws-node --list',
      'kubectl set env daemonset aws-node -n kube-system AWS_VPC_K8S_CNI_EXTERNALSNAT=true',
      'kubectl set env daemonset aws-node -n kube-system AWS_VPC_K8S_CNI_EXTERNALSNAT=true',
      'kubectl set env ds/aws-node -n kube-system -c aws-node --list',
      'kubectl set env ds/aws-node -n kube-system -c aws-node AWS_VPC_K8S_CNI_EXTERNALSNAT-',
      'kubectl set env ds/aws-node -n kube-system -c aws-node --list WARM_IP_TARGET=5',
      'kubectl set env ds/nope -n kube-system A=1',
      'kubectl set env foo/bar A=1',
      'kubectl set env',
      'kubectl set env ds A=1',
      'kubectl set env ds/aws-node A=1 b',
      'kubectl set env ds/aws-node -n kube-system 1A=1',
      'kubectl set env ds/aws-node -n kube-system -e FOO',
      'kubectl set env ds/aws-node -n kube-system A- A=1',
      'kubectl set env ds/aws-node -n kube-system -c nope A=1',
      'kubectl create deployment web --image=nginx',
      'kubectl set env deployment/web GREETING=hello',
      'kubectl set env deployment/web --list',
    ]
      .map((c) => {
        const r = run(c)
        return `$ ${c}\n${r.text}${r.exitCode ? `\n[exit ${r.exitCode}]` : ''}`
      })
      .join('\n')
    await expect(t).toMatchFileSnapshot('./__golden__/kubectl-set-env.txt')
  })

  it('every container of the template by default (init containers too), as real kubectl does', () => {
    const { run, sim } = setup()
    run('kubectl set env daemonset aws-node -n kube-system AWS_VPC_K8S_CNI_EXTERNALSNAT=true')
    const ds = Object.values(sim.state.etcd.buckets['daemonsets']!).find(
      (e) => e.value.metadata.name === 'aws-node',
    )!.value as unknown as {
      spec: {
        template: {
          spec: { containers: { env?: unknown[] }[]; initContainers: { env?: unknown[] }[] }
        }
      }
    }
    const want = { name: 'AWS_VPC_K8S_CNI_EXTERNALSNAT', value: 'true' }
    for (const c of [...ds.spec.template.spec.containers, ...ds.spec.template.spec.initContainers])
      expect(c.env).toContainEqual(want)
  })

  it('rollout status follows the DaemonSet rollout to the end', async () => {
    const { run } = setup(false)
    run('sleep 1') // settle nothing: the cluster is already up
    expect(
      run('kubectl set env ds/aws-node -n kube-system AWS_VPC_K8S_CNI_EXTERNALSNAT=true').text,
    ).toBe('daemonset.apps/aws-node env updated')
    const r = run('kubectl rollout status daemonset/aws-node -n kube-system')
    expect(r.exitCode).toBe(0)
    await expect(
      `$ kubectl rollout status daemonset/aws-node -n kube-system\n${r.text}`,
    ).toMatchFileSnapshot('./__golden__/kubectl-rollout-status-ds.txt')
    expect(r.text.split('\n').at(-1)).toBe('daemon set "aws-node" successfully rolled out')
  })

  it('parseEnvArgs and updateEnv (set_env.go)', () => {
    expect(parseEnvArgs(['A=1', 'B=x=y', 'C-'])).toEqual({
      set: [
        { name: 'A', value: '1' },
        { name: 'B', value: 'x=y' },
      ],
      remove: ['C'],
    })
    expect(
      updateEnv(
        [
          { name: 'A', value: 'old' },
          { name: 'C', value: '3' },
          { name: 'D', value: '4' },
        ],
        [
          { name: 'E', value: '5' },
          { name: 'A', value: 'new' },
        ],
        ['C'],
      ),
    ).toEqual([
      { name: 'A', value: 'new' },
      { name: 'D', value: '4' },
      { name: 'E', value: '5' },
    ])
  })
})

describe('kubectl set env: every word without KEY= is another resource name (SplitEnvironmentFromResources)', () => {
  const dsEnv = (sim: ReturnType<typeof setup>['sim']) =>
    JSON.stringify(
      Object.values(sim.state.etcd.buckets['daemonsets']!).map((e) => JSON.stringify(e.value)),
    )

  it('a missing name fails like the real 1.32 binary and changes nothing', () => {
    const { run, sim } = setup()
    const before = dsEnv(sim)
    expect(run('kubectl set env daemonset aws-node -n kube-system A')).toEqual({
      text: 'Error from server (NotFound): daemonsets.apps "A" not found',
      exitCode: 1,
    })
    expect(run('kubectl set env daemonset aws-node -n kube-system =B')).toEqual({
      text: 'Error from server (NotFound): daemonsets.apps "=B" not found',
      exitCode: 1,
    })
    expect(run('kubectl set env ds aws-node B C X=1 -n kube-system')).toEqual({
      text: [
        'Error from server (NotFound): daemonsets.apps "B" not found',
        'Error from server (NotFound): daemonsets.apps "C" not found',
      ].join('\n'),
      exitCode: 1,
    })
    expect(dsEnv(sim)).toBe(before)
  })

  it('changes each named object; --dry-run=client changes none and -o prints the result', () => {
    const { run, sim } = setup()
    const before = dsEnv(sim)
    expect(
      run('kubectl set env ds aws-node kube-proxy X=1 -n kube-system --dry-run=client'),
    ).toEqual({
      text: 'daemonset.apps/aws-node env updated (dry run)\ndaemonset.apps/kube-proxy env updated (dry run)',
      exitCode: 0,
    })
    expect(
      run('kubectl set env ds aws-node X=1 -n kube-system --dry-run=client -o name').text,
    ).toBe('daemonset.apps/aws-node')
    const yaml = run('kubectl set env ds aws-node X=1 -n kube-system --dry-run=client -o yaml').text
    expect(yaml).toMatch(/^apiVersion: apps\/v1\nkind: DaemonSet\n/)
    expect(yaml).toContain('        - name: X\n          value: "1"')
    const json = JSON.parse(
      run('kubectl set env ds/aws-node -n kube-system X=1 --dry-run=client -o json').text,
    )
    expect(json.spec.template.spec.containers[0].env.at(-1)).toEqual({ name: 'X', value: '1' })
    expect(dsEnv(sim)).toBe(before)
    expect(run('kubectl set env ds/aws-node ds/kube-proxy -n kube-system Y=2').text).toBe(
      'daemonset.apps/aws-node env updated\ndaemonset.apps/kube-proxy env updated',
    )
    expect(run('kubectl set env ds/aws-node kube-proxy -n kube-system Y=2').exitCode).toBe(1)
  })
})
