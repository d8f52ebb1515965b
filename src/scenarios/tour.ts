import type { Scenario } from './types.ts'

// "Tour of the cluster": the first scenario. Outputs and names were checked against
// `npm run console -- --seed 1` (nodes ip-192-168-20-109/55-155/83-74, cluster `demo`).

const NODE = 'ip-192-168-20-109.us-west-2.compute.internal'

export const tour = {
  id: 'tour',
  title: 'Tour of the cluster',
  summary:
    'A first look at an EKS cluster: EC2 worker nodes, the control plane you cannot reach, what runs on every node, and how a Deployment becomes pods.',
  topic: 'start',
  minutes: 15,
  seed: 1,
  setup: [],
  steps: [
    {
      id: 'nodes',
      title: 'Meet the worker nodes',
      say: 'Your cluster is an Amazon EKS cluster called `demo`. Start with the machines your pods run on: type `kubectl get nodes -o wide` in the console and press Enter.',
      complete: { command: 'kubectl get nodes -o wide' },
      highlight: [{ kind: 'Node' }],
      hints: [
        'The console is at the bottom of the page; its input is labelled "Command".',
        '`-o wide` adds INTERNAL-IP, EXTERNAL-IP, OS-IMAGE and CONTAINER-RUNTIME to the table.',
      ],
      notes: {
        say: 'Three nodes, all `Ready`, `ROLES <none>`, each with a private and a public IP. Point out `containerd://` in the last column: there is no Docker on these nodes.',
        question:
          'Why is ROLES `<none>`? Roles are only labels (`node-role.kubernetes.io/…`). EKS worker nodes get none, and there is no control-plane node to list at all.',
        minutes: 2,
      },
      solution: { commands: ['kubectl get nodes -o wide'] },
    },
    {
      id: 'instances',
      title: 'Every node is an EC2 instance',
      say: `A node name such as \`${NODE}\` is not a Kubernetes invention: it is the EC2 instance's private DNS name, built from its private IP. Ask EC2 for the instances behind your nodes with \`aws ec2 describe-instances\`.`,
      complete: { command: 'aws ec2 describe-instances' },
      highlight: [{ kind: 'Node' }],
      hints: [
        'The full JSON is long. For a compact table add `--query "Reservations[].Instances[].[InstanceId,PrivateDnsName,InstanceType]" --output table`.',
        'Compare the `PrivateDnsName` column with the NAME column of `kubectl get nodes`.',
      ],
      notes: {
        say: "Same three names in both tools. The kubelet registers the node under the instance's private DNS name; the instance ID (`i-…`) ties the node to EC2 (`spec.providerID`).",
        question:
          'Can I rename a node? Not on EKS: the name comes from the instance. Labels are the way to tag nodes.',
        minutes: 2,
      },
      solution: {
        commands: [
          'aws ec2 describe-instances --query "Reservations[].Instances[].[InstanceId,PrivateDnsName,InstanceType]" --output table',
        ],
      },
    },
    {
      id: 'where-is-etcd',
      // the map's control-plane box would answer the question before the learner commits
      conceal: ['ControlPlane', 'ApiServer', 'EtcdMember'],
      title: 'Where is the control plane?',
      say: 'You saw three worker nodes and nothing else. Yet a cluster needs an API server, a scheduler, controllers and etcd, the database that holds every object. Decide before you look.',
      complete: {
        predict: {
          question: "Where does this cluster's etcd run?",
          choices: [
            {
              text: 'On one of the three worker nodes, next to your pods',
              correct: false,
              explanation:
                'No worker node runs control-plane components on EKS: the node list you saw is complete, and no node has a control-plane role. (On a kubeadm cluster etcd does run as a static pod on a control-plane node; EKS never gives you that node.)',
            },
            {
              text: 'As a pod in the `kube-system` namespace',
              correct: false,
              explanation:
                'In two steps you list `kube-system`: `aws-node`, `kube-proxy` and `coredns`, no etcd. Pods in your cluster run on your nodes, and etcd does not.',
            },
            {
              text: 'In the control plane that AWS runs for you, in an AWS-owned VPC you cannot reach',
              correct: true,
              explanation:
                'Right. EKS runs at least two API server instances and three etcd instances across three Availability Zones, in a VPC that AWS owns. You get an HTTPS endpoint for the API server: no SSH, no etcd endpoint, no `etcdctl`.',
            },
            {
              text: 'On a small EC2 instance in your own VPC, created next to the nodes',
              correct: false,
              explanation:
                "`aws ec2 describe-instances` listed only the three worker instances. The control plane's machines live in an AWS account, not yours; what appears in your VPC are the control plane's network interfaces, so that it can reach the kubelets.",
            },
          ],
        },
      },
      hints: ['Which machines did `aws ec2 describe-instances` show you, and what were they?'],
      notes: {
        say: 'Let the room vote before revealing. Most people coming from kubeadm or minikube pick "a worker node".',
        question:
          'Then how do I back up etcd on EKS? You do not: AWS operates it. Back up your manifests (GitOps) or use a tool that exports objects through the API, such as Velero.',
        minutes: 3,
      },
      solution: { answer: 2 },
    },
    {
      id: 'endpoint',
      title: 'The only door: the API endpoint',
      say: 'All you ever reach of the control plane is its endpoint. Run `aws eks describe-cluster --name demo` and find `endpoint`: every `kubectl` command is an HTTPS request to that URL. Only the API server talks to etcd.',
      complete: { command: 'aws eks describe-cluster --name demo' },
      hints: [
        '`aws eks list-clusters` prints the cluster name if you need it.',
        'Look for `"endpoint": "https://….eks.amazonaws.com"` near the top of the output.',
      ],
      notes: {
        say: 'Show `endpointPublicAccess: true` and `publicAccessCidrs: 0.0.0.0/0`: the API is reachable from the internet by default, protected by IAM authentication, not by the network.',
        question:
          'Is that endpoint a load balancer? Yes: AWS fronts the API server instances with a load balancer; you only ever see the DNS name.',
        minutes: 2,
      },
      solution: { commands: ['aws eks describe-cluster --name demo'] },
    },
    {
      id: 'kube-system',
      title: 'What runs on every node',
      say: 'Your nodes are not empty before you deploy anything. List the add-ons EKS installed with `kubectl get pods -n kube-system -o wide`, and read the NODE and IP columns.',
      complete: { command: 'kubectl get pods -n kube-system -o wide' },
      highlight: [
        { kind: 'Pod', namespace: 'kube-system', namePrefix: 'aws-node-' },
        { kind: 'Pod', namespace: 'kube-system', namePrefix: 'kube-proxy-' },
      ],
      hints: ['`-n kube-system` picks the namespace; `-o wide` adds the IP and NODE columns.'],
      notes: {
        say: "Two `coredns` pods somewhere, but exactly one `aws-node` and one `kube-proxy` on every node, and their IP is the node's own IP: they use the host network.",
        question:
          'Why do `aws-node` pods show 2/2? Two containers: `aws-node` (ipamd and the CNI plugin) and `aws-eks-nodeagent` (network policy).',
        minutes: 2,
      },
      solution: { commands: ['kubectl get pods -n kube-system -o wide'] },
    },
    {
      id: 'ssh',
      title: 'Log in to a node',
      say: "Exactly one `aws-node` and one `kube-proxy` pod per node, on the node's own IP: each comes from a DaemonSet, which runs one pod on every node. Log in to a node to see what that looks like from the inside: `ssh` followed by a name from the NODE column.",
      complete: { command: 'ssh {node}' },
      highlight: [{ kind: 'Node', name: NODE }],
      hints: [
        `For example: \`ssh ${NODE}\`. The node's private IP works too.`,
        'On a real cluster you would need a key pair or `aws ssm start-session --target <instance-id>`.',
      ],
      notes: {
        say: 'Cutaway drops you into a root shell, as after `sudo -i`. Mention that production clusters often disable SSH and use SSM Session Manager instead.',
        minutes: 1,
      },
      solution: { commands: [`ssh ${NODE}`] },
    },
    {
      id: 'processes',
      title: 'Kubernetes on a node is processes',
      say: 'You are root on the EC2 instance now. Run `ps aux` and find `/usr/bin/kubelet` and `/usr/bin/containerd`: system services that systemd starts. Further down, `kube-proxy` and `./aws-k8s-agent` run in containers, each behind a `containerd-shim-runc-v2` and a `/pause` process.',
      complete: { command: 'ps', mode: 'node' },
      hints: ["Type `ps aux` at the node's `[root@ip-… ~]#` prompt."],
      notes: {
        say: "The `/pause` process holds each pod's network namespace; the shim keeps containers running if containerd restarts. The kubelet is not a pod: it is the thing that starts pods.",
        question:
          'Where is the control plane in this list? Nowhere: no kube-apiserver, no etcd. That is the answer to the earlier question, seen from the node.',
        minutes: 3,
      },
      solution: { commands: ['ps aux'] },
    },
    {
      id: 'exit',
      title: 'Back to your laptop',
      say: 'The kubelet is the one Kubernetes component on the node that no pod started: it starts the pods. `kubectl` and your kubeconfig live on your own machine, not on the node. Type `exit` to go back.',
      complete: { command: 'exit', mode: 'node' },
      hints: ['The prompt changes back to `$` when you are on your machine again.'],
      notes: {
        say: 'Quick step: nodes do not carry cluster-admin credentials. The kubelet has its own, limited identity.',
        minutes: 1,
      },
      solution: { commands: ['exit'] },
    },
    {
      id: 'deploy',
      title: 'Ask for three web servers',
      say: 'Now make the cluster do some work. Create a Deployment with `kubectl create deployment web --image=nginx --replicas=3`. The clock pauses on the next step so that you can predict what happens.',
      complete: { command: 'kubectl create deployment web --image=nginx --replicas=3' },
      hints: [
        'Type it exactly: `kubectl create deployment web --image=nginx --replicas=3`.',
        'If you see `already exists`, the Deployment is there from an earlier try: delete it with `kubectl delete deployment web` and create it again.',
      ],
      notes: {
        say: 'The command returns at once with `deployment.apps/web created`. Ask the room what exists in the cluster at this instant: one Deployment object, nothing else.',
        minutes: 1,
      },
      solution: { commands: ['kubectl create deployment web --image=nginx --replicas=3'] },
    },
    {
      id: 'who-creates-pods',
      title: 'Who creates the pods?',
      say: '`deployment.apps/web created` means one object was stored in etcd through the API server, and `kubectl` has already returned. No pod exists yet, and the clock is paused.',
      complete: {
        predict: {
          question: 'What creates the three pods and starts them?',
          choices: [
            {
              text: '`kubectl` does: it sends one create request per replica',
              correct: false,
              explanation:
                '`kubectl create deployment` sends a single request: create one Deployment. kubectl is done once the API server has stored it; everything after happens inside the cluster, even if you close your laptop.',
            },
            {
              text: "The Deployment controller creates a ReplicaSet, the ReplicaSet controller creates the pods, the scheduler binds each pod to a node, and that node's kubelet starts the containers",
              correct: true,
              explanation:
                "Right. Each of them watches the API server and does one job: the Deployment controller (in the AWS-managed control plane) writes a ReplicaSet, the ReplicaSet controller writes three Pods, the scheduler sets each pod's `nodeName`, and the kubelet on that node asks containerd to run `nginx`.",
            },
            {
              text: 'The scheduler creates the pods and places them on nodes',
              correct: false,
              explanation:
                'The scheduler never creates objects. It only binds pods that already exist and have no `nodeName` yet to a node. Something else must create those pods first: the ReplicaSet controller.',
            },
            {
              text: 'The kubelet on each node sees the Deployment and starts its share of the replicas',
              correct: false,
              explanation:
                'Kubelets watch only the pods bound to their own node; they know nothing about Deployments. Which node runs which pod is decided by the scheduler before any kubelet acts.',
            },
          ],
        },
      },
      hints: [
        'Think about who watches what: a Deployment, a ReplicaSet, a Pod without a node, a Pod bound to my node.',
      ],
      notes: {
        say: 'This is the heart of Kubernetes: nothing calls anything; controllers watch the API server and reconcile. Draw the chain on the board: Deployment → ReplicaSet → Pod → binding → container.',
        question:
          'Why a ReplicaSet between Deployment and pods? Rolling updates: a new ReplicaSet per pod template, scaled up while the old one scales down.',
        minutes: 3,
      },
      solution: { answer: 1 },
    },
    {
      id: 'running',
      title: 'Watch the pods start',
      say: 'The clock runs again. Watch the map and the event log: a ReplicaSet `web-…` appears, then three pods, each `Pending` until the scheduler binds it and `Running` once the kubelet has pulled `nginx` and containerd has started it. This step completes when all three run.',
      complete: {
        event: {
          type: 'pod.phase',
          where: { namespace: 'default', phase: 'Running', pod: { prefix: 'web-' } },
          count: 3,
          distinct: 'pod',
        },
      },
      highlight: [{ kind: 'Pod', namespace: 'default', namePrefix: 'web-' }],
      hints: [
        'Nothing moving? The clock may be paused: press Play in the toolbar, or Step to jump to the next thing that happens.',
      ],
      notes: {
        say: 'Slow the speed down to 0.25x if the class wants to see the order of events: scheduled, image pulled, container started, Running.',
        question:
          'Why are the pods spread over the nodes? The scheduler scores nodes and prefers spreading replicas of the same workload (topology spread defaults).',
        minutes: 2,
      },
      solution: {
        wait: 'Let the clock run (press Play if it is paused): the three web pods reach Running within seconds of simulated time.',
      },
    },
    {
      id: 'pods-wide',
      title: 'Where did they land?',
      say: "List your pods with `kubectl get pods -o wide`. The NODE column shows the scheduler's choices; the IP column shows real addresses from your VPC's subnets, handed out by `aws-node` on each node.",
      complete: { command: 'kubectl get pods -o wide' },
      highlight: [{ kind: 'Pod', namespace: 'default', namePrefix: 'web-' }],
      hints: [
        "Pod names are `web-<ReplicaSet hash>-<random suffix>`: the middle part is the ReplicaSet's name.",
      ],
      notes: {
        say: "Compare a pod IP with its node's INTERNAL-IP: same VPC range, different address. The CNI lesson explains where these come from.",
        question:
          'Can I reach a pod IP from outside the cluster? From inside the VPC, yes: on EKS pod IPs are real VPC addresses. From the internet, no.',
        minutes: 2,
      },
      solution: { commands: ['kubectl get pods -o wide'] },
    },
  ],
  recap: [
    "Worker nodes are EC2 instances in your VPC; a node's name is the instance's private DNS name.",
    'The control plane (API server, etcd, scheduler, controllers) runs in an AWS-owned VPC; you reach only the API endpoint.',
    'A Deployment becomes running pods through a chain of watchers: Deployment controller → ReplicaSet controller → scheduler → kubelet and containerd on the node.',
  ],
  tryIt: {
    task: 'Predict first: after `kubectl scale deployment web --replicas=6`, how many `web` pods run on each node, and how many `aws-node` pods? Check with `kubectl get pods -A -o wide`, then explain the difference with `kubectl get daemonsets -n kube-system`.',
    commands: [
      'kubectl scale deployment web --replicas=6',
      'kubectl get pods -A -o wide',
      'kubectl get daemonsets -n kube-system',
    ],
  },
} satisfies Scenario

export default tour
