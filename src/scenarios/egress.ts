import type { Scenario } from './types.ts'

// "What happens when a pod calls the internet?" (LESSONS.md §6, FIDELITY.md §5.5 and §6). The
// default cluster: three t3.medium nodes in eksctl's public subnets, each with a public IPv4; one
// NAT gateway in the first public subnet for the private subnets. The setup starts `client`
// (curlimages/curl) and an nginx pod `web` behind a Service. checkip.amazonaws.com answers with the
// address it sees, which is the whole lesson: the node's public IP from a public subnet, the NAT
// gateway's Elastic IP from a private one, and inside the VPC the pod IP itself (nginx's access log).
// Names and addresses checked against the headless replay with seed 1 (`__tests__/egress.test.ts`
// asserts what the narration states); the narration names no address, because a browser session
// may draw different ones, and tells the learner which command shows each.

/** `client`'s node in the headless replay with seed 1 (a browser session may differ) */
const NODE = 'ip-192-168-83-74.us-west-2.compute.internal'
const CHECKIP = 'kubectl exec client -- curl -s https://checkip.amazonaws.com'
const INSTANCES = `aws ec2 describe-instances --query 'Reservations[].Instances[].[PrivateIpAddress,PublicIpAddress]' --output text`
const TRACE = 'kubectl exec client -- curl -v https://example.com'
const ROUTES = `aws ec2 describe-route-tables --query 'RouteTables[].[RouteTableId,Routes[?DestinationCidrBlock==\`0.0.0.0/0\`].[GatewayId,NatGatewayId]]' --output text`
const PRIVATE_NG =
  'eksctl create nodegroup --cluster demo --name private --node-type t3.medium --nodes 1 --node-private-networking'
const PRIVATE_POD = `kubectl run private-client --image=curlimages/curl --overrides='{"spec":{"nodeSelector":{"eks.amazonaws.com/nodegroup":"private"}}}' --command -- sleep infinity`
const PRIVATE_CHECKIP = 'kubectl exec private-client -- curl -s https://checkip.amazonaws.com'
const NAT_EIP = `aws ec2 describe-nat-gateways --query 'NatGateways[].NatGatewayAddresses[].[PrivateIp,PublicIp]' --output text`
const WEB_CURL = 'kubectl exec client -- curl -s -o /dev/null -w "%{http_code}\\n" http://web'

const CLIENT = { kind: 'Pod', namespace: 'default', name: 'client' }
const PRIVATE_CLIENT = { kind: 'Pod', namespace: 'default', name: 'private-client' }
const WEB = { kind: 'Pod', namespace: 'default', name: 'web' }
const COREDNS = { kind: 'Pod', namespace: 'kube-system', namePrefix: 'coredns-' }
const IGW = { kind: 'InternetGateway', namePrefix: 'igw-' }
const NAT = { kind: 'NatGateway', namePrefix: 'nat-' }
const SUBNETS = { kind: 'Subnet', namePrefix: 'subnet-' }

