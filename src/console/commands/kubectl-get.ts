import type { ClusterState, KObject, ResourceInfo } from '../../engine/index.ts'
import { apiVersionOf } from '../../engine/index.ts'
import type { CommandSpec, OutputLine } from '../types.ts'
import { fail, out, err, textLines } from '../types.ts'
import { bool, str } from '../flags.ts'
import {
  ALL_NAMESPACES_FLAG,
  OUTPUT_FLAG,
  SELECTOR_FLAG,
  namespaceOf,
  withGlobals,
} from './kubectlFlags.ts'
import { PRINTERS, formatLabels } from '../printers.ts'
import { formatTable } from '../format/table.ts'
import { toYaml } from '../format/yaml.ts'
import { toUnstructuredJson } from '../format/json.ts'
import { evaluateJsonPath, JsonPathError } from '../format/jsonpath.ts'
import {
  parseResourceArgs,
  listFor,
  getFor,
  groupResource,
  objectRef,
} from '../kubectl/resources.ts'
import { fieldSelectorFilter, parseSelector, matchesSelector } from '../kubectl/selectors.ts'

const FORMATS =
  'custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml'

export type OutputFormat =
  | { kind: 'table'; wide: boolean }
  | { kind: 'yaml' }
  | { kind: 'json' }
  | { kind: 'name' }
  | { kind: 'jsonpath'; template: string }
  | { kind: 'custom-columns'; columns: { header: string; path: string }[] }

export function parseOutputFormat(o: string | undefined): OutputFormat | string {
  if (o === undefined || o === '') return { kind: 'table', wide: false }
  if (o === 'wide') return { kind: 'table', wide: true }
  if (o === 'yaml') return { kind: 'yaml' }
  if (o === 'json') return { kind: 'json' }
  if (o === 'name') return { kind: 'name' }
  const eq = o.indexOf('=')
  const kind = eq >= 0 ? o.slice(0, eq) : o
  const arg = eq >= 0 ? o.slice(eq + 1) : ''
  if (kind === 'jsonpath') {
    if (!arg) return 'template format specified but no template given'
    return { kind: 'jsonpath', template: arg.replace(/^'(.*)'$/s, '$1') }
  }
  if (kind === 'custom-columns') {
    if (!arg) return 'custom-columns format specified but no custom columns given'
    const columns: { header: string; path: string }[] = []
    for (const spec of arg.split(',')) {
      const i = spec.indexOf(':')
      if (i < 0)
        return `unexpected custom-columns spec: ${spec}, expected <header>:<json-path-expr>`
      const path = spec.slice(i + 1)
      columns.push({
        header: spec.slice(0, i),
        path: path.startsWith('{') ? path : `{${path.startsWith('.') ? path : '.' + path}}`,
      })
    }
    return { kind: 'custom-columns', columns }
  }
  return `unable to match a printer suitable for the output format "${o}", allowed formats are: ${FORMATS}`
}

function asList(items: KObject[]): unknown {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }
}

/** Renders objects in a structured format (shared by get and create/apply --dry-run -o …). */
export function renderStructured(
  fmt: OutputFormat,
  objs: KObject[],
  single: boolean,
): OutputLine[] | { error: string } {
  const data = single && objs.length === 1 ? objs[0] : asList(objs)
  switch (fmt.kind) {
    case 'yaml':
      return textLines(toYaml(data))
    case 'json':
      return textLines(toUnstructuredJson(data))
    case 'jsonpath':
      try {
        const text = evaluateJsonPath(fmt.template, JSON.parse(JSON.stringify(data)))
        if (text === '') return []
        // kubectl prints the template's output as it is: no newline of its own at the end
        const lines = textLines(text)
        if (!text.endsWith('\n')) lines[lines.length - 1]!.noNewline = true
        return lines
      } catch (e) {
        if (e instanceof JsonPathError) {
          if (/^(unclosed|unrecognized|invalid|not in range)/.test(e.message))
            return { error: `error parsing jsonpath ${fmt.template}, ${e.message}` }
          return {
            error: `error executing jsonpath "${fmt.template}": Error executing template: ${e.message}. Printing more information for debugging the template:`,
          }
        }
        throw e
      }
    case 'custom-columns': {
      const rows = [fmt.columns.map((c) => c.header)]
      for (const o of objs) {
        const json = JSON.parse(JSON.stringify(o))
        rows.push(fmt.columns.map((c) => evaluateJsonPath(c.path, json) || '<none>'))
      }
      return formatTable(rows).map(out)
    }
    case 'name':
      return []
    case 'table':
      return []
  }
}

