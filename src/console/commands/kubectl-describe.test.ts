import { describe, expect, it } from 'vitest'
import { createSimulation } from '../../engine/index.ts'
import { Console } from '../session.ts'
import { tabwriter, goSort, rfc1123z } from '../format/describe.ts'

// kubectl describe against a seeded cluster: golden files for the layouts (checked against the real
// kubectl v1.32 samples in docs/research/kubectl-formats.md §2), plus targeted assertions.

function boot() {
  const sim = createSimulation({ seed: 7 })
  const c = new Console(sim, { settleAfterCommands: true })
  const run = (cmd: string) => {
    const r = c.run(cmd)
    return {
      ...r,
      text: r.lines.map((l) => l.text).join('\n') + '\n',
      stdout: r.lines.filter((l) => l.tone !== 'err' && l.tone !== 'warn').map((l) => l.text),
    }
  }
  const first = (ns: string, prefix: string) => {
    const names = run(`kubectl get pods -n ${ns} -o name`).stdout.map((l) => l.replace('pod/', ''))
    return names.find((n) => n.startsWith(prefix))!
  }
  return { sim, run, first }
}

describe('format/describe', () => {
  it('ports Go tabwriter: columns align per contiguous block and the last cell is never padded', () => {
    expect(
      tabwriter(
        'Name:\tweb\nService Account:\tdefault\nIPs:\n  IP:\t10.0.0.1\nControlled By:\tReplicaSet/web\n',
      ),
    ).toEqual([
      'Name:             web',
      'Service Account:  default',
      'IPs:',
      '  IP:           10.0.0.1',
      'Controlled By:  ReplicaSet/web',
    ])
    // an empty trailing cell still pads the one before it (the kube-proxy `Starting` event row)
    expect(tabwriter('a\tbb\t\nccc\td\tmsg\n')).toEqual(['a    bb  ', 'ccc  d   msg'])
  })

  it('sorts like Go sort.Sort (insertion sort, stable, up to 12 items)', () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ k: i % 2, i }))
    expect(goSort(items, (a, b) => a.k < b.k).map((x) => x.i)).toEqual([
      0, 2, 4, 6, 8, 1, 3, 5, 7, 9,
    ])
    const many = Array.from({ length: 40 }, (_, i) => (i * 7919) % 41)
    expect(goSort([...many], (a, b) => a < b)).toEqual([...many].sort((a, b) => a - b))
  })

  it('formats timestamps as Go time.RFC1123Z', () => {
    expect(rfc1123z('2026-03-02T08:46:12Z')).toBe('Mon, 02 Mar 2026 08:46:12 +0000')
  })
})

