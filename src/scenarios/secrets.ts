import type { Scenario } from './types.ts'

// "Where are Secrets stored?" (LESSONS.md §2, FIDELITY.md §2). The cluster runs Kubernetes 1.27, the
// last version EKS did not encrypt by default, so the learner sees the same Secret three ways: base64
// in `kubectl get -o yaml`, raw `s3cr3t` in the plain protobuf etcd held, and `k8s:enc:kms:v2:…`
// after turning envelope encryption on and rewriting (what every EKS 1.28+ cluster does from the
// start, with an AWS owned key). Names and outputs checked with
// `npm run console -- --seed 1 --kubernetes-version 1.27`: the pod `app` runs on ip-192-168-83-74,
// the learner's account is 605992674944, the cluster is `demo` in us-west-2. In the browser the pod
// may land elsewhere, so patterns use {wildcards} and the narration says where to look.

const NODE = 'ip-192-168-83-74.us-west-2.compute.internal'
const CREATE = 'kubectl create secret generic db --from-literal=password=s3cr3t'
const HEXDUMP = 'etcdctl get /registry/secrets/default/db --print-value-only | hexdump -C'
// the AWS docs' example key ID; any key ARN in the learner's account works in the simulation
const KEY_ARN = 'arn:aws:kms:us-west-2:605992674944:key/1234abcd-12ab-34cd-56ef-1234567890ab'
const ENCRYPT = `aws eks associate-encryption-config --cluster-name demo --encryption-config '[{"resources":["secrets"],"provider":{"keyArn":"${KEY_ARN}"}}]'`
const REWRITE = 'kubectl get secrets -A -o json | kubectl replace -f -'
// one line of JSON so it fits the console's input (a YAML heredoc works too)
const POD = `echo '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"app"},"spec":{"containers":[{"name":"app","image":"busybox","command":["sleep","3600"],"volumeMounts":[{"name":"creds","mountPath":"/etc/creds","readOnly":true}]}],"volumes":[{"name":"creds","secret":{"secretName":"db"}}]}}' | kubectl apply -f -`
const CAN_I = 'kubectl auth can-i get secrets --as=system:serviceaccount:default:default'
const ROLE = 'kubectl create role secret-reader --verb=get --resource=secrets'
const BINDING =
  'kubectl create rolebinding read-secrets --role=secret-reader --serviceaccount=default:default'

const CONTROL_PLANE = { kind: 'ControlPlane' }
const ETCD = { kind: 'EtcdMember' }
const APP_POD = { kind: 'Pod', namespace: 'default', name: 'app' }

