/**
 * Renders decoded JSON the way Go's fmt `%v` prints a `map[string]interface{}` tree, because upstream
 * error messages embed values that way (`map: map[image:nginx] does not contain declared merge key: name`).
 * Maps print with sorted keys, slices as `[a b]`, strings bare, null as `<nil>`; integers as int64,
 * other numbers as Go's shortest `%g` (exponent form below 1e-4 and from 1e6).
 */
export function formatGoValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return formatGoNumber(v);
  if (Array.isArray(v)) return `[${v.map(formatGoValue).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort();
    return `map[${keys.map((k) => `${k}:${formatGoValue(o[k])}`).join(' ')}]`;
  }
  return typeof v === 'bigint' ? v.toString() : '<unknown>';
}

function formatGoNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return n.toFixed(0);
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf';
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 6) {
    const [mant, e] = n.toExponential().split('e');
    const sign = e.startsWith('-') ? '-' : '+';
    const digits = e.replace(/^[+-]/, '').padStart(2, '0');
    return `${mant}e${sign}${digits}`;
  }
  return String(n);
}

/** The Go type name `reflect.TypeOf` reports for a decoded JSON value (used in "expected a X, but received a Y"). */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (Array.isArray(v)) return '[]interface {}';
  switch (typeof v) {
    case 'string': return 'string';
    case 'boolean': return 'bool';
    case 'number': return Number.isInteger(v) ? 'int64' : 'float64';
    default: return 'map[string]interface {}';
  }
}
