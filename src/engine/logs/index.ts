// Container logs on the nodes: the CRI line format (cri.ts), the files per container (files.ts),
// containerd's writes and the kubelet's rotation (rotate.ts), and the path `kubectl logs` takes to
// read them (read.ts).
export * from './cri.ts'
export * from './files.ts'
export * from './rotate.ts'
export * from './read.ts'
