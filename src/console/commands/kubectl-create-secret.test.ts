import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { createObject, createSimulation, getObject } from '../../engine/index.ts'
import { containerFs } from '../../engine/node/containerFs.ts'
import { nodeFs } from '../../engine/node/fs.ts'
import { Console } from '../session.ts'

// kubectl create secret / describe secret / mount, against a seeded cluster. Messages are
// kubectl's own (k8s.io/kubectl pkg/cmd/create/create_secret*.go, pkg/util, pkg/describe).

function boot() {
  const sim = createSimulation({ seed: 7 })
  const c = new Console(sim, { settleAfterCommands: true })
  const run = (cmd: string) => {
    const r = c.run(cmd)
    return { ...r, text: r.lines.map((l) => l.text).join('\n') }
  }
  return { sim, c, run }
}

describe('kubectl create secret generic', () => {
  it('creates from literals and stdin files; get shows base64, jsonpath one value', () => {
    const { run, sim } = boot()
    expect(
      run(
        'kubectl create secret generic db --from-literal=username=admin --from-literal=password=s3cr3t',
      ),
    ).toMatchObject({ text: 'secret/db created', exitCode: 0 })
    expect(run('kubectl get secrets').text.replace(/\d+s$/, '0s')).toBe(
      'NAME   TYPE     DATA   AGE\ndb     Opaque   2      0s',
    )
    expect(run("kubectl get secret db -o jsonpath='{.data.password}'").text).toBe('czNjcjN0')
    expect(run('kubectl get secret db -o yaml').text).toContain(
      'data:\n  password: czNjcjN0\n  username: YWRtaW4=\nkind: Secret',
    )
    expect(run("kubectl get secret db -o jsonpath='{.data.password}' | base64 -d").text).toBe(
      's3cr3t',
    )
    expect(
      run('echo -n hunter2 | kubectl create secret generic pw --from-file=/dev/stdin').text,
    ).toBe('secret/pw created')
    expect(getObject(sim.state, 'Secret', 'default', 'pw')!.data).toEqual({ stdin: 'aHVudGVyMg==' })
    expect(
      run(
        "printf 'A=1\\n# c\\nB=two=2\\n' | kubectl create secret generic env --from-env-file=/dev/stdin",
      ).exitCode,
    ).toBe(0)
    expect(getObject(sim.state, 'Secret', 'default', 'env')!.data).toEqual({
      A: 'MQ==',
      B: 'dHdvPTI=',
    })
  })

  it('prints the client-side object for --dry-run=client -o yaml and writes nothing', () => {
    const { run, sim } = boot()
    expect(
      run(
        'kubectl create secret generic z --from-literal=b=2 --from-literal=a=1 --dry-run=client -o yaml',
      ).text,
    ).toBe(
      'apiVersion: v1\ndata:\n  a: MQ==\n  b: Mg==\nkind: Secret\nmetadata:\n  creationTimestamp: null\n  name: z',
    )
    expect(
      run(
        'kubectl create secret generic z --from-literal=a=1 --type=kubernetes.io/basic-auth --dry-run=client',
      ).text,
    ).toBe('secret/z created (dry run)')
    expect(getObject(sim.state, 'Secret', 'default', 'z')).toBeUndefined()
  })

  it.each([
    [
      'kubectl create secret generic',
      [
        'error: exactly one NAME is required, got 0',
        "See 'kubectl create secret generic -h' for help and examples",
      ],
    ],
    [
      'kubectl create secret generic x --from-literal=abc',
      ['error: invalid literal source abc, expected key=value'],
    ],
    [
      'kubectl create secret generic x --from-literal==v',
      ['error: invalid literal source =v, expected key=value'],
    ],
    [
      'kubectl create secret generic x --from-literal=a=1 --from-literal=a=2',
      ['error: cannot add key a, another key by that name already exists'],
    ],
    [
      "kubectl create secret generic x '--from-literal=a b=c'",
      [
        `error: "a b" is not valid key name for a Secret a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      ],
    ],
    [
      'kubectl create secret generic x --from-file=./password.txt',
      ['error: error reading ./password.txt: no such file or directory'],
    ],
    [
      'kubectl create secret generic x --from-file=k=a=b',
      ["error: key names or file paths cannot contain '='"],
    ],
    [
      'kubectl create secret generic x --from-env-file=/dev/stdin --from-literal=a=b',
      ['error: from-env-file cannot be combined with from-file or from-literal'],
    ],
    [
      'kubectl create secret docker-registry r',
      [
        'error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required',
      ],
    ],
    [
      'kubectl create secret tls t --cert=tls.crt --key=tls.key',
      ['error: Cannot read file tls.crt, open tls.crt: no such file or directory'],
    ],
  ])('%s', (cmd, lines) => {
    const { run, sim } = boot()
    const before = sim.state.etcd.revision
    const r = run(cmd)
    expect(r.exitCode).toBe(1)
    expect(r.lines.map((l) => l.text)).toEqual(lines)
    expect(sim.state.etcd.revision).toBe(before)
  })

  it('wraps server errors as kubectl does', () => {
    const { run } = boot()
    run('kubectl create secret generic db --from-literal=a=b')
    expect(run('kubectl create secret generic db --from-literal=a=b').text).toBe(
      'error: failed to create secret secrets "db" already exists',
    )
    const big = 'x'.repeat(600_000)
    expect(
      run(`kubectl create secret generic huge --from-literal=a=${big} --from-literal=b=${big}`)
        .text,
    ).toBe(
      'error: failed to create secret Secret "huge" is invalid: data: Too long: may not be more than 1048576 bytes',
    )
  })

  it('builds a real .dockerconfigjson for docker-registry', () => {
    const { run, sim } = boot()
    expect(
      run(
        'kubectl create secret docker-registry regcred --docker-server=123456789012.dkr.ecr.us-west-2.amazonaws.com --docker-username=AWS --docker-password=tok --docker-email=me@example.com',
      ).text,
    ).toBe('secret/regcred created')
    const s = getObject(sim.state, 'Secret', 'default', 'regcred')!
    expect(s.type).toBe('kubernetes.io/dockerconfigjson')
    expect(JSON.parse(atob(s.data!['.dockerconfigjson']!))).toEqual({
      auths: {
        '123456789012.dkr.ecr.us-west-2.amazonaws.com': {
          username: 'AWS',
          password: 'tok',
          email: 'me@example.com',
          auth: btoa('AWS:tok'),
        },
      },
    })
    expect(run('kubectl get secrets').text).toContain(
      'regcred   kubernetes.io/dockerconfigjson   1      ',
    )
  })
})

describe('kubectl describe secret', () => {
  it('shows sizes, never values (golden)', async () => {
    const { run } = boot()
    run(
      'kubectl create secret generic db --from-literal=username=admin --from-literal=password=s3cr3t --from-literal=a=1',
    )
    const r = run('kubectl describe secret db')
    await expect(r.text + '\n').toMatchFileSnapshot('./__golden__/describe-secret.txt')
    expect(r.text).not.toContain('s3cr3t')
  })
})

describe('kubectl create configmap / describe configmap', () => {
  it('creates, refuses duplicates as kubectl does, and describes every value', () => {
    const { run } = boot()
    expect(
      run('kubectl create configmap cfg --from-literal=mode=prod --from-literal=a=1').text,
    ).toBe('configmap/cfg created')
    expect(run('kubectl create configmap x --from-literal=a=1 --from-literal=a=2').text).toBe(
      'error: cannot add key "a", another key by that name already exists in Data for ConfigMap "x"',
    )
    expect(run('kubectl describe configmap cfg').text).toBe(
      [
        'Name:         cfg',
        'Namespace:    default',
        'Labels:       <none>',
        'Annotations:  <none>',
        '',
        'Data',
        '====',
        'a:',
        '----',
        '1',
        'mode:',
        '----',
        'prod',
        '',
        'BinaryData',
        '====',
        '',
        'Events:  <none>',
      ].join('\n'),
    )
  })
})

describe('a Secret volume seen from the node and the container', () => {
  it('mount | grep secret on the node; ls and cat in the container', () => {
    const { run, sim } = boot()
    run('kubectl create secret generic db --from-literal=password=s3cr3t')
    const r = run(
      'kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n  - name: app\n    image: busybox:1.37\n    command: ["sh", "-c", "sleep 3600"]\n    volumeMounts:\n    - name: creds\n      mountPath: /etc/creds\n  volumes:\n  - name: creds\n    secret:\n      secretName: db\n      defaultMode: 0400\nEOF',
    )
    expect(r.text).toBe('pod/app created')
    expect(run('kubectl exec app -- cat /etc/creds/password').text).toBe('s3cr3t')
    expect(run('kubectl exec app -- ls -l /etc/creds/..data/password').text).toMatch(
      /^-r-------- +1 root +root +6 /,
    )
    const node = getObject(sim.state, 'Pod', 'default', 'app')!.spec.nodeName!
    run(`ssh ${node}`)
    const m = run('mount | grep secret')
    expect(m.text).toMatch(
      /^tmpfs on \/var\/lib\/kubelet\/pods\/[0-9a-f-]{36}\/volumes\/kubernetes\.io~secret\/creds type tmpfs \(rw,relatime,seclabel,size=\d+k\)$/,
    )
    expect(
      run('cat /var/lib/kubelet/pods/*/volumes/kubernetes.io~secret/creds/password').text,
    ).toBe('s3cr3t')
    const id = run('crictl ps')
      .text.split('\n')
      .find((l) => / app /.test(l))!
      .split(' ')[0]!
    expect(run(`crictl inspect ${id}`).text).toMatch(
      /"containerPath": "\/etc\/creds",\n\s+"hostPath": "\/var\/lib\/kubelet\/pods\/[0-9a-f-]{36}\/volumes\/kubernetes.io~secret\/creds",/,
    )
    run('exit')
  })
})

describe('env from a Secret in kubectl exec', () => {
  it('shows the value the container started with, even after the Secret changes', () => {
    const { run, sim } = boot()
    run('kubectl create secret generic db --from-literal=password=old')
    run(
      'kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n  - name: app\n    image: busybox:1.37\n    command: ["sh", "-c", "sleep 3600"]\n    env:\n    - name: DB_PASSWORD\n      valueFrom:\n        secretKeyRef:\n          name: db\n          key: password\nEOF',
    )
    expect(run('kubectl exec app -- env').text).toContain('DB_PASSWORD=old')
    expect(run('kubectl describe pod app').text).toContain(
      "      DB_PASSWORD:  <set to the key 'password' in secret 'db'>  Optional: false\n",
    )
    run(
      'kubectl create secret generic db --from-literal=password=new --dry-run=client -o yaml | kubectl apply -f -',
    )
    run('sleep 120')
    expect(getObject(sim.state, 'Secret', 'default', 'db')!.data).toEqual({ password: 'bmV3' })
    expect(run('kubectl exec app -- printenv DB_PASSWORD').text).toBe('old')
  })
})

describe('property: literals round-trip byte-exactly into the volume', () => {
  const key = fc.stringMatching(/^[A-Za-z0-9_-][-._A-Za-z0-9]{0,15}$/)
  // any text but the quote that ends the shell word
  const value = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((v) => !v.includes("'"))
  it('create secret generic --from-literal → the files in the pod', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(key, value), { minLength: 1, maxLength: 4, selector: ([k]) => k }),
        (pairs) => {
          const { run, sim } = boot()
          const args = pairs.map(([k, v]) => `'--from-literal=${k}=${v}'`).join(' ')
          expect(run(`kubectl create secret generic s ${args}`).text).toBe('secret/s created')
          const r = sim.transact((ctx) =>
            createObject(ctx, {
              apiVersion: 'v1',
              kind: 'Pod',
              metadata: { name: 'p', namespace: 'default' },
              spec: {
                containers: [
                  {
                    name: 'c',
                    image: 'busybox:1.37',
                    command: ['sh', '-c', 'sleep 3600'],
                    volumeMounts: [{ name: 'v', mountPath: '/etc/s' }],
                  },
                ],
                volumes: [{ name: 'v', secret: { secretName: 's' } }],
              },
            }),
          )
          expect(r.ok).toBe(true)
          sim.settle()
          const view = containerFs(sim.state, 'default', 'p', 'c')!
          const pod = getObject(sim.state, 'Pod', 'default', 'p')!
          const node = nodeFs(sim.state, pod.spec.nodeName!)!
          for (const [k, v] of pairs) {
            expect(view.fs.readFile(`/etc/s/${k}`)).toBe(v)
            const onNode = `/var/lib/kubelet/pods/${pod.metadata.uid}/volumes/kubernetes.io~secret/v/${k}`
            expect((node.stat(onNode) as { size: number }).size).toBe(
              new TextEncoder().encode(v).length,
            )
          }
        },
      ),
      { numRuns: 12 },
    )
  })
})
