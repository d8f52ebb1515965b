import type { EndpointSlice, Service } from '../../model/k8s.ts'
import { ports, slice, svc } from './testing.ts'

// A realistic small EKS cluster as kube-proxy sees it, shared by the real-Linux test and the bench:
// default/kubernetes (2 EKS control-plane ENIs), kube-dns with 2 CoreDNS endpoints, a 3-replica web
// Service, a NodePort, a Service without endpoints and one with ClientIP affinity.

export const NODE = 'ip-192-168-6-121.us-west-2.compute.internal'
export const NODE_IP = '192.168.6.121'
export const VPC_CIDR = '192.168.0.0/16'

export function realisticCluster(webReplicas = 3): {
  services: Service[]
  slices: EndpointSlice[]
} {
  const web = Array.from({ length: webReplicas }, (_, i) => ({
    ip: `192.168.${[6, 40, 77][i % 3]}.${20 + i}`,
    node: i % 3 === 0 ? NODE : `ip-192-168-${[6, 40, 77][i % 3]}-9.us-west-2.compute.internal`,
  }))
  return {
    services: [
      svc('default', 'kubernetes', {
        clusterIP: '10.100.0.1',
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 443 }],
      }),
      svc('kube-system', 'kube-dns', {
        clusterIP: '10.100.0.10',
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
          { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
        ],
      }),
      svc('default', 'web', {
        clusterIP: '10.100.87.12',
        ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      }),
      svc('default', 'web-np', {
        type: 'NodePort',
        clusterIP: '10.100.140.3',
        externalTrafficPolicy: 'Cluster',
        ports: [{ port: 80, protocol: 'TCP', targetPort: 80, nodePort: 30080 }],
      }),
      svc('default', 'empty', {
        clusterIP: '10.100.200.7',
        ports: [{ name: 'http', port: 8080, protocol: 'TCP', targetPort: 8080 }],
      }),
      svc('default', 'sticky', {
        clusterIP: '10.100.33.33',
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
        ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      }),
    ],
    slices: [
      slice(
        'default',
        'kubernetes',
        [ports.tcp(443, 'https')],
        [{ ip: '192.168.98.73' }, { ip: '192.168.128.235' }],
      ),
      slice(
        'kube-system',
        'kube-dns',
        [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
          { name: 'metrics', port: 9153, protocol: 'TCP' },
        ],
        [
          { ip: '192.168.3.202', node: NODE },
          { ip: '192.168.4.8', node: 'ip-192-168-40-9.us-west-2.compute.internal' },
        ],
      ),
      slice('default', 'web', [ports.tcp(80)], web),
      slice('default', 'web-np', [ports.tcp(80)], web),
      slice('default', 'empty', [], []),
      slice('default', 'sticky', [ports.tcp(80)], web.slice(0, 2)),
    ],
  }
}

/** `n` Services with `per` ready endpoints each (the bench's 1,000 × 5). */
export function manyServices(
  n: number,
  per: number,
): { services: Service[]; slices: EndpointSlice[] } {
  const services: Service[] = []
  const slices: EndpointSlice[] = []
  for (let i = 0; i < n; i++) {
    const name = `svc-${i}`
    services.push(
      svc('bench', name, {
        clusterIP: `10.100.${(i >> 8) & 255}.${i & 255}`,
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
      }),
    )
    slices.push(
      slice(
        'bench',
        name,
        [ports.tcp(8080, 'http')],
        Array.from({ length: per }, (_, j) => ({
          ip: `192.168.${((i * per + j) >> 8) & 255}.${(i * per + j) & 255}`,
          node: j % 3 === 0 ? NODE : 'other',
        })),
      ),
    )
  }
  return { services, slices }
}
