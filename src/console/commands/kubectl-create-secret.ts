import { ApiError, base64, createObject, utf8Bytes } from '../../engine/index.ts'
import type { CommandEnv, CommandResult, CommandSpec, Invocation } from '../types.ts'
import { fail, ok } from '../types.ts'
import { str, strs } from '../flags.ts'
import { DRY_RUN_FLAG, OUTPUT_FLAG, namespaceOf, withGlobals } from './kubectlFlags.ts'
import { apiErrorLines } from '../errors.ts'
import { parseOutputFormat, renderStructured } from './kubectl-get.ts'
import { dryRunSuffix } from './kubectl-apply.ts'
import { toYaml } from '../format/yaml.ts'
import { toJson } from '../format/json.ts'
import type { KObject } from './kubectlTypes.ts'
import { configMapKeyErrors } from '../../engine/apiserver/secrets.ts'

// `kubectl create secret generic|docker-registry` (and `create configmap`), ported from
// k8s.io/kubectl pkg/cmd/create/create_secret.go, create_secret_docker.go, create_configmap.go:
// the object is built client-side (keys checked with IsConfigMapKey, values base64-encoded as
// map[string][]byte marshals them) and POSTed; server errors come back wrapped as
// "error: failed to create secret <status message>".
// The simulation has no local disk: `--from-file`/`--from-env-file` read only /dev/stdin (as real
// kubectl can: `echo -n s3cr3t | kubectl create secret generic db --from-file=password=/dev/stdin`);
// any other path gets kubectl's own "error reading …: no such file or directory".
// The client-side messages and `--dry-run=client -o yaml` output were checked against a real
// kubectl v1.32.5 binary.

const IS_ENV_NAME =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"

type Kind = 'Secret' | 'ConfigMap'
class SourceError extends Error {}

/** Collects keys in order, refusing duplicates and invalid names (addKeyFromLiteralToSecret). */
class KeyValues {
  readonly entries: [string, string][] = []
  constructor(
    private readonly kind: Kind,
    private readonly name = '',
  ) {}
  add(key: string, value: string): void {
    const errs = configMapKeyErrors(key)
    if (errs.length)
      throw new SourceError(
        this.kind === 'Secret'
          ? `"${key}" is not valid key name for a Secret ${errs.join(';')}`
          : `"${key}" is not a valid key name for a ConfigMap: ${errs.join(';')}`,
      )
    if (this.entries.some(([k]) => k === key))
      throw new SourceError(
        this.kind === 'Secret'
          ? `cannot add key ${key}, another key by that name already exists`
          : // create_configmap.go validateNewConfigMap (checked against kubectl v1.32.5)
            `cannot add key "${key}", another key by that name already exists in Data for ConfigMap "${this.name}"`,
      )
    this.entries.push([key, value])
  }
}

/** util.ParseLiteralSource: split at the first '='; the key may not be empty. */
function parseLiteral(source: string): [string, string] {
  const eq = source.indexOf('=')
  if (eq <= 0) throw new SourceError(`invalid literal source ${source}, expected key=value`)
  return [source.slice(0, eq), source.slice(eq + 1)]
}

/** util.ParseFileSource: `path` (key = basename) or `key=path`. */
function parseFileSource(source: string): [string, string] {
  const n = source.split('=').length - 1
  if (n === 0) return [source.replace(/\/+$/, '').split('/').pop() || source, source]
  if (n === 1 && source.startsWith('='))
    throw new SourceError(`key name for file path ${source.slice(1)} missing`)
  if (n === 1 && source.endsWith('='))
    throw new SourceError(`file path for key name ${source.slice(0, -1)} missing`)
  if (n > 1) throw new SourceError("key names or file paths cannot contain '='")
  const [k, p] = source.split('=') as [string, string]
  return [k, p]
}

/** os.Stat + os.ReadFile on the learner's machine: only /dev/stdin exists here. */
function readLocal(path: string, stdin: string | undefined, used: { stdin: boolean }): string {
  if (path === '/dev/stdin' || path === '/proc/self/fd/0') {
    const text = used.stdin ? '' : (stdin ?? '')
    used.stdin = true
    return text
  }
  throw new SourceError(`error reading ${path}: no such file or directory`)
}

