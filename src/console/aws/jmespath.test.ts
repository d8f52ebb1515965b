import { describe, expect, it } from 'vitest'
import type { Json } from './jmespath.ts'
import { compile, JmesPathError, search } from './jmespath.ts'

// Expected values were produced by jmespath.py (the library inside the AWS CLI) on the same data.

const data: Json = {
  Reservations: [
    {
      OwnerId: '1',
      Instances: [
        {
          InstanceId: 'i-a',
          State: { Name: 'running' },
          Ip: '10.0.0.3',
          Tags: [
            { Key: 'Name', Value: 'one' },
            { Key: 'env', Value: 'dev' },
          ],
        },
      ],
    },
    {
      OwnerId: '1',
      Instances: [
        {
          InstanceId: 'i-b',
          State: { Name: 'stopped' },
          Ip: '10.0.0.1',
          Tags: [{ Key: 'Name', Value: 'two' }],
        },
      ],
    },
  ],
  Empty: [],
}

describe('jmespath subset', () => {
  it.each<[string, Json]>([
    ['Reservations[].Instances[].InstanceId', ['i-a', 'i-b']],
    ['Reservations[*].Instances[*].InstanceId', [['i-a'], ['i-b']]],
    ['Reservations[0].Instances[0].State.Name', 'running'],
    ['Reservations[-1].OwnerId', '1'],
    ['Reservations[5]', null],
    [
      'Reservations[].Instances[].[InstanceId, State.Name]',
      [
        ['i-a', 'running'],
        ['i-b', 'stopped'],
      ],
    ],
    [
      'Reservations[].Instances[].{ID: InstanceId, Name: Tags[?Key==`Name`] | [0].Value}',
      [
        { ID: 'i-a', Name: 'one' },
        { ID: 'i-b', Name: 'two' },
      ],
    ],
    ["Reservations[].Instances[?State.Name=='running'].InstanceId[]", ['i-a']],
    ['Reservations[].Instances[].Tags[].Key', ['Name', 'env', 'Name']],
    ['Reservations[0].Instances[0].State.*', ['running']],
    ['length(Reservations)', 2],
    ['sort_by(Reservations[].Instances[], &Ip)[].InstanceId', ['i-b', 'i-a']],
    ['Reservations[::-1].Instances[].InstanceId', ['i-b', 'i-a']],
    ["join(', ', Reservations[].Instances[].InstanceId)", 'i-a, i-b'],
    ['Empty || `"none"`', 'none'],
    ['Reservations[].Instances[].Nope', []],
    ['"Reservations"[0]."OwnerId"', '1'],
    ['Reservations[].Instances[] | [0].InstanceId', 'i-a'],
    ['Reservations[?!contains(Instances[].InstanceId, `"i-a"`)].OwnerId', ['1']],
  ])('%s', (expr, expected) => {
    expect(search(expr, data)).toEqual(expected)
  })

  it('rejects malformed expressions with jmespath.py wording', () => {
    expect(() => compile('Reservations[')).toThrow(new JmesPathError('Incomplete expression'))
    expect(() => compile('a.')).toThrow(JmesPathError)
    expect(() => compile('a[?b==`1`')).toThrow(JmesPathError)
    expect(() => compile('{a b}')).toThrow(JmesPathError)
  })
})
