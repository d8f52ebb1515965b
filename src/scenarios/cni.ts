import type { Scenario } from './types.ts'

// "What does CNI do when a pod starts?" (LESSONS.md §5, FIDELITY.md §5). One t3.medium node, so
// every pod lands on it and the numbers are the instance type's: 3 ENIs × 6 IPv4 addresses, max
// pods 3 × (6 − 1) + 2 = 17 (FIDELITY §5.3). Names and outputs checked against the headless replay
// with seed 1 (`__tests__/cni.test.ts` asserts them): the node is ip-192-168-20-109 (instance
// i-05b448430f7f557e8); four pods run at the start (aws-node and kube-proxy on the host network,
// two coredns with 192.168.9.177 and 192.168.25.236); `bb` gets 192.168.21.196, a secondary IP of
// the primary ENI, with host veth eni521b6c62951 (SHA-1 of `default.bb`); ipamd holds 2 ENIs and
// 10 secondary IPs, then 3 ENIs and 15 once `web` has 12 replicas. The 18th pod stays Pending with
// the scheduler's `Too many pods`; deleting `bb` lets it be scheduled, and its CNI ADD fails until
// bb's address has cooled down for 30 s, then takes that very address.
//
// ipamd's introspection endpoint listens on 127.0.0.1:61679 only (INTROSPECTION_BIND_ADDRESS,
// aws/amazon-vpc-cni-k8s pkg/ipamd/introspect.go), as the hint says: `curl localhost:61679/v1/enis`.

const NODE = 'ip-192-168-20-109.us-west-2.compute.internal'
const NODE_IP = '192.168.20.109'
const INSTANCE = 'i-05b448430f7f557e8'
const SUBNET = 'subnet-0de10d4e8eb2af2f2'
const BB_IP = '192.168.21.196'
const BB_VETH = 'eni521b6c62951'
/** the 18th pod in the headless replay with seed 1 (in a browser the name may differ) */
export const EIGHTEENTH = 'web-6dc5cd68db-tlxmr'

const RUN = 'kubectl run bb --image=busybox -- sleep 3600'
const ENIS = `aws ec2 describe-network-interfaces --filters Name=attachment.instance-id,Values=${INSTANCE} --query 'NetworkInterfaces[].[NetworkInterfaceId,PrivateIpAddresses[].PrivateIpAddress]' --output text`
const FILL = 'kubectl create deployment web --image=nginx --replicas=12'
const PENDING = 'kubectl get pods --field-selector=status.phase=Pending'

const THE_NODE = { kind: 'Node', name: NODE }
const BB = { kind: 'Pod', namespace: 'default', name: 'bb' }
const WEB = { kind: 'Pod', namespace: 'default', namePrefix: 'web-' }

