import type { Scenario } from './types.ts'

// "Where do my pod's logs go?" (LESSONS.md §1, FIDELITY.md §1). Names and outputs were checked
// against `npm run console -- --seed 1`: `ticker-c8b7b9db7-w58np` runs on ip-192-168-83-74
// (instance i-069c8527e864bd2b2), its container is called `busybox` (kubectl create deployment
// names it after the image), cluster `demo` in us-west-2. In the browser the pod may land
// elsewhere, so patterns use {wildcards} and the narration tells the learner where to look.

const NODE = 'ip-192-168-83-74.us-west-2.compute.internal'
const INSTANCE = 'i-069c8527e864bd2b2'
const TICKER =
  "kubectl create deployment ticker --image=busybox -- sh -c 'while true; do echo tick $(date); sleep 2; done'"
const GROUP = '/aws/containerinsights/demo/application'
const FLUENT_BIT =
  'kubectl apply -f https://raw.githubusercontent.com/aws-samples/amazon-cloudwatch-container-insights/latest/k8s-deployment-manifest-templates/deployment-mode/daemonset/container-insights-monitoring/fluent-bit/fluent-bit.yaml'

const TICKER_POD = { kind: 'Pod', namespace: 'default', namePrefix: 'ticker-' }
const FLUENT_BIT_PODS = { kind: 'Pod', namespace: 'amazon-cloudwatch', namePrefix: 'fluent-bit-' }

