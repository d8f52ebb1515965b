import type { ConfigMap, Secret } from '../model/k8s.ts'
import { base64, base64Decode, utf8Bytes, utf8Decode } from '../encoding.ts'
import { ApiError } from './errors.ts'

// What the API server does with a Secret (and a ConfigMap) beyond the generic verbs:
// - decoding: `data` is map[string][]byte, so JSON carries base64 and Go's strict StdEncoding
//   decodes it; a bad value fails the whole request with the decoder's error
//   (`Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 6`);
// - conversion: `stringData` is merged into `data` (stringData wins) and never stored
//   (pkg/apis/core/v1/conversion.go Convert_v1_Secret_To_core_Secret);
// - validation: key names, the 1 MiB total, the keys each built-in type requires, `immutable`
//   (pkg/apis/core/validation/validation.go ValidateSecret, ValidateSecretUpdate, ValidateConfigMap).

/** core.MaxSecretSize: 1 MiB of data, summed over every key (ConfigMaps share the limit). */
export const MAX_SECRET_SIZE = 1024 * 1024

const B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/**
 * Where Go's `base64.StdEncoding.Decode` gives up (`CorruptInputError`, "illegal base64 data at
 * input byte N"), or undefined when the input decodes. A port of decodeQuantum (encoding/base64):
 * padding is required, CR and LF are skipped, anything after the padding is an error.
 */
export function goBase64ErrorOffset(text: string): number | undefined {
  const src = utf8Bytes(text)
  const n = src.length
  const isNl = (b: number | undefined) => b === 0x0a || b === 0x0d
  let si = 0
  while (si < n) {
    for (let j = 0; j < 4; j++) {
      if (si === n) return j === 0 ? undefined : si - j
      const b = src[si++]!
      if (b < 0x80 && B64_ALPHABET.includes(String.fromCharCode(b))) continue
      if (isNl(b)) {
        j--
        continue
      }
      if (b !== 0x3d) return si - 1
      // '=' padding: only after 2 or 3 data characters
      if (j < 2) return si - 1
      if (j === 2) {
        while (si < n && isNl(src[si])) si++
        if (si === n) return n
        if (src[si] !== 0x3d) return si - 1
        si++
      }
      while (si < n && isNl(src[si])) si++
      return si < n ? si : undefined
    }
  }
  return undefined
}

function cannotHandle(kind: 'Secret' | 'ConfigMap', detail: string): ApiError {
  return new ApiError(
    'BadRequest',
    `${kind} in version "v1" cannot be handled as a ${kind}: ${detail}`,
    { kind: kind === 'Secret' ? 'secrets' : 'configmaps' },
  )
}

function goJsonType(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'object') return 'object'
  return typeof v === 'boolean' ? 'bool' : typeof v
}

/** Checks a map field the way encoding/json fills a Go map: keys in sorted order (kubectl sends
 * JSON with sorted keys), the first bad value fails the request. */
function checkBytesMap(
  kind: 'Secret' | 'ConfigMap',
  field: string,
  m: unknown,
  goType: '[]uint8' | 'string',
): void {
  if (m === undefined || m === null) return
  if (typeof m !== 'object' || Array.isArray(m))
    throw cannotHandle(
      kind,
      `json: cannot unmarshal ${goJsonType(m)} into Go struct field ${kind}.${field} of type map[string]${goType}`,
    )
  for (const key of Object.keys(m).sort()) {
    const v = (m as Record<string, unknown>)[key]
    if (v === null) continue
    if (typeof v !== 'string')
      throw cannotHandle(
        kind,
        `json: cannot unmarshal ${goJsonType(v)} into Go struct field ${kind}.${field} of type ${goType}`,
      )
    if (goType === '[]uint8') {
      const at = goBase64ErrorOffset(v)
      if (at !== undefined) throw cannotHandle(kind, `illegal base64 data at input byte ${at}`)
    }
  }
}

/** base64 with Go's encoder (padding, no line breaks), as the API server re-encodes `data`. */
function canonicalBase64(text: string): string {
  return base64(base64Decode(text.replace(/[\r\n]/g, '')) ?? [])
}

/**
 * Decoding and conversion of an incoming Secret or ConfigMap: throws the decoder's BadRequest for
 * malformed `data`, normalises the base64, merges `stringData` into `data` and drops it.
 */
export function decodeSecretLike(obj: Secret | ConfigMap): void {
  if (obj.kind === 'Secret') {
    checkBytesMap('Secret', 'data', obj.data, '[]uint8')
    checkBytesMap('Secret', 'stringData', obj.stringData, 'string')
    const data: Record<string, string> = {}
    for (const [k, v] of Object.entries(obj.data ?? {})) data[k] = canonicalBase64(v ?? '')
    for (const [k, v] of Object.entries(obj.stringData ?? {})) data[k] = base64(utf8Bytes(v ?? ''))
    delete obj.stringData
    if (Object.keys(data).length || obj.data) obj.data = data
    else delete obj.data
    return
  }
  checkBytesMap('ConfigMap', 'data', obj.data, 'string')
  checkBytesMap('ConfigMap', 'binaryData', obj.binaryData, '[]uint8')
  if (obj.binaryData)
    obj.binaryData = Object.fromEntries(
      Object.entries(obj.binaryData).map(([k, v]) => [k, canonicalBase64(v ?? '')]),
    )
}