export const cni = {
  id: 'cni',
  title: 'What does CNI do when a pod starts?',
  summary:
    'Start a pod and follow its address: from ipamd’s warm pool of ENI secondary IPs, through the veth and routes the VPC CNI sets up, to the 18th pod that a t3.medium cannot take.',
  topic: 'cni',
  minutes: 25,
  seed: 1,
  config: { nodeCount: 1, instanceType: 't3.medium' },
  setup: [],
  steps: [
    {
      id: 'who-assigns',
      title: 'Where does a pod’s IP come from?',
      say: `This cluster has one node, a t3.medium with the address \`${NODE_IP}\` in the VPC \`192.168.0.0/16\`. In a moment you start a pod on it. Decide where its IP address will come from.`,
      highlight: [THE_NODE],
      complete: {
        predict: {
          question: 'Who gives a new pod on EKS its IP address?',
          choices: [
            {
              text: 'The Kubernetes API server: it picks a free address from the cluster’s pod range',
              correct: false,
              explanation:
                'Kubernetes only records the address in `status.podIP`, as the kubelet reports it. The address is chosen on the node, by the CNI plugin that containerd runs while it creates the pod’s sandbox.',
            },
            {
              text: 'An overlay network: a private range that exists only inside the cluster, tunnelled between nodes',
              correct: false,
              explanation:
                'Some CNI plugins work that way (flannel’s VXLAN, for example); the Amazon VPC CNI does not. There is no tunnel and no encapsulation: any host in the VPC reaches the pod’s address directly.',
            },
            {
              text: 'A bridge on the node, like Docker’s `docker0`: a 172.17.x.x address, NATed to the node’s IP',
              correct: false,
              explanation:
                'There is no bridge. Each pod gets its own veth pair and a `/32` route on the node, and traffic inside the VPC keeps the pod’s address.',
            },
            {
              text: 'The VPC CNI plugin on the node: a secondary IP of one of the node’s network interfaces (ENIs), a real address of the VPC subnet',
              correct: true,
              explanation:
                'Right. containerd runs `/opt/cni/bin/aws-cni`, which asks ipamd, the address manager in the `aws-node` pod, for a free secondary IP. EC2 assigned those addresses to the node’s ENIs from the subnet, like any other VPC address.',
            },
          ],
        },
      },
      hints: ['On EKS, which AWS object owns every private IP address in a VPC?'],
      notes: {
        say: 'Let the room vote. People who know Docker pick the bridge, people who know flannel or Calico pick the overlay; both are real designs, just not this one.',
        question:
          'Does every Kubernetes cluster do it this way? No: CNI is an interface, and each plugin decides. The VPC CNI is EKS’s default; clusters can swap it for Cilium or Calico.',
        minutes: 2,
      },
      solution: { answer: 3 },
    },
    {
      id: 'run',
      title: 'Start a pod and watch the CNI ADD',
      say: `Run \`${RUN}\`, then \`kubectl get pods -A -o wide\`. In the Events panel, one line tells you what happened on the node: \`CNI ADD default/bb ${BB_IP}/32 on ${BB_VETH}\`. In the table, \`bb\` and the two \`coredns\` pods have VPC addresses, while \`aws-node\` and \`kube-proxy\` show the node’s own IP: they use the host network and need no address of their own.`,
      highlight: [BB, THE_NODE],
      complete: { command: 'kubectl get pods -A' },
      hints: [
        'busybox has the `ip` tool you need later; nginx has none.',
        'The CNI ADD line is in the Node layer of the Events panel: the kubelet asked containerd for a sandbox, containerd made a network namespace and ran the plugin, the plugin asked ipamd.',
      ],
      notes: {
        say: 'Walk the chain once aloud: scheduler binds the pod, the kubelet calls containerd (RunPodSandbox), containerd starts the pause container in a new network namespace and executes the CNI plugin with CNI_COMMAND=ADD, the plugin gets an address from ipamd over gRPC and wires the namespace up.',
        question:
          'What is the pause container? The process that holds the pod’s network namespace open, so the app containers can restart without losing the pod’s IP.',
        minutes: 3,
      },
      solution: { commands: [RUN, 'sleep 5', 'kubectl get pods -A -o wide'] },
    },
    {
      id: 'node-side',
      title: 'The node’s half of the plumbing',
      say: `Log in with \`ssh ${NODE}\` and read the plugin’s own log: \`tail -n 3 /var/log/aws-routed-eni/plugin.log\` shows the ADD request for \`bb\`, ipamd’s answer \`${BB_IP}\` and \`SetupPodNetwork\`. Then \`ip link\`: \`${BB_VETH}\` is the host end of a veth pair whose other end lives in the pod’s namespace (\`link-netns cni-…\`). Finally \`ip route\`: \`${BB_IP} dev ${BB_VETH} scope link\` sends the pod’s traffic down that veth, with no bridge anywhere.`,
      highlight: [THE_NODE],
      complete: { command: 'ip route', mode: 'node' },
      hints: [
        '`ip addr` shows `ens5` with the node IP and `ens6`, a second ENI that ipamd attached: the pod addresses are not on either of them as interface addresses.',
        `\`ip rule\` has \`512: from all to ${BB_IP} lookup main\`: traffic to the pod always uses the main table, where the veth route is.`,
        'The veth name is `eni` plus the first 11 hex digits of the SHA-1 of `default.bb`: the plugin can find it again without storing anything.',
      ],
      notes: {
        say: 'Point out that the pod IP appears in no `inet` line of the node: EC2 delivers it to the ENI, and the node routes it to the veth. That is why it needs no overlay.',
        question:
          'Why a /32 route per pod and no subnet route? Every pod is its own point-to-point link; the plugin adds and removes one route per pod.',
        minutes: 4,
      },
      solution: {
        commands: [
          `ssh ${NODE}`,
          'tail -n 3 /var/log/aws-routed-eni/plugin.log',
          'ip link',
          'ip route',
        ],
      },
    },
    {
      id: 'pod-side',
      title: 'The pod’s half',
      say: 'Go back with `exit` and look from inside the pod: `kubectl exec bb -- ip addr`, `kubectl exec bb -- ip route` and `kubectl exec bb -- ip neigh`. `eth0` holds the address as a `/32`, the default route goes via `169.254.1.1`, and a `PERMANENT` neighbour entry maps that address to the MAC of the host end of the veth.',
      highlight: [BB],
      complete: { command: 'kubectl exec {pod} -- ip neigh' },
      hints: [
        '`169.254.1.1` is a link-local address nobody owns: the static entry spares the pod an ARP query that nothing would answer, so every packet goes straight down the veth.',
        'With a `/32` the pod has no neighbours on a subnet: even a pod on the same node is reached through the node.',
      ],
      notes: {
        say: 'This is the trick of the VPC CNI: a fake gateway with a static ARP entry. The pod thinks it talks to a router; in fact the host kernel receives everything and routes it.',
        question:
          'Is 169.254.1.1 the same in every pod? Yes, on every node: it never leaves the veth, so the address can repeat.',
        minutes: 3,
      },
      solution: {
        commands: [
          'exit',
          'kubectl exec bb -- ip addr',
          'kubectl exec bb -- ip route',
          'kubectl exec bb -- ip neigh',
        ],
      },
    },
    {
      id: 'warm-pool',
      title: 'How many addresses does the node hold?',
      say: 'Three pods on this node have VPC addresses: the two `coredns` pods and `bb`. ipamd had an address ready the moment `bb` asked. Decide how many secondary IPs the node holds right now.',
      highlight: [THE_NODE],
      complete: {
        predict: {
          question: 'How many secondary IPs has ipamd taken from the subnet for this node?',
          choices: [
            {
              text: '3: one per pod, requested from EC2 as each pod starts',
              correct: false,
              explanation:
                'An EC2 API call at every pod start would make pods wait for EC2, and its rate limits. ipamd asks ahead of time and keeps spare addresses warm.',
            },
            {
              text: '10: two ENIs with 5 each, so that a whole spare ENI’s worth stays free',
              correct: true,
              explanation:
                'Right. `WARM_ENI_TARGET` is 1 by default: ipamd keeps one ENI’s worth of addresses (5 on a t3.medium) unused. When the coredns pods took two of the primary ENI’s five, it attached a second ENI with five more; now 3 are used and 7 are warm.',
            },
            {
              text: '15: everything the node can ever hold, taken at boot',
              correct: false,
              explanation:
                'ipamd grows the pool only as pods use it: the third ENI comes when fewer than five addresses are free. Addresses it does not need stay in the subnet for other nodes.',
            },
            {
              text: '256: a /24 for the node, as other clusters give each node a pod range',
              correct: false,
              explanation:
                'That is the `podCIDR` model of kubenet, flannel or Calico. The VPC CNI takes single addresses from the VPC subnet, so pods and nodes share the subnet’s addresses.',
            },
          ],
        },
      },
      hints: ['What does a pod have to wait for if ipamd has no free address when it starts?'],
      notes: {
        say: 'The misconception: "a node takes one IP per pod". The warm pool is why a pod starts in milliseconds, and why a big cluster uses far more subnet addresses than it has pods.',
        minutes: 2,
      },
      solution: { answer: 1 },
    },
    {
      id: 'enis',
      title: 'Ask EC2',
      say: `List every address of the node’s ENIs: \`${ENIS}\`. Each ENI prints two lines, its ID, then its addresses: the first is the ENI’s own primary address (\`${NODE_IP}\` is the node’s), never given to a pod; the other five are secondary IPs. \`${BB_IP}\` is among them: \`bb\` holds a real VPC address, and EC2 knows which ENI carries it.`,
      highlight: [THE_NODE, { kind: 'Subnet', name: SUBNET }],
      complete: { command: 'aws ec2 describe-network-interfaces' },
      hints: [
        `ipamd’s own view of the same pool, from the node: \`curl -s localhost:61679/v1/enis\` starts with \`"TotalIPs":10,"AssignedIPs":3\`. ipamd listens on 127.0.0.1 only: \`curl http://${NODE_IP}:61679/v1/enis\` is refused at once.`,
        'The second ENI’s description is `aws-K8S-i-…`: ipamd created it, and deletes it again once it is surplus (or EC2 does, with the instance).',
        '`aws ec2 describe-subnets` shows `AvailableIpAddressCount` of the subnet going down by one for every address ipamd takes, used or warm.',
      ],
      notes: {
        say: 'Count with the class: 2 ENIs, 6 addresses each, 2 of them primaries, so 10 secondary IPs for 3 pods. Then ask what happens when pods eat into the spare ENI.',
        question:
          'Can something outside the cluster reach 192.168.21.196? Yes, any host in the VPC whose security group allows it, and a peered VPC too: it is an ordinary VPC address.',
        minutes: 3,
      },
      solution: { commands: [ENIS] },
    },
    {
      id: 'max-pods',
      title: 'How many pods fit?',
      // the node's map label shows "n/17 pods"
      conceal: ['Node'],
      say: 'A t3.medium takes at most 3 ENIs, each with 6 IPv4 addresses, and it has 2 vCPUs and 4 GiB of memory. Four system pods and `bb` run on it. Decide how many pods the node accepts in all.',
      complete: {
        predict: {
          question: 'How many pods can this t3.medium run?',
          choices: [
            {
              text: '110: the kubelet’s default for every node',
              correct: false,
              explanation:
                '110 is the upstream default. EKS nodes set the kubelet’s `maxPods` from the instance type, with the VPC CNI’s formula, because a pod without an address cannot start.',
            },
            {
              text: 'About 8: it depends on the 2 vCPUs and 4 GiB',
              correct: false,
              explanation:
                'CPU and memory requests limit pods separately; a pod that requests nothing still needs an address. On the VPC CNI the pod limit follows ENIs × addresses per ENI.',
            },
            {
              text: '17: 3 ENIs × (6 − 1) secondary IPs, plus 2 pods on the host network',
              correct: true,
              explanation:
                'Right. Each ENI gives 5 addresses to pods (its primary is not for pods), so 15 pods with their own IP, plus `aws-node` and `kube-proxy`, which use the node’s IP. The formula is `maxENIs × (IPv4perENI − 1) + 2`.',
            },
            {
              text: '15: one pod per secondary IP, 3 × 5',
              correct: false,
              explanation:
                'That counts the pods that need an address. `aws-node` and `kube-proxy` use the host network and count as pods too, hence the `+ 2` of the formula.',
            },
          ],
        },
      },
      hints: ['Which pods in `kubectl get pods -A -o wide` did not need an address of their own?'],
      notes: {
        say: 'Write the formula on the board: 3 × (6 − 1) + 2 = 17. The class usually splits between 110 and a CPU-based guess.',
        question:
          'Why not raise maxPods? Then the 16th pod with its own IP would be scheduled and wait forever for an address. Prefix delegation (/28 per slot) is the supported way to get more.',
        minutes: 2,
      },
      solution: { answer: 2 },
    },
    {
      id: 'fill',
      title: 'Fill the node',
      say: `Run \`${FILL}\`: with \`bb\` and the four system pods that makes 17. When the spare ENI runs low, ipamd attaches a third ENI (\`ens7\`) with five more addresses: untick Kubernetes and Node in the Events panel to find it among the AWS events. Then \`kubectl describe node\` shows \`pods: 17\` under Capacity and Allocatable.`,
      highlight: [THE_NODE, WEB],
      complete: { command: 'kubectl describe node' },
      hints: [
        'Under `Non-terminated Pods` the node lists 17 pods once all of `web` is scheduled.',
        'Back on the node, `ip rule` now has `1536: from <pod IP> lookup 2` and `lookup 3` lines: replies from pods whose address belongs to the second or third ENI leave through that ENI.',
      ],
      notes: {
        say: 'The node is now full in two ways at once: 17 pods for the kubelet, 15 of 15 secondary IPs for ipamd. The formula makes them the same number on purpose.',
        question:
          'Where does 17 come from in the node object? The kubelet’s `maxPods`, which the EKS AMI computes from the instance type when the node boots.',
        minutes: 3,
      },
      solution: { commands: [FILL, 'sleep 10', 'kubectl describe node'] },
    },
    {
      id: 'eighteenth',
      title: 'The 18th pod',
      say: 'The node runs 17 pods and every secondary IP is taken. Next you scale `web` to 13 replicas. Decide what happens to the new pod.',
      highlight: [THE_NODE],
      complete: {
        predict: {
          question: 'What happens to the 18th pod on this t3.medium?',
          choices: [
            {
              text: 'It starts: the node still has plenty of CPU and memory',
              correct: false,
              explanation:
                'The scheduler treats `pods: 17` as a resource like CPU. With 17 pods bound, the node has no room, however idle it is.',
            },
            {
              text: 'It stays Pending: the scheduler finds no node with room for another pod',
              correct: true,
              explanation:
                'Right. The scheduler never binds it, so no CNI ADD runs; `kubectl describe pod` shows `Too many pods`. More nodes, or bigger instance types, are the fix.',
            },
            {
              text: 'It is scheduled, then waits in ContainerCreating for an address',
              correct: false,
              explanation:
                'That happens when the CNI has no address for a pod the scheduler already placed, for example if `maxPods` were set higher than the addresses. Here the scheduler stops first; you meet that error in the next steps anyway.',
            },
            {
              text: 'ipamd attaches a fourth ENI and the pod gets its address there',
              correct: false,
              explanation:
                'A t3.medium takes at most three ENIs; EC2 refuses a fourth. The limit belongs to the instance type, not to Kubernetes.',
            },
          ],
        },
      },
      hints: ['Which component decides whether a pod may go to a node at all?'],
      notes: {
        say: 'This is the click of the lesson. Ask who has seen a pod Pending on a half-idle node: this is one of the reasons.',
        minutes: 2,
      },
      solution: { answer: 1 },
    },
    {
      id: 'pending',
      title: 'Too many pods',
      say: `Run \`kubectl scale deployment web --replicas=13\`, then \`${PENDING}\` to find the new pod. \`kubectl describe pod\` with its name ends with the scheduler’s verdict: \`0/1 nodes are available: 1 Too many pods.\``,
      highlight: [WEB],
      complete: { command: 'kubectl describe pod {name}' },
      hints: [
        'The line is long: scroll the console sideways, or read the same message in the Events panel.',
        'The message counts nodes: here 0 of 1 node can take the pod, and the 1 node was rejected for `Too many pods`.',
        '`preemption: … No preemption victims found` means no pod with a lower priority could be evicted to make room.',
      ],
      notes: {
        say: 'Read the message aloud. On a real cluster with many nodes, a list of reasons per node appears here, and Too many pods is a common one on small instance types.',
        question:
          'Would the Cluster Autoscaler or Karpenter help? Yes: a Pending pod that does not fit is exactly what makes them add a node.',
        minutes: 2,
      },
      solution: {
        commands: [
          'kubectl scale deployment web --replicas=13',
          'sleep 5',
          PENDING,
          `kubectl describe pod ${EIGHTEENTH}`,
        ],
      },
    },
    {
      id: 'free-a-slot',
      title: 'Free a slot',
      say: 'Make room with `kubectl delete pod bb`; it returns after bb’s 30 s grace period, because `sleep` runs as the container’s PID 1 with no SIGTERM handler, and the kernel does not deliver a signal’s default action to a namespace’s init, so the kubelet waits, then kills it. The CNI DEL gives bb’s address back to ipamd, and the scheduler binds the 18th pod at once. Describe that pod again: its sandbox fails with `failed to assign an IP address to container`, because the only free address is still cooling down.',
      highlight: [WEB],
      complete: { command: 'kubectl describe pod {name}' },
      hints: [
        'The Events panel shows `CNI DEL default/bb`, then failed `CNI ADD` lines for the new pod.',
        // the reason the VPC CNI README gives for IP_COOLDOWN_PERIOD (aws/amazon-vpc-cni-k8s README.md)
        'ipamd keeps a released address unused for 30 s (`IP_COOLDOWN_PERIOD`): kube-proxy on every node needs time to remove it from the Service rules, or a new pod with that address would receive traffic meant for the old one.',
      ],
      notes: {
        say: 'This is what IP exhaustion looks like: the pod is scheduled but stays in ContainerCreating, with `FailedCreatePodSandBox` events naming the CNI plugin. The same message appears when a subnet runs out of addresses.',
        question:
          'Why not hand out the address at once? If the old pod was a Service endpoint, every node’s kube-proxy must first drop it from its rules; until then connections could still be sent to that address.',
        minutes: 3,
      },
      solution: {
        commands: ['kubectl delete pod bb', 'sleep 2', `kubectl describe pod ${EIGHTEENTH}`],
      },
    },
    {
      id: 'cooldown',
      title: 'Wait out the cooldown',
      say: `The kubelet retries the sandbox every 10 s. 30 s after the CNI DEL of \`bb\`, ipamd hands out its old address again, and the Events panel shows \`CNI ADD\` for the 18th pod with \`${BB_IP}/32\`. This step completes when that pod has its address.`,
      highlight: [WEB],
      complete: {
        event: {
          type: 'cni.add',
          where: { namespace: 'default', pod: { prefix: 'web-' }, ip: { prefix: '192.168.' } },
        },
      },
      hints: [
        'Nothing moving? Press Play in the toolbar, or raise the speed.',
        '`kubectl get pods -o wide` then shows the new pod Running with `bb`’s old address.',
      ],
      notes: {
        say: 'Recap the arc: a pod’s address is a VPC secondary IP that ipamd had warm; the node’s limit is the ENI arithmetic; when addresses run out the CNI says so in the pod’s events.',
        minutes: 2,
      },
      solution: {
        wait: 'the kubelet retries the sandbox until the 30 s cooldown of bb’s address ends',
      },
    },
  ],
  recap: [
    'When a pod starts, the kubelet asks containerd for a sandbox; containerd creates a network namespace and runs the CNI plugin, which takes an address from ipamd, creates the veth pair, puts the `/32` and the route via `169.254.1.1` in the pod and a route to the veth on the node.',
    'On EKS a pod’s IP is a secondary IP of one of the node’s ENIs: a real VPC address, no overlay. ipamd keeps a warm pool (a spare ENI’s worth by default) so pods never wait for EC2.',
    'Max pods on the VPC CNI is `ENIs × (IPv4 per ENI − 1) + 2`: 17 on a t3.medium. The pod over it stays Pending with `Too many pods`; a pod with no free address waits with `failed to assign an IP address to container`.',
  ],
  tryIt: {
    task: 'Predict first, then check: compute max pods for a t3.small (3 ENIs, 4 addresses each) and an m5.large (3 ENIs, 10 each). Then count how many subnet addresses this one node holds: compare `AvailableIpAddressCount` of its subnet with the 8187 a /19 offers (the NAT gateway holds one).',
    commands: [
      `aws ec2 describe-subnets --subnet-ids ${SUBNET} --query 'Subnets[].AvailableIpAddressCount'`,
      `aws ec2 describe-network-interfaces --filters Name=attachment.instance-id,Values=${INSTANCE}`,
    ],
  },
} satisfies Scenario

export default cni
