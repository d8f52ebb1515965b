import type { CommandSpec } from '../types.ts'
import { ok, fail } from '../types.ts'
import { stdinBytes } from '../bytes.ts'

// Byte viewers for pipelines on your machine: `etcdctl get … | hexdump -C`, `| xxd`, `| od -c`.
// They read the exact bytes of standard input (see bytes.ts) and print in the real tools' formats:
// util-linux hexdump (-C: "%08.8_ax  " 8/1 "%02x " "  " 8/1 "%02x " "  |" 16/1 "%_p" "|"; default:
// 16-bit little-endian words), vim's xxd, GNU od -c. hexdump and od squeeze repeated lines into `*`.

const hex2 = (b: number) => b.toString(16).padStart(2, '0')
const printable = (b: number) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')

function rows(bytes: number[], width: number): number[][] {
  const out: number[][] = []
  for (let i = 0; i < bytes.length; i += width) out.push(bytes.slice(i, i + width))
  return out
}

/** Lines of a squeezing dump: a row equal to the one before is shown once as `*`. */
function squeezed(
  bytes: number[],
  width: number,
  row: (r: number[], offset: number) => string,
  squeeze = true,
): string[] {
  const lines: string[] = []
  let prev: string | undefined
  let starred = false
  rows(bytes, width).forEach((r, i) => {
    const key = r.length === width ? r.join(',') : undefined
    if (squeeze && key !== undefined && key === prev) {
      if (!starred) lines.push('*')
      starred = true
      return
    }
    starred = false
    prev = key
    lines.push(row(r, i * width))
  })
  return lines
}

export function hexdumpCanonical(bytes: number[], squeeze = true): string[] {
  if (!bytes.length) return []
  const lines = squeezed(
    bytes,
    16,
    (r, off) => {
      const h = (part: number[]) => part.map(hex2).join(' ')
      const hexArea = `${h(r.slice(0, 8))}${r.length > 8 ? '  ' + h(r.slice(8)) : ''}`
      return `${off.toString(16).padStart(8, '0')}  ${hexArea.padEnd(48)}  |${r.map(printable).join('')}|`
    },
    squeeze,
  )
  lines.push(bytes.length.toString(16).padStart(8, '0'))
  return lines
}

/** `hexdump` with no format: offsets in 7 hex digits, 16-bit little-endian words. */
export function hexdumpDefault(bytes: number[], squeeze = true): string[] {
  if (!bytes.length) return []
  const lines = squeezed(
    bytes,
    16,
    (r, off) => {
      const words: string[] = []
      for (let i = 0; i < r.length; i += 2) words.push(hex2(r[i + 1] ?? 0) + hex2(r[i]!))
      // a short last row keeps the full row's width: util-linux pads the missing words with blanks
      // (checked byte for byte against util-linux 2.38.1 hexdump)
      return `${off.toString(16).padStart(7, '0')} ${words.join(' ')}`.padEnd(47)
    },
    squeeze,
  )
  lines.push(bytes.length.toString(16).padStart(7, '0'))
  return lines
}

export function xxdDump(bytes: number[]): string[] {
  return rows(bytes, 16).map((r, i) => {
    const groups: string[] = []
    for (let k = 0; k < r.length; k += 2)
      groups.push(
        r
          .slice(k, k + 2)
          .map(hex2)
          .join(''),
      )
    return `${(i * 16).toString(16).padStart(8, '0')}: ${groups.join(' ').padEnd(39)}  ${r.map(printable).join('')}`
  })
}

const OD_ESCAPES: Record<number, string> = {
  0: '\\0',
  7: '\\a',
  8: '\\b',
  9: '\\t',
  10: '\\n',
  11: '\\v',
  12: '\\f',
  13: '\\r',
}

export function odChars(bytes: number[]): string[] {
  const lines = squeezed(bytes, 16, (r, off) => {
    const cells = r.map((b) =>
      (
        OD_ESCAPES[b] ??
        (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : b.toString(8).padStart(3, '0'))
      ).padStart(4),
    )
    return `${off.toString(8).padStart(7, '0')}${cells.join('')}`
  })
  lines.push(bytes.length.toString(8).padStart(7, '0'))
  return lines
}

function noFile(tool: string, args: string[]): string | undefined {
  const file = args.find((a) => !a.startsWith('-'))
  return file ? `${tool}: ${file}: No such file or directory` : undefined
}

const hexdump: CommandSpec = {
  path: ['hexdump'],
  modes: ['local'],
  summary: 'Show standard input byte by byte (-C: hex and ASCII side by side)',
  usage: 'hexdump [-C]',
  rawArgs: true,
  run(inv) {
    const bad = inv.args.find((a) => a.startsWith('-') && a !== '-C' && a !== '-v')
    if (bad)
      // util-linux errtryhelp(): no usage block (checked against util-linux 2.38.1)
      return fail([
        `hexdump: invalid option -- '${bad.slice(1, 2)}'`,
        "Try 'hexdump --help' for more information.",
      ])
    const missing = noFile('hexdump', inv.args)
    if (missing) return fail([missing, 'hexdump: all input file arguments failed'])
    const bytes = stdinBytes(inv)
    // -v (--no-squeezing) prints every row instead of `*`
    const squeeze = !inv.args.includes('-v')
    return ok(
      inv.args.includes('-C') ? hexdumpCanonical(bytes, squeeze) : hexdumpDefault(bytes, squeeze),
    )
  },
}

const xxd: CommandSpec = {
  path: ['xxd'],
  modes: ['local'],
  summary: 'Hex dump of standard input (xxd format)',
  usage: 'xxd',
  rawArgs: true,
  run(inv) {
    const missing = noFile('xxd', inv.args)
    if (missing) return fail([missing], 2)
    return ok(xxdDump(stdinBytes(inv)))
  },
}

const od: CommandSpec = {
  path: ['od'],
  modes: ['local'],
  summary: 'Show standard input as characters and octal escapes (od -c)',
  usage: 'od -c',
  rawArgs: true,
  run(inv) {
    if (!inv.args.includes('-c'))
      return fail(['od: only `od -c` is simulated here', "Try 'od --help' for more information."])
    const missing = noFile('od', inv.args)
    if (missing) return fail([missing])
    return ok(odChars(stdinBytes(inv)))
  },
}

export const HEXDUMP_COMMANDS: CommandSpec[] = [hexdump, xxd, od]