/** cmdutil.AddFromEnvFile: KEY=VALUE lines; blank lines and # comments skipped. */
function addEnvFile(kv: KeyValues, text: string): void {
  const lines = text.replace(/^\ufeff/, '').split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '').replace(/^\s+/, '')
    if (line === '' || line.startsWith('#')) continue
    const eq = line.indexOf('=')
    const key = eq < 0 ? line : line.slice(0, eq)
    if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(key))
      throw new SourceError(`"${key}" is not a valid key name: ${IS_ENV_NAME}`)
    // a line without '=' takes the value of that variable in kubectl's own environment (none here)
    kv.add(key, eq < 0 ? '' : line.slice(eq + 1))
  }
}

function gatherSources(inv: Invocation, kind: Kind, name: string): KeyValues {
  const literals = strs(inv.flags, 'from-literal')
  const files = strs(inv.flags, 'from-file').flatMap((f) => f.split(','))
  const envFiles = strs(inv.flags, 'from-env-file').flatMap((f) => f.split(','))
  if (envFiles.length && (files.length || literals.length))
    throw new SourceError('from-env-file cannot be combined with from-file or from-literal')
  const kv = new KeyValues(kind, name)
  const used = { stdin: false }
  for (const l of literals) {
    const [k, v] = parseLiteral(l)
    kv.add(k, v)
  }
  for (const f of files) {
    const [k, path] = parseFileSource(f)
    kv.add(k, readLocal(path, inv.stdin, used))
  }
  for (const f of envFiles) addEnvFile(kv, readLocal(f, inv.stdin, used))
  return kv
}

function nameOrError(inv: Invocation, sub: string): string | CommandResult {
  if (inv.args.length !== 1)
    return fail([
      `error: exactly one NAME is required, got ${inv.args.length}`,
      `See 'kubectl create ${sub} -h' for help and examples`,
    ])
  return inv.args[0]!
}

const sorted = (entries: [string, string][]) =>
  Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))

/** Prints `--dry-run=client` objects as kubectl does (no server fields), or POSTs the object. */
function submit(
  inv: Invocation,
  env: CommandEnv,
  obj: Record<string, unknown> & { kind: Kind; metadata: Record<string, unknown> },
): CommandResult {
  const suffix = dryRunSuffix(str(inv.flags, 'dry-run'))
  if (typeof suffix !== 'string') return fail([suffix.error])
  const output = str(inv.flags, 'output')
  const ref = `${obj.kind.toLowerCase()}/${String(obj.metadata.name)}`
  const verb = obj.kind === 'Secret' ? 'secret' : 'configmap'
  if (suffix === ' (dry run)') {
    const metadata: Record<string, unknown> = { creationTimestamp: null, ...obj.metadata }
    if (str(inv.flags, 'namespace') === undefined) delete metadata.namespace
    const printable = { ...obj, metadata }
    if (output === 'yaml') return ok(toYaml(printable).replace(/\n$/, '').split('\n'))
    if (output === 'json') return ok(toJson(printable).split('\n'))
    if (output === 'name') return ok([ref])
    return ok([`${ref} created${suffix}`])
  }
  const r = env.sim.transact((ctx) => createObject(ctx, obj as never, { dryRun: suffix !== '' }))
  if (!r.ok) {
    // kubectl wraps the server's error: fmt.Errorf("failed to create secret %v", err)
    if (r.error instanceof ApiError)
      return fail([`error: failed to create ${verb} ${r.error.message}`])
    return { lines: apiErrorLines(r.error), exitCode: 1 }
  }
  const fmt = parseOutputFormat(output)
  if (typeof fmt === 'string') return fail([`error: ${fmt}`])
  if (fmt.kind !== 'table' && fmt.kind !== 'name') {
    const res = renderStructured(fmt, [r.value as KObject], true)
    return 'error' in res ? fail([`error: ${res.error}`]) : ok(res)
  }
  return ok([fmt.kind === 'name' ? ref : `${ref} created${suffix}`])
}

function metadataFor(inv: Invocation, name: string): Record<string, unknown> {
  return { name, namespace: namespaceOf(inv.flags) }
}

