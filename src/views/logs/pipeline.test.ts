import { describe, expect, it } from 'vitest'
import { LANES, STATION_H, STRIP_WIDTH, positionAt, returnPath } from './pipeline.ts'

const [line, request] = LANES as [(typeof LANES)[0], (typeof LANES)[1]]

describe('pipeline lanes', () => {
  it('names the real path of a line and of kubectl logs', () => {
    expect(line.stations.map((s) => s.label)).toEqual(['app', 'pipe', 'containerd', '0.log'])
    expect(request.stations.map((s) => s.label)).toEqual([
      'kubectl',
      'API server',
      'kubelet',
      '0.log',
    ])
    for (const lane of LANES)
      for (const s of lane.stations) {
        expect(s.x).toBeGreaterThan(0)
        expect(s.x).toBeLessThan(STRIP_WIDTH)
      }
  })

  it('moves a line from the app to the file, lighting each station in turn', () => {
    expect(positionAt(line, 0)).toMatchObject({ x: line.stations[0]!.x, station: 0, back: false })
    expect(positionAt(line, 0.5).station).toBe(1)
    expect(positionAt(line, 0.7).station).toBe(2)
    expect(positionAt(line, 1)).toMatchObject({ x: line.stations[3]!.x, station: 3 })
    expect(positionAt(line, 0.4).y).toBe(line.y + STATION_H / 2)
  })

  it('takes a kubectl logs request to the file and its response back to kubectl', () => {
    expect(positionAt(request, 0.6)).toMatchObject({ x: request.stations[3]!.x, station: 3 })
    const back = positionAt(request, 0.8)
    expect(back.back).toBe(true)
    expect(back.x).toBeLessThan(request.stations[3]!.x)
    expect(back.y).toBeGreaterThan(request.y + STATION_H)
    expect(positionAt(request, 1)).toMatchObject({ x: request.stations[0]!.x, station: 0 })
    expect(returnPath(request)).toMatch(/^M[\d.]+,\d+ L/)
  })
})
