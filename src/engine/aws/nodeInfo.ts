import type { ClusterState } from '../model/state.ts'
import type { NodeRuntime } from '../model/node.ts'
import { INSTANCE_TYPES } from './instanceTypes.ts'

// What an EKS-optimized AL2023 node reports about itself (kubectl get nodes -o wide / describe node).
// [doc] EKS AL2023 AMI release notes; versions are those of a v1.32 AMI of early 2026.
export const NODE_OS = {
  osImage: 'Amazon Linux 2023.9.20260120',
  /** the x86_64 kernel; a Graviton node's is kernelVersionFor('arm64') */
  kernelVersion: '6.1.158-180.294.amzn2023.x86_64',
  containerRuntimeVersion: 'containerd://2.1.5',
  kubeletVersion: 'v1.32.9-eks-113cf36',
  amiId: 'ami-0b6e0d2d1e8b9c3a4',
} as const

export type Arch = 'amd64' | 'arm64'

/** The kernel's machine name (`uname -m`, the kernel release's suffix) for a Go architecture. */
export function machineOf(arch: Arch): 'x86_64' | 'aarch64' {
  return arch === 'arm64' ? 'aarch64' : 'x86_64'
}

/** The AL2023 kernel release: the same build for both architectures, suffixed .x86_64 / .aarch64. */
export function kernelVersionFor(arch: Arch): string {
  return NODE_OS.kernelVersion.replace(/\.x86_64$/, `.${machineOf(arch)}`)
}

/** A node's architecture, from its EC2 instance type (m6g: Graviton, arm64). */
export function nodeArch(state: ClusterState, node: NodeRuntime): Arch {
  return INSTANCE_TYPES[state.aws.instances[node.instanceId]?.instanceType ?? '']?.arch ?? 'amd64'
}
