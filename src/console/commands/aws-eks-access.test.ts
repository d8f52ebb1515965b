import { describe, expect, it } from 'vitest'
import { session, text } from '../__tests__/helpers.ts'

// The creator's admin rights are visible in EKS's access entries, not in RBAC.

describe('aws eks access entries', () => {
  it('list the creator (AmazonEKSClusterAdminPolicy) and the node role', () => {
    const c = session(7)
    const me = JSON.parse(text(c, 'aws sts get-caller-identity')).Arn as string
    const list = JSON.parse(text(c, 'aws eks list-access-entries --cluster-name demo'))
    expect(list.accessEntries).toHaveLength(2)
    expect(list.accessEntries[1]).toBe(me)
    expect(list.accessEntries[0]).toMatch(/:role\/eksctl-demo-nodegroup-.*-NodeInstanceRole-/)
    const entry = JSON.parse(
      text(c, `aws eks describe-access-entry --cluster-name demo --principal-arn ${me}`),
    ).accessEntry
    expect(entry).toMatchObject({ username: me, kubernetesGroups: [], type: 'STANDARD' })
    expect(entry.accessEntryArn).toMatch(
      /^arn:aws:eks:us-west-2:\d{12}:access-entry\/demo\/user\/\d{12}\/learner\/[0-9a-f-]{36}$/,
    )
    const node = JSON.parse(
      text(
        c,
        `aws eks describe-access-entry --cluster-name demo --principal-arn ${list.accessEntries[0]}`,
      ),
    ).accessEntry
    expect(node).toMatchObject({
      username: 'system:node:{{EC2PrivateDNSName}}',
      kubernetesGroups: ['system:nodes'],
      type: 'EC2_LINUX',
    })
    const policies = JSON.parse(
      text(c, `aws eks list-associated-access-policies --cluster-name demo --principal-arn ${me}`),
    )
    expect(
      policies.associatedAccessPolicies.map((p: { policyArn: string }) => p.policyArn),
    ).toEqual(['arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy'])
    // the same principal is who kubectl says you are
    expect(text(c, 'kubectl auth whoami')).toContain(
      `Username                                               ${me}`,
    )
  })

  it('reports unknown principals and clusters as EKS does', () => {
    const c = session(7)
    const r = c.run(
      'aws eks describe-access-entry --cluster-name demo --principal-arn arn:aws:iam::1:user/x',
    )
    expect(r.exitCode).toBe(254)
    expect(r.lines.map((l) => l.text)).toContain(
      "An error occurred (ResourceNotFoundException) when calling the DescribeAccessEntry operation: The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.",
    )
    expect(c.run('aws eks list-access-entries --cluster-name nope').exitCode).toBe(254)
  })
})
