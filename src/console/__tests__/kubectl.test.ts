import { describe, expect, it } from 'vitest'
import { session, text, transcript } from './helpers.ts'

// Golden transcripts: what `npm run console -- --seed 7` prints. Regenerate with `vitest -u` only
// after checking the diff against real kubectl (docs/research/kubectl-formats.md).
describe('kubectl on a seeded cluster (golden transcripts)', () => {
  it('the issue acceptance script: create, rollout status, get pods -o wide', async () => {
    const c = session(7)
    const t = transcript(c, [
      'kubectl create deployment web --image=nginx --replicas=3',
      'kubectl rollout status deployment/web',
      'kubectl get pods -o wide',
    ])
    await expect(t).toMatchFileSnapshot('./__golden__/acceptance.txt')
    expect(t).toMatch(/deployment "web" successfully rolled out/)
    expect(t).toMatch(
      /^web-[4-9bcdf]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5} {3}1\/1 {5}Running {3}0 {10}\d+s +192\.168\.\d+\.\d+ +ip-192-168-\d+-\d+\.us-west-2\.compute\.internal +<none> {11}<none>$/m,
    )
  })

  it('cluster overview tables', async () => {
    const c = session(7)
    const t = transcript(c, [
      'kubectl get nodes -o wide',
      'kubectl get all -A',
      'kubectl get svc,endpointslices -A',
      'kubectl get ns',
      'kubectl get events -n kube-system --sort-by=.metadata.name',
    ])
    await expect(t).toMatchFileSnapshot('./__golden__/overview.txt')
  })

  it('a workload in trouble: ErrImagePull, CrashLoopBackOff, Pending', async () => {
    const c = session(7)
    const t = transcript(c, [
      'kubectl create deployment bad --image=nginxx',
      'kubectl create deployment bb --image=busybox',
      "kubectl create deployment ticker --image=busybox -- sh -c 'while true; do echo tick; sleep 1; done'",
      'sleep 45',
      'kubectl get pods',
      'kubectl create deployment many --image=nginx --replicas=50',
      'kubectl get deploy',
      'kubectl get events --field-selector reason=FailedScheduling',
    ])
    await expect(t).toMatchFileSnapshot('./__golden__/trouble.txt')
    expect(t).toMatch(/bad-\S+ +0\/1 +ImagePullBackOff/)
    expect(t).toMatch(/bb-\S+ +0\/1 +CrashLoopBackOff +3 \(\d+s ago\)/)
    expect(t).toMatch(/many +40\/50/) // 3 nodes x 17, less 8 system pods and the 3 above
  })
})

