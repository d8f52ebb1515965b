/**
 * Deep copy of API data. Objects read from an immer draft are Proxies, which structuredClone
 * rejects; API objects are plain JSON, so a JSON round trip is both safe and exact.
 */
export function deepClone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T)
}
