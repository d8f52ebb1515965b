import { describe, expect, it } from 'vitest'
import { createManagedNodeGroup, createSimulation, listObjects } from '../../engine/index.ts'
import { Console } from '../session.ts'
import { tabwriter } from './eksctl.ts'

// eksctl's nodegroup commands: log lines, errors, tables; and what a new node group does to the
// cluster (nodes NotReady -> Ready, aws-node and kube-proxy on them, max pods from the instance type).

function setup(settle = true) {
  const sim = createSimulation({ seed: 7 })
  const c = new Console(sim, { settleAfterCommands: settle })
  const run = (cmd: string) => {
    const r = c.run(cmd)
    return { text: r.lines.map((l) => l.text).join('\n'), exitCode: r.exitCode }
  }
  const transcript = (cmds: string[]) =>
    cmds
      .map((cmd) => {
        const r = run(cmd)
        return `$ ${cmd}\n${r.text}${r.exitCode ? `\n[exit ${r.exitCode}]` : ''}`
      })
      .join('\n')
  return { sim, c, run, transcript }
}

describe('eksctl nodegroups', () => {
  it('create, get, scale, delete: eksctl log lines with the simulated clock', async () => {
    const { transcript } = setup()
    const t = transcript([
      'eksctl get nodegroup --cluster demo',
      'eksctl create nodegroup --cluster demo --name web --node-type m5.large --nodes 2',
      'eksctl get nodegroup --cluster demo',
      'eksctl get nodegroup --cluster demo --name web -o json',
      'eksctl get nodegroup --cluster demo --name web -o yaml',
      'eksctl scale nodegroup --cluster demo --name web --nodes 3 --nodes-max 3',
      'eksctl scale nodegroup web -c demo -N 1 -m 1',
      'eksctl scale nodegroup web -c demo -N 2 --wait',
      'eksctl delete nodegroup --cluster demo --name web',
      'eksctl get nodegroup --cluster demo',
    ])
    await expect(t).toMatchFileSnapshot('./__golden__/eksctl-nodegroup.txt')
  })

  it('errors: unknown cluster, missing flags, unknown nodegroup, bad sizes, unknown instance type, bad flags', async () => {
    const { transcript } = setup()
    const t = transcript([
      'eksctl create nodegroup --cluster nope --name x',
      'eksctl create nodegroup --name x',
      'eksctl create nodegroup --cluster demo --name x --nodes 3 --nodes-max 2',
      'eksctl create nodegroup --cluster demo --name x --nodes-min 3 --nodes-max 2',
      'eksctl create nodegroup --cluster demo --name 1x',
      'eksctl create nodegroup --cluster demo --name x --node-type m7i.large',
      'eksctl create nodegroup --cluster demo --foo',
      'eksctl scale nodegroup --cluster demo --name nope -N 2',
      'eksctl scale nodegroup --cluster demo --name x',
      'eksctl scale nodegroup --cluster demo -N 2',
      'eksctl get nodegroup --cluster demo --name nope',
      'eksctl get nodegroup --cluster demo -o wide',
      'eksctl delete nodegroup --cluster demo',
      'eksctl delete nodegroup --cluster demo --name nope',
      'eksctl frobnicate',
    ])
    await expect(t).toMatchFileSnapshot('./__golden__/eksctl-errors.txt')
  })

  it('--help and version', async () => {
    const { transcript } = setup()
    await expect(
      transcript([
        'eksctl --help',
        'eksctl version',
        'eksctl create nodegroup --help',
        'eksctl scale nodegroup -h',
      ]),
    ).toMatchFileSnapshot('./__golden__/eksctl-help.txt')
  })

  it('an existing name is excluded, not an error (eksctl include/exclude rules)', () => {
    const { run, sim } = setup()
    const ng = Object.keys(sim.state.aws.nodeGroups)[0]!
    const r = run(`eksctl create nodegroup --cluster demo --name ${ng}`)
    expect(r.exitCode).toBe(0)
    expect(r.text).toContain(
      `1 nodegroup (${ng}) was excluded (based on the include/exclude rules)`,
    )
    expect(r.text).toContain('created 0 managed nodegroup(s) in cluster "demo"')
    expect(Object.keys(sim.state.aws.nodeGroups)).toHaveLength(1)
  })

  it('new nodes register NotReady, get aws-node and kube-proxy, then turn Ready; m5.large allows 29 pods', () => {
    const { run, sim } = setup(false)
    sim.settle()
    const out = run(
      'eksctl create nodegroup --cluster demo --name big --node-type m5.large --nodes 2 --node-private-networking',
    )
    expect(out.exitCode).toBe(0)
    expect(sim.state.aws.nodeGroups['big']!.status).toBe('ACTIVE')
    // replay the same command on a fresh cluster, watching every work item
    const fresh = setup(false)
    fresh.sim.settle()
    const start = fresh.sim.state.now
    const r = fresh.sim.transact((ctx) => {
      createManagedNodeGroup(ctx, {
        name: 'big',
        instanceType: 'm5.large',
        desired: 2,
        min: 2,
        max: 2,
        privateNetworking: true,
      })
    })
    expect(r.ok).toBe(true)
    const times: Record<string, { registered?: number; ready?: number }> = {}
    fresh.sim.runUntil((s) => {
      for (const n of listObjects(s, 'Node')) {
        if (n.metadata.labels?.['eks.amazonaws.com/nodegroup'] !== 'big') continue
        const e = (times[n.metadata.name] ??= { registered: s.now - start })
        if (!n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True')) {
          expect(n.spec.taints).toContainEqual({
            key: 'node.kubernetes.io/not-ready',
            effect: 'NoSchedule',
          })
          expect(n.status.conditions.find((c) => c.type === 'Ready')?.message).toMatch(
            /cni plugin not initialized/,
          )
        } else e.ready ??= s.now - start
      }
      return s.aws.nodeGroups['big']?.status === 'ACTIVE'
    }, 10 * 60_000)
    const entries = Object.values(times)
    expect(entries).toHaveLength(2)
    for (const e of entries) {
      expect(e.registered).toBeGreaterThanOrEqual(80_000)
      expect(e.registered).toBeLessThanOrEqual(110_000)
      expect(e.ready! - e.registered!).toBeGreaterThan(0)
      expect(e.ready! - e.registered!).toBeLessThan(30_000)
    }
    // for the lesson authors: when the two nodes registered and turned Ready (ms after CreateNodegroup)
    expect(entries).toMatchSnapshot()
    // the EKS API sees the group too
    expect(
      run('aws eks list-nodegroups --cluster-name demo --query nodegroups --output text').text,
    ).toContain('big')
    const described = JSON.parse(
      run('aws eks describe-nodegroup --cluster-name demo --nodegroup-name big').text,
    ) as {
      nodegroup: {
        status: string
        subnets: string[]
        instanceTypes: string[]
        scalingConfig: unknown
      }
    }
    expect(described.nodegroup.status).toBe('ACTIVE')
    expect(described.nodegroup.instanceTypes).toEqual(['m5.large'])
    expect(described.nodegroup.scalingConfig).toEqual({ minSize: 2, maxSize: 2, desiredSize: 2 })
    for (const id of described.nodegroup.subnets)
      expect(sim.state.aws.subnets.find((x) => x.subnetId === id)!.public).toBe(false)
    // private networking: private subnets, no public IP
    const insts = Object.values(sim.state.aws.instances).filter((i) => i.nodegroup === 'big')
    expect(insts).toHaveLength(2)
    for (const i of insts) {
      expect(i.publicIpAddress).toBeUndefined()
      expect(sim.state.aws.subnets.find((s) => s.subnetId === i.subnetId)!.public).toBe(false)
    }
    // the node's labels, its DaemonSet pods, and the VPC CNI max pods in describe node
    const node = listObjects(sim.state, 'Node').find(
      (n) => n.metadata.labels?.['eks.amazonaws.com/nodegroup'] === 'big',
    )!
    expect(node.metadata.labels).toMatchObject({
      'eks.amazonaws.com/nodegroup': 'big',
      'alpha.eksctl.io/nodegroup-name': 'big',
      'eks.amazonaws.com/capacityType': 'ON_DEMAND',
      'node.kubernetes.io/instance-type': 'm5.large',
    })
    const onNode = listObjects(sim.state, 'Pod', 'kube-system').filter(
      (p) => p.spec.nodeName === node.metadata.name,
    )
    expect(onNode.map((p) => p.metadata.name.replace(/-[a-z0-9]{5}$/, '')).sort()).toEqual([
      'aws-node',
      'kube-proxy',
    ])
    expect(onNode.every((p) => p.status.phase === 'Running')).toBe(true)
    const rt = sim.state.nodes[node.metadata.name]!
    expect(rt.ipamd?.enis.length).toBeGreaterThanOrEqual(1)
    // aws-node wrote the VPC CNI's SNAT rule for this node's own primary IP when it started
    expect(run(`ssh ${node.metadata.name}`).exitCode).toBe(0)
    expect(run('sudo iptables -t nat -S AWS-SNAT-CHAIN-0').text).toContain(
      `-j SNAT --to-source ${rt.ip} --random-fully`,
    )
    run('exit')
    const d = run(`kubectl describe node ${node.metadata.name}`).text
    const alloc = d.slice(d.indexOf('Allocatable:'))
    expect(alloc).toMatch(/^\s+pods:\s+29$/m)
    // a pod pinned to the group lands there
    run(
      'kubectl run pinned --image=nginx --overrides={"spec":{"nodeSelector":{"eks.amazonaws.com/nodegroup":"big"}}}',
    )
  })

  it('delete drains: evicted pods go, their ReplicaSet puts them on the other nodes', () => {
    const { run, sim } = setup()
    run('eksctl create nodegroup --cluster demo --name extra --nodes 2')
    const extra = new Set(
      listObjects(sim.state, 'Node')
        .filter((n) => n.metadata.labels?.['eks.amazonaws.com/nodegroup'] === 'extra')
        .map((n) => n.metadata.name),
    )
    run('kubectl create deployment web --image=nginx --replicas=10')
    const onExtra = () =>
      run('kubectl get pods -o wide')
        .text.split('\n')
        .filter((l) => [...extra].some((n) => l.includes(n)))
    expect(onExtra().length).toBeGreaterThan(0)
    const t = run('eksctl delete nodegroup --cluster demo --name extra').text.split('\n')
    const at = (re: RegExp) => t.find((l) => re.test(l))!.slice(0, 19)
    // the drainer waits for the evicted pods to terminate (nginx exits at once on SIGTERM)
    expect(at(/drained all nodes/) >= at(/cordon node/)).toBe(true)
    expect(onExtra()).toEqual([])
    const web = listObjects(sim.state, 'Pod', 'default').filter((p) =>
      p.metadata.name.startsWith('web-'),
    )
    expect(web.filter((p) => p.status.phase === 'Running')).toHaveLength(10)
  })

  it('tabwriter pads with tabs to 8-column cells, as eksctl prints tables', () => {
    expect(
      tabwriter([
        ['CLUSTER', 'NODEGROUP', 'TYPE'],
        ['eksworkshop', 'ng-0ec6130f', 'managed'],
      ]),
    ).toEqual(['CLUSTER\t\tNODEGROUP\tTYPE', 'eksworkshop\tng-0ec6130f\tmanaged'])
  })
})