describe('output formats', () => {
  // -L/--label-columns: one column per key, headed by the key's last path segment upper-cased
  // (cli-runtime printers/tableprinter.go formatLabelHeaders), before LABELS; a missing label is an
  // empty cell. A string slice flag: comma-separated and repeatable.
  it('-L / --label-columns adds a column per label key', () => {
    const c = session(7)
    const nodes = text(c, 'kubectl get nodes -L eks.amazonaws.com/nodegroup').split('\n')
    expect(nodes[0]).toMatch(/^NAME +STATUS +ROLES +AGE +VERSION +NODEGROUP$/)
    for (const row of nodes.slice(1)) expect(row).toMatch(/ \S+$/)
    const both = text(
      c,
      'kubectl get nodes -L eks.amazonaws.com/nodegroup,topology.kubernetes.io/zone --label-columns nope --show-labels',
    ).split('\n')
    expect(both[0]).toMatch(/ VERSION +NODEGROUP +ZONE +NOPE +LABELS$/)
    expect(both[1]).toMatch(/ us-west-2[a-z] {3,}\S*eks\.amazonaws\.com\/nodegroup=/)
    expect(text(c, 'kubectl get pods -n kube-system -l k8s-app=kube-dns -L k8s-app')).toMatch(
      /^NAME +READY +STATUS +RESTARTS +AGE +K8S-APP\n(coredns-\S+ .* kube-dns\n?)+$/,
    )
  })

  it('-o yaml / json / name / jsonpath / custom-columns', () => {
    const c = session(7)
    c.run('kubectl create deployment web --image=nginx --replicas=2')
    const yaml = text(c, 'kubectl get deploy web -o yaml')
    expect(yaml).toMatch(
      /^apiVersion: apps\/v1\nkind: Deployment\nmetadata:\n {2}annotations:\n {4}deployment.kubernetes.io\/revision: "1"\n/,
    )
    const json = JSON.parse(text(c, 'kubectl get deploy web -o json'))
    expect(Object.keys(json)).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status'])
    // real kubectl prints unstructured maps: keys sorted at every level (checked against kubectl
    // 1.32 by src/cli/serve/kubectl.conformance.test.ts), so metadata starts with annotations
    expect(Object.keys(json.metadata)).toEqual([...Object.keys(json.metadata)].sort())
    expect(Object.keys(json.metadata)[0]).toBe('annotations')
    expect(text(c, 'kubectl get pods -o name').split('\n')).toHaveLength(2)
    expect(text(c, 'kubectl get pods -o name')).toMatch(/^pod\/web-/)
    expect(
      text(c, 'kubectl get pods -o jsonpath=\'{range .items[*]}{.status.phase}{"\\n"}{end}\''),
    ).toBe('Running\nRunning')
    expect(
      text(c, 'kubectl get pods -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName').split(
        '\n',
      )[0],
    ).toMatch(/^NAME +NODE$/)
    const list = text(c, 'kubectl get pods -o yaml')
    expect(list).toMatch(/^apiVersion: v1\nitems:\n- apiVersion: v1\n {2}kind: Pod\n/)
    expect(list).toMatch(/\nkind: List\nmetadata:\n {2}resourceVersion: ""$/)
  })

  it("--dry-run=client -o yaml prints kubectl's generated object", () => {
    const c = session(7)
    expect(
      text(
        c,
        'kubectl create deployment web --image=nginx --replicas=3 --port=80 --dry-run=client -o yaml',
      ),
    ).toBe(
      `apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: web
    spec:
      containers:
      - image: nginx
        name: nginx
        ports:
        - containerPort: 80
        resources: {}
status: {}`,
    )
    expect(text(c, 'kubectl get deploy')).toBe('No resources found in default namespace.')
  })
})

