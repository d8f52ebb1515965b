import { describe, expect, it } from 'vitest'
import { createSimulation, createObject } from '../../engine/index.ts'
import { Console } from '../session.ts'

function setup(extra: (sim: ReturnType<typeof createSimulation>) => void = () => {}) {
  const sim = createSimulation({ seed: 7 })
  sim.settle()
  extra(sim)
  sim.settle()
  const con = new Console(sim, { settleAfterCommands: true })
  // the node that runs a CoreDNS pod (where the scheduler put it depends on the seed)
  const node = Object.values(sim.state.nodes).find((n) =>
    Object.values(n.pods).some((p) => p.name.startsWith('coredns-')),
  )!
  const run = (cmd: string) => {
    const r = con.run(cmd)
    return {
      ...r,
      text: r.lines.map((l) => l.text).join('\n'),
      errText: r.lines
        .filter((l) => l.tone === 'err')
        .map((l) => l.text)
        .join('\n'),
    }
  }
  return { sim, con, node, run }
}

const mk = (sim: ReturnType<typeof createSimulation>, o: object) => {
  const r = sim.transact((ctx) => createObject(ctx, o as never))
  if (!r.ok) throw r.error
}

function withWorkloads(sim: ReturnType<typeof createSimulation>) {
  mk(sim, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
      },
    },
  })
  mk(sim, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'bb', namespace: 'default' },
    spec: {
      containers: [
        {
          name: 'bb',
          image: 'busybox',
          command: ['sh', '-c', 'while true; do echo hello; sleep 5; done'],
        },
      ],
    },
  })
  mk(sim, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'two', namespace: 'default' },
    spec: {
      containers: [
        { name: 'nginx', image: 'nginx' },
        { name: 'sidecar', image: 'busybox', command: ['sleep', '3600'] },
      ],
    },
  })
  mk(sim, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'big', namespace: 'default' },
    spec: { containers: [{ name: 'big', image: 'nginx', resources: { requests: { cpu: '64' } } }] },
  })
  mk(sim, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'done', namespace: 'default' },
    spec: {
      restartPolicy: 'Never',
      containers: [{ name: 'c', image: 'busybox', command: ['echo', 'hi'] }],
    },
  })
}

describe('ssh and SSM', () => {
  it('ssh enters the node; the prompt changes; exit leaves', () => {
    const { con, node, run } = setup()
    const short = node.name.split('.')[0]
    const r = run(`ssh ${node.name}`)
    expect(r.exitCode).toBe(0)
    expect(r.text).toContain('Amazon Linux 2023')
    expect(r.lines.some((l) => l.tone === 'dim' && l.text.includes('root shell'))).toBe(true)
    expect(con.prompt()).toBe(`[root@${short} ~]# `)
    expect(run('hostname').text).toBe(node.name)
    expect(run('whoami').text).toBe('root')
    expect(run('pwd').text).toBe('/root')
    run('cd /var/log')
    expect(run('pwd').text).toBe('/var/log')
    expect(run('exit').text).toBe(`logout\nConnection to ${node.name} closed.`)
    expect(con.prompt()).toBe('$ ')
  })

  it('accepts the node IP and ec2-user@name, and runs one command', () => {
    const { con, node, run } = setup()
    expect(run(`ssh ${node.ip} hostname`).text).toContain(node.name)
    expect(con.mode.kind).toBe('local')
    run(`ssh ec2-user@${node.name}`)
    expect(con.mode).toMatchObject({ kind: 'node', node: node.name, via: 'ssh' })
  })

  it('gives ssh’s real errors', () => {
    const { run } = setup()
    const r = run('ssh nosuch')
    expect(r.exitCode).toBe(255)
    expect(r.errText).toBe('ssh: Could not resolve hostname nosuch: Name or service not known')
  })

  it('aws ssm start-session enters with sh-5.2# and prints the session id', () => {
    const { con, node, run } = setup()
    const r = run(`aws ssm start-session --target ${node.instanceId}`)
    const id = /Starting session with SessionId: (\S+)/.exec(r.text)?.[1]
    expect(id).toMatch(/^[\w-]+-[0-9a-f]{17}$/)
    expect(con.prompt()).toBe('sh-5.2# ')
    expect(run('pwd').text).toBe('/usr/bin')
    expect(run('exit').text).toContain(`Exiting session with sessionId: ${id}.`)
    expect(con.prompt()).toBe('$ ')
    const bad = run('aws ssm start-session --target i-0123456789abcdef0')
    expect(bad.errText).toContain(
      'An error occurred (TargetNotConnected) when calling the StartSession operation: i-0123456789abcdef0 is not connected.',
    )
    expect(bad.exitCode).toBe(254)
  })
})

