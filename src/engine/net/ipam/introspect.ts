import type { NodeRuntime } from '../../model/node.ts'
import type { ClusterState } from '../../model/state.ts'
import { hashInt, utcParts } from '../../node/util.ts'
import { eniDevice, eniRouteTable } from './ipamd.ts'

// ipamd's introspection endpoint, `curl http://localhost:61679/v1/enis` on the node
// (aws/amazon-vpc-cni-k8s pkg/ipamd/introspect.go: json.Marshal of the datastore's ENIInfos, so
// map keys are sorted and struct fields keep their declaration order; compact, no trailing newline).
// Shape as observed on real nodes (FIDELITY §5.1, O-eks): an address never handed out has an empty
// IPAddresses map; a released one keeps its last AssignedTime and gets an UnassignedTime.
// [unconfirmed] which VPC CNI release wrapped this in a per-network-card object ({"0": …}); v1.21
// does, the 2023 dumps (v1.1x) do not, and the simulated aws-node is v1.19.2: we print the flat form.

const GO_ZERO_TIME = '0001-01-01T00:00:00Z'

/** Go's time.Time JSON (RFC 3339 with nanoseconds); the sub-ms digits come from a hash. */
function goTime(ms: number, seed: string): string {
  const t = utcParts(ms)
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  const frac = `${p(t.ms, 3)}${p(hashInt(seed, 1_000_000), 6)}`.replace(/0+$/, '')
  return `${t.y}-${p(t.mo + 1)}-${p(t.d)}T${p(t.h)}:${p(t.mi)}:${p(t.s)}${frac ? `.${frac}` : ''}Z`
}

const byKey = <T>(entries: [string, T][]) =>
  Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))

export function ipamdEnis(state: ClusterState, node: NodeRuntime): string {
  const ipamd = node.ipamd
  if (!ipamd) return '{"TotalIPs":0,"AssignedIPs":0,"ENIs":{}}'
  const ips = Object.entries(ipamd.ips)
  const enis = ipamd.enis.map((id) => {
    const device = eniDevice(ipamd, id)
    const cidrs = ips
      .filter(([, a]) => a.eniId === id)
      .map(([ip, a]): [string, unknown] => {
        const addr =
          a.assignedAt === undefined
            ? {}
            : {
                [ip]: {
                  Address: ip,
                  IPAMKey: a.pod
                    ? { networkName: 'aws-cni', containerID: a.pod.containerId, ifName: 'eth0' }
                    : { networkName: '', containerID: '', ifName: '' },
                  IPAMMetadata: a.pod
                    ? { k8sPodNamespace: a.pod.namespace, k8sPodName: a.pod.name }
                    : {},
                  AssignedTime: goTime(a.assignedAt, `${ip}/assigned/${a.assignedAt}`),
                  UnassignedTime:
                    a.unassignedAt === undefined
                      ? GO_ZERO_TIME
                      : goTime(a.unassignedAt, `${ip}/unassigned/${a.unassignedAt}`),
                },
              }
        return [
          `${ip}/32`,
          {
            Cidr: { IP: ip, Mask: '/////w==' },
            IPAddresses: addr,
            IsPrefix: false,
            AddressFamily: '',
          },
        ]
      })
    return [
      id,
      {
        ID: id,
        IsPrimary: device === 0,
        IsTrunk: false,
        IsEFA: false,
        DeviceNumber: device,
        AvailableIPv4Cidrs: byKey(cidrs),
        IPv6Cidrs: {},
        RouteTableID: eniRouteTable(device),
      },
    ] as [string, unknown]
  })
  return JSON.stringify({
    TotalIPs: ips.length,
    AssignedIPs: ips.filter(([, a]) => a.pod).length,
    ENIs: byKey(enis),
  })
}
