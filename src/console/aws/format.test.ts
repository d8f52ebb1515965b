import { describe, expect, it } from 'vitest'
import { formatJson, formatTable, formatText, formatYaml } from './format.ts'

// Expected strings were produced by awscli's own formatters (awscli/text.py, awscli/table.py with
// colour off and an 80-column terminal) and PyYAML safe_dump, on the same data.

describe('AWS CLI formatters', () => {
  it('json: 4-space indent, empty dict prints nothing', () => {
    expect(formatJson({ a: [], b: {}, c: [1, true, null] })).toEqual([
      '{',
      '    "a": [],',
      '    "b": {},',
      '    "c": [',
      '        1,',
      '        true,',
      '        null',
      '    ]',
      '}',
    ])
    expect(formatJson({})).toEqual([])
    expect(formatJson('x')).toEqual(['"x"'])
  })

  it('text: sorted scalar keys, upper-cased identifiers, Python True/False/None', () => {
    expect(
      formatText({
        Subnets: [
          {
            VpcId: 'v',
            CidrBlock: '10.0.1.0/24',
            MapPublicIpOnLaunch: false,
            Tags: [{ Key: 'Name', Value: 'x' }],
          },
        ],
      }),
    ).toEqual(['SUBNETS\t10.0.1.0/24\tFalse\tv', 'TAGS\tName\tx'])
    expect(
      formatText([
        ['a', 'b'],
        ['c', null],
      ]),
    ).toEqual(['a\tb', 'c\tNone'])
    expect(formatText({ clusters: ['demo', 'prod'] })).toEqual(['CLUSTERS\tdemo', 'CLUSTERS\tprod'])
  })

  it('table: title, centred headers, scaled columns', () => {
    expect(formatTable('ListClusters', { clusters: ['demo'] })).toEqual([
      '--------------',
      '|ListClusters|',
      '+------------+',
      '|| clusters ||',
      '|+----------+|',
      '||  demo    ||',
      '|+----------+|',
    ])
    expect(formatTable('X', {})).toEqual([])
  })

  it('yaml: block style, quoting strings that would read back as other types', () => {
    expect(formatYaml({ a: '123', b: 'off', c: [{ d: 1, e: [] }], f: {}, g: 'x y' })).toEqual([
      "a: '123'",
      "b: 'off'",
      'c:',
      '- d: 1',
      '  e: []',
      'f: {}',
      'g: x y',
    ])
  })
})
