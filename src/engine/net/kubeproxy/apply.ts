import { emptyNetfilter, type NetfilterState } from '../netfilter/model.ts'
import type { NodeRuntime } from '../../model/node.ts'
import { iptablesRestore } from '../netfilter/restore.ts'

// The one place where rule text meets the netfilter model: kube-proxy, the kubelet and the VPC CNI
// hand their iptables-restore text to `iptables-restore --noflush`, as the real programs do.
// The restore is net/netfilter/restore.ts; tests may swap in a spy to see the text alone.

export type RestoreResult = { ok: true } | { ok: false; error: string }
export type RestoreFn = (
  nf: NetfilterState,
  text: string,
  opts?: { noflush?: boolean },
) => RestoreResult

let restoreImpl: RestoreFn = iptablesRestore

/** For tests: a spy instead of the real restore (undefined puts the real one back). */
export function setIptablesRestore(fn: RestoreFn | undefined): RestoreFn {
  const prev = restoreImpl
  restoreImpl = fn ?? iptablesRestore
  return prev
}

/** `iptables-restore --noflush` on a node's host network namespace. */
export function restoreOnNode(node: NodeRuntime, text: string): RestoreResult {
  node.netfilter ??= emptyNetfilter()
  return restoreImpl(node.netfilter, text, { noflush: true })
}
