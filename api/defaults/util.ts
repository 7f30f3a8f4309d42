/** Type guard for a present JSON object (not null, not an array) that keeps the static type. */
export function isObj<T>(v: T | undefined | null): v is T & object {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
