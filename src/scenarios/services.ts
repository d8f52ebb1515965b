import type { Scenario } from './types.ts'

// "How does a Service route traffic to pods?" (LESSONS.md §3, FIDELITY.md §3 and §4). Names and
// outputs were checked against the headless replay of this scenario with seed 1: the setup puts
// `client` on ip-192-168-83-74, the three `web-6dc5cd68db-…` pods land one per node, the Service's
// chain is `KUBE-SVC-LOLE4ISW44XBNF3G` (a hash of `default/web:` and `tcp`, so the same in every
// cluster), and its ClusterIP comes from the EKS service CIDR 10.100.0.0/16 (it varies with the
// order of commands, so the narration never names it). Node and pod names may differ in the
// browser, so patterns use {wildcards}.

const NODE = 'ip-192-168-83-74.us-west-2.compute.internal'
export const WEB_SVC_CHAIN = 'KUBE-SVC-LOLE4ISW44XBNF3G'
const CREATE = 'kubectl create deployment web --image=nginx --replicas=3'
const SLICES = 'kubectl get endpointslices -l kubernetes.io/service-name=web'
const CURL = `kubectl exec client -- curl -s -o /dev/null -w "%{remote_ip} %{http_code}\\n" http://web`

const WEB_PODS = { kind: 'Pod', namespace: 'default', namePrefix: 'web-' }
const CLIENT = { kind: 'Pod', namespace: 'default', name: 'client' }
const NODES = { kind: 'Node', namePrefix: 'ip-' }