describe('node shell tools', () => {
  it('ls -l /var/log/containers shows symlinks into /var/log/pods', () => {
    const { node, run } = setup()
    run(`ssh ${node.name}`)
    const r = run('ls -l /var/log/containers')
    const lines = r.text.split('\n')
    expect(lines[0]).toMatch(/^total \d+$/)
    const coredns = Object.values(node.pods).find((p) => p.name.startsWith('coredns-'))!
    const c = coredns.containers[0]!
    const line = lines.find((l) => l.includes(`${coredns.name}_kube-system_coredns-${c.id}.log`))!
    expect(line).toMatch(/^lrwxrwxrwx\. 1 root root +\d+ Mar {2}2 \d\d:\d\d /)
    expect(line).toContain(
      ` -> /var/log/pods/kube-system_${coredns.name}_${coredns.uid}/coredns/0.log`,
    )
  })

  it('cat of a coredns log shows CRI lines; readlink -f resolves the symlink', () => {
    const { node, run } = setup()
    run(`ssh ${node.name}`)
    const coredns = Object.values(node.pods).find((p) => p.name.startsWith('coredns-'))!
    const link = `/var/log/containers/${coredns.name}_kube-system_coredns-${coredns.containers[0]!.id}.log`
    const cat = run(`cat ${link}`)
    expect(cat.text.split('\n')[0]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z stdout F \.:53$/,
    )
    expect(cat.text).toContain(' stdout F CoreDNS-1.11.4')
    expect(run(`readlink -f ${link}`).text).toBe(
      `/var/log/pods/kube-system_${coredns.name}_${coredns.uid}/coredns/0.log`,
    )
    run('cd /var/log/containers')
    expect(run('readlink -f coredns*').text).toBe(
      `/var/log/pods/kube-system_${coredns.name}_${coredns.uid}/coredns/0.log`,
    )
    expect(
      run(`head -n 1 /var/log/pods/kube-system_${coredns.name}_${coredns.uid}/coredns/0.log`).text,
    ).toMatch(/stdout F \.:53$/)
  })

  it('stat, find, du in GNU layout', () => {
    const { node, run } = setup()
    run(`ssh ${node.name}`)
    const st = run('stat /etc/hostname').text.split('\n')
    expect(st[0]).toBe('  File: /etc/hostname')
    expect(st[1]).toMatch(/^ {2}Size: \d+ +\tBlocks: 8 +IO Block: 4096 +regular file$/)
    expect(st[2]).toMatch(/^Device: 10301h\/66305d\tInode: \d+ +Links: 1$/)
    expect(st[3]).toBe('Access: (0644/-rw-r--r--)  Uid: (    0/    root)   Gid: (    0/    root)')
    const found = run("find /var/log/pods -name '*.log'").text.split('\n')
    expect(found.length).toBe(
      Object.values(node.pods).reduce((n, p) => n + p.containers.filter((c) => c.id).length, 0),
    )
    expect(
      found.every((f) =>
        /^\/var\/log\/pods\/kube-system_[^/]+_[0-9a-f-]{36}\/[^/]+\/\d+\.log$/.test(f),
      ),
    ).toBe(true)
    expect(run('du -sh /var/log/pods').text).toMatch(/^\d+(\.\d)?K\t\/var\/log\/pods$/)
  })

  it('real errors for missing files', () => {
    const { node, run } = setup()
    run(`ssh ${node.name}`)
    expect(run('ls /nosuch')).toMatchObject({
      exitCode: 2,
      errText: "ls: cannot access '/nosuch': No such file or directory",
    })
    expect(run('cat /nosuch')).toMatchObject({
      exitCode: 1,
      errText: 'cat: /nosuch: No such file or directory',
    })
    expect(run('cat /etc').errText).toBe('cat: /etc: Is a directory')
    expect(run('cd /nosuch').errText).toBe('-bash: cd: /nosuch: No such file or directory')
    expect(run('stat /nosuch').errText).toBe(
      "stat: cannot statx '/nosuch': No such file or directory",
    )
    expect(run('ls -z').errText).toBe(
      "ls: invalid option -- 'z'\nTry 'ls --help' for more information.",
    )
  })

  it('ps aux shows kubelet with its flags, ps -ef shows parents', () => {
    const { node, run } = setup()
    run(`ssh ${node.name}`)
    const aux = run('ps aux').text.split('\n')
    expect(aux[0]).toBe(
      'USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND',
    )
    const kubelet = aux.find((l) => l.includes('/usr/bin/kubelet'))!
    expect(kubelet).toMatch(/^root {8,}\d+ /)
    expect(kubelet).toContain(`--hostname-override=${node.name}`)
    expect(aux.some((l) => /^65535 +\d+ .* \/pause$/.test(l))).toBe(true)
    expect(aux.some((l) => l.includes('containerd-shim-runc-v2 -namespace k8s.io -id '))).toBe(true)
    expect(aux.some((l) => l.endsWith(' ps aux'))).toBe(true)
    const ef = run('ps -ef').text.split('\n')
    expect(ef[0]).toBe('UID          PID    PPID  C STIME TTY          TIME CMD')
    expect(ef[1]).toMatch(
      /^root +1 +0 +\d+ \d\d:\d\d \? +\d\d:\d\d:\d\d \/usr\/lib\/systemd\/systemd/,
    )
  })

  it('uname -a and sudo', () => {
    const { node, run } = setup()
    run(`ssh ${node.name}`)
    expect(run('uname -a').text).toMatch(
      new RegExp(
        `^Linux ${node.name} 6\\.1\\.\\d+-\\d+\\.\\d+\\.amzn2023\\.x86_64 #1 SMP PREEMPT_DYNAMIC .* x86_64 x86_64 x86_64 GNU/Linux$`,
      ),
    )
    expect(run('sudo cat /etc/hostname').text).toBe(node.name)
    expect(run('kubectl get pods').errText).toBe('-bash: kubectl: command not found')
  })
})

