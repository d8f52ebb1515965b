// Just enough protobuf to read the SelfSubjectAccessReview kubectl's typed client POSTs as
// application/vnd.kubernetes.protobuf: the "k8s\0" envelope (runtime.Unknown), then the review's
// spec (k8s.io/api/authorization/v1/generated.proto). Answers go back as JSON, which the client accepts.

type Fields = Map<number, Uint8Array[]>

function fields(buf: Uint8Array): Fields {
  const out: Fields = new Map()
  let i = 0
  const varint = () => {
    let v = 0
    let shift = 0
    for (;;) {
      if (i >= buf.length) throw new Error('truncated varint')
      const b = buf[i++]!
      v += (b & 0x7f) * 2 ** shift
      if (!(b & 0x80)) return v
      shift += 7
      if (shift > 56) throw new Error('varint too long')
    }
  }
  while (i < buf.length) {
    const key = varint()
    const field = Math.floor(key / 8)
    const wire = key & 7
    if (wire === 0) varint()
    else if (wire === 2) {
      const n = varint()
      if (i + n > buf.length) throw new Error('truncated field')
      const list = out.get(field) ?? []
      list.push(buf.subarray(i, i + n))
      out.set(field, list)
      i += n
    } else if (wire === 1) i += 8
    else if (wire === 5) i += 4
    else throw new Error(`unsupported wire type ${wire}`)
  }
  return out
}

const text = (f: Fields, n: number) => {
  const v = f.get(n)?.[0]
  return v ? new TextDecoder().decode(v) : undefined
}

/** The JSON shape of the protobuf-encoded object in `body`, or an error message. */
export function decodeAccessReview(body: Uint8Array): Record<string, unknown> | string {
  try {
    if (body.length < 4 || new TextDecoder().decode(body.subarray(0, 4)) !== 'k8s\0')
      return 'missing the k8s protobuf envelope'
    const unknown = fields(body.subarray(4))
    const raw = unknown.get(2)?.[0]
    if (!raw) return 'empty protobuf object'
    const review = fields(raw)
    const spec = review.get(2)?.[0]
    const s = spec ? fields(spec) : new Map()
    const ra = s.get(1)?.[0]
    const nra = s.get(2)?.[0]
    const out: Record<string, unknown> = {}
    if (ra) {
      const f = fields(ra)
      const names = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name']
      out.resourceAttributes = Object.fromEntries(
        names.map((k, i) => [k, text(f, i + 1)]).filter(([, v]) => v !== undefined),
      )
    }
    if (nra) {
      const f = fields(nra)
      out.nonResourceAttributes = { path: text(f, 1) ?? '', verb: text(f, 2) ?? '' }
    }
    return { spec: out }
  } catch (e) {
    return (e as Error).message
  }
}