export const services = {
  id: 'services',
  title: 'How does a Service route traffic to pods?',
  summary:
    'Expose three nginx pods behind a Service, read the iptables rules kube-proxy writes on every node, and watch the kernel pick a pod at random for each new connection.',
  topic: 'services',
  minutes: 25,
  seed: 1,
  // a client pod to curl from (curlimages/curl also has busybox's ping and nslookup)
  setup: ['kubectl run client --image=curlimages/curl --command -- sleep infinity'],
  steps: [
    {
      id: 'deploy',
      title: 'Three pods to reach',
      say: `Create three nginx pods with \`${CREATE}\`. Each gets its own IP from the VPC, and any of them can serve the page.`,
      complete: { command: CREATE },
      highlight: [WEB_PODS],
      hints: ['`kubectl get pods -o wide` shows each pod’s IP and node once it runs.'],
      notes: {
        say: 'Pod IPs change whenever a pod is replaced. That is the problem a Service solves: one stable name and address in front of pods that come and go.',
        question:
          'Why not put the pod IPs in the client’s config? They change on every rollout, reschedule and scale event.',
        minutes: 2,
      },
      solution: { commands: [CREATE] },
    },
    {
      id: 'slice',
      title: 'A Service and its EndpointSlice',
      say: `Give the pods one address with \`kubectl expose deployment web --port=80\`, then read the list of pods behind it: \`${SLICES} -o yaml\`. The EndpointSlice controller wrote it, one endpoint per pod with its IP, its node and \`ready: true\`.`,
      complete: { command: SLICES },
      highlight: [WEB_PODS],
      hints: [
        '`kubectl get svc web` shows the ClusterIP the Service got from the EKS service range 10.100.0.0/16.',
        'The slice is named `web-` and five random characters, and labelled `kubernetes.io/service-name: web`.',
      ],
      notes: {
        say: 'The Service object only holds a selector and ports. The EndpointSlice controller in the control plane watches pods and keeps the slice in step: that is the list kube-proxy reads.',
        question:
          'What about the old Endpoints object? It is still written for compatibility, but kube-proxy reads EndpointSlices (by default since 1.19), and the Endpoints API is deprecated since 1.33.',
        minutes: 3,
      },
      solution: {
        commands: [
          'sleep 20',
          'kubectl expose deployment web --port=80',
          'sleep 1',
          `${SLICES} -o yaml`,
        ],
      },
    },
    {
      id: 'who-forwards',
      title: 'Who moves the packet?',
      say: 'A pod opens a connection to the Service’s ClusterIP on port 80. Something has to send that packet to one of the three pods. Decide what does before you look at a node.',
      complete: {
        predict: {
          question: 'Which process forwards this packet: kube-proxy or the kernel?',
          choices: [
            {
              text: '`kube-proxy`: it receives each packet for the ClusterIP and relays it to a pod',
              correct: false,
              explanation:
                'That was the old userspace mode, removed in Kubernetes 1.26. In iptables mode kube-proxy never sees a packet: it watches Services and EndpointSlices and writes netfilter rules.',
            },
            {
              text: 'The Linux kernel of the client’s node, following rules kube-proxy wrote',
              correct: true,
              explanation:
                'Right. kube-proxy on every node turns Services and EndpointSlices into iptables rules; netfilter in the kernel rewrites the destination (DNAT) of each new connection. If kube-proxy stops, existing rules keep working.',
            },
            {
              text: 'The Service object in the API server routes it',
              correct: false,
              explanation:
                'A Service is a record in etcd: a selector, ports and a ClusterIP. No packet ever reaches the control plane; the rules live on each node.',
            },
            {
              text: 'CoreDNS: it answers with a pod’s IP, so the packet goes straight there',
              correct: false,
              explanation:
                'For a ClusterIP Service, CoreDNS answers with the ClusterIP, not a pod IP (only a headless Service returns pod IPs). The translation happens later, on the node.',
            },
          ],
        },
      },
      hints: ['Which component runs on every node, and what does it write?'],
      notes: {
        say: 'The name "kube-proxy" invites the wrong answer. Let the room argue, then ssh in.',
        question:
          'What about IPVS or nftables mode? Same split: kube-proxy programs the kernel (IPVS tables or nftables), the kernel moves packets. EKS uses iptables mode by default.',
        minutes: 3,
      },
      solution: { answer: 1 },
    },
    {
      id: 'rules',
      title: 'kube-proxy’s rules on a node',
      say: 'Log in to any node with `ssh` and print the nat table’s rules for the Service: `iptables-save -t nat | grep web`. One rule in `KUBE-SERVICES` matches the ClusterIP and port 80 and jumps to a `KUBE-SVC-…` chain, which jumps to one `KUBE-SEP-…` chain per pod, whose rule DNATs to that pod’s IP.',
      complete: { command: 'iptables-save -t nat', mode: 'node' },
      highlight: [NODES],
      hints: [
        `Any node will do: \`kubectl get nodes\`, then for example \`ssh ${NODE}\`.`,
        'Every node has the same rules: each node’s kube-proxy watches the same Services and EndpointSlices.',
      ],
      notes: {
        say: 'Read one chain aloud: `KUBE-SERVICES` → `KUBE-SVC-LOLE4ISW44XBNF3G` → `KUBE-SEP-…` → `DNAT --to-destination 192.168.x.y:80`. The names are hashes, so they are the same in every cluster with a `default/web` port 80.',
        question:
          'Why is the same pod’s rule on every node? The node of the client does the translation, and any pod may be a client.',
        minutes: 4,
      },
      solution: { commands: ['sleep 2', `ssh ${NODE}`, 'iptables-save -t nat | grep web'] },
    },
    {
      id: 'round-robin',
      title: 'Which pod answers?',
      say: 'Look at the `KUBE-SVC-…` rules again: the first two carry `-m statistic --mode random --probability`. You are about to open three connections in a row from `client`. Decide which pods will answer them.',
      complete: {
        predict: {
          question: 'Three `curl` requests in a row: which pods answer?',
          choices: [
            {
              text: 'Each pod once, in turn: Services balance round-robin',
              correct: false,
              explanation:
                'iptables mode keeps no turn counter. Each new connection walks the `statistic` rules and picks at random; two in a row can land on the same pod (IPVS mode offers round-robin).',
            },
            {
              text: 'Always the same pod, because the client is stuck to it',
              correct: false,
              explanation:
                'Stickiness is per connection: conntrack remembers one connection’s choice for its later packets. A new `curl` is a new connection and a new draw, unless the Service sets `sessionAffinity: ClientIP`.',
            },
            {
              text: 'Any of them: each new connection picks a pod at random, one third each',
              correct: true,
              explanation:
                'Right. Rule 1 matches with probability 1/3; if not, rule 2 with 1/2 of the remaining; else rule 3. That makes 1/3 each. Three requests can hit one, two or three different pods.',
            },
            {
              text: 'The pod on the client’s own node, because local is faster',
              correct: false,
              explanation:
                'Only `internalTrafficPolicy: Local` keeps traffic on the node. By default (`Cluster`) every ready endpoint in the cluster is a candidate.',
            },
          ],
        },
      },
      hints: ['What does `--probability 0.50000000000` on the second rule mean for the rest?'],
      notes: {
        say: 'The "round-robin" answer is the most common one. The probabilities 1/3, 1/2, then no match condition are what make the draw uniform.',
        minutes: 2,
      },
      solution: { answer: 2 },
    },
    {
      id: 'curl',
      title: 'Three connections, three draws',
      say: `Go back with \`exit\` and run \`${CURL}\` three times: the client only ever sees the ClusterIP. Then ask the pods which of them served you: \`kubectl logs -l app=web --prefix --tail=2\`.`,
      complete: { command: 'kubectl logs -l app=web' },
      highlight: [CLIENT, WEB_PODS],
      hints: [
        'The access log line starts with the client pod’s IP and `"GET / HTTP/1.1" 200`.',
        'On the client’s node, `conntrack -L` shows each connection with its reply source: the pod that was picked.',
      ],
      notes: {
        say: 'Count the access log lines per pod. With three draws, all on one pod happens one time in nine; show it when it does.',
        question:
          'Does the pod see the ClusterIP? No: the DNAT rewrote the destination; the pod sees the client pod’s own IP as the source (no SNAT inside the VPC).',
        minutes: 3,
      },
      solution: {
        commands: [
          'exit',
          'sleep 2',
          CURL,
          CURL,
          CURL,
          'kubectl logs -l app=web --prefix --tail=2',
        ],
      },
    },
    {
      id: 'ping-predict',
      title: 'Is anyone at the ClusterIP?',
      say: 'The ClusterIP answered three HTTP requests. Now `client` sends it an ICMP echo. Decide what comes back.',
      complete: {
        predict: {
          question: '`ping` the Service’s ClusterIP from `client`: who answers?',
          choices: [
            {
              text: 'The Service itself: the ClusterIP is a virtual interface somewhere in the cluster',
              correct: false,
              explanation:
                'No interface anywhere holds a ClusterIP. It exists only as a `-d 10.100.x.y/32` match in the rules of every node.',
            },
            {
              text: 'One of the nginx pods, picked at random like the HTTP requests',
              correct: false,
              explanation:
                'The `KUBE-SERVICES` rule matches `-p tcp --dport 80` only. An ICMP echo matches no Service rule, so nothing DNATs it.',
            },
            {
              text: 'Nobody: the echo matches no rule and is lost',
              correct: true,
              explanation:
                'Right. Without a DNAT the packet keeps the ClusterIP as destination, and no host on the VPC owns that address. The ClusterIP is only a key in the rules for its ports.',
            },
            {
              text: 'kube-proxy, which listens on the ClusterIP',
              correct: false,
              explanation:
                'kube-proxy listens on no Service address in iptables mode (only on its health and metrics ports). It is not on the data path at all.',
            },
          ],
        },
      },
      hints: ['Which protocol and port does the `KUBE-SERVICES` rule for `web` match?'],
      notes: {
        say: 'This is where "the ClusterIP is on some pod" dies. People who debug with ping first lose an hour here.',
        question:
          'Does ping ever work? In IPVS mode, yes: kube-proxy binds every ClusterIP to the `kube-ipvs0` dummy interface, so the node itself answers. Not in iptables mode, the EKS default.',
        minutes: 2,
      },
      solution: { answer: 2 },
    },
    {
      id: 'ping',
      title: 'Ping the ClusterIP',
      say: 'Try it: `kubectl exec client -- ping -c 2 web`. The name resolves to the ClusterIP, and both echoes are lost.',
      complete: { command: 'kubectl exec {pod} -- ping', exitCode: 1 },
      highlight: [CLIENT],
      hints: [
        'The `PING web (10.100.…)` line shows the address the name resolved to: the ClusterIP.',
        'The command fails with exit code 1; that is the point.',
      ],
      notes: {
        say: 'Meanwhile `curl http://web` still works. A Service is reachable only on its ports, through rules.',
        question:
          'How do I test a Service then? `curl` or `nc -zv web 80` from a pod: a TCP connection to the right port.',
        minutes: 1,
      },
      solution: { commands: ['kubectl exec client -- ping -c 2 web'] },
    },
    {
      id: 'scale-predict',
      title: 'A fourth pod',
      say: `You are going to scale \`web\` to 4 pods. kube-proxy on every node rewrites \`${WEB_SVC_CHAIN}\`. Decide what its probabilities become.`,
      complete: {
        predict: {
          question:
            'With four endpoints, which probabilities do the rules of the `KUBE-SVC-…` chain carry?',
          choices: [
            {
              text: '0.25 on each of the four rules',
              correct: false,
              explanation:
                'The rules are tried in order. With 0.25 on each, the fourth would get only 0.75³ × 0.25 ≈ 0.11 of the connections; a later rule needs a higher probability.',
            },
            {
              text: '1/4, 1/3, 1/2, and the last rule without a probability',
              correct: true,
              explanation:
                'Right. Rule i of n matches with 1/(n − i + 1) of what is left, and the last takes the rest: 1/4 each in total. kube-proxy prints them with 11 decimals: `0.25000000000`, `0.33333333349`, `0.50000000000`.',
            },
            {
              text: 'The same 1/3 and 1/2 as before; the new pod gets only leftover traffic',
              correct: false,
              explanation:
                'kube-proxy recomputes the whole chain from the EndpointSlice on every change, so the new pod gets a fair quarter at once.',
            },
            {
              text: 'Nothing changes until kube-proxy restarts',
              correct: false,
              explanation:
                'kube-proxy watches EndpointSlices and resyncs within about a second (its `minSyncPeriod`), rewriting only the changed Service’s chains.',
            },
          ],
        },
      },
      hints: ['Each rule only sees the connections the rules above it did not take.'],
      notes: {
        say: 'Write the arithmetic on the board: 1/4; then 1/3 of 3/4 = 1/4; then 1/2 of 1/2 = 1/4; then the last 1/4.',
        minutes: 2,
      },
      solution: { answer: 1 },
    },
    {
      id: 'scale',
      title: 'Watch the chain change',
      say: `Scale with \`kubectl scale deployment web --replicas=4\`, wait for the pod to run, then list the chain on a node: \`iptables -t nat -L ${WEB_SVC_CHAIN} -n\`. Four rules now, with the probabilities you predicted.`,
      complete: { command: `iptables -t nat -L ${WEB_SVC_CHAIN}`, mode: 'node' },
      highlight: [WEB_PODS, NODES],
      hints: [
        'The new pod enters the slice once it is Running and ready; kube-proxy syncs a moment later.',
        '`iptables-save -t nat | grep KUBE-SVC-LOLE` shows the same rules in save format.',
      ],
      notes: {
        say: 'The click: every node’s chain gained a rule and the probabilities went from 1/3, 1/2 to 1/4, 1/3, 1/2. No packet was involved; only watches.',
        question:
          'Is the order of the rules meaningful? kube-proxy sorts the endpoints (by `IP:port`, as strings); the order does not change fairness, only the probabilities do.',
        minutes: 3,
      },
      solution: {
        commands: [
          'kubectl scale deployment web --replicas=4',
          'sleep 20',
          `ssh ${NODE}`,
          `iptables -t nat -L ${WEB_SVC_CHAIN} -n`,
        ],
      },
    },
    {
      id: 'leave',
      title: 'A pod leaves the slice',
      say: `Go back with \`exit\`, scale down with \`kubectl scale deployment web --replicas=3\`, and read the slice again: \`${SLICES}\`. The deleted pod leaves it and kube-proxy drops its rule on every node; a pod failing its readiness probe stays listed with \`ready: false\` and loses its rule the same way.`,
      complete: { command: SLICES },
      highlight: [WEB_PODS],
      hints: [
        'Run the `iptables -t nat -L` command on a node again to see three rules and 1/3, 1/2.',
        'Cutaway’s pods have no readiness probes yet, so scaling down stands in for a failing probe: see https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/#conditions',
      ],
      notes: {
        say: 'An endpoint that is not ready (or is terminating) stays in the slice with its conditions, but kube-proxy writes no rule for it. New connections stop going there within a second.',
        question:
          'What about connections already open to that pod? conntrack keeps them on it until they close; only new connections are redrawn.',
        minutes: 2,
      },
      solution: {
        commands: ['exit', 'kubectl scale deployment web --replicas=3', 'sleep 5', SLICES],
      },
    },
  ],
  recap: [
    'A Service is a record: the EndpointSlice controller lists its ready pods, and kube-proxy on every node turns both into iptables rules (`KUBE-SERVICES` → `KUBE-SVC-…` → `KUBE-SEP-…` → DNAT).',
    'The kernel of the client’s node moves the packets: each new connection draws a pod at random (1/n each), and conntrack keeps that connection on it.',
    'The ClusterIP is on no interface: only TCP/UDP to its ports matches a rule, so `ping` gets no answer; scaling rewrites every node’s chain within a second.',
  ],
  tryIt: {
    task: 'Predict first: with `sessionAffinity: ClientIP` on the Service, which rules change and where do three `curl`s go? Apply the Service again with `sessionAffinity: ClientIP` in its spec (`kubectl apply -f -` with a heredoc), then read the `KUBE-SVC-…` chain on a node (look for `-m recent`) and the nginx access logs.',
    commands: [
      'kubectl get service web -o yaml',
      'kubectl apply -f - <<EOF',
      'iptables-save -t nat | grep KUBE-SVC-LOLE',
      'kubectl logs -l app=web --prefix --tail=3',
    ],
  },
} satisfies Scenario

export default services