describe('kubectl exec', () => {
  it('runs env, hostname and cat /etc/resolv.conf in a pod', () => {
    const { run } = setup(withWorkloads)
    const env = run('kubectl exec bb -- env').text.split('\n')
    expect(env[0]).toBe('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')
    expect(env).toContain('HOSTNAME=bb')
    expect(env).toContain('KUBERNETES_SERVICE_HOST=10.100.0.1')
    expect(env).not.toContain('TERM=xterm')
    expect(run('kubectl exec bb -- hostname').text).toBe('bb')
    expect(run('kubectl exec bb -- cat /etc/resolv.conf').text).toBe(
      'search default.svc.cluster.local svc.cluster.local cluster.local us-west-2.compute.internal\nnameserver 10.100.0.10\noptions ndots:5',
    )
    const hosts = run('kubectl exec bb -- cat /etc/hosts').text.split('\n')
    expect(hosts[0]).toBe('# Kubernetes-managed hosts file.')
    expect(hosts[hosts.length - 1]).toMatch(/^192\.168\.\d+\.\d+\tbb$/)
    expect(
      run('kubectl exec bb -- cat /var/run/secrets/kubernetes.io/serviceaccount/namespace').text,
    ).toBe('default')
  })

  it('enters container shells with the right prompt', () => {
    const { con, run, sim } = setup(withWorkloads)
    run('kubectl exec -it bb -- sh')
    expect(con.prompt()).toBe('/ # ')
    const ps = run('ps').text.split('\n')
    expect(ps[0]).toBe('PID   USER     TIME  COMMAND')
    expect(ps[1]).toMatch(/^ {4}1 root +\d+:\d\d sh -c while true; do echo hello; sleep 5; done$/)
    expect(run('bash').errText).toBe('sh: bash: not found')
    run('exit')
    expect(con.prompt()).toBe('$ ')
    run('kubectl exec -it deploy/web -- bash')
    const pods = Object.values(sim.state.nodes)
      .flatMap((n) => Object.values(n.pods))
      .filter((p) => p.name.startsWith('web-'))
    expect(pods.map((p) => `root@${p.name}:/# `)).toContain(con.prompt())
    expect(run('ps').errText).toBe('bash: ps: command not found')
    expect(run('env').text).toContain('TERM=xterm')
    run('exit')
    expect(con.mode.kind).toBe('local')
  })

  it('reports the real errors', () => {
    const { run } = setup(withWorkloads)
    expect(run('kubectl exec nosuch -- ls').errText).toBe(
      'Error from server (NotFound): pods "nosuch" not found',
    )
    expect(run('kubectl exec big -- ls').errText).toBe(
      'Error from server (BadRequest): pod big does not have a host assigned',
    )
    expect(run('kubectl exec done -- ls').errText).toBe(
      'error: cannot exec into a container in a completed pod; current phase is Succeeded',
    )
    expect(run('kubectl exec two -c nope -- ls').errText).toBe(
      'error: container nope is not valid for pod two',
    )
    const two = run('kubectl exec two -- hostname')
    expect(two.lines[0]).toEqual({
      text: 'Defaulted container "nginx" out of: nginx, sidecar',
      tone: 'warn',
    })
    expect(two.lines[1]!.text).toBe('two')
    const bash = run('kubectl exec bb -- bash')
    expect(bash.exitCode).toBe(1)
    expect(bash.errText).toMatch(
      /^error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "bash": executable file not found in \$PATH: unknown$/,
    )
    expect(run('kubectl exec bb ls').errText).toContain(
      'error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead',
    )
    const failing = run('kubectl exec bb -- ls /nosuch')
    expect(failing.exitCode).toBe(1)
    expect(failing.errText).toBe(
      'ls: /nosuch: No such file or directory\ncommand terminated with exit code 1',
    )
  })

  it('says container not found while the container is not running yet', () => {
    const { sim, run } = setup()
    mk(sim, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'slow', namespace: 'default' },
      spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
    })
    // let the scheduler and kubelet start the sandbox, but not the image pull
    sim.runUntil(
      (s) =>
        Object.values(s.nodes).some((n) => Object.values(n.pods).some((p) => p.name === 'slow')),
      60_000,
    )
    const r = run('kubectl exec slow -- ls')
    expect(r.errText).toBe('error: unable to upgrade connection: container not found ("nginx")')
  })
})

