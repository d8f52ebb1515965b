import { describe, expect, it } from 'vitest'
import { connectorPath } from './connector.ts'

describe('connectorPath', () => {
  it('starts at the link, bows out to the gutter and ends just left of the file', () => {
    expect(connectorPath({ x: 20, y: 300 }, { x: 44, y: 60 }, 4)).toBe('M18,300 C4,300 4,60 38,60')
  })

  it('keeps a small bow when the rows sit at the gutter', () => {
    expect(connectorPath({ x: 4, y: 10.04 }, { x: 4, y: 50 }, 4)).toBe('M2,10 C-4,10 -4,50 -2,50')
  })
})