export const secrets = {
  id: 'secrets',
  title: 'Where are Secrets stored?',
  summary:
    'Follow one Secret from `kubectl` to etcd and to a node: see base64 for what it is, the raw bytes etcd held before encryption, the ciphertext EKS stores today, and who can still read it.',
  topic: 'secrets',
  minutes: 25,
  seed: 1,
  config: { kubernetesVersion: '1.27' },
  setup: [],
  steps: [
    {
      id: 'create',
      title: 'Create a Secret',
      say: `Create a Secret with one key: \`${CREATE}\`. Then look at what the API returns with \`kubectl get secret db -o yaml\`.`,
      complete: { command: 'kubectl get secret db' },
      hints: [
        'Two commands, one after the other; the second prints the object as YAML.',
        'Look at the `data:` section: the value is not `s3cr3t` any more.',
      ],
      notes: {
        say: 'This cluster runs Kubernetes 1.27 on purpose: the last EKS version that did not encrypt API data by default. Later the class turns encryption on, as every 1.28+ cluster has it.',
        question:
          'Why `generic`? It makes a Secret of type `Opaque`, arbitrary keys. `docker-registry` and `tls` are typed Secrets with required keys.',
        minutes: 2,
      },
      solution: { commands: [CREATE, 'kubectl get secret db -o yaml'] },
    },
    {
      id: 'base64',
      title: 'What is czNjcjN0?',
      say: 'The YAML shows `password: czNjcjN0`, not `s3cr3t`. Decide what happened to your value before you try to undo it.',
      complete: {
        predict: {
          question: 'What is `czNjcjN0`?',
          choices: [
            {
              text: '`s3cr3t` encrypted with the cluster’s key, so only the cluster can read it',
              correct: false,
              explanation:
                'No key is involved. Anyone who sees `czNjcjN0` gets `s3cr3t` back with one command, as you will do next.',
            },
            {
              text: '`s3cr3t` in base64: an encoding anyone can reverse',
              correct: true,
              explanation:
                'Right. Secret `data` is base64 in JSON and YAML only so that any bytes (a TLS key, a binary file) fit in a text format. It hides nothing.',
            },
            {
              text: 'A hash of `s3cr3t`: the API server keeps only the hash, like a password database',
              correct: false,
              explanation:
                'A hash cannot be turned back into the value, but pods need the value itself. The API server keeps the whole value and returns it to anyone allowed to read it.',
            },
          ],
        },
      },
      hints: ['Count the characters: 6 bytes became 8 characters, a ratio of 4 to 3.'],
      notes: {
        say: 'Let the room vote. "Encrypted" usually wins: the value looks scrambled, and the object is called a Secret.',
        minutes: 2,
      },
      solution: { answer: 1 },
    },
    {
      id: 'decode',
      title: 'Decode it',
      say: 'Reverse the encoding: `echo czNjcjN0 | base64 -d`. No key, no permission, no cluster: only the string.',
      complete: { command: 'base64 -d' },
      hints: [
        '`-d` decodes; `echo -n s3cr3t | base64` goes the other way (without `-n` you would encode a newline too).',
      ],
      notes: {
        say: 'Anything that shows `data:` shows the Secret: a YAML file in Git, a screenshot, a CI log of `kubectl get -o yaml`.',
        question:
          'So why base64 at all? JSON strings cannot hold arbitrary bytes; base64 makes any byte sequence printable.',
        minutes: 1,
      },
      solution: { commands: ['echo czNjcjN0 | base64 -d'] },
    },
    {
      id: 'etcd-bytes',
      title: 'What does etcd hold?',
      say: 'The API server stores every object in etcd, under the key `/registry/secrets/default/db`. This cluster does not encrypt yet. Decide what the stored value looks like.',
      highlight: [ETCD],
      complete: {
        predict: {
          question: 'On this unencrypted cluster, what does etcd hold for `db`?',
          choices: [
            {
              text: 'The YAML you saw, with `password: czNjcjN0`',
              correct: false,
              explanation:
                'YAML and JSON are what the API speaks to clients. The API server stores built-in objects as Kubernetes protobuf, a binary format.',
            },
            {
              text: 'Protobuf with the value as raw bytes: `s3cr3t` readable in a hexdump',
              correct: true,
              explanation:
                'Right. The API server decodes the base64 when it receives the object; `Secret.data` is a map of bytes in protobuf, so the six bytes `s3cr3t` sit in the value as they are.',
            },
            {
              text: 'Protobuf, with the value still in base64 (`czNjcjN0`)',
              correct: false,
              explanation:
                'base64 exists only in JSON and YAML. Protobuf can carry bytes, so the API server stores the decoded bytes, not their text form.',
            },
            {
              text: 'Ciphertext: etcd always encrypts what it stores',
              correct: false,
              explanation:
                'etcd stores what it is given. Encryption at rest is done by the API server before the write, and only when it is configured; AWS also encrypts the etcd disks, which protects against a stolen disk, not against reading the value.',
            },
          ],
        },
      },
      hints: ['Who turns `czNjcjN0` back into bytes: kubectl, the API server or etcd?'],
      notes: {
        say: 'This is the misconception of the lesson: "etcd stores the base64 text". The next command shows the bytes.',
        minutes: 2,
      },
      solution: { answer: 1 },
    },
    {
      id: 'hexdump-plain',
      title: 'Look inside etcd (x-ray)',
      say: `Run \`${HEXDUMP}\`. Find \`k8s\` and a zero byte at the start, then \`v1\` and \`Secret\`, and \`s3cr3t\` in clear in the ASCII column. The first line of output says it plainly: this is an x-ray, and on EKS nobody can reach etcd.`,
      highlight: [ETCD],
      complete: { command: 'etcdctl get /registry/secrets/default/db' },
      hints: [
        '`--print-value-only` drops the key line so that `hexdump -C` shows only the value.',
        'The right-hand column prints each byte as ASCII; `.` is a byte that is not printable.',
      ],
      notes: {
        say: 'Point at row 0x60: `password`, two bytes of protobuf framing, then `s3cr3t`. Anyone with a copy of etcd or of its backups reads every Secret of an unencrypted cluster.',
        question:
          'Is the key encrypted too? Never: names and namespaces stay visible in `etcdctl get --prefix --keys-only /registry/secrets`.',
        minutes: 3,
      },
      solution: { commands: [HEXDUMP] },
    },
    {
      id: 'check-yourself',
      title: 'On your own EKS cluster',
      say: 'Cutaway lets you read etcd so you can see what the API server stores. Your real clusters are on EKS too. Decide how you would check the same thing there.',
      complete: {
        predict: {
          question: 'How do you see the etcd value of a Secret on a real EKS cluster?',
          choices: [
            {
              text: 'Run `etcdctl` against the endpoint that `aws eks describe-cluster` shows',
              correct: false,
              explanation:
                'That endpoint is the Kubernetes API server, not etcd. EKS gives you no etcd endpoint and no etcd credentials.',
            },
            {
              text: '`ssh` to a control-plane node and read etcd’s data directory',
              correct: false,
              explanation:
                'EKS control-plane instances run in an AWS-managed account and VPC. Your nodes are workers only; none of them runs etcd.',
            },
            {
              text: 'You cannot: AWS runs etcd; you check the encryption setting (`aws eks describe-cluster`) and trust it',
              correct: true,
              explanation:
                'Right. On EKS nobody outside AWS reads etcd, which is why Cutaway labels its view an x-ray. What you can see is the configuration: `encryptionConfig`, the Kubernetes version (1.28+ encrypts everything), and KMS calls in CloudTrail when you bring your own key.',
            },
          ],
        },
      },
      hints: [
        'Who operates the control plane on EKS?',
        'AWS describes what it encrypts in [Default envelope encryption for all Kubernetes API data](https://docs.aws.amazon.com/eks/latest/userguide/envelope-encryption.html).',
      ],
      notes: {
        say: 'On a self-managed cluster (kubeadm, kind) you can run this check yourself with the etcd client certificates; that is how the Kubernetes docs verify encryption.',
        minutes: 2,
      },
      solution: { answer: 2 },
    },
    {
      id: 'encrypt',
      title: 'Turn on envelope encryption',
      say: `Encrypt Secrets with a KMS key, then rewrite every Secret so that the new setting applies to them: \`${ENCRYPT}\`, then \`${REWRITE}\`. Turning encryption on changes only later writes; the rewrite is that write.`,
      highlight: [CONTROL_PLANE],
      complete: { command: 'kubectl replace -f -', mode: 'local' },
      hints: [
        'Run `aws eks associate-encryption-config` first: a rewrite before it stores the same plain protobuf again.',
        '`aws eks describe-cluster --name demo --query cluster.encryptionConfig` shows the setting afterwards.',
        'Cutaway switches at once; on EKS the update takes minutes, cannot be undone and applies to 1.27 and older only: [Encrypt Kubernetes secrets with KMS on existing clusters](https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html).',
      ],
      notes: {
        say: 'You just did by hand what every EKS 1.28+ cluster does from birth, with an AWS owned key. On a real cluster the update takes minutes and cannot be undone; here it is instant.',
        question:
          'Does KMS see every Secret? No. Each API server makes one data key (DEK) at startup and has KMS encrypt it once; Secrets are encrypted locally with the DEK.',
        minutes: 3,
      },
      solution: { commands: [ENCRYPT, REWRITE] },
    },
    {
      id: 'hexdump-encrypted',
      title: 'The same Secret, encrypted',
      say: `Run \`${HEXDUMP}\` again: the value now starts \`k8s:enc:kms:v2:\`, then the provider name, then bytes with no \`s3cr3t\` anywhere. Then select the EKS control plane on the map, open its **Journey** tab and press **Play the journey of db**: it shows the bytes at every stop, base64, clear, ciphertext.`,
      highlight: [CONTROL_PLANE, ETCD],
      complete: { command: 'etcdctl get /registry/secrets/default/db' },
      hints: [
        'Near the end of the value you can read `arn:aws:kms:…`: the key ID is stored in the clear so that the API server knows which key unwraps the DEK.',
        'In the journey, Step moves one stop at a time; each stop says whether `s3cr3t` is readable there.',
      ],
      notes: {
        say: 'The click: `czNjcjN0` in the YAML, `s3cr3t` in the old hexdump, `k8s:enc:kms:v2:…` now. Show the journey on the projector and step through it.',
        question:
          'Why is the provider name `aws-encryption-provider-v2-cmk`? AWS does not document it; Cutaway uses the name reported from real clusters for the AWS owned key and adds `-cmk` for yours (marked unconfirmed in the x-ray).',
        minutes: 3,
      },
      solution: { commands: [HEXDUMP] },
    },
    {
      id: 'at-rest',
      title: 'Encrypted at rest: safe from whom?',
      say: 'etcd now holds only ciphertext. Before you test it, decide who can still read `s3cr3t`.',
      complete: {
        predict: {
          question: 'With envelope encryption on, who can read the value of `db`?',
          choices: [
            {
              text: 'Nobody without the KMS key, not even cluster admins',
              correct: false,
              explanation:
                'The API server decrypts on every read. Anyone the API lets `get` the Secret receives the plaintext (base64 in the YAML); the KMS key is used by the API server, not by the reader.',
            },
            {
              text: 'Anyone allowed to `get secrets` through the API, and any pod that mounts it',
              correct: true,
              explanation:
                'Right. Encryption at rest protects the stored bytes (etcd, its backups). Access through the API is RBAC’s job, and a pod that mounts the Secret reads it in clear.',
            },
            {
              text: 'Only the pods that use it: `kubectl get` now shows ciphertext',
              correct: false,
              explanation:
                '`kubectl get secret db -o yaml` still shows `czNjcjN0`; the ciphertext exists only in etcd. Try it: `kubectl get secret db -o jsonpath={.data.password} | base64 -d`.',
            },
          ],
        },
      },
      hints: ['Which component decrypts, and when?'],
      notes: {
        say: 'This is the misconception that matters in security reviews: "encrypted at rest" answers a stolen disk or backup, not an over-broad Role.',
        minutes: 2,
      },
      solution: { answer: 1 },
    },
    {
      id: 'who-can-read',
      title: 'Who is allowed?',
      say: `Ask whether a pod’s default identity may read Secrets: \`${CAN_I}\` answers \`no\`. Grant it with \`${ROLE}\` and \`${BINDING}\`, then ask again. Encryption changed nothing here: RBAC decides who reads the plaintext.`,
      complete: { command: 'kubectl auth can-i get secrets' },
      hints: [
        '`kubectl auth can-i` prints `no` and exits with status 1, so the step waits for the `yes` after the RoleBinding.',
        '`kubectl auth whoami` shows who you are: an IAM user mapped to a cluster admin, which is why your own `kubectl get secret` works.',
      ],
      notes: {
        say: 'The default ServiceAccount of a namespace has no access to Secrets. Mounting a Secret into a pod does not need that permission: the kubelet fetches it with the node’s identity.',
        question:
          'Can a node read every Secret then? No: the Node authorizer lets a kubelet read only Secrets of pods bound to its node.',
        minutes: 3,
      },
      solution: { commands: [CAN_I, ROLE, BINDING, CAN_I] },
    },
    {
      id: 'every-node',
      title: 'Which nodes get it?',
      say: 'Next you run one pod that mounts `db` as a volume at `/etc/creds`. The cluster has three nodes. Decide where `s3cr3t` will be once the pod runs.',
      complete: {
        predict: {
          question: 'A pod on one node mounts `db`. Which nodes hold `s3cr3t`?',
          choices: [
            {
              text: 'Every node: Secrets are copied to all nodes so any pod can start anywhere',
              correct: false,
              explanation:
                'The kubelet fetches a Secret only for pods on its own node, and the Node authorizer forbids it to read others. The other two nodes never see `db`.',
            },
            {
              text: 'Only the pod’s node, in a file on a memory-backed tmpfs',
              correct: true,
              explanation:
                'Right. The kubelet writes each key to a tmpfs under `/var/lib/kubelet/pods/<uid>/volumes/kubernetes.io~secret/creds/`, in RAM, never on the node’s disk, and mounts it into the container.',
            },
            {
              text: 'Only the pod’s node, in a file on its root disk',
              correct: false,
              explanation:
                'Secret volumes are tmpfs, memory only, so the value is not left on the EBS volume. (ConfigMap volumes are on disk.)',
            },
            {
              text: 'No node: the container asks the API server each time it reads the file',
              correct: false,
              explanation:
                'The container reads an ordinary file; the kubelet put it there and refreshes it about a minute after the Secret changes.',
            },
          ],
        },
      },
      hints: ['Who writes the file the container reads, and for which pods?'],
      notes: {
        say: 'Ask who thinks Secrets are on every node. Then ask what that would mean for a compromised node.',
        minutes: 2,
      },
      solution: { answer: 1 },
    },
    {
      id: 'on-the-node',
      title: 'Find it on the node',
      say: `Run the pod: \`${POD}\`. Find its node with \`kubectl get pods -o wide\`, \`ssh\` to it and run \`mount | grep secret\`: one tmpfs, for \`creds\`. Open the Journey again: the node stops now show the kubelet, the tmpfs path and \`/etc/creds/password\`.`,
      highlight: [APP_POD],
      complete: { command: 'mount', mode: 'node' },
      hints: [
        `In this lesson’s cluster the pod usually runs on \`${NODE}\`.`,
        '`ls -la` on the tmpfs path shows `password` as a symlink through `..data` to a timestamped directory: that is how the kubelet swaps in updates atomically.',
      ],
      notes: {
        say: 'On another node the same `mount | grep secret` prints nothing. `kubectl exec app -- cat /etc/creds/password` shows what the container reads: `s3cr3t`.',
        question:
          'Does an update reach the pod? A volume, yes, within about 60–90 s (the kubelet resync); an env var from `secretKeyRef`, no, until the container restarts.',
        minutes: 3,
      },
      solution: { commands: [POD, 'sleep 10', `ssh ${NODE}`, 'mount | grep secret'] },
    },
  ],
  recap: [
    '`data` in a Secret is base64, an encoding: `base64 -d` undoes it. etcd holds the object as protobuf with the raw bytes, or, with envelope encryption (every EKS 1.28+ cluster), `k8s:enc:kms:v2:…` and ciphertext.',
    'Encryption at rest protects etcd and its backups; anyone RBAC allows to `get secrets` still reads the value. On EKS nobody can read etcd itself: you check the setting, not the bytes.',
    'A Secret reaches only the nodes running pods that use it, in a memory-backed tmpfs under `/var/lib/kubelet/pods/<uid>/volumes/kubernetes.io~secret/`, mounted into the container.',
  ],
  tryIt: {
    task: 'Predict first, then check: ssh to a node that does not run `app` and run `mount | grep secret`. Then change the password with `kubectl create secret generic db --from-literal=password=n3w --dry-run=client -o yaml | kubectl replace -f -` and read `/etc/creds/password` with `kubectl exec` every 30 seconds: when does it change?',
    commands: [
      'kubectl get nodes',
      'kubectl exec app -- cat /etc/creds/password',
      'etcdctl get /registry/secrets/default/db --print-value-only | hexdump -C',
    ],
  },
} satisfies Scenario

export default secrets
