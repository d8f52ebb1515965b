// Layout and motion maths of the log pipeline strip (STYLE.md 13: pure, tested; the component
// renders, the animator writes per-frame values). Two lanes:
//   a log line:    app → stdout pipe → containerd → 0.log on the node's disk
//   kubectl logs:  kubectl → API server → kubelet → 0.log, and the lines travel back
// Under reduced motion the same progress drives discrete steps: one station lit at a time.

export const STRIP_WIDTH = 300
export const STATION_W = 64
export const STATION_H = 26

export interface Station {
  id: string
  label: string
  /** second label line (smaller) */
  sub?: string
  /** centre x */
  x: number
}

export interface Lane {
  id: 'line' | 'request'
  title: string
  /** top of the lane's stations */
  y: number
  stations: Station[]
  /** the dot comes back to the first station (a request and its response) */
  roundTrip: boolean
}

function spread(items: Omit<Station, 'x'>[]): Station[] {
  const gap = (STRIP_WIDTH - STATION_W) / (items.length - 1)
  return items.map((s, i) => ({ ...s, x: STATION_W / 2 + i * gap }))
}

export const LANES: readonly Lane[] = [
  {
    id: 'line',
    title: 'A log line',
    y: 18,
    roundTrip: false,
    stations: spread([
      { id: 'app', label: 'app', sub: 'writes stdout' },
      { id: 'pipe', label: 'pipe', sub: 'stdout/stderr' },
      { id: 'containerd', label: 'containerd', sub: 'CRI record' },
      { id: 'file', label: '0.log', sub: 'node disk' },
    ]),
  },
  {
    id: 'request',
    title: 'kubectl logs',
    y: 84,
    roundTrip: true,
    stations: spread([
      { id: 'client', label: 'kubectl', sub: 'your laptop' },
      { id: 'apiserver', label: 'API server', sub: 'control plane' },
      { id: 'kubelet', label: 'kubelet', sub: 'on the node' },
      { id: 'file', label: '0.log', sub: 'node disk' },
    ]),
  },
]

export const STRIP_HEIGHT = 140

export interface Position {
  /** centre of the moving dot */
  x: number
  y: number
  /** index of the station the dot is at or last passed (lit under reduced motion) */
  station: number
  /** on the way back (the response of a round trip) */
  back: boolean
}

/** Where the dot is at progress t (0..1): forward through the stations, and back for a round trip. */
export function positionAt(lane: Lane, t: number): Position {
  const xs = lane.stations.map((s) => s.x)
  const n = xs.length
  const p = Math.max(0, Math.min(1, t))
  const mid = lane.y + STATION_H / 2
  if (!lane.roundTrip || p <= 0.6) {
    const q = lane.roundTrip ? p / 0.6 : p
    const f = q * (n - 1)
    const i = Math.min(n - 2, Math.floor(f))
    const x = xs[i]! + (xs[i + 1]! - xs[i]!) * (f - i)
    return { x, y: mid, station: Math.min(n - 1, Math.floor(f + 0.0001)), back: false }
  }
  // the response: along the return path below the stations, from the last station to the first
  const q = (p - 0.6) / 0.4
  const x = xs[n - 1]! + (xs[0]! - xs[n - 1]!) * q
  return { x, y: lane.y + STATION_H + 10, station: q >= 1 ? 0 : n - 1, back: true }
}

/** The return path of a round-trip lane (drawn dashed under the stations). */
export function returnPath(lane: Lane): string {
  const first = lane.stations[0]!.x
  const last = lane.stations[lane.stations.length - 1]!.x
  const y0 = lane.y + STATION_H
  const y = y0 + 10
  return `M${last},${y0} L${last},${y} L${first},${y} L${first},${y0}`
}
