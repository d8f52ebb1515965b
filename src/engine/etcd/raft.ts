import type { Ctx } from '../context.ts'
import { emit } from '../context.ts'

// etcd's Raft, as far as a lesson needs it: every write goes to the leader, which appends it to its
// log, replicates the entry to the two followers, and commits it once a majority (2 of 3) has it.
// The EKS control plane runs 3 members, one per AZ (FIDELITY §2.4); the leader is chosen at
// bootstrap (aws/bootstrap.ts) and no election happens afterwards in this simulation.

/** A fresh 3-member cluster's log: three ConfChangeAddNode entries, then the new leader's empty entry. */
const BOOT_INDEX = 4
/** etcd members start at term 1; the first election makes it 2 */
const BOOT_TERM = 2

export function replicate(
  ctx: Ctx,
  write: {
    op: 'put' | 'delete'
    key: string
    revision: number
    valueSize: number
    encrypted: boolean
    apiServer: number
  },
  quiet: boolean,
): void {
  const { state } = ctx
  const raft = (state.etcd.raft ??= { term: BOOT_TERM, commitIndex: BOOT_INDEX })
  const index = ++raft.commitIndex
  if (quiet) return
  const members = state.aws.controlPlane.etcdMembers
  const leader = members.find((m) => m.isLeader) ?? members[0]
  if (!leader) return
  const api = state.aws.controlPlane.apiServers[write.apiServer]
  emit(ctx, {
    type: 'etcd.replicate',
    op: write.op,
    key: write.key,
    revision: write.revision,
    valueSize: write.valueSize,
    encrypted: write.encrypted,
    apiServer: api?.id ?? '',
    term: raft.term,
    index,
    leader: { name: leader.name, availabilityZone: leader.availabilityZone },
    followers: members
      .filter((m) => m !== leader)
      .map((m) => ({ name: m.name, availabilityZone: m.availabilityZone })),
  })
}