export const egress = {
  id: 'egress',
  title: 'What happens when a pod calls the internet?',
  summary:
    'Follow one HTTPS request from a pod to example.com and back: DNS through CoreDNS, the node’s SNAT to its own IP, the subnet’s route table, and the internet gateway or a NAT gateway. Then see which address the server sees, and why pod-to-pod traffic keeps the pod IP.',
  topic: 'egress',
  minutes: 30,
  seed: 1,
  setup: [
    'kubectl run client --image=curlimages/curl --command -- sleep infinity',
    'kubectl run web --image=nginx',
    'kubectl expose pod web --port=80',
  ],
  steps: [
    {
      id: 'who-is-seen',
      title: 'Which address does the server see?',
      say: 'The pod `client` runs on a node in a public subnet. It will ask `checkip.amazonaws.com`, a service that answers with the source address it received. Decide what it prints before you run it.',
      highlight: [CLIENT],
      complete: {
        predict: {
          question: 'Which address does checkip.amazonaws.com see when `client` calls it?',
          choices: [
            {
              text: 'The pod’s IP (`kubectl get pod client -o wide`)',
              correct: false,
              explanation:
                'A pod IP is a private VPC address (a secondary IP of the node’s ENI). Private addresses are not routed on the internet, so it never leaves the VPC as a source: the node rewrites it first.',
            },
            {
              text: 'The node’s private IP',
              correct: false,
              explanation:
                'The node does rewrite the source to its own private IP, but that is private too. The internet gateway translates it once more, to the public IP associated with it.',
            },
            {
              text: 'The node’s public IP',
              correct: true,
              explanation:
                'Right: two translations. The node SNATs the pod IP to its own private IP (the VPC CNI’s `AWS-SNAT-CHAIN-0`), and the internet gateway maps that private IP 1:1 to the instance’s public IPv4.',
            },
            {
              text: 'The NAT gateway’s Elastic IP',
              correct: false,
              explanation:
                'A NAT gateway serves private subnets. This node’s subnet routes `0.0.0.0/0` straight to the internet gateway; you will meet the NAT gateway later in this lesson.',
            },
          ],
        },
      },
      hints: ['Is a `192.168.x.y` address usable as a source on the internet?'],
      notes: {
        say: 'Let the class vote. Most say the pod IP or the NAT gateway; both are common beliefs worth naming.',
        question:
          'Why would it matter which address the server sees? Allow-lists on the far side (a partner API, a database firewall) must name it.',
        minutes: 2,
      },
      solution: { answer: 2 },
    },
    {
      id: 'checkip',
      title: 'Ask the internet',
      say: `Run \`${CHECKIP}\`, then list the nodes’ private and public addresses: \`${INSTANCES}\`. The answer is the public IP of the node that runs \`client\` (find it with \`kubectl get pod client -o wide\`).`,
      highlight: [CLIENT, IGW],
      complete: { command: 'aws ec2 describe-instances' },
      hints: [
        '`kubectl get pod client -o wide` shows the pod’s IP and its node; the node’s name holds its private IP.',
        'The instance never sees its public IP: it is not on any interface (`ip addr` on the node shows only private addresses). The internet gateway holds the mapping.',
      ],
      notes: {
        say: 'Point at the map: the request left through the internet gateway at the top of the VPC. Nothing inside the VPC owns the public address.',
        minutes: 3,
      },
      solution: { commands: ['sleep 20', 'kubectl get pod client -o wide', CHECKIP, INSTANCES] },
    },
    {
      id: 'dns',
      title: 'First, a name',
      say: 'Before any packet to example.com, `client` needs its address. Run `kubectl exec client -- nslookup example.com`. The pod asks CoreDNS at `10.100.0.10`; CoreDNS is not authoritative for example.com, so it forwards the query to the VPC’s resolver at `192.168.0.2` (Route 53 Resolver), hence `Non-authoritative answer`.',
      highlight: [CLIENT, COREDNS],
      complete: { command: 'kubectl exec client -- nslookup example.com' },
      hints: [
        '`kubectl exec client -- cat /etc/resolv.conf` shows the nameserver and the search list the kubelet wrote for the pod.',
        'The Packet path tab lists the DNS flows: the pod to the kube-dns ClusterIP (DNATed to a CoreDNS pod), and CoreDNS to 192.168.0.2.',
      ],
      notes: {
        say: 'DNS is the first egress of every request, and it stays inside the VPC: CoreDNS to the Amazon-provided resolver at the VPC base address plus two.',
        question:
          'Why four search domains and `ndots:5`? A name with fewer than five dots is tried with each search suffix first; `example.com.` with a trailing dot skips them.',
        minutes: 3,
      },
      solution: { commands: ['kubectl exec client -- nslookup example.com'] },
    },
    {
      id: 'trace',
      title: 'One HTTPS request, hop by hop',
      say: `Run \`${TRACE}\`. In curl’s trace, \`Established connection … from\` names the pod’s own IP: the pod believes it talks from its address. Now open the **Packet path** tab and pick this flow (\`HTTP GET /\` to example.com). Step through the request: at \`POSTROUTING\` the source becomes the node’s IP, at the internet gateway its public IP.`,
      highlight: [CLIENT, IGW],
      complete: { command: 'kubectl exec client -- curl -v https://example.com' },
      hints: [
        'The line above the lanes sums up the source translations of the flow.',
        'The reply lane runs backwards: the internet gateway turns the public IP back into the node IP, and conntrack on the node turns it back into the pod IP.',
      ],
      notes: {
        say: 'Walk the hops aloud: pod eth0, the veth, PREROUTING (connmark), the routing decision (ip rule 1024 for marked packets), FORWARD, POSTROUTING (SNAT), the subnet’s route table, the internet gateway, example.com.',
        question:
          'Does TLS change any of this? No: TLS is inside the TCP payload; every translation here rewrites IP and TCP headers only.',
        minutes: 4,
      },
      solution: { commands: [TRACE] },
    },
    {
      id: 'snat',
      title: 'The rule that rewrites, and the entry that remembers',
      say: 'Open a shell on `client`’s node: `ssh`, then the name in the NODE column of `kubectl get pod client -o wide`. Print the VPC CNI’s chain: `iptables -t nat -S AWS-SNAT-CHAIN-0`. The first rule RETURNs for the VPC CIDR `192.168.0.0/16`; everything else is SNATed to the node’s primary IP, with `--random-fully` picking the port. Then `conntrack -L`: the example.com entry pairs the pod’s tuple with a reply addressed to the node IP.',
      highlight: [CLIENT],
      complete: { command: 'conntrack -L', mode: 'node' },
      hints: [
        'In a conntrack line the first `src=` is the pod; the second `dst=` is where replies go: the node’s IP. That pair is how the reply finds its way back to the pod.',
        '`mark=128` is 0x80: the connmark `AWS-CONNMARK-CHAIN-0` set, so `ip rule` 1024 (`fwmark 0x80/0x80 lookup main`) sends the packet out of the primary ENI, where the SNAT applies. See it with `ip rule`.',
      ],
      notes: {
        say: 'kube-proxy is not involved: no Service here. The SNAT rule belongs to the VPC CNI (aws-node writes it at start), and the kernel does the work.',
        question:
          'Why SNAT to the node IP and not leave the pod IP? The internet gateway translates only the node’s primary private IP, which has a public IP; see the next question. (A NAT gateway would translate a pod IP too: that is what `AWS_VPC_K8S_CNI_EXTERNALSNAT=true` relies on.)',
        minutes: 4,
      },
      solution: {
        commands: [`ssh ${NODE}`, 'iptables -t nat -S AWS-SNAT-CHAIN-0', 'conntrack -L'],
      },
    },
    {
      id: 'without-snat',
      title: 'Could the gateway do it alone?',
      say: 'Imagine the node did not SNAT (the VPC CNI has a switch for that, `AWS_VPC_K8S_CNI_EXTERNALSNAT=true`). The packet reaches the internet gateway with the pod’s IP as its source. Decide what the gateway does.',
      highlight: [IGW],
      complete: {
        predict: {
          question: 'A packet from a pod IP reaches the internet gateway. What happens?',
          choices: [
            {
              text: 'The gateway translates it to the node’s public IP',
              correct: false,
              explanation:
                'The internet gateway does a 1:1 static translation for a private IP that has a public IPv4 or Elastic IP associated. A pod’s secondary IP has none, and the gateway does not know which instance it belongs to.',
            },
            {
              text: 'The gateway drops it: no public address is associated with that private IP',
              correct: true,
              explanation:
                'Right. The gateway translates only addresses with a public association. That is why the VPC CNI SNATs pod traffic to the node’s primary IP, which has one.',
            },
            {
              text: 'It reaches example.com with the pod IP, and the reply comes back',
              correct: false,
              explanation:
                '`192.168.0.0/16` is private address space (RFC 1918): no router on the internet forwards it, so nothing could answer it anyway.',
            },
            {
              text: 'The gateway hands it to the NAT gateway',
              correct: false,
              explanation:
                'Gateways follow route tables; the internet gateway does not forward to a NAT gateway. Which gateway a packet reaches is decided by the route table of the subnet it leaves.',
            },
          ],
        },
      },
      hints: ['Which addresses does an internet gateway translate?'],
      notes: {
        say: 'The try-it at the end flips the switch so the class can watch the packet die at the internet gateway.',
        minutes: 2,
      },
      solution: { answer: 1 },
    },
    {
      id: 'route-tables',
      title: 'Who decides the gateway',
      say: `Leave the node with \`exit\` and read the route tables’ default routes: \`${ROUTES}\`. The public subnets share one table whose \`0.0.0.0/0\` goes to the internet gateway; each private subnet’s table sends it to the NAT gateway. Inside the VPC every table has the implicit \`local\` route, so pod-to-pod traffic never reaches a gateway.`,
      highlight: [SUBNETS, IGW, NAT],
      complete: { command: 'aws ec2 describe-route-tables' },
      hints: [
        'Without `--query`, `aws ec2 describe-route-tables` shows every route, including `192.168.0.0/16 → local`, and which subnets each table is associated with.',
        'The table with no default route is the VPC’s main route table, which no eksctl subnet uses.',
      ],
      notes: {
        say: 'The route table belongs to the subnet, not to the instance: move a node to another subnet and its traffic takes another gateway.',
        minutes: 2,
      },
      solution: { commands: ['exit', ROUTES] },
    },
    {
      id: 'private-predict',
      title: 'A node without a public IP',
      say: 'Nodes in private subnets have no public IP, and their route table sends `0.0.0.0/0` to the NAT gateway. Decide whether a pod there can reach example.com, and which address the server would see.',
      highlight: [NAT],
      complete: {
        predict: {
          question:
            'A pod on a node in a private subnet calls checkip.amazonaws.com. What happens?',
          choices: [
            {
              text: 'It fails: private subnets cannot reach the internet',
              correct: false,
              explanation:
                'They cannot be reached from the internet, but they can call out: their default route goes to a NAT gateway in a public subnet.',
            },
            {
              text: 'It works; the server sees the node’s private IP',
              correct: false,
              explanation:
                'A private IP cannot cross the internet. The NAT gateway rewrites the source once more.',
            },
            {
              text: 'It works; the server sees the NAT gateway’s Elastic IP',
              correct: true,
              explanation:
                'Right: two translations in a row. The node SNATs the pod IP to its own IP (the VPC CNI does so whatever the subnet), then the NAT gateway replaces that with its Elastic IP and a port of its own.',
            },
            {
              text: 'It works; the server sees the pod IP, because SNAT is off in private subnets',
              correct: false,
              explanation:
                'The VPC CNI SNATs by default in every subnet (`AWS_VPC_K8S_CNI_EXTERNALSNAT=false`). And a pod IP would not survive the internet anyway.',
            },
          ],
        },
      },
      hints: ['Where does the private route table send `0.0.0.0/0`?'],
      notes: {
        say: 'This is the production layout most teams use: nodes in private subnets, one NAT gateway per AZ, and the Elastic IPs on the partner’s allow-list.',
        question:
          'Why one NAT gateway per AZ? A NAT gateway lives in one AZ; eksctl’s default (single) makes the other AZs depend on it and pay cross-AZ traffic.',
        minutes: 2,
      },
      solution: { answer: 2 },
    },
    {
      id: 'private-nodegroup',
      title: 'Add a private node group',
      say: `Create one node in the private subnets: \`${PRIVATE_NG}\`. eksctl waits for the node group’s CloudFormation stack, about two minutes of simulated time; the new node joins NotReady and turns Ready once aws-node starts on it.`,
      highlight: [SUBNETS],
      complete: { command: 'eksctl create nodegroup --node-private-networking' },
      hints: [
        '`kubectl get nodes -L eks.amazonaws.com/nodegroup` shows which group each node belongs to.',
        '`aws ec2 describe-instances` shows the new instance with a private IP from a private subnet and no public IP.',
      ],
      notes: {
        say: 'While eksctl waits, look at the map: the new instance appears in a private subnet, without a public IP.',
        minutes: 3,
      },
      solution: { commands: [PRIVATE_NG] },
    },
    {
      id: 'private-checkip',
      title: 'Through the NAT gateway',
      say: `Start a pod on the new node with a node selector: \`${PRIVATE_POD}\`. Read the NAT gateway’s private and Elastic IP with \`${NAT_EIP}\`; once the pod runs, ask again: \`${PRIVATE_CHECKIP}\`. The Packet path of this flow shows both translations: node IP at POSTROUTING, Elastic IP at the NAT gateway.`,
      highlight: [PRIVATE_CLIENT, NAT],
      complete: { command: PRIVATE_CHECKIP },
      hints: [
        '`kubectl get pod private-client -o wide` shows it on the private node; its IP comes from a private subnet.',
        'The NAT gateway keeps its own translation table (up to 55,000 connections to one destination per address); the internet gateway passes its Elastic IP through unchanged.',
      ],
      notes: {
        say: 'Same pod, same SNAT rule on its node; only the subnet’s route table differs. That is the whole difference between a public and a private node.',
        minutes: 3,
      },
      solution: { commands: [PRIVATE_POD, NAT_EIP, 'sleep 20', PRIVATE_CHECKIP] },
    },
    {
      id: 'pod-to-pod-predict',
      title: 'And between pods?',
      say: '`web` runs nginx on another node, behind the Service `web`. When `client` calls it, nginx logs the client address of every request. Decide which address it logs.',
      highlight: [CLIENT, WEB],
      complete: {
        predict: {
          question: 'Which client address does nginx in `web` log for a request from `client`?',
          choices: [
            {
              text: 'The node IP of `client`’s node: all pod traffic is SNATed',
              correct: false,
              explanation:
                'The VPC CNI’s first rule RETURNs for the VPC CIDR: traffic to another VPC address leaves with the pod IP. Only traffic leaving the VPC is SNATed.',
            },
            {
              text: '`client`’s pod IP',
              correct: true,
              explanation:
                'Right. Pod IPs are real VPC addresses, so the VPC routes them directly; kube-proxy DNATs the destination (ClusterIP to pod IP) on the client’s node, but leaves the source alone.',
            },
            {
              text: 'The Service’s ClusterIP',
              correct: false,
              explanation:
                'The ClusterIP is a destination, rewritten by DNAT on the client’s node. The source is not touched.',
            },
            {
              text: 'An overlay address: pods talk through a tunnel',
              correct: false,
              explanation:
                'The VPC CNI uses no overlay or encapsulation: pod IPs are secondary IPs of the nodes’ ENIs, routed by the VPC like any address.',
            },
          ],
        },
      },
      hints: ['What does the first rule of `AWS-SNAT-CHAIN-0` match?'],
      notes: {
        say: 'This is why NetworkPolicies and security groups for pods can work with pod IPs inside the VPC, and why an allow-list outside the VPC must name node or NAT addresses.',
        minutes: 2,
      },
      solution: { answer: 1 },
    },
    {
      id: 'pod-to-pod',
      title: 'The pod IP, end to end',
      say: `Call the Service with \`${WEB_CURL}\`, then read nginx’s last access log line: \`kubectl logs web --tail=1\`. The first field is \`client\`’s pod IP. In the Packet path, pick this flow (\`HTTP GET /\` to the ClusterIP) and choose **Compare with…** \`private-client\`’s checkip flow: one keeps its source end to end, the other is translated twice.`,
      highlight: [CLIENT, WEB],
      complete: { command: 'kubectl logs web' },
      hints: [
        '`kubectl get pods -o wide` shows both pods’ IPs and nodes.',
        'Inside the VPC the route table’s `local` route delivers the packet to the ENI that holds the pod IP: no gateway, no translation of the source.',
      ],
      notes: {
        say: 'Recap with the two lanes side by side: DNAT only for the Service call; SNAT to the node, then 1:1 NAT at the gateway, for the internet call.',
        minutes: 3,
      },
      solution: { commands: [WEB_CURL, 'kubectl logs web --tail=1'] },
    },
  ],
  recap: [
    'A pod’s request to the internet is SNATed on its node to the node’s primary IP (`AWS-SNAT-CHAIN-0`, except for the VPC CIDR); conntrack remembers the pair so the reply finds the pod.',
    'The subnet’s route table picks the gateway: a public subnet’s internet gateway maps the node IP 1:1 to its public IP; a private subnet’s NAT gateway replaces it with its Elastic IP. Two translations in a row either way.',
    'Inside the VPC nothing translates the source: pod IPs are VPC addresses and travel end to end; only a Service’s destination is DNATed, on the client’s node.',
  ],
  tryIt: {
    task: 'Predict first: with `AWS_VPC_K8S_CNI_EXTERNALSNAT=true` on aws-node, what happens to `client`’s call (public subnet) and to `private-client`’s (private subnet)? Set it, wait for the aws-node rollout, check the chain on a node, then call checkip from both pods (give curl `-m 5`) and open the Packet path of each flow.',
    commands: [
      'kubectl set env daemonset aws-node -n kube-system AWS_VPC_K8S_CNI_EXTERNALSNAT=true',
      'kubectl rollout status daemonset aws-node -n kube-system',
      'kubectl exec client -- curl -s -m 5 https://checkip.amazonaws.com',
      'kubectl exec private-client -- curl -s -m 5 https://checkip.amazonaws.com',
    ],
  },
} satisfies Scenario

export default egress
