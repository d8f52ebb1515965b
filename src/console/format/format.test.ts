import { describe, expect, it } from 'vitest'
import { formatTable } from './table.ts'
import { evaluateJsonPath, parseTemplate } from './jsonpath.ts'
import { toYaml } from './yaml.ts'

describe('formatTable (kubectl tabwriter: minwidth 6, padding 3, last cell unpadded)', () => {
  it('lays out a table exactly as kubectl does', () => {
    expect(
      formatTable([
        ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
        ['web', '3/3', '3', '3', '2m10s'],
      ]),
    ).toEqual([
      'NAME   READY   UP-TO-DATE   AVAILABLE   AGE',
      'web    3/3     3            3           2m10s',
    ])
  })
  it('pads narrow columns to the minimum width of 6', () => {
    expect(
      formatTable([
        ['A', 'B'],
        ['x', 'y'],
      ]),
    ).toEqual(['A     B', 'x     y'])
  })
})

describe('kubectl JSONPath', () => {
  const list = {
    items: [
      {
        metadata: { name: 'a', labels: { app: 'web' } },
        status: { podIP: '192.168.1.5', conditions: [{ type: 'Ready', status: 'True' }] },
        spec: { containers: [{ image: 'nginx' }, { image: 'busybox' }] },
      },
      {
        metadata: { name: 'b' },
        status: { podIP: '192.168.1.6', conditions: [{ type: 'Ready', status: 'False' }] },
        spec: { containers: [{ image: 'nginx' }] },
      },
    ],
  }
  it.each([
    ['{.items[*].metadata.name}', 'a b'],
    ['{.items[0].status.podIP}', '192.168.1.5'],
    [
      '{range .items[*]}{.metadata.name}{"\\t"}{.status.podIP}{"\\n"}{end}',
      'a\t192.168.1.5\nb\t192.168.1.6\n',
    ],
    ['{.items[*].status.conditions[?(@.type=="Ready")].status}', 'True False'],
    ['{..image}', 'nginx busybox nginx'],
    ['{.items[0].metadata.labels}', '{"app":"web"}'],
    ['{.items[*].metadata.nosuch}', ''],
    ['names: {.items[-1:].metadata.name}', 'names: b'],
  ])('%s', (tpl, want) => expect(evaluateJsonPath(tpl, list)).toBe(want))

  it('rejects broken templates', () => {
    expect(() => parseTemplate('{.items[0].metadata.name')).toThrow(/unclosed action/)
    expect(() => evaluateJsonPath('{.items[5]}', list)).toThrow(
      /array index out of bounds: index 5, length 2/,
    )
  })
})

describe('toYaml (kubectl -o yaml style)', () => {
  it('sorts keys, does not indent lists under their key, quotes ambiguous strings', () => {
    expect(
      toYaml({
        spec: { replicas: 3, containers: [{ name: 'nginx', image: 'nginx' }] },
        metadata: { annotations: { rev: '1' }, creationTimestamp: '2026-03-02T08:40:00Z', x: null },
      }),
    ).toBe(
      [
        'metadata:',
        '  annotations:',
        '    rev: "1"',
        '  creationTimestamp: "2026-03-02T08:40:00Z"',
        '  x: null',
        'spec:',
        '  containers:',
        '  - image: nginx',
        '    name: nginx',
        '  replicas: 3',
        '',
      ].join('\n'),
    )
  })
})

describe('toYaml: go-yaml v2 scalar styles, as real kubectl 1.32 prints them', () => {
  it('single-quotes what cannot be plain and folds past 80 columns, two columns in', () => {
    // the exact lines kubectl printed for a RegisteredNode Event (serve conformance test)
    const message =
      'Node ip-192-168-14-58.us-west-2.compute.internal event: Registered Node ip-192-168-14-58.us-west-2.compute.internal in Controller'
    expect(toYaml({ items: [{ message }] })).toBe(
      [
        'items:',
        "- message: 'Node ip-192-168-14-58.us-west-2.compute.internal event: Registered Node",
        "    ip-192-168-14-58.us-west-2.compute.internal in Controller'",
        '',
      ].join('\n'),
    )
  })

  it('writes line breaks as literal blocks and doubles quotes inside single quotes', () => {
    expect(toYaml({ a: { b: '{"x":1}\n', c: 'one\ntwo' }, d: "it's: here", e: '#x', f: '' })).toBe(
      [
        'a:',
        '  b: |',
        '    {"x":1}',
        '  c: |-',
        '    one',
        '    two',
        "d: 'it''s: here'",
        "e: '#x'",
        'f: ""',
        '',
      ].join('\n'),
    )
  })
})
