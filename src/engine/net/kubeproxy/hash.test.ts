import { describe, expect, it } from 'vitest'
import {
  base32,
  endpointChainName,
  endpointString,
  externalChainName,
  firewallChainName,
  localChainName,
  serviceChainName,
  servicePortName,
} from './hash.ts'

// Vectors: FIDELITY.md §3.2/§3.4/§3.5 (kube-proxy's proxier_test.go and a real EKS node).
describe('kube-proxy chain names', () => {
  it('hashes service ports as kube-proxy does', () => {
    expect(serviceChainName('ns1/svc1:p80', 'TCP')).toBe('KUBE-SVC-XPGD46QRK7WJZT7O')
    expect(serviceChainName('default/kubernetes:https', 'TCP')).toBe('KUBE-SVC-NPX46M4PTMTKRN6Y')
    expect(serviceChainName('kube-system/kube-dns:dns', 'UDP')).toBe('KUBE-SVC-TCOU7JCQXEZGVUNU')
    expect(serviceChainName(servicePortName('ns1', 'svc1', ''), 'tcp')).toBe(
      'KUBE-SVC-AQI2S6QIMU7PVVRP',
    )
  })
  it('hashes endpoints with the service port, protocol and ip:port', () => {
    expect(endpointChainName('ns1/svc1:p80', 'tcp', '10.180.0.1:80')).toBe(
      'KUBE-SEP-SXIVWICOYRO3J4NJ',
    )
    expect(endpointChainName('ns1/svc1', 'tcp', '10.0.1.1:80')).toBe('KUBE-SEP-3JOIVZTXZZRGORX4')
    expect(endpointChainName('ns1/svc1', 'tcp', '10.0.1.2:80')).toBe('KUBE-SEP-IO5XOSKPAXIFQXAJ')
    expect(endpointChainName('ns1/svc1', 'tcp', '10.0.1.3:80')).toBe('KUBE-SEP-XGJFVO3L2O5SRFNT')
    expect(endpointChainName('kube-system/kube-dns:dns', 'udp', '192.168.3.202:53')).toBe(
      'KUBE-SEP-V6N5HQQSW43PC5DW',
    )
    expect(endpointChainName('kube-system/kube-dns:dns', 'udp', '192.168.4.8:53')).toBe(
      'KUBE-SEP-LKMWUDPNNHYGGRZY',
    )
  })
  it('shares one hash across SVC, SVL, EXT and FW', () => {
    const h = serviceChainName('ns1/svc1:p80', 'tcp').slice('KUBE-SVC-'.length)
    expect(localChainName('ns1/svc1:p80', 'tcp')).toBe(`KUBE-SVL-${h}`)
    expect(externalChainName('ns1/svc1:p80', 'tcp')).toBe(`KUBE-EXT-${h}`)
    expect(firewallChainName('ns1/svc1:p80', 'tcp')).toBe(`KUBE-FW-${h}`)
    expect(firewallChainName('ns1/svc1:p80', 'tcp')).toHaveLength(24)
  })
  it('formats names and endpoints as ServicePortName/BaseEndpointInfo', () => {
    expect(servicePortName('ns1', 'svc1', 'p80')).toBe('ns1/svc1:p80')
    expect(servicePortName('ns1', 'svc1', '')).toBe('ns1/svc1')
    expect(endpointString('10.0.1.1', 80)).toBe('10.0.1.1:80')
    expect(endpointString('fd00::1', 80)).toBe('[fd00::1]:80')
  })
  it('encodes base32 as RFC 4648 (test vectors of §10)', () => {
    const enc = (s: string) => base32(new TextEncoder().encode(s))
    expect(enc('')).toBe('')
    expect(enc('f')).toBe('MY======')
    expect(enc('fo')).toBe('MZXQ====')
    expect(enc('foo')).toBe('MZXW6===')
    expect(enc('foob')).toBe('MZXW6YQ=')
    expect(enc('fooba')).toBe('MZXW6YTB')
    expect(enc('foobar')).toBe('MZXW6YTBOI======')
  })
})
