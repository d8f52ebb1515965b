// UTF-8 and base64 without DOM or Node globals: the engine and console run in both.

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

export function utf8Bytes(s: string): number[] {
  const out: number[] = []
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length)
      c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00)
    if (c < 0x80) out.push(c)
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63))
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
    else
      out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
  }
  return out
}

/** RFC 4648 base64 (or base64url without padding) of bytes. */
export function base64(bytes: readonly number[], url = false): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    s +=
      B64[(n >> 18) & 63]! +
      B64[(n >> 12) & 63]! +
      (i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '=') +
      (i + 2 < bytes.length ? B64[n & 63]! : '=')
  }
  return url ? s.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '') : s
}

/** UTF-8 bytes → text; invalid sequences become U+FFFD, as a terminal shows them. */
export function utf8Decode(bytes: readonly number[]): string {
  let out = ''
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!
    const len = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0
    if (len === 0 || i + len > bytes.length) {
      out += '\ufffd'
      i++
      continue
    }
    let c = len === 1 ? b : b & (0xff >> (len + 1))
    let valid = true
    for (let k = 1; k < len; k++) {
      const cont = bytes[i + k]!
      if ((cont & 0xc0) !== 0x80) valid = false
      c = (c << 6) | (cont & 63)
    }
    if (!valid || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
      out += '\ufffd'
      i++
      continue
    }
    out += String.fromCodePoint(c)
    i += len
  }
  return out
}

/** base64 → text (UTF-8); undefined when the input is not base64. */
export function base64DecodeText(s: string): string | undefined {
  const bytes = base64Decode(s)
  return bytes && utf8Decode(bytes)
}

/** base64 → bytes; undefined when the input is not base64 (as `base64 -d` reports "invalid input"). */
export function base64Decode(s: string): number[] | undefined {
  const clean = s.replace(/\s/g, '')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) return undefined
  const bytes: number[] = []
  let buf = 0
  let bits = 0
  for (const ch of clean.replace(/=+$/, '')) {
    buf = (buf << 6) | B64.indexOf(ch)
    bits += 6
    if (bits >= 8) {
      bits -= 8
      bytes.push((buf >> bits) & 0xff)
    }
  }
  return bytes
}
