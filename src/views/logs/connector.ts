// The line the disk view draws from a symlink in /var/log/containers to the file it points at in
// /var/log/pods: a curve through the left gutter, ending in an arrowhead at the target. Pure maths
// (STYLE.md 13): the component measures the two rows and renders `<path d>`.

export interface Row {
  /** left edge of the row's label, relative to the drawing's origin */
  x: number
  /** vertical middle of the row */
  y: number
}

/** Path from `from` (the link) to `to` (the file), bowing out to `gutter` (an x left of both rows). */
export function connectorPath(from: Row, to: Row, gutter: number): string {
  const x1 = from.x - 2
  const x2 = to.x - 6
  const gx = Math.min(gutter, Math.min(x1, x2) - 2)
  return `M${r(x1)},${r(from.y)} C${r(gx)},${r(from.y)} ${r(gx)},${r(to.y)} ${r(x2)},${r(to.y)}`
}

const r = (n: number) => Math.round(n * 10) / 10
