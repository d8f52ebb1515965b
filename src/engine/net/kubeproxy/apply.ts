import { emptyNetfilter, type NetfilterState } from '../netfilter/model.ts'
import type { NodeRuntime } from '../../model/node.ts'

// The one place where rule text meets the netfilter model: kube-proxy, the kubelet and the VPC CNI
// hand their iptables-restore text to `iptables-restore --noflush`, as the real programs do.
// The restore itself (net/netfilter/restore.ts) is another module; it is injected here so the
// writers stay testable on their text alone. Until it is wired, the text is produced and counted
// but the node's tables stay as they are.

export type RestoreResult = { ok: true } | { ok: false; error: string }
export type RestoreFn = (
  nf: NetfilterState,
  text: string,
  opts?: { noflush?: boolean },
) => RestoreResult

const notWired: RestoreFn = () => ({ ok: true })
let restoreImpl: RestoreFn = notWired

/** Wire the netfilter model's `iptablesRestore` (or a test double). Returns the previous one. */
export function setIptablesRestore(fn: RestoreFn | undefined): RestoreFn {
  const prev = restoreImpl
  restoreImpl = fn ?? notWired
  return prev
}

/** `iptables-restore --noflush` on a node's host network namespace. */
export function restoreOnNode(node: NodeRuntime, text: string): RestoreResult {
  node.netfilter ??= emptyNetfilter()
  return restoreImpl(node.netfilter, text, { noflush: true })
}