export const logs = {
  id: 'logs',
  title: 'Where do my pod’s logs go?',
  summary:
    'Follow one log line from a container to a file on its node’s disk, see what `kubectl logs` really reads, then lose the node and see why a log shipper is needed.',
  topic: 'logs',
  minutes: 20,
  seed: 1,
  setup: [],
  steps: [
    {
      id: 'first-lines',
      title: 'A pod that talks',
      say: `Create a pod that writes a line every two seconds: \`${TICKER}\`. Then read what it wrote with \`kubectl logs deploy/ticker\`.`,
      complete: { command: 'kubectl logs {target}' },
      highlight: [TICKER_POD],
      hints: [
        'If `kubectl logs` says the container is waiting to start, give it a second and run it again.',
        '`deploy/ticker` picks a pod of the Deployment for you; the pod’s own name (`kubectl get pods`) works too.',
      ],
      notes: {
        say: 'The shell loop only echoes to stdout. Nothing in the image knows about log files: that is the point of the lesson. `kubectl logs` prints one `tick <date>` per two seconds.',
        question:
          'Does the app have to log to stdout? For `kubectl logs`, yes: only stdout and stderr are captured. An app that writes its own file inside the container is invisible to this path.',
        minutes: 2,
      },
      solution: { commands: [TICKER, 'sleep 5', 'kubectl logs deploy/ticker'] },
    },
    {
      id: 'where-is-the-line',
      conceal: ['NodeDisk'],
      title: 'Where does that line live?',
      say: 'The container wrote `tick …` to its stdout. The clock is paused. Before you look, decide where that line is stored now.',
      complete: {
        predict: {
          question: 'Where is the line `tick …` stored right now?',
          choices: [
            {
              text: 'In etcd, with the pod object',
              correct: false,
              explanation:
                'etcd holds objects (the Pod, the Deployment), not their output. A chatty pod would fill etcd in hours; its default size limit is a few GiB for the whole cluster.',
            },
            {
              text: 'In the API server’s own storage, which `kubectl logs` reads',
              correct: false,
              explanation:
                'The API server stores nothing about logs. For `kubectl logs` it opens a connection to the kubelet on the pod’s node and streams back what the kubelet reads.',
            },
            {
              text: 'In a file on the disk of the node that runs the pod',
              correct: true,
              explanation:
                'Right. containerd writes every stdout and stderr line to `/var/log/pods/<namespace>_<pod>_<uid>/<container>/0.log` on that node, and `kubectl logs` reaches it through the API server and that node’s kubelet.',
            },
            {
              text: 'In CloudWatch Logs, because this is EKS',
              correct: false,
              explanation:
                'EKS ships nothing by default. Container logs reach CloudWatch only once you install a shipper such as Fluent Bit; you do that later in this lesson.',
            },
          ],
        },
      },
      hints: ['Which process on the node receives the container’s stdout?'],
      notes: {
        say: 'Let the room vote. "etcd" and "the API server" are the usual answers from people who only ever used `kubectl`.',
        question:
          'Then why does `kubectl logs` work from my laptop? The API server proxies the request to the kubelet (`/containerLogs/<ns>/<pod>/<container>` on port 10250); the event log shows each hop.',
        minutes: 3,
      },
      solution: { answer: 2 },
    },
    {
      id: 'ssh',
      title: 'Go to the pod’s node',
      say: 'Find the pod’s node in the NODE column of `kubectl get pods -o wide`, then log in to it with `ssh` and that name.',
      complete: { command: 'ssh {node}' },
      highlight: [TICKER_POD],
      hints: [
        `With this lesson’s cluster it is usually \`ssh ${NODE}\`; check the NODE column if yours differs.`,
        'Only the node that runs the pod has its log file: the others have nothing for `ticker`.',
      ],
      notes: {
        say: 'You need the node that runs the pod, not any node. Production clusters usually allow `aws ssm start-session` rather than ssh.',
        minutes: 1,
      },
      solution: { commands: [`ssh ${NODE}`] },
    },
    {
      id: 'ls-containers',
      title: 'The directory shippers read',
      say: 'List the flat directory of container logs with `ls /var/log/containers`. Every container on this node has one entry, named pod, namespace, container and the container’s 64-hex ID.',
      complete: { command: 'ls /var/log/containers', mode: 'node' },
      hints: [
        'Type it at the `[root@ip-… ~]#` prompt, without `-l` for now: the long listing would give away the next question.',
      ],
      notes: {
        say: 'Besides `ticker` you see `aws-node` (three containers, one an init container) and `kube-proxy`: every container of every pod on this node.',
        question:
          'Why the long hex string? It is the containerd container ID, so a restarted container gets a new entry.',
        minutes: 2,
      },
      solution: { commands: ['ls /var/log/containers'] },
    },
    {
      id: 'which-file',
      conceal: ['NodeDisk'],
      title: 'Which file is it?',
      say: 'The entries in `/var/log/containers` are not regular files: they are symlinks. Decide where the `ticker` entry points before you follow it.',
      complete: {
        predict: {
          question:
            'Which file does `/var/log/containers/ticker-…_default_busybox-….log` point to?',
          choices: [
            {
              text: 'A file inside the container’s own filesystem, such as `/proc/1/fd/1`',
              correct: false,
              explanation:
                'The container’s stdout is a pipe, not a file, and the container’s filesystem goes away with the container. The log file lives outside it, on the node, so it outlives restarts.',
            },
            {
              text: '`/var/log/pods/default_ticker-…_<pod UID>/busybox/0.log`',
              correct: true,
              explanation:
                'Right. The real file is in the pods directory, named namespace, pod and UID, then one directory per container and `<restart count>.log`. The kubelet keeps the flat symlink for tools that want one directory to tail.',
            },
            {
              text: 'A file in containerd’s state under `/var/lib/containerd/`',
              correct: false,
              explanation:
                'containerd writes the log, but to the path the kubelet asked for in the CRI `CreateContainer` call: under `/var/log/pods`, not its own state directory.',
            },
            {
              text: 'Nowhere yet: it is a placeholder until a log shipper starts',
              correct: false,
              explanation:
                'The file exists as soon as the container starts, shipper or not. `kubectl logs` has been reading it all along.',
            },
          ],
        },
      },
      hints: ['The kubelet decides the path; containerd only writes where it is told.'],
      notes: {
        say: 'Point out the reversed order: `/var/log/containers/<pod>_<ns>_…` against `/var/log/pods/<ns>_<pod>_<uid>/…`. Learners mix them up when they write shipper filters.',
        minutes: 2,
      },
      solution: { answer: 1 },
    },
    {
      id: 'readlink',
      title: 'Follow the link',
      say: 'Resolve the symlink with `readlink -f /var/log/containers/ticker*`. Then open the node’s **Disk** tab in the details panel: click the node on the map and choose Disk to see the link drawn to its file.',
      complete: { command: 'readlink -f {path}', mode: 'node' },
      highlight: [{ kind: 'Node', name: NODE }],
      hints: [
        'The shell expands `ticker*` to the one matching name, so you need not type the ID.',
        'In the Disk tab, hover or focus an entry: a line joins the symlink and its file.',
      ],
      notes: {
        say: 'Show the Disk tab on the projector: the file in `/var/log/pods` grows every two seconds; the symlink never changes size.',
        question:
          'Why two directories? `/var/log/pods` is organised per pod for the kubelet (it finds a pod’s logs by UID); `/var/log/containers` is the flat, older layout that log shippers tail with one glob.',
        minutes: 2,
      },
      solution: { commands: ['readlink -f /var/log/containers/ticker*'] },
    },
    {
      id: 'cri-line',
      title: 'Read a CRI log line',
      say: 'Print the file itself: `cat /var/log/pods/default_ticker*/busybox/0.log`. Each record is a timestamp, the stream (`stdout` or `stderr`), a tag (`F` for a full line, `P` for part of a long one) and the message.',
      complete: { command: 'cat {file}', mode: 'node' },
      hints: [
        '`tail -n 3` on the same path shows only the newest records.',
        'Lines longer than 16 KiB are split into `P` records followed by one `F` record.',
      ],
      notes: {
        say: 'This is the CRI logging format: no JSON, one record per line. `kubectl logs` strips the first three fields; `kubectl logs --timestamps` keeps the timestamp.',
        question:
          'Does the file grow forever? No: the kubelet rotates it at 10 MiB (`containerLogMaxSize`) and keeps 5 files, gzipping the older ones.',
        minutes: 3,
      },
      solution: { commands: ['cat /var/log/pods/default_ticker*/busybox/0.log'] },
    },
    {
      id: 'fluent-bit',
      title: 'Install a log shipper',
      say: `Go back with \`exit\` and install Fluent Bit, as the Container Insights quick start does: \`${FLUENT_BIT}\`. It runs one pod per node that tails \`/var/log/containers/*.log\` and sends new lines to CloudWatch Logs.`,
      complete: { command: FLUENT_BIT, mode: 'local' },
      highlight: [FLUENT_BIT_PODS],
      hints: [
        'The prompt must be `$` again (your machine) before `kubectl` works.',
        'Cutaway applies a trimmed copy of the published manifest: the namespace, its ConfigMaps, a ServiceAccount and the DaemonSet (no RBAC).',
      ],
      notes: {
        say: 'A DaemonSet again, like `aws-node` and `kube-proxy`: one shipper per node, mounting the node’s `/var/log` with a hostPath volume.',
        question:
          'Does it ship what was written before it started? Not with this configuration (`read.head: Off`): it starts at the end of each file, like `tail -f`.',
        minutes: 2,
      },
      solution: { commands: ['exit', FLUENT_BIT] },
    },
    {
      id: 'shipping',
      title: 'Wait for the shippers',
      say: 'Watch the map: a `fluent-bit-…` pod starts on each of the three nodes. This step completes when all three run; from then on every new `tick` line is sent to CloudWatch within five seconds.',
      complete: {
        event: {
          type: 'pod.phase',
          where: {
            namespace: 'amazon-cloudwatch',
            phase: 'Running',
            pod: { prefix: 'fluent-bit-' },
          },
          count: 3,
          distinct: 'pod',
        },
      },
      highlight: [FLUENT_BIT_PODS],
      hints: ['Nothing moving? Press Play in the toolbar.'],
      notes: {
        say: 'Fluent Bit flushes every 5 seconds (`Flush 5` in its config). Its read offsets are kept on the node’s disk, under `/var/fluent-bit/state`.',
        minutes: 1,
      },
      solution: {
        wait: 'Let the clock run: the image is pulled and the three fluent-bit pods reach Running within seconds of simulated time.',
      },
    },
    {
      id: 'node-dies',
      title: 'The node goes away',
      say: 'Nodes are EC2 instances, and instances die: a failed host, a Spot interruption, a scale-in. Suppose the `ticker` pod’s node is terminated, and decide before you try it.',
      complete: {
        predict: {
          question: 'The node is terminated. Does `kubectl logs` still show the old `tick` lines?',
          choices: [
            {
              text: 'Yes: the API server keeps a copy of every pod’s logs',
              correct: false,
              explanation:
                'The API server keeps no logs. `kubectl logs` asks the kubelet on the pod’s node, and that node no longer exists.',
            },
            {
              text: 'Yes: the Deployment’s new pod takes over the old pod’s log file',
              correct: false,
              explanation:
                'The replacement pod has a new name, a new UID and a new, empty file on another node. `kubectl logs deploy/ticker` shows only what the new pod wrote.',
            },
            {
              text: 'No: the file went with the node’s disk; only the copies Fluent Bit shipped survive, in CloudWatch',
              correct: true,
              explanation:
                'Right. The root volume is deleted with the instance, and the old pod disappears from the API. What Fluent Bit sent before the end is in the log group `/aws/containerinsights/demo/application`.',
            },
            {
              text: 'No, and the lines are lost everywhere: Fluent Bit ran on that node too',
              correct: false,
              explanation:
                'Fluent Bit on that node died with it, but it had already sent each line to CloudWatch Logs within five seconds. CloudWatch is outside the cluster.',
            },
          ],
        },
      },
      hints: ['Where is the file, and where is the copy?'],
      notes: {
        say: 'This is the question of the lesson. Ask who has lost logs during an incident because the node was already gone.',
        minutes: 2,
      },
      solution: { answer: 2 },
    },
    {
      id: 'terminate',
      title: 'Terminate the instance',
      say: "Find the instance behind the pod’s node with `kubectl get node <node> -o jsonpath='{.spec.providerID}'` (the last part, `i-…`). Terminate it with `aws ec2 terminate-instances --instance-ids` and that ID, and watch the map.",
      complete: { command: 'aws ec2 terminate-instances', mode: 'local' },
      highlight: [TICKER_POD],
      hints: [
        `In this lesson’s cluster that is usually \`aws ec2 terminate-instances --instance-ids ${INSTANCE}\`.`,
        '`aws ec2 describe-instances --query "Reservations[].Instances[].[InstanceId,PrivateDnsName]" --output text` lists every instance with its node name.',
      ],
      notes: {
        say: 'The node group notices one instance short and launches a replacement; the Deployment recreates `ticker` on a surviving node. Neither brings the file back.',
        question:
          'Would `kubectl delete pod` lose the logs too? Yes: deleting a pod removes its directory under `/var/log/pods` on the node.',
        minutes: 2,
      },
      solution: { commands: [`aws ec2 terminate-instances --instance-ids ${INSTANCE}`] },
    },
    {
      id: 'cloudwatch',
      title: 'The lines are still in CloudWatch',
      say: `Run \`kubectl logs\` with the old pod’s name: it is gone, and with it the file. Now read the log group: \`aws logs tail ${GROUP}\`. The old pod’s \`tick\` lines are there, one stream per container file.`,
      complete: { command: `aws logs tail ${GROUP}` },
      highlight: [FLUENT_BIT_PODS],
      hints: [
        '`aws logs describe-log-streams --log-group-name ' +
          GROUP +
          '` lists the streams: `<node>-application.var.log.containers.<file>`.',
      ],
      notes: {
        say: 'The click: the same lines, from a node that no longer exists. The stream name still carries the `/var/log/containers` file name Fluent Bit tailed.',
        question:
          'Is CloudWatch the only option? No: any shipper that tails `/var/log/containers/*.log` works (Fluent Bit to OpenSearch, Loki with Promtail, Datadog…). The node-side path is the same.',
        minutes: 3,
      },
      solution: { commands: [`aws logs tail ${GROUP}`] },
    },
  ],
  recap: [
    'containerd writes each line a container prints to `/var/log/pods/<ns>_<pod>_<uid>/<container>/<n>.log` in the CRI format; the kubelet links it from `/var/log/containers/` and rotates it at 10 MiB.',
    '`kubectl logs` goes kubectl → API server → the kubelet on the pod’s node → that file; nothing in etcd or the API server holds logs.',
    'The files die with the pod or the node; a DaemonSet shipper such as Fluent Bit tails `/var/log/containers/*.log` and keeps a copy outside the cluster.',
  ],
  tryIt: {
    task: 'Predict first: after `kubectl delete pod` of the new `ticker` pod, which directory disappears from `/var/log/pods` on its node, and are its lines still in CloudWatch? Check on the node with `ls /var/log/pods` and with `aws logs tail`.',
    commands: [
      'kubectl get pods -o wide',
      'kubectl delete pod <ticker pod>',
      `aws logs tail ${GROUP}`,
    ],
  },
} satisfies Scenario

export default logs
