import type { Scenario } from './types.ts'

// "What are iptables?" (LESSONS.md §4, FIDELITY.md §3). Names and outputs were checked against the
// headless replay with seed 1: after the setup, `client` runs on ip-192-168-83-74 (the node whose
// rules its packets walk), three `web-…` pods sit one per node, the Service's chain is
// `KUBE-SVC-LOLE4ISW44XBNF3G` and its ClusterIP is 10.100.183.63. A DROP in filter FORWARD makes
// `curl --connect-timeout 3` exit 28 after 3003 ms; a REJECT makes it exit 7 after 2 ms. Patterns
// use {wildcards} where the browser's cluster may differ.

const NODE = 'ip-192-168-83-74.us-west-2.compute.internal'
const SVC_CHAIN = 'KUBE-SVC-LOLE4ISW44XBNF3G'
const CURL = 'kubectl exec client -- curl -sS --connect-timeout 3 -o /dev/null http://web'
const DROP = 'iptables -I FORWARD -p tcp --dport 80 -j DROP'
const REJECT = 'iptables -R FORWARD 1 -p tcp --dport 80 -j REJECT'

const CLIENT = { kind: 'Pod', namespace: 'default', name: 'client' }
const CLIENT_NODE = { kind: 'Node', name: NODE }

export const iptables = {
  id: 'iptables',
  title: 'What are iptables?',
  summary:
    'Read the tables, chains and hooks on a real node, watch the counters of kube-proxy’s rules tick once per connection, then block a Service with DROP and REJECT and feel the difference.',
  topic: 'iptables',
  minutes: 25,
  seed: 1,
  setup: [
    'kubectl create deployment web --image=nginx --replicas=3',
    'kubectl expose deployment web --port=80',
    'kubectl run client --image=curlimages/curl --command -- sleep infinity',
  ],
  steps: [
    {
      id: 'filter-table',
      title: 'The filter table',
      say: 'A Deployment `web`, its Service and a `client` pod are running. Log in to the node that runs `client` (the NODE column of `kubectl get pods -o wide`) with `ssh`, and list the filter table with `iptables -L -n -v`. `INPUT`, `FORWARD` and `OUTPUT` are built-in chains with a policy; the `KUBE-…` chains are kube-proxy’s.',
      complete: { command: 'iptables -L', mode: 'node' },
      highlight: [CLIENT, CLIENT_NODE],
      hints: [
        `In this lesson’s cluster it is usually \`ssh ${NODE}\`.`,
        '`-n` prints addresses as numbers, `-v` adds the packet and byte counters and the interfaces.',
      ],
      notes: {
        say: 'Without `-t`, iptables means the filter table: the one that decides ACCEPT or DROP. Point at the policy in each built-in chain header.',
        question:
          'Why this node? Packets are translated and filtered by the node where they enter: a pod’s packets by its own node.',
        minutes: 3,
      },
      solution: { commands: [`ssh ${NODE}`, 'iptables -L -n -v'] },
    },
    {
      id: 'who-enforces',
      title: 'Who applies these rules?',
      say: 'You just printed rules with a command called `iptables`. Decide what actually checks every packet against them.',
      complete: {
        predict: {
          question: 'When a packet arrives, what evaluates these rules?',
          choices: [
            {
              text: 'An `iptables` daemon that runs in the background like a firewall service',
              correct: false,
              explanation:
                '`iptables` is a command that exits at once: it only sends the rules to the kernel. No process runs between packets.',
            },
            {
              text: 'Netfilter, inside the Linux kernel, at fixed hooks on the packet’s path',
              correct: true,
              explanation:
                'Right. The kernel calls netfilter at five hooks (PREROUTING, INPUT, FORWARD, OUTPUT, POSTROUTING); each table (raw, mangle, nat, filter) registers chains at some of them.',
            },
            {
              text: 'kube-proxy, which wrote most of them',
              correct: false,
              explanation:
                'kube-proxy writes rules with `iptables-restore` and then waits for the next change. You can stop it and every rule keeps working.',
            },
            {
              text: 'The VPC security groups, which iptables configures',
              correct: false,
              explanation:
                'Security groups are enforced by AWS outside the instance, on the ENI. iptables rules live in this node’s kernel and know nothing of them.',
            },
          ],
        },
      },
      hints: ['Does anything named iptables show up in `ps` on a node?'],
      notes: {
        say: 'The split matters for debugging: a missing rule is a kube-proxy problem; a rule that exists but misbehaves is a packet-path problem.',
        minutes: 2,
      },
      solution: { answer: 1 },
    },
    {
      id: 'nat-table',
      title: 'The nat table and its hooks',
      say: 'Print the nat table as commands with `iptables -t nat -S`. The built-in chain `PREROUTING` (packets arriving, here from pods) and `OUTPUT` (packets from the node itself) both jump to `KUBE-SERVICES`: that is where Services begin.',
      complete: { command: 'iptables -t nat -S', mode: 'node' },
      highlight: [CLIENT_NODE],
      hints: [
        '`-S` prints rules the way `iptables-save` does: `-P` policies, `-N` user chains, `-A` rules.',
        'A forwarded packet passes PREROUTING (raw, mangle, nat), FORWARD (mangle, filter) and POSTROUTING (mangle, nat).',
      ],
      notes: {
        say: 'Draw the hooks: PREROUTING → routing decision → FORWARD or INPUT → POSTROUTING. DNAT must happen in PREROUTING, before the routing decision, so the kernel routes to the pod.',
        question:
          'Why does `AWS-SNAT-CHAIN-0` exist? The VPC CNI SNATs traffic leaving the VPC to the node’s IP; that is the egress lesson.',
        minutes: 3,
      },
      solution: { commands: ['iptables -t nat -S'] },
    },
    {
      id: 'read-a-line',
      title: 'Read one kube-proxy rule',
      say: 'Print the Services’ entry chain: `iptables -t nat -S KUBE-SERVICES`. Read the `web` line left to right: append to the chain (`-A`), match destination ClusterIP `/32`, protocol tcp, a comment, destination port 80, then jump (`-j`) to its `KUBE-SVC-…` chain.',
      complete: { command: 'iptables -t nat -S KUBE-SERVICES', mode: 'node' },
      hints: [
        'Matches are ANDed: a packet jumps only if every match on the line holds.',
        `\`iptables -t nat -S ${SVC_CHAIN}\` shows where the jump leads.`,
      ],
      notes: {
        say: 'The comment is not decoration: `-m comment` is a match module that always matches. kube-proxy puts the namespace/name there so humans can grep.',
        minutes: 2,
      },
      solution: { commands: ['iptables -t nat -S KUBE-SERVICES'] },
    },
    {
      id: 'first-packet',
      title: 'How often is the nat table walked?',
      say: 'One `curl` sends about half a dozen packets each way: handshake, request, response, close. Each rule counts the packets that matched it. Decide what the `web` rule’s counter will show.',
      complete: {
        predict: {
          question:
            'After one `curl http://web`, by how much has the `web` rule in `KUBE-SERVICES` counted?',
          choices: [
            {
              text: 'About 12: every packet, both ways, walks the nat table',
              correct: false,
              explanation:
                'Replies never match `-d <ClusterIP>`, and even the client’s later packets skip the nat table: conntrack translates them from the first packet’s decision.',
            },
            {
              text: 'About 6: every packet from the client is DNATed by the rule',
              correct: false,
              explanation:
                'They are DNATed, but by conntrack, not by the rule. The nat table is consulted only for a connection’s first packet.',
            },
            {
              text: '1: only the connection’s first packet walks the nat table',
              correct: true,
              explanation:
                'Right. The SYN walks `KUBE-SERVICES` → `KUBE-SVC-…` → `KUBE-SEP-…`; conntrack records the translation, and every later packet of that connection (and its replies, un-DNATed) follows the entry.',
            },
            {
              text: '0: kube-proxy caches the answer and bypasses the rules',
              correct: false,
              explanation:
                'kube-proxy is not on the packet path. The kernel walks the rules for the first packet, and conntrack (also in the kernel) does the rest.',
            },
          ],
        },
      },
      hints: ['What does the kernel remember after the first packet of a connection?'],
      notes: {
        say: 'This is why the random choice is sticky per connection: the draw happens once, on the first packet.',
        minutes: 2,
      },
      solution: { answer: 2 },
    },
    {
      id: 'counters',
      title: 'Counters and conntrack',
      say: `Go back with \`exit\`, run \`${CURL}\`, then \`ssh\` to the node again and list \`iptables -t nat -L KUBE-SERVICES -n -v\`: the \`web\` rule counted one packet for the whole connection. \`conntrack -L\` shows the entry that carried the rest, with the reply coming from the chosen pod.`,
      complete: { command: 'conntrack -L', mode: 'node' },
      highlight: [CLIENT, CLIENT_NODE],
      hints: [
        'The DNS lookup of `web` counts on the kube-dns rule too: one packet per query.',
        'In a conntrack line, the second `src=` is who replies: the pod the first packet was DNATed to.',
      ],
      notes: {
        say: 'Read one conntrack entry aloud: original tuple to the ClusterIP, reply tuple from the pod. That pair is how replies get un-DNATed on their way back.',
        minutes: 3,
      },
      solution: {
        commands: [
          'exit',
          CURL,
          `ssh ${NODE}`,
          'iptables -t nat -L KUBE-SERVICES -n -v',
          'conntrack -L',
        ],
      },
    },
    {
      id: 'where-to-drop',
      title: 'Where would a block go?',
      say: 'You want to stop pods on this node from reaching `web`, with a rule in the filter `FORWARD` chain. By the time a packet reaches FORWARD it has passed PREROUTING. Decide which destination FORWARD sees.',
      complete: {
        predict: {
          question: 'Which destination does the packet carry in the filter `FORWARD` chain?',
          choices: [
            {
              text: 'The ClusterIP and port 80: filtering happens before NAT',
              correct: false,
              explanation:
                'nat PREROUTING runs before the routing decision and FORWARD after it. A FORWARD rule matching `-d <ClusterIP>` never matches anything.',
            },
            {
              text: 'The chosen pod’s IP and port 80: DNAT already happened in PREROUTING',
              correct: true,
              explanation:
                'Right. FORWARD sees the translated packet, so match the pod port (`-p tcp --dport 80`), or block the ClusterIP earlier, in a PREROUTING chain.',
            },
            {
              text: 'The node’s IP: the packet was SNATed on the way in',
              correct: false,
              explanation:
                'Source NAT happens last, in POSTROUTING, and only for traffic that needs it (`KUBE-MARK-MASQ`, or leaving the VPC). Destination NAT is what happened here.',
            },
            {
              text: 'None: Service traffic skips the filter table',
              correct: false,
              explanation:
                'Every forwarded packet passes filter FORWARD; kube-proxy even has its own `KUBE-FORWARD` chain there.',
            },
          ],
        },
      },
      hints: ['In which hook did the DNAT to the pod happen, and is FORWARD before or after it?'],
      notes: {
        say: 'This is the most common mistake when people write their own rules next to kube-proxy’s: matching the ClusterIP after it is gone.',
        minutes: 2,
      },
      solution: { answer: 1 },
    },
    {
      id: 'add-drop',
      title: 'Add a DROP rule',
      say: `Insert a rule at the top of FORWARD: \`${DROP}\`. Then list the chain with \`iptables -L FORWARD -n -v --line-numbers\` and find it as rule 1, with its counter at 0.`,
      complete: { command: 'iptables -L FORWARD', mode: 'node' },
      highlight: [CLIENT_NODE],
      hints: [
        '`-I` inserts at the top (or at a given number); `-A` would append after kube-proxy’s rules.',
        'Only this node gets the rule: pods on other nodes still reach `web`.',
      ],
      notes: {
        say: 'The rule takes effect on the next packet: the kernel has it the moment the command returns.',
        question:
          'Will kube-proxy remove my rule? No: it rewrites only its own `KUBE-…` chains and the jumps to them; your rule in the built-in chain survives its syncs.',
        minutes: 2,
      },
      solution: { commands: [DROP, 'iptables -L FORWARD -n -v --line-numbers'] },
    },
    {
      id: 'drop',
      title: 'DROP: silence',
      say: `Go back with \`exit\` and run \`${CURL}\`. The SYN is dropped without a word, so curl waits until its 3-second timeout and fails with exit code 28.`,
      complete: { command: 'kubectl exec {pod} -- curl', exitCode: 28 },
      highlight: [CLIENT],
      hints: [
        'Without `--connect-timeout`, curl would wait for the kernel to give up on its SYN retries: over two minutes.',
        'Back on the node, the DROP rule’s counter has climbed: by one here, because Cutaway sends the SYN once; a real kernel retransmits it after 1 s, so it would show 2 (see `tcp_syn_retries` in https://man7.org/linux/man-pages/man7/tcp.7.html).',
        'In the Events panel, the request’s `FORWARD` hop ends in `DROP`, and the flow is marked dropped.',
      ],
      notes: {
        say: 'Let the room feel the three seconds. In production that wait is a stuck request and a timeout alarm, not an error.',
        question:
          'Why did the counter count only one packet? Cutaway simplifies: it sends the SYN once and lets the time pass. Linux retransmits it at 1, 3, 7… seconds, so a real counter would read 2 after a 3-second timeout.',
        minutes: 2,
      },
      solution: { commands: ['exit', CURL] },
    },
    {
      id: 'drop-or-reject',
      title: 'DROP versus REJECT',
      say: 'You are going to replace rule 1 with the same match and `-j REJECT`. Decide how `curl` will fail.',
      complete: {
        predict: {
          question: 'With REJECT instead of DROP, how does `curl` end?',
          choices: [
            {
              text: 'The same 3-second timeout: both block the packet',
              correct: false,
              explanation:
                'Both block it, but REJECT also answers: an ICMP port-unreachable goes back to the client, and its kernel fails the connect at once.',
            },
            {
              text: 'It fails at once with "Could not connect to server"',
              correct: true,
              explanation:
                'Right. The ICMP error reaches the client in milliseconds; curl exits with code 7 instead of 28. kube-proxy uses REJECT for a Service without endpoints for this reason.',
            },
            {
              text: 'It succeeds: REJECT only logs the packet',
              correct: false,
              explanation:
                'That is the LOG target. REJECT is a terminating target: the packet goes no further.',
            },
          ],
        },
      },
      hints: ['What does the client’s kernel learn in each case?'],
      notes: {
        say: 'DROP hides that anything is there; REJECT fails fast and tells the client why. Firewalls facing the internet often drop; inside a cluster fast failure is kinder.',
        minutes: 2,
      },
      solution: { answer: 1 },
    },
    {
      id: 'reject',
      title: 'REJECT: refused at once',
      say: `\`ssh\` to the node, look at rule 1’s counter with \`iptables -L FORWARD -n -v --line-numbers\`, and replace the rule: \`${REJECT}\`. Then \`exit\` and run the same \`curl\` again: it fails in milliseconds with exit code 7.`,
      complete: { command: 'kubectl exec {pod} -- curl', exitCode: 7 },
      highlight: [CLIENT, CLIENT_NODE],
      hints: [
        '`-R FORWARD 1` replaces rule 1 in place; its counters start again at 0.',
        'curl prints `Failed to connect to web port 80 after 2 ms`.',
      ],
      notes: {
        say: 'The click: same match, different target, a three-second hang against an instant error.',
        minutes: 3,
      },
      solution: {
        commands: [`ssh ${NODE}`, 'iptables -L FORWARD -n -v --line-numbers', REJECT, 'exit', CURL],
      },
    },
    {
      id: 'delete',
      title: 'Remove the rule',
      say: '`ssh` to the node once more and delete rule 1 with `iptables -D FORWARD 1`. Then `exit` and run the `curl` again: it succeeds, because the next SYN meets only kube-proxy’s rules.',
      complete: { command: 'kubectl exec {pod} -- curl' },
      highlight: [CLIENT],
      hints: [
        '`iptables -D FORWARD -p tcp --dport 80 -j REJECT` (the same rule spelled out) works too.',
        'Rules typed by hand are lost when the node reboots; production nodes persist them in their launch template or a DaemonSet.',
      ],
      notes: {
        say: 'Everything you changed was in one node’s kernel. Nothing in Kubernetes knew about it, and nothing would have put it back.',
        minutes: 2,
      },
      solution: { commands: [`ssh ${NODE}`, 'iptables -D FORWARD 1', 'exit', CURL] },
    },
  ],
  recap: [
    '`iptables` only configures netfilter; the kernel evaluates the rules at five hooks, in tables raw, mangle, nat and filter, and `iptables -L -n -v` shows their counters.',
    'Only a connection’s first packet walks the nat table; conntrack applies its translation to the rest and un-NATs the replies, so the FORWARD chain already sees the pod’s IP.',
    'DROP discards silently (the client times out); REJECT answers with an error (the client fails at once); both take effect on the next packet and vanish with `-D`.',
  ],
  tryIt: {
    task: 'Predict first: a DROP in the raw table’s PREROUTING for the Service’s ClusterIP (`-t raw -I PREROUTING -d <ClusterIP> -p tcp --dport 80`): does it block `curl http://web`, and does the DNAT rule’s counter still move? Try it, then delete the rule.',
    commands: [
      'kubectl get svc web',
      'iptables -t raw -I PREROUTING -d <ClusterIP> -p tcp --dport 80 -j DROP',
      'iptables -t nat -L KUBE-SERVICES -n -v',
    ],
  },
} satisfies Scenario

export default iptables