describe('eksctl aliases and unknown words (cobra, eksctl-io/eksctl pkg/ctl/*/nodegroup.go)', () => {
  it('ng for every verb, nodegroups for get only', () => {
    const { run } = setup()
    const table = run('eksctl get nodegroup --cluster demo').text
    expect(run('eksctl get ng --cluster demo').text).toBe(table)
    expect(run('eksctl get nodegroups --cluster demo').text).toBe(table)
    expect(run('eksctl create ng --cluster demo --name web --nodes 1 --nodes-max 2').exitCode).toBe(
      0,
    )
    expect(run('eksctl scale ng web --cluster demo --nodes 2').exitCode).toBe(0)
    expect(run('eksctl get ng web --cluster demo').text).toMatch(/\bweb\b.*\b2\b/)
    expect(run('eksctl delete ng --cluster demo --name web').exitCode).toBe(0)
    expect(run('eksctl get ng web --cluster demo').exitCode).toBe(1)
  })

  it('No nodegroups found once every group is deleted (table output only)', () => {
    const { run, sim } = setup()
    for (const g of Object.keys(sim.state.aws.nodeGroups))
      expect(run(`eksctl delete nodegroup --cluster demo --name ${g}`).exitCode).toBe(0)
    expect(run('eksctl get nodegroup --cluster demo')).toEqual({
      text: 'Error: No nodegroups found',
      exitCode: 1,
    })
    expect(run('eksctl get nodegroup --cluster demo -o json')).toEqual({ text: '[]', exitCode: 0 })
  })

  it('an unknown word at the root is named, with cobra suggestions; under a verb, the verb help', () => {
    const { run } = setup()
    const r = run('eksctl gett nodegroup')
    expect(r.exitCode).toBe(1)
    expect(r.text).toContain(
      'Error: unknown command "gett" for "eksctl"\n\nDid you mean this?\n\tget\n',
    )
    const v = run('eksctl get bogus')
    expect(v.exitCode).toBe(0)
    expect(v.text).toMatch(
      /^Get resource\(s\)\n\nUsage: eksctl get \[flags\]\n\nCommands:\n {2}eksctl get nodegroup +Get nodegroup\(s\)\n/,
    )
    expect(run('eksctl create nodegroups --cluster demo').text).toMatch(/^Create resource\(s\)\n/)
  })
})

describe('eksctl --help', () => {
  it('lists the verbs with their Short text, as eksctl root help does, and says the rest is not simulated', () => {
    const { c } = setup()
    const r = c.run('eksctl --help')
    const text = r.lines.map((l) => l.text)
    expect(text.slice(4, 10)).toEqual([
      'Commands:',
      '  eksctl create   Create resource(s)',
      '  eksctl delete   Delete resource(s)',
      '  eksctl get      Get resource(s)',
      '  eksctl scale    Scale resources(s)',
      '  eksctl version  Output the version of eksctl',
    ])
    expect(r.lines.at(-1)!.tone).toBe('dim')
    expect(r.lines.filter((l) => l.tone === 'dim')).toHaveLength(1)
  })
})