function sortBy(objs: KObject[], path: string): KObject[] {
  const tpl = path.startsWith('{') ? path : `{${path}}`
  const key = (o: KObject) => evaluateJsonPath(tpl, JSON.parse(JSON.stringify(o)))
  return [...objs].sort((a, b) => {
    const ka = key(a)
    const kb = key(b)
    const na = Number(ka)
    const nb = Number(kb)
    if (ka !== '' && kb !== '' && !Number.isNaN(na) && !Number.isNaN(nb)) return na - nb
    return ka < kb ? -1 : ka > kb ? 1 : 0
  })
}

export interface TableOptions {
  wide: boolean
  allNamespaces: boolean
  withKind: boolean
  showLabels: boolean
  noHeaders: boolean
  /** -L keys: a column each, after the printer's and before LABELS */
  labelColumns?: readonly string[]
}

/** -L's header: the key's last path segment, upper-cased (cli-runtime tableprinter.go
 * formatLabelHeaders): eks.amazonaws.com/nodegroup -> NODEGROUP. */
function labelHeader(key: string): string {
  return key.split('/').pop()!.toUpperCase()
}

export function renderTable(
  state: ClusterState,
  r: ResourceInfo,
  objs: KObject[],
  o: TableOptions,
): string[] {
  const printer = PRINTERS[r.resource]
  const now = state.now
  const keys = o.labelColumns ?? []
  // a missing label is an empty cell (labelValues: itemLabels[key])
  const labelCells = (obj: KObject) => keys.map((k) => obj.metadata.labels?.[k] ?? '')
  if (!printer) {
    const rows = [
      ['NAME', 'AGE', ...keys.map(labelHeader)],
      ...objs.map((x) => [x.metadata.name, '', ...labelCells(x)]),
    ]
    return formatTable(rows)
  }
  const cols = printer.columns.map((c, i) => ({ ...c, i })).filter((c) => o.wide || !c.wide)
  const header = cols.map((c) => c.name)
  const rows: string[][] = []
  if (!o.noHeaders)
    rows.push([
      ...(o.allNamespaces && r.namespaced ? ['NAMESPACE'] : []),
      ...header,
      ...keys.map(labelHeader),
      ...(o.showLabels ? ['LABELS'] : []),
    ])
  for (const obj of objs) {
    const full = printer.row(obj, now, state)
    const cells = cols.map((c) => full[c.i] ?? '')
    if (o.withKind && r.kind !== 'Event') cells[0] = objectRef(r, cells[0]!)
    rows.push([
      ...(o.allNamespaces && r.namespaced ? [obj.metadata.namespace ?? ''] : []),
      ...cells,
      ...labelCells(obj),
      ...(o.showLabels ? [formatLabels(obj.metadata.labels)] : []),
    ])
  }
  return formatTable(rows)
}

