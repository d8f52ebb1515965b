import type { CommandSpec, OutputLine } from './types.ts'
import { out, dim } from './types.ts'

export function helpFor(spec: CommandSpec): OutputLine[] {
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
