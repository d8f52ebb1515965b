import type { FlagSpec } from '../types.ts'

// Flags every kubectl subcommand accepts (kubectl's persistent flags), plus the common ones.
export const KUBECTL_GLOBAL: readonly FlagSpec[] = [
  {
    name: 'namespace',
    short: 'n',
    type: 'string',
    description: 'If present, the namespace scope for this CLI request',
  },
  { name: 'context', type: 'string', description: 'The name of the kubeconfig context to use' },
  {
    name: 'kubeconfig',
    type: 'string',
    description: 'Path to the kubeconfig file to use for CLI requests.',
  },
  {
    name: 'request-timeout',
    type: 'string',
    description: 'The length of time to wait before giving up on a single server request.',
  },
  { name: 'v', short: 'v', type: 'int', description: 'number for the log level verbosity' },
  {
    name: 'as',
    type: 'string',
    description:
      'Username to impersonate for the operation. User could be a regular user or a service account in a namespace.',
  },
  {
    name: 'as-group',
    type: 'strings',
    description:
      'Group to impersonate for the operation, this flag can be repeated to specify multiple groups.',
  },
]

export const OUTPUT_FLAG: FlagSpec = {
  name: 'output',
  short: 'o',
  type: 'string',
  description: 'Output format. One of: (json, yaml, name, wide, jsonpath=…, custom-columns=…).',
  values: ['json', 'yaml', 'name', 'wide', 'jsonpath=', 'custom-columns='],
}

export const SELECTOR_FLAG: FlagSpec = {
  name: 'selector',
  short: 'l',
  type: 'string',
  description:
    "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.(e.g. -l key1=value1,key2=value2).",
}
export const ALL_NAMESPACES_FLAG: FlagSpec = {
  name: 'all-namespaces',
  short: 'A',
  type: 'bool',
  description: 'If present, list the requested object(s) across all namespaces.',
}
export const FILENAME_FLAG: FlagSpec = {
  name: 'filename',
  short: 'f',
  type: 'strings',
  description: "Filename, directory, or URL to files; '-' reads standard input.",
}
export const DRY_RUN_FLAG: FlagSpec = {
  name: 'dry-run',
  type: 'string',
  description: 'Must be "none", "server", or "client".',
  values: ['none', 'client', 'server'],
}

export function withGlobals(flags: readonly FlagSpec[]): FlagSpec[] {
  return [...flags, ...KUBECTL_GLOBAL]
}

export function namespaceOf(flags: Record<string, unknown>): string {
  const n = flags.namespace
  return typeof n === 'string' && n ? n : 'default'
}
