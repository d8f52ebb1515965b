import { describe, expect, it } from 'vitest'
import { session, text } from '../__tests__/helpers.ts'

// kubectl run builds the Pod client-side as kubectl 1.32 does; `--overrides` merges JSON into it
// (RFC 7396 by default). The expected texts were printed by the real kubectl 1.32.5.
describe('kubectl run', () => {
  it('prints the generated Pod in Go field order, with the override merged in', () => {
    const c = session(1)
    const cmd = `kubectl run pc --image=curlimages/curl -n x --dry-run=client -o json --overrides='{"spec":{"nodeSelector":{"eks.amazonaws.com/nodegroup":"private"}}}' --command -- sleep infinity`
    expect(text(c, cmd)).toBe(EXPECTED)
  })

  it("refuses bad overrides with kubectl's messages and creates nothing", () => {
    const c = session(1)
    const before = c.sim.state
    expect(text(c, `kubectl run pc --image=nginx --overrides='{"spec":'`)).toBe(
      'error: Invalid JSON Patch',
    )
    expect(text(c, `kubectl run pc --image=nginx --overrides='{}' --override-type=bogus`)).toBe(
      'error: invalid override type: bogus',
    )
    // the patched JSON must still decode into a v1.Pod
    expect(
      text(c, `kubectl run z --image=busybox --overrides='{"spec":{"containers":"no"}}'`),
    ).toBe(
      'error: json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container',
    )
    expect(text(c, `kubectl run z --image=busybox --overrides='[1,2]'`)).toBe(
      'error: couldn\'t get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }',
    )
    expect(c.sim.state).toBe(before)
  })

  it('pins a pod to a node group with a nodeSelector override', () => {
    const c = session(1)
    // kubectl's jsonpath takes `\.` inside a key (quoted, or the shell eats the backslash)
    const group = text(
      c,
      `kubectl get nodes -o jsonpath='{.items[0].metadata.labels.eks\\.amazonaws\\.com/nodegroup}'`,
    )
    expect(group).toMatch(/^ng-[0-9a-f]{8}$/)
    text(
      c,
      `kubectl run pinned --image=nginx --overrides='{"spec":{"nodeSelector":{"eks.amazonaws.com/nodegroup":"${group}"}}}'`,
    )
    expect(text(c, `kubectl get pod pinned -o jsonpath='{.spec.nodeSelector}'`)).toBe(
      `{"eks.amazonaws.com/nodegroup":"${group}"}`,
    )
    text(
      c,
      `kubectl run nowhere --image=nginx --overrides='{"spec":{"nodeSelector":{"eks.amazonaws.com/nodegroup":"private"}}}'`,
    )
    text(c, 'sleep 10')
    expect(text(c, 'kubectl get pod pinned -o jsonpath={.status.phase}')).toBe('Running')
    expect(text(c, 'kubectl get pod nowhere -o jsonpath={.status.phase}')).toBe('Pending')
  })
})

const EXPECTED = `{
    "kind": "Pod",
    "apiVersion": "v1",
    "metadata": {
        "name": "pc",
        "namespace": "x",
        "creationTimestamp": null,
        "labels": {
            "run": "pc"
        }
    },
    "spec": {
        "containers": [
            {
                "name": "pc",
                "image": "curlimages/curl",
                "command": [
                    "sleep",
                    "infinity"
                ],
                "resources": {}
            }
        ],
        "restartPolicy": "Always",
        "dnsPolicy": "ClusterFirst",
        "nodeSelector": {
            "eks.amazonaws.com/nodegroup": "private"
        }
    },
    "status": {}
}`