const SOURCE_FLAGS = [
  {
    name: 'from-literal',
    type: 'strings' as const,
    description: 'Specify a key and literal value to insert in secret (i.e. mykey=somevalue)',
  },
  {
    name: 'from-file',
    type: 'strings' as const,
    description:
      'Key files can be specified using their file path, in which case a default name will be given to them, or optionally with a name and file path, in which case the given name will be used.  (Here only /dev/stdin exists.)',
  },
  {
    name: 'from-env-file',
    type: 'strings' as const,
    description:
      'Specify the path to a file to read lines of key=val pairs to create a secret. (Here only /dev/stdin exists.)',
  },
]
const COMMON_FLAGS = [
  DRY_RUN_FLAG,
  OUTPUT_FLAG,
  {
    name: 'save-config',
    type: 'bool' as const,
    description: 'If true, the configuration of current object will be saved in its annotation.',
  },
  { name: 'validate', type: 'string' as const, description: 'Validation mode.' },
]

function guard(run: () => CommandResult): CommandResult {
  try {
    return run()
  } catch (e) {
    if (e instanceof SourceError) return fail([`error: ${e.message}`])
    throw e
  }
}

export const kubectlCreateSecretGeneric: CommandSpec = {
  path: ['kubectl', 'create', 'secret', 'generic'],
  modes: ['local'],
  summary: 'Create a secret from a local file, directory, or literal value',
  usage:
    'kubectl create secret generic NAME [--type=string] [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none]',
  mutates: true,
  flags: withGlobals([
    ...SOURCE_FLAGS,
    { name: 'type', type: 'string', description: 'The type of secret to create' },
    ...COMMON_FLAGS,
  ]),
  run(inv, env) {
    const name = nameOrError(inv, 'secret generic')
    if (typeof name !== 'string') return name
    return guard(() => {
      const kv = gatherSources(inv, 'Secret', name)
      const data = sorted(kv.entries.map(([k, v]) => [k, base64(utf8Bytes(v))]))
      const type = str(inv.flags, 'type')
      return submit(inv, env, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: metadataFor(inv, name),
        ...(kv.entries.length ? { data } : {}),
        ...(type ? { type } : {}),
      })
    })
  },
}

export const kubectlCreateSecretDockerRegistry: CommandSpec = {
  path: ['kubectl', 'create', 'secret', 'docker-registry'],
  modes: ['local'],
  summary: 'Create a secret for use with a Docker registry',
  usage:
    'kubectl create secret docker-registry NAME --docker-username=user --docker-password=password --docker-email=email [--docker-server=string] [--dry-run=server|client|none]',
  mutates: true,
  flags: withGlobals([
    {
      name: 'docker-server',
      type: 'string',
      default: 'https://index.docker.io/v1/',
      description: 'Server location for Docker registry',
    },
    {
      name: 'docker-username',
      type: 'string',
      description: 'Username for Docker registry authentication',
    },
    {
      name: 'docker-password',
      type: 'string',
      description: 'Password for Docker registry authentication',
    },
    { name: 'docker-email', type: 'string', description: 'Email for Docker registry' },
    {
      name: 'from-file',
      type: 'strings',
      description:
        'Key files can be specified using their file path. (Here only /dev/stdin exists.)',
    },
    ...COMMON_FLAGS,
  ]),
  run(inv, env) {
    const name = nameOrError(inv, 'secret docker-registry')
    if (typeof name !== 'string') return name
    const server = str(inv.flags, 'docker-server') ?? ''
    const username = str(inv.flags, 'docker-username') ?? ''
    const password = str(inv.flags, 'docker-password') ?? ''
    const email = str(inv.flags, 'docker-email') ?? ''
    const files = strs(inv.flags, 'from-file')
    if (files.length === 0 && (!username || !password || !server))
      return fail([
        'error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required',
      ])
    return guard(() => {
      const data: Record<string, string> = {}
      if (files.length) {
        const kv = new KeyValues('Secret')
        const used = { stdin: false }
        for (const f of files) {
          const [k, path] = parseFileSource(f)
          kv.add(k, readLocal(path, inv.stdin, used))
        }
        for (const [k, v] of kv.entries) data[k] = base64(utf8Bytes(v))
      } else {
        // DockerConfigJSON{Auths: {server: DockerConfigEntry}} marshalled by encoding/json:
        // fields in struct order, empty ones omitted, auth = base64("user:password")
        const entry: Record<string, string> = { username, password }
        if (email) entry.email = email
        entry.auth = base64(utf8Bytes(`${username}:${password}`))
        data['.dockerconfigjson'] = base64(
          utf8Bytes(JSON.stringify({ auths: { [server]: entry } })),
        )
      }
      return submit(inv, env, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: metadataFor(inv, name),
        data,
        type: 'kubernetes.io/dockerconfigjson',
      })
    })
  },
}