/** validation.IsConfigMapKey: the messages for one key (empty when valid). */
export function configMapKeyErrors(key: string): string[] {
  const errs: string[] = []
  if (key.length > 253) errs.push('must be no more than 253 characters')
  if (!/^[-._a-zA-Z0-9]+$/.test(key))
    errs.push(
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    )
  if (key === '.') errs.push("must not be '.'")
  else if (key === '..') errs.push("must not be '..'")
  else if (key.startsWith('..')) errs.push("must not start with '..'")
  return errs
}

/** Byte length of a base64 value (what the 1 MiB limit counts). */
export function decodedLength(b64: string): number {
  const clean = b64.replace(/[\r\n]/g, '')
  const pad = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0
  return Math.floor((clean.length * 3) / 4) - pad
}

/** The data keys each built-in Secret type requires (core/types.go: DockerConfigJsonKey, TLSCertKey …). */
const REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
}

/** ValidateSecret's causes (metadata.name is checked by the generic validation). */
export function secretErrors(s: Secret): string[] {
  const out: string[] = []
  let total = 0
  for (const key of Object.keys(s.data ?? {}).sort()) {
    for (const msg of configMapKeyErrors(key))
      out.push(`data[${key}]: Invalid value: "${key}": ${msg}`)
    total += decodedLength(s.data![key]!)
  }
  // field.TooLong (apimachinery pkg/util/validation/field/errors.go): the value is omitted
  if (total > MAX_SECRET_SIZE)
    out.push(`data: Too long: may not be more than ${MAX_SECRET_SIZE} bytes`)
  const data = s.data ?? {}
  if (s.type === 'kubernetes.io/basic-auth') {
    if (!('username' in data) && !('password' in data))
      out.push('data[username]: Required value', 'data[password]: Required value')
  } else if (s.type === 'kubernetes.io/service-account-token') {
    const ann = s.metadata.annotations ?? {}
    if (!ann['kubernetes.io/service-account.name'])
      out.push('metadata.annotations[kubernetes.io/service-account.name]: Required value')
  } else
    for (const key of REQUIRED_KEYS[s.type] ?? []) {
      if (!(key in data)) out.push(`data[${key}]: Required value`)
      else if (key.startsWith('.docker')) {
        // the content must be well-formed JSON (json.Unmarshal into map[string]interface{})
        const text = utf8Decode(base64Decode(data[key]!) ?? [])
        try {
          const v: unknown = JSON.parse(text)
          if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error()
        } catch {
          out.push(
            `data[${key}]: Invalid value: "<secret contents redacted>": invalid character looking for beginning of value`,
          )
        }
      }
    }
  return out
}

/** ValidateSecretUpdate / ValidateConfigMapUpdate: `immutable` locks data; `type` never changes. */
export function secretUpdateErrors(old: Secret | ConfigMap, obj: Secret | ConfigMap): string[] {
  const out: string[] = []
  if (old.kind === 'Secret' && obj.kind === 'Secret' && old.type !== obj.type)
    out.push(`type: Invalid value: "${obj.type}": field is immutable`)
  if (old.immutable) {
    if (!obj.immutable) out.push('immutable: Forbidden: field is immutable when `immutable` is set')
    if (JSON.stringify(sortKeys(old.data)) !== JSON.stringify(sortKeys(obj.data)))
      out.push('data: Forbidden: field is immutable when `immutable` is set')
    if (
      old.kind === 'ConfigMap' &&
      obj.kind === 'ConfigMap' &&
      JSON.stringify(sortKeys(old.binaryData)) !== JSON.stringify(sortKeys(obj.binaryData))
    )
      out.push('binaryData: Forbidden: field is immutable when `immutable` is set')
  }
  return out
}

function sortKeys(m: Record<string, string> | undefined): [string, string][] {
  return Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

/** ValidateConfigMap: key names in data and binaryData, and no key in both. */
export function configMapErrors(cm: ConfigMap): string[] {
  const out: string[] = []
  for (const key of Object.keys(cm.data ?? {}).sort())
    for (const msg of configMapKeyErrors(key))
      out.push(`data[${key}]: Invalid value: "${key}": ${msg}`)
  for (const key of Object.keys(cm.binaryData ?? {}).sort()) {
    for (const msg of configMapKeyErrors(key))
      out.push(`binaryData[${key}]: Invalid value: "${key}": ${msg}`)
    if (cm.data && key in cm.data)
      out.push(`data[${key}]: Invalid value: "${key}": duplicate of key present in binaryData`)
  }
  return out
}
