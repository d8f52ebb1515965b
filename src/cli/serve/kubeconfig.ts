import type { ClusterState } from '../../engine/index.ts'

// The kubeconfig `--serve` writes. Cluster, user and context are all named by the cluster ARN, as
// `aws eks update-kubeconfig` names them ("Alias for the cluster context name. Defaults to match
// cluster ARN", docs.aws.amazon.com/cli/latest/reference/eks/update-kubeconfig.html). Unlike EKS
// there is no CA and no `aws eks get-token` exec plugin: the server is plain HTTP on 127.0.0.1 and
// accepts every request as the cluster creator (no authentication).

export function kubeconfigYaml(state: ClusterState, server: string): string {
  const arn = state.aws.cluster.arn
  return [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    `    server: ${server}`,
    `  name: ${arn}`,
    'contexts:',
    '- context:',
    `    cluster: ${arn}`,
    `    user: ${arn}`,
    `  name: ${arn}`,
    `current-context: ${arn}`,
    'kind: Config',
    'preferences: {}',
    'users:',
    `- name: ${arn}`,
    '  user: {}',
    '',
  ].join('\n')
}

/** What `--serve` prints: where it listens and the commands that use it. */
export function usageLines(url: string, kubeconfigPath: string): string[] {
  return [
    `Serving the Kubernetes API of the simulated cluster at ${url} (127.0.0.1 only, no authentication).`,
    `Wrote ${kubeconfigPath}. In another terminal:`,
    `  export KUBECONFIG=${kubeconfigPath}`,
    '  kubectl get nodes',
  ]
}