describe('kubectl describe', () => {
  it('describes a coredns pod like kubectl v1.32', async () => {
    const { run, first } = boot()
    const r = run(`kubectl describe pod -n kube-system ${first('kube-system', 'coredns-')}`)
    expect(r.exitCode).toBe(0)
    await expect(r.text).toMatchFileSnapshot('./__golden__/describe-pod.txt')
    expect(r.text).toMatch(
      /^Node:\s{17}ip-[\d-]+\.us-west-2\.compute\.internal\/192\.168\.\d+\.\d+$/m,
    )
    expect(r.text).toMatch(/^Start Time:\s+\w{3}, \d{2} \w{3} 2026 \d{2}:\d{2}:\d{2} \+0000$/m)
    expect(r.text).toContain('Controlled By:  ReplicaSet/coredns-')
    expect(r.text).toContain('  Ready                       True \n')
    expect(r.text).toContain(
      'Events:\n  Type     Reason            Age   From               Message\n  ----     ------            ----  ----               -------\n',
    )
    expect(r.text).toContain('    ConfigMapOptional:       <nil>\n')
    expect(r.text).toContain(
      'Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n',
    )
  })

  it('describes aws-node with its init container and two containers', async () => {
    const { run, first } = boot()
    const r = run(`kubectl describe pod -n kube-system ${first('kube-system', 'aws-node-')}`)
    await expect(r.text).toMatchFileSnapshot('./__golden__/describe-pod-aws-node.txt')
    expect(r.text).toContain('Init Containers:\n  aws-vpc-cni-init:\n')
    expect(r.text).toMatch(/State:\s+Terminated\n\s+Reason:\s+Completed\n\s+Exit Code:\s+0\n/)
    expect(r.text).toContain('  aws-eks-nodeagent:\n')
    expect(r.text).toMatch(/Container ID:\s+containerd:\/\/[0-9a-f]{64}\n/)
  })

  it('describes a node, the coredns Deployment and the kube-dns Service', async () => {
    const { run } = boot()
    // a node that runs CoreDNS, whose requests the describe output sums
    const node = run(
      "kubectl get pods -n kube-system -l k8s-app=kube-dns -o jsonpath='{.items[0].spec.nodeName}'",
    ).stdout[0]!
    const n = run(`kubectl describe node ${node}`)
    await expect(n.text).toMatchFileSnapshot('./__golden__/describe-node.txt')
    expect(n.text).toContain(`Lease:\n  HolderIdentity:  ${node}\n  AcquireTime:     <unset>\n`)
    expect(n.text).toMatch(
      / {2}Namespace {19}Name {2,}CPU Requests {2}CPU Limits {2}Memory Requests {2}Memory Limits {2}Age\n/,
    )
    expect(n.text).toMatch(
      /kube-system\s+coredns-\S+\s+100m \(5%\)\s+0 \(0%\)\s+70Mi \(\d+%\)\s+170Mi \(\d+%\)/,
    )

    const d = run('kubectl describe deployment coredns -n kube-system')
    await expect(d.text).toMatchFileSnapshot('./__golden__/describe-deployment.txt')
    expect(d.text).toContain(
      'Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable\n',
    )
    expect(d.text).toMatch(/NewReplicaSet: {3}coredns-\w+ \(2\/2 replicas created\)\n/)

    const s = run('kubectl describe svc kube-dns -n kube-system')
    await expect(s.text).toMatchFileSnapshot('./__golden__/describe-service.txt')
    expect(s.text).toContain('Port:                     dns  53/UDP\n')
    expect(s.text).toMatch(/Endpoints:\s+192\.168\.\d+\.\d+:53,192\.168\.\d+\.\d+:53\n/)
    expect(s.text).toContain('Events:                   <none>\n')
  })

  it('accepts TYPE/NAME, -l and -A, separating descriptions as kubectl does', () => {
    const { run, first } = boot()
    const name = first('kube-system', 'kube-proxy-')
    expect(run(`kubectl describe pod/${name} -n kube-system`).text).toContain(
      `Name:                 ${name}\n`,
    )
    const byLabel = run('kubectl describe po -l k8s-app=kube-dns -n kube-system')
    expect(byLabel.stdout.filter((l) => l.startsWith('Name:'))).toHaveLength(2)
    // Run() writes "\n\n" between descriptions that each end in a newline: two blank lines
    expect(byLabel.text).toMatch(/\n\n\nName: /)
    expect(run('kubectl describe deploy -A').text).toContain(
      'Namespace:              kube-system\n',
    )
  })

  it('falls back to name-prefix matching when there is no exact match', () => {
    const { run } = boot()
    const r = run('kubectl describe pods kube-proxy -n kube-system')
    expect(r.exitCode).toBe(0)
    const names = r.stdout.filter((l) => l.startsWith('Name:'))
    expect(names).toHaveLength(3)
    expect(names.every((l) => /kube-proxy-\w{5}$/.test(l))).toBe(true)
    // DescribeMatchingResources prints each description followed by a newline (one blank line)
    expect(r.stdout.at(-1)).toBe('')
  })

  it('prints kubectl errors', () => {
    const { run } = boot()
    const nf = run('kubectl describe pod nosuch')
    expect(nf.exitCode).toBe(1)
    expect(nf.text).toBe('Error from server (NotFound): pods "nosuch" not found\n')
    expect(run('kubectl describe deployment/nosuch').text).toBe(
      'Error from server (NotFound): deployments.apps "nosuch" not found\n',
    )
    expect(run('kubectl describe foo').text).toBe(
      'error: the server doesn\'t have a resource type "foo"\n',
    )
    expect(run('kubectl describe').text).toBe(
      'error: You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.\n',
    )
    const none = run('kubectl describe pods')
    expect(none.exitCode).toBe(0)
    expect(none.text).toBe('No resources found in default namespace.\n')
  })

  it('describes namespaces, daemonsets, replicasets and endpointslices', () => {
    const { run } = boot()
    expect(run('kubectl describe ns default').text).toBe(
      'Name:         default\nLabels:       kubernetes.io/metadata.name=default\nAnnotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n',
    )
    const ds = run('kubectl describe ds aws-node -n kube-system').text
    expect(ds).toContain('Desired Number of Nodes Scheduled: 3\n')
    expect(ds).toContain('Pods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed\n')
    const rs = run('kubectl describe rs -n kube-system').text
    expect(rs).toMatch(/Controlled By: {2}Deployment\/coredns\n/)
    expect(rs).toMatch(/Replicas: {7}2 current \/ 2 desired\n/)
    const eps = run('kubectl describe endpointslices -n kube-system').text
    expect(eps).toContain(
      'Ports:\n  Name     Port  Protocol\n  ----     ----  --------\n  dns      53    UDP\n',
    )
    expect(eps).toMatch(
      / {2}- Addresses: {2}192\.168\.\d+\.\d+\n {4}Conditions:\n {6}Ready: {4}true\n/,
    )
  })

  it('omits events with --show-events=false', () => {
    const { run } = boot()
    expect(
      run('kubectl describe svc kube-dns -n kube-system --show-events=false').text,
    ).not.toContain('Events:')
  })
})
