import type { CommandSpec, OutputLine } from './types.ts'
import { out, dim } from './types.ts'

export function helpFor(spec: CommandSpec): OutputLine[] {
  if (spec.path[0] === 'eksctl') return eksctlHelp(spec)
  const lines: OutputLine[] = [out(spec.summary), out(''), out('Usage:'), out(`  ${spec.usage}`)]
  const flags = spec.flags ?? []
  if (flags.length) {
    lines.push(out(''), out('Options:'))
    for (const f of flags) {
      const name = `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.type === 'bool' ? '' : `=${f.type === 'int' ? '0' : "''"}`}`
      lines.push(out(`    ${name}:`), dim(`        ${f.description}`))
    }
  }
  return lines
}

/** eksctl (cobra + eksctl's flag groups): `Usage: …`, then the flags as pflag prints them. */
function eksctlHelp(spec: CommandSpec): OutputLine[] {
  const flags = (spec.flags ?? []).map((f) => {
    const type = f.type === 'bool' ? '' : f.type === 'int' ? ' int' : ' string'
    const dflt =
      f.default === undefined || f.default === false || f.default === '' || f.default === -1
        ? ''
        : typeof f.default === 'string'
          ? ` (default "${f.default}")`
          : ` (default ${String(f.default)})`
    return {
      left: `${f.short ? `-${f.short}, ` : '    '}--${f.name}${type}`,
      right: `${f.description}${dflt}`,
    }
  })
  const width = Math.max(0, ...flags.map((f) => f.left.length))
  return [
    out(spec.summary),
    out(''),
    out(`Usage: ${spec.usage}`),
    ...(flags.length
      ? [out(''), out('Flags:'), ...flags.map((f) => out(`  ${f.left.padEnd(width)}   ${f.right}`))]
      : []),
    out(''),
    out("Use 'eksctl <command> --help' for more information about a command."),
  ]
}