describe('apply', () => {
  const manifest = (image: string) => `kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: ${image}
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
EOF`

  it('creates, then reports unchanged, then configured and rolls out the new template', () => {
    const c = session(7)
    expect(text(c, manifest('nginx:1.27'))).toBe('deployment.apps/web created\nservice/web created')
    expect(text(c, manifest('nginx:1.27'))).toBe(
      'deployment.apps/web unchanged\nservice/web unchanged',
    )
    expect(text(c, manifest('nginx:1.29'))).toBe(
      'deployment.apps/web configured\nservice/web unchanged',
    )
    expect(text(c, 'kubectl get rs')).toMatch(
      /web-\S+ +0 +0 +0 .*\nweb-\S+ +2 +2 +2 |web-\S+ +2 +2 +2 .*\nweb-\S+ +0 +0 +0 /,
    )
    expect(text(c, "kubectl get pods -o jsonpath='{.items[*].spec.containers[0].image}'")).toBe(
      'nginx:1.29 nginx:1.29',
    )
    expect(text(c, 'kubectl get endpointslices')).toMatch(
      /^web-\S{5} +IPv4 +80 +192\.168\.\d+\.\d+,192\.168\.\d+\.\d+ +\d+s$/m,
    )
  })

  it('warns when applying over an object made by kubectl create', () => {
    const c = session(7)
    c.run('kubectl create deployment web --image=nginx')
    const r = c.run(manifest('nginx'))
    expect(r.lines[0]).toEqual({
      text: expect.stringMatching(
        /^Warning: resource deployments\/web is missing the kubectl.kubernetes.io\/last-applied-configuration annotation/,
      ),
      tone: 'warn',
    })
    expect(r.lines[1]!.text).toBe('deployment.apps/web configured')
  })

  it("rejects bad manifests with kubectl's messages and changes nothing", () => {
    const c = session(7)
    const before = c.sim.state
    expect(
      text(
        c,
        'kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n spec: oops: here\nEOF',
      ),
    ).toMatch(/^error: error parsing STDIN: error converting YAML to JSON: yaml: line \d+: /)
    expect(text(c, 'kubectl apply -f - <<EOF\nkind: Pod\nmetadata:\n  name: x\nEOF')).toBe(
      'error: error validating "STDIN": error validating data: apiVersion not set; if you choose to ignore these errors, turn validation off with --validate=false',
    )
    expect(
      text(c, 'kubectl apply -f - <<EOF\napiVersion: v1\nkind: Widget\nmetadata:\n  name: x\nEOF'),
    ).toBe(
      'error: resource mapping not found for name: "x" namespace: "" from "STDIN": no matches for kind "Widget" in version "v1"\nensure CRDs are installed first',
    )
    expect(
      text(
        c,
        'kubectl apply -f - <<EOF\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replicas: "3"\nEOF',
      ),
    ).toMatch(
      /cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32/,
    )
    expect(
      text(
        c,
        'kubectl apply -f - <<EOF\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: Web\nspec:\n  selector:\n    matchLabels:\n      app: a\n  template:\n    metadata:\n      labels:\n        app: b\n    spec:\n      containers:\n      - name: c\n        image: nginx\nEOF',
      ),
    ).toBe(
      [
        'The Deployment "Web" is invalid: ',
        `* metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
        '* spec.template.metadata.labels: Invalid value: map[string]string{"app":"b"}: `selector` does not match template `labels`',
      ].join('\n'),
    )
    expect(text(c, 'kubectl apply -f web.yaml')).toBe('error: the path "web.yaml" does not exist')
    expect(c.sim.state).toBe(before)
  })
})

describe('errors, as kubectl prints them', () => {
  it.each([
    ['kubectl get pods nosuch', 'Error from server (NotFound): pods "nosuch" not found'],
    [
      'kubectl get deploy nosuch',
      'Error from server (NotFound): deployments.apps "nosuch" not found',
    ],
    ['kubectl get foo', 'error: the server doesn\'t have a resource type "foo"'],
    [
      'kubectl get pods --bogus',
      "error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.",
    ],
    [
      'kubectl get pods -n',
      "error: flag needs an argument: 'n' in -n\nSee 'kubectl get --help' for usage.",
    ],
    [
      'kubectl get pods -o yamlx',
      'error: unable to match a printer suitable for the output format "yamlx", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml',
    ],
    ['kubectl get pods -n kube-public', 'No resources found in kube-public namespace.'],
    // real kubectl suggests `logs` (Levenshtein distance 2; docs/research/kubectl-formats.md §4)
    ['kubectl bogus', 'error: unknown command "bogus" for "kubectl"\n\nDid you mean this?\n\tlogs'],
    ['kubectl gte pods', 'error: unknown command "gte" for "kubectl"\n\nDid you mean this?\n\tget'],
    ['kubectl create deployment web', 'error: required flag(s) "image" not set'],
    [
      'kubectl scale deployment nosuch --replicas=5',
      'error: no objects passed to scale deployments.apps "nosuch" not found',
    ],
    ['kubectl scale deployment web', 'error: required flag(s) "replicas" not set'],
    ['kubectl delete pod nosuch', 'Error from server (NotFound): pods "nosuch" not found'],
    [
      'kubectl rollout status deployment/nosuch',
      'Error from server (NotFound): deployments.apps "nosuch" not found',
    ],
    [
      'kubectl create namespace kube-system',
      'Error from server (AlreadyExists): namespaces "kube-system" already exists',
    ],
    ['kubectl top pods', 'error: Metrics API not available'],
    [
      'frobnicate',
      'bash: frobnicate: command not found\n(Cutaway simulates a subset of commands here; type `help` to list them.)',
    ],
    ['sleep abc', "sleep: invalid time interval 'abc'\nTry 'sleep --help' for more information."],
  ])('%s', (cmd, want) => {
    const c = session(7)
    const before = c.sim.state
    expect(text(c, cmd)).toBe(want)
    expect(c.sim.state).toBe(before)
  })

  it('a second create of the same deployment is wrapped as the generator does', () => {
    const c = session(7)
    c.run('kubectl create deployment web --image=nginx')
    expect(text(c, 'kubectl create deployment web --image=nginx')).toBe(
      'error: failed to create deployment: deployments.apps "web" already exists',
    )
  })
})

describe('other commands', () => {
  it('scale, wait, delete with the grace period, base64', () => {
    const c = session(7)
    c.run('kubectl create deployment web --image=nginx')
    expect(text(c, 'kubectl scale deployment web --replicas=4')).toBe('deployment.apps/web scaled')
    const waited = text(c, 'kubectl wait --for=condition=Ready pods -l app=web')
    expect(waited.split('\n')).toHaveLength(4)
    expect(waited).toMatch(/^pod\/web-\S+ condition met$/m)
    c.run("kubectl create deployment loop --image=busybox -- sh -c 'while true; do sleep 1; done'")
    const pod = text(c, "kubectl get pods -l app=loop -o jsonpath='{.items[0].metadata.name}'")
    const t0 = c.sim.state.now
    expect(text(c, `kubectl delete pod ${pod}`)).toBe(`pod "${pod}" deleted`)
    // sh as PID 1 ignores SIGTERM: kubectl waits out the 30 s grace period
    expect(c.sim.state.now - t0).toBeGreaterThanOrEqual(30_000)
    expect(text(c, 'echo czNjcjN0 | base64 -d')).toBe('s3cr3t')
    // echo -n writes no newline, so base64 sees six bytes (it used to see seven here)
    expect(text(c, 'echo -n s3cr3t | base64')).toBe('czNjcjN0')
    expect(text(c, 'echo s3cr3t | base64')).toBe('czNjcjN0Cg==')
  })

  it('version, cluster-info, api-resources', () => {
    const c = session(7)
    expect(text(c, 'kubectl version')).toMatch(
      /^Client Version: v1\.32\.\d+\nKustomize Version: v5\.5\.0\nServer Version: v1\.32\.\d+-eks-[0-9a-f]{7}$/,
    )
    expect(text(c, 'kubectl cluster-info')).toMatch(
      /^Kubernetes control plane is running at https:\/\/[0-9A-F]{32}\.[a-z]{2}\d\.us-west-2\.eks\.amazonaws\.com\n/,
    )
    expect(text(c, 'kubectl api-resources').split('\n')[0]).toBe(
      // the rbac.authorization.k8s.io resources (clusterrolebindings…) set the widths, as on a real cluster
      'NAME                  SHORTNAMES   APIVERSION                     NAMESPACED   KIND',
    )
  })
})

describe('your shell: pipes, filters and command substitution', () => {
  it('filters kubectl output with grep, head, tail, wc and sort', () => {
    const c = session(7)
    expect(text(c, 'kubectl get pods -A | grep coredns').split('\n')).toHaveLength(2)
    expect(text(c, 'kubectl get pods -A | grep -c Running')).toBe('8')
    expect(text(c, 'kubectl get pods -A -o name | wc -l')).toBe('8')
    expect(text(c, 'kubectl get pods -A -o name | head -1')).toMatch(/^pod\/aws-node-/)
    expect(text(c, 'kubectl get pods -A -o name | sort -r | tail -n 1')).toMatch(/^pod\/aws-node-/)
    const miss = c.run('kubectl get pods -A | grep nope')
    expect(miss.exitCode).toBe(1)
    expect(miss.lines).toEqual([])
  })

  it('substitutes $(…) before running, but not inside single quotes', () => {
    const c = session(7)
    c.run('kubectl create deployment web --image=nginx')
    const pod = text(c, "kubectl get pods -o jsonpath='{.items[0].metadata.name}'")
    expect(text(c, 'kubectl exec $(kubectl get pods -o name | head -1) -- hostname')).toBe(pod)
    expect(text(c, "echo '$(hostname)'")).toBe('$(hostname)')
    // the substituted command is not recorded as a command of its own
    expect(c.history.at(-1)).toBe("echo '$(hostname)'")
  })
})
