// What an EKS-optimized AL2023 node reports about itself (kubectl get nodes -o wide / describe node).
// [doc] EKS AL2023 AMI release notes; versions are those of a v1.32 AMI of early 2026.
export const NODE_OS = {
  osImage: 'Amazon Linux 2023.9.20260120',
  kernelVersion: '6.1.158-180.294.amzn2023.x86_64',
  containerRuntimeVersion: 'containerd://2.1.5',
  kubeletVersion: 'v1.32.9-eks-113cf36',
  amiId: 'ami-0b6e0d2d1e8b9c3a4',
} as const