export const kubectlGet: CommandSpec = {
  path: ['kubectl', 'get'],
  modes: ['local'],
  summary: 'Display one or many resources',
  usage:
    'kubectl get [(-o|--output=)json|yaml|name|wide|jsonpath=…|custom-columns=…] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags]',
  args: ['resource', 'pod'],
  flags: withGlobals([
    OUTPUT_FLAG,
    SELECTOR_FLAG,
    ALL_NAMESPACES_FLAG,
    {
      name: 'show-labels',
      type: 'bool',
      description:
        'When printing, show all labels as the last column (default hide labels column).',
    },
    {
      name: 'label-columns',
      short: 'L',
      type: 'strings',
      description:
        'Accepts a comma separated list of labels that are going to be presented as columns. Names are case-sensitive. You can also use multiple flag options like -L label1 -L label2...',
    },
    {
      name: 'no-headers',
      type: 'bool',
      description:
        "When using the default or custom-column output format, don't print headers (default print headers).",
    },
    {
      name: 'field-selector',
      type: 'string',
      description:
        "Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2).",
    },
    {
      name: 'sort-by',
      type: 'string',
      description:
        "If non-empty, sort list types using this field specification (a JSONPath expression, e.g. '{.metadata.name}').",
    },
  ]),
  run(inv, env) {
    const state = env.sim.state
    const parsed = parseResourceArgs(inv.args)
    if (!parsed.ok) {
      if (parsed.error === 'Required resource not specified.')
        return fail([
          'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.',
          '',
          'error: Required resource not specified.',
          'Use "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).',
          "See 'kubectl get -h' for help and examples",
        ])
      return fail([`error: ${parsed.error}`])
    }
    const fmt = parseOutputFormat(str(inv.flags, 'output'))
    if (typeof fmt === 'string') return fail([`error: ${fmt}`])
    const allNs = bool(inv.flags, 'all-namespaces')
    const ns = namespaceOf(inv.flags)
    const selText = str(inv.flags, 'selector')
    const sel = selText !== undefined ? parseSelector(selText) : []
    if (typeof sel === 'string') return fail([`error: ${sel}`])
    const sortPath = str(inv.flags, 'sort-by')
    // a string slice flag: each value is comma-separated (pflag's readAsCSV)
    const labelColumnsFlag = inv.flags['label-columns']
    const labelColumns = (Array.isArray(labelColumnsFlag) ? labelColumnsFlag : [])
      .flatMap((v) => String(v).split(','))
      .filter((k) => k !== '')
    // values as typed: the apiserver's unescaping of `\,` `\=` is not modelled here (yet)
    const fieldSel = fieldSelectorFilter(str(inv.flags, 'field-selector'), false)
    if (typeof fieldSel === 'string') return fail([`error: ${fieldSel}`])

    const lines: OutputLine[] = []
    const errors: OutputLine[] = []
    const collected: { r: ResourceInfo; objs: KObject[] }[] = []
    let byName = false
    for (const { resource: r, names } of parsed.requests) {
      let objs: KObject[]
      if (names.length) {
        byName = true
        objs = []
        for (const n of names) {
          const o = getFor(state, r, ns, n)
          if (o) objs.push(o)
          else
            errors.push(err(`Error from server (NotFound): ${groupResource(r)} "${n}" not found`))
        }
      } else {
        objs = listFor(state, r, allNs ? undefined : ns).filter(
          (o) => matchesSelector(sel, o.metadata.labels) && fieldSel(o),
        )
      }
      if (sortPath) objs = sortBy(objs, sortPath)
      collected.push({ r, objs })
    }
    const total = collected.reduce((n, c) => n + c.objs.length, 0)
    const single = byName && parsed.requests.length === 1 && parsed.requests[0]!.names.length === 1

    if (fmt.kind === 'table') {
      const nonEmpty = collected.filter((c) => c.objs.length > 0)
      nonEmpty.forEach((c, i) => {
        if (i > 0) lines.push(out(''))
        const withKind = parsed.multiType || parsed.requests.length > 1
        lines.push(
          ...renderTable(state, c.r, c.objs, {
            wide: fmt.wide,
            allNamespaces: allNs,
            withKind,
            showLabels: bool(inv.flags, 'show-labels'),
            noHeaders: bool(inv.flags, 'no-headers'),
            labelColumns,
          }).map(out),
        )
      })
    } else if (fmt.kind === 'name') {
      for (const c of collected)
        for (const o of c.objs) lines.push(out(objectRef(c.r, o.metadata.name)))
    } else {
      const objs = collected.flatMap((c) => c.objs)
      const items = objs.map((o) => ({
        ...o,
        apiVersion: o.apiVersion ?? apiVersionOf(collected[0]!.r),
      }))
      const res = renderStructured(fmt, items as KObject[], single)
      if ('error' in res) return fail([`error: ${res.error}`])
      for (const l of res) lines.push(l) // can be 100k+ lines: no spread
    }
    if (total === 0 && errors.length === 0 && (fmt.kind === 'table' || fmt.kind === 'name')) {
      // informational, on stderr, exit status 0
      const cluster = parsed.requests.every((x) => !x.resource.namespaced)
      errors.push({
        text: allNs || cluster ? 'No resources found' : `No resources found in ${ns} namespace.`,
        tone: 'warn',
      })
    }
    return {
      lines: [...lines, ...errors],
      exitCode: errors.some((e) => e.text.startsWith('Error')) ? 1 : 0,
    }
  },
}
