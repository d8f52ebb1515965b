import { describe, expect, it } from 'vitest'
import { replayScenario } from './replay.ts'
import { secrets } from '../secrets.ts'

// The lesson's claims hold in the replay: the 1.27 cluster stores `s3cr3t` in clear, the same
// Secret is `k8s:enc:kms:v2:` after the rewrite, the pod's node (and only it) has the tmpfs.

describe('scenario secrets: what the learner sees', () => {
  const { sim, player, out } = replayScenario(secrets)

  it('runs on Kubernetes 1.27 and finishes', () => {
    expect(sim.getState().cluster.aws.cluster.version).toBe('1.27')
    expect(player.getState().index).toBe(secrets.steps.length)
  })

  it('shows base64, then s3cr3t in clear in etcd, then ciphertext', () => {
    expect(out.create).toContain('password: czNjcjN0')
    expect(out.decode).toContain('s3cr3t')
    expect(out['hexdump-plain']).toContain('|assword..s3cr3t.|')
    expect(out['hexdump-plain']).toMatch(/x-ray/)
    expect(out['hexdump-encrypted']).toContain('|k8s:enc:kms:v2:a|')
    expect(out['hexdump-encrypted']).not.toContain('s3cr3t')
  })

  it('RBAC says no, then yes; the pod’s node has one secret tmpfs', () => {
    expect(out['who-can-read']).toMatch(/^no$/m)
    expect(out['who-can-read']).toMatch(/^yes$/m)
    expect(out['on-the-node']).toMatch(
      /tmpfs on \/var\/lib\/kubelet\/pods\/[0-9a-f-]+\/volumes\/kubernetes\.io~secret\/creds type tmpfs/,
    )
  })
})