describe('shell variables', () => {
  it('$? is the status of the last command (bash: unquoted and in double quotes, not in single quotes)', () => {
    const { run, node } = setup()
    expect(run('echo $?').text).toBe('0')
    run('false')
    expect(run('echo $?').text).toBe('1')
    run(`ssh ${node.name}`)
    expect(run('ls /nope').exitCode).toBe(2)
    expect(run('echo $? "$?" ${?}').text).toBe('2 2 2')
    expect(run("echo '$?'").text).toBe('$?')
    expect(run('ls /nope; echo $?').text).toBe(
      "ls: cannot access '/nope': No such file or directory\n2",
    )
    // `a && b; c`: b is skipped, c runs and sees a's status
    expect(run('false && echo no; echo $?').text).toBe('1')
    expect(run('true; echo $?').text).toBe('0')
    expect(run('echo $HOME $USER $HOSTNAME').text).toBe(`/root root ${node.name}`)
  })

  it('in a container shell: its own environment, and $? of a sh -c line', () => {
    const { run } = setup(withWorkloads)
    expect(run("kubectl exec bb -- sh -c 'ls /nope; echo $?'").text).toBe(
      'ls: /nope: No such file or directory\n1',
    )
    run('kubectl exec -it bb -- sh')
    run('ls /nope')
    expect(run('echo $?').text).toBe('1')
    expect(run('echo $HOME $HOSTNAME').text).toBe('/root bb')
  })
})
