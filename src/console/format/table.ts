// kubectl's human-readable tables: Go's text/tabwriter as k8s.io/cli-runtime configures it
// (minwidth 6, padding 3, pad char ' '). Every cell but the last of a row is padded to its column's
// width = max(6, widest cell + 3); the last cell is written as is.
// A port of the rules, checked against real kubectl v1.32 output (docs/research/kubectl-formats.md §1.1).

const MIN_WIDTH = 6
const PADDING = 3

export function formatTable(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = []
  for (const row of rows) {
    for (let i = 0; i < row.length - 1; i++)
      widths[i] = Math.max(widths[i] ?? 0, [...row[i]!].length)
  }
  return rows.map((row) =>
    row
      .map((cell, i) =>
        i < row.length - 1
          ? cell + ' '.repeat(Math.max(MIN_WIDTH, widths[i]! + PADDING) - [...cell].length)
          : cell,
      )
      .join(''),
  )
}