export const kubectlCreateSecret: CommandSpec = {
  path: ['kubectl', 'create', 'secret'],
  modes: ['local'],
  summary: 'Create a secret using a specified subcommand',
  usage: 'kubectl create secret (docker-registry | generic | tls) [options]',
  flags: withGlobals([]),
  run(inv) {
    if (inv.args.length)
      return fail([
        `error: unknown command "${inv.args[0]}"`,
        "See 'kubectl create secret -h' for help and examples",
      ])
    return ok([
      'Create a secret with specified type.',
      '',
      ' A docker-registry type secret is for accessing a container registry.',
      '',
      ' A generic type secret indicate an Opaque secret type.',
      '',
      ' A tls type secret holds TLS certificate and its associated key.',
      '',
      'Available Commands:',
      '  docker-registry   Create a secret for use with a Docker registry',
      '  generic           Create a secret from a local file, directory, or literal value',
      '  tls               Create a TLS secret',
      '',
      'Usage:',
      '  kubectl create secret (docker-registry | generic | tls) [options]',
      '',
      'Use "kubectl create secret <command> --help" for more information about a given command.',
      'Use "kubectl options" for a list of global command-line options (applies to all commands).',
    ])
  },
}

export const kubectlCreateSecretTls: CommandSpec = {
  path: ['kubectl', 'create', 'secret', 'tls'],
  modes: ['local'],
  summary: 'Create a TLS secret',
  usage:
    'kubectl create secret tls NAME --cert=path/to/cert/file --key=path/to/key/file [--dry-run=server|client|none]',
  mutates: true,
  flags: withGlobals([
    { name: 'cert', type: 'string', description: 'Path to PEM encoded public key certificate.' },
    {
      name: 'key',
      type: 'string',
      description: 'Path to private key associated with given certificate.',
    },
    ...COMMON_FLAGS,
  ]),
  run(inv) {
    const name = nameOrError(inv, 'secret tls')
    if (typeof name !== 'string') return name
    const cert = str(inv.flags, 'cert') ?? ''
    const key = str(inv.flags, 'key') ?? ''
    if (!cert || !key) return fail(['error: key and cert must be specified'])
    // create_secret_tls.go readFile: both files must exist; this machine has none (and stdin can
    // hold only one of them), so every path gets os.ReadFile's error
    const missing = cert === '/dev/stdin' ? key : cert
    return fail([`error: Cannot read file ${missing}, open ${missing}: no such file or directory`])
  },
}

export const kubectlCreateConfigMap: CommandSpec = {
  path: ['kubectl', 'create', 'configmap'],
  modes: ['local'],
  summary: 'Create a config map from a local file, directory or literal value',
  usage:
    'kubectl create configmap NAME [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none]',
  mutates: true,
  flags: withGlobals([...SOURCE_FLAGS, ...COMMON_FLAGS]),
  run(inv, env) {
    const name = nameOrError(inv, 'configmap')
    if (typeof name !== 'string') return name
    return guard(() => {
      const kv = gatherSources(inv, 'ConfigMap', name)
      return submit(inv, env, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: metadataFor(inv, name),
        ...(kv.entries.length ? { data: sorted(kv.entries) } : {}),
      })
    })
  },
}

export const CREATE_SECRET_COMMANDS: CommandSpec[] = [
  kubectlCreateSecret,
  kubectlCreateSecretGeneric,
  kubectlCreateSecretDockerRegistry,
  kubectlCreateSecretTls,
  kubectlCreateConfigMap,
]
