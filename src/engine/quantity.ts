// resource.Quantity parsing for the suffixes kubectl users write: 100m, 0.5, 128Mi, 1Gi, 500M, 3388364Ki.
/** resource.Quantity suffixes: binary (powers of 1024) and decimal (SI). */
export const QUANTITY_BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
}
export const QUANTITY_DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
}

export function parseQuantity(q: string): number {
  const m = /^([+-]?\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(q.trim())
  if (!m) return NaN
  const n = Number(m[1])
  const s = m[2] ?? ''
  return n * (QUANTITY_BINARY[s] ?? QUANTITY_DECIMAL[s] ?? 1)
}

export function isQuantity(q: string): boolean {
  return !Number.isNaN(parseQuantity(q))
}
