/**
 * resource.Quantity, as apimachinery/pkg/api/resource/quantity.go: parsing, exact arithmetic (bigint)
 * and the canonical string form.
 *
 * Canonical form facts (upstream behaviour, kept here):
 * - `1.5` → `1500m`, `1.5Gi` → `1536Mi`, `1024Mi` → `1Gi`, `1000m` → `1`.
 * - A string already in canonical form is echoed verbatim, so `1e3` stays `1e3` (exponent format) and
 *   `+1` stays `+1`.
 * - Parsing rounds up (away from zero) only below nano precision; `0.1m` is `100u`. The milli rounding users see
 *   on pod resources (`0.1m` → `1m`) comes from ResourceList defaulting: use `roundUp(-3)`, or
 *   `canonicalResourceQuantity()`.
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export const ERR_FORMAT_WRONG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const ERR_NUMERIC = 'unable to parse numeric part of quantity';
export const ERR_SUFFIX = "unable to parse quantity's suffix";

const MAX_INT64 = 9223372036854775807n;
const MIN_INT64 = -9223372036854775808n;
const NANO = -9;

const DEC_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BIN_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DEC_BY_EXP = new Map<number, string>(Object.entries(DEC_SUFFIXES).map(([s, e]) => [e, s]));
const BIN_BY_EXP = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Divides by 10^n rounding away from zero. */
function divRoundUp(v: bigint, n: number): bigint {
  const d = pow10(n);
  const q = v / d;
  return v % d === 0n ? q : v < 0n ? q - 1n : q + 1n;
}

export class Quantity {
  /** value = unscaled × 10^scale */
  readonly unscaled: bigint;
  readonly scale: number;
  readonly format: QuantityFormat;
  /** the original text when upstream would echo it (already canonical) */
  private readonly s: string | undefined;

  constructor(unscaled: bigint, scale: number, format: QuantityFormat = 'DecimalSI', s?: string) {
    this.unscaled = unscaled;
    this.scale = scale;
    this.format = format;
    this.s = s;
  }

  static zero(format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(0n, 0, format);
  }

  /** An integer quantity, e.g. Quantity.fromInt(3, 'DecimalSI') or bytes with 'BinarySI'. */
  static fromInt(v: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(v), 0, format);
  }

  /** Milli-units, e.g. Quantity.fromMilli(1500) = 1500m. */
  static fromMilli(v: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(v), -3, format);
  }

  isZero(): boolean {
    return this.unscaled === 0n;
  }

  sign(): -1 | 0 | 1 {
    return this.unscaled === 0n ? 0 : this.unscaled < 0n ? -1 : 1;
  }

  /** The value at `scale` (10^scale units), rounded away from zero. */
  scaledValue(scale: number): bigint {
    if (this.scale >= scale) return this.unscaled * pow10(this.scale - scale);
    return divRoundUp(this.unscaled, scale - this.scale);
  }

  /** Value in units, rounded up (away from zero): `1500m` → 2n. */
  value(): bigint {
    return this.scaledValue(0);
  }

  /** Value in milli-units, rounded up: `0.1m` → 1n. */
  milliValue(): bigint {
    return this.scaledValue(-3);
  }

  /** Approximate float value (for scoring and display only). */
  toNumber(): number {
    return Number(this.unscaled) * 10 ** this.scale;
  }

  private aligned(other: Quantity): [bigint, bigint, number] {
    const scale = Math.min(this.scale, other.scale);
    return [this.unscaled * pow10(this.scale - scale), other.unscaled * pow10(other.scale - scale), scale];
  }

  cmp(other: Quantity): -1 | 0 | 1 {
    const [a, b] = this.aligned(other);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  equals(other: Quantity): boolean {
    return this.cmp(other) === 0;
  }

  add(other: Quantity): Quantity {
    const [a, b, scale] = this.aligned(other);
    return new Quantity(a + b, scale, this.isZero() ? other.format : this.format);
  }

  sub(other: Quantity): Quantity {
    const [a, b, scale] = this.aligned(other);
    return new Quantity(a - b, scale, this.isZero() ? other.format : this.format);
  }

  neg(): Quantity {
    return new Quantity(-this.unscaled, this.scale, this.format);
  }

  /** Rounds away from zero to 10^scale precision (upstream RoundUp); unchanged if already that precise. */
  roundUp(scale: number): Quantity {
    if (this.scale >= scale) return this;
    return new Quantity(divRoundUp(this.unscaled, scale - this.scale), scale, this.format);
  }

  /** The canonical string (what the API serializes). */
  toString(): string {
    return this.s ?? canonicalize(this);
  }

  toJSON(): string {
    return this.toString();
  }
}

function canonicalize(q: Quantity): string {
  if (q.isZero()) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const magnitude = q.sign() < 0 ? q.neg() : q;
    if (magnitude.cmp(new Quantity(1024n, 0)) < 0) format = 'DecimalSI';
    else if (q.scale < 0 && q.unscaled % pow10(-q.scale) !== 0n) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let v = q.scaledValue(0);
    let exp = 0;
    while (v !== 0n && v % 1024n === 0n && exp < 6) {
      v /= 1024n;
      exp++;
    }
    return `${v}${BIN_BY_EXP[exp]}`;
  }
  let amount = q.unscaled;
  let exp = q.scale;
  while (amount % 10n === 0n) {
    amount /= 10n;
    exp++;
  }
  while (exp % 3 !== 0) {
    amount *= 10n;
    exp--;
  }
  if (format === 'DecimalExponent') return exp === 0 ? `${amount}` : `${amount}e${exp}`;
  const suffix = DEC_BY_EXP.get(exp);
  // Upstream has no SI suffix beyond E (10^18) and would drop it; exponent notation keeps the value right.
  return suffix === undefined ? `${amount}e${exp}` : `${amount}${suffix}`;
}

export class QuantityParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityParseError';
  }
}

interface Parts {
  positive: boolean;
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** parseQuantityString, byte for byte. */
function parseQuantityString(str: string): Parts {
  let positive = true;
  let pos = 0;
  const end = str.length;
  let num = '';
  let denom = '';
  let value = '';
  if (pos < end) {
    if (str[0] === '-') {
      positive = false;
      pos++;
    } else if (str[0] === '+') pos++;
  }
  // strip leading zeros
  for (let i = pos; ; i++) {
    if (i >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
    if (str[i] === '0') pos++;
    else break;
  }
  // numerator
  for (let i = pos; ; i++) {
    if (i >= end) return { positive, value: str.slice(0, end), num: str.slice(pos, end), denom: '', suffix: '' };
    if (!isDigit(str[i])) {
      num = str.slice(pos, i);
      pos = i;
      break;
    }
  }
  if (num.length === 0) num = '0';
  // denominator
  if (pos < end && str[pos] === '.') {
    pos++;
    for (let i = pos; ; i++) {
      if (i >= end) return { positive, value: str.slice(0, end), num, denom: str.slice(pos, end), suffix: '' };
      if (!isDigit(str[i])) {
        denom = str.slice(pos, i);
        pos = i;
        break;
      }
    }
  }
  value = str.slice(0, pos);
  // suffix
  const suffixStart = pos;
  for (let i = pos; ; i++) {
    if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart, end) };
    if (!'eEinumkKMGTP'.includes(str[i])) {
      pos = i;
      break;
    }
  }
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  for (let i = pos; ; i++) {
    if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart, end) };
    if (!isDigit(str[i])) break;
  }
  throw new QuantityParseError(ERR_FORMAT_WRONG);
}

function interpretSuffix(suffix: string): { base: 10 | 2; exponent: number; format: QuantityFormat } | undefined {
  if (Object.prototype.hasOwnProperty.call(DEC_SUFFIXES, suffix)) return { base: 10, exponent: DEC_SUFFIXES[suffix], format: 'DecimalSI' };
  if (Object.prototype.hasOwnProperty.call(BIN_SUFFIXES, suffix)) return { base: 2, exponent: BIN_SUFFIXES[suffix], format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    const rest = suffix.slice(1);
    if (!/^[+-]?\d+$/.test(rest)) return undefined;
    const e = BigInt(rest);
    if (e > MAX_INT64 || e < MIN_INT64) return undefined;
    // Go truncates to int32; anything that large is useless anyway
    return { base: 10, exponent: Number(BigInt.asIntN(32, e)), format: 'DecimalExponent' };
  }
  return undefined;
}

/** Parses a decimal string like "-001.50" into (unscaled, scale). */
function parseDecimal(value: string): { unscaled: bigint; scale: number } {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(value);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new QuantityParseError(ERR_NUMERIC);
  const digits = `${m[2]}${m[3] ?? ''}` || '0';
  const u = BigInt(digits);
  return { unscaled: m[1] === '-' ? -u : u, scale: -(m[3] ?? '').length };
}

/** resource.ParseQuantity. Throws QuantityParseError with upstream's messages. */
export function parseQuantity(str: string): Quantity {
  if (str.length === 0) throw new QuantityParseError(ERR_FORMAT_WRONG);
  if (str === '0') return new Quantity(0n, 0, 'DecimalSI', '0');

  const { positive, value, num, denom, suffix } = parseQuantityString(str);
  const suf = interpretSuffix(suffix);
  if (!suf) throw new QuantityParseError(ERR_SUFFIX);
  const { base, exponent } = suf;
  let format = suf.format;

  // int64 fast path (decides whether the input text is kept verbatim)
  let precision: number;
  let scale = 0;
  let mantissa = 1n;
  if (format === 'BinarySI') {
    if (exponent >= 0 && denom.length === 0) {
      mantissa = 1n << BigInt(exponent);
      precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
    } else precision = -1;
  } else {
    scale = exponent;
    precision = 18 - (num.length + denom.length);
  }
  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= NANO) {
      const shifted = num + denom;
      const v = BigInt(shifted);
      const product = v * mantissa;
      if (product <= MAX_INT64) {
        const result = positive ? product : -product;
        let keep = false;
        if (format === 'BinarySI') keep = exponent % 10 === 0 && (v & 7n) !== 0n;
        else keep = scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
        return new Quantity(result, scale, format, keep ? str : undefined);
      }
    }
  }

  // arbitrary precision path
  let { unscaled, scale: dscale } = parseDecimal(value);
  if (base === 10) dscale += exponent;
  else unscaled *= 1n << BigInt(exponent);
  // round non-zero values up to nano precision
  if (unscaled !== 0n && dscale < NANO) {
    unscaled = divRoundUp(unscaled, NANO - dscale);
    dscale = NANO;
  }
  let q = new Quantity(unscaled, dscale, format);
  if (format === 'BinarySI') {
    const magnitude = q.sign() < 0 ? q.neg() : q;
    if (magnitude.cmp(new Quantity(MAX_INT64, 0)) > 0) q = new Quantity(q.sign() < 0 ? -MAX_INT64 : MAX_INT64, 0, format);
    if (magnitude.cmp(new Quantity(1n, 0)) < 0 && !magnitude.isZero()) format = 'DecimalSI';
    q = new Quantity(q.unscaled, q.scale, format);
  }
  return q;
}

/** Parses a JSON quantity value: a string, or a bare number as upstream's UnmarshalJSON accepts. */
export function parseQuantityValue(v: unknown): Quantity {
  if (typeof v === 'number' && Number.isFinite(v)) return parseQuantity(String(v));
  if (typeof v === 'string') return parseQuantity(v.trim());
  throw new QuantityParseError(ERR_FORMAT_WRONG);
}

export function tryParseQuantity(v: unknown): Quantity | undefined {
  try {
    return parseQuantityValue(v);
  } catch (e) {
    if (e instanceof QuantityParseError) return undefined;
    throw e;
  }
}

/** Canonical text of a quantity (string input is parsed first). */
export function formatQuantity(q: Quantity | string): string {
  return (typeof q === 'string' ? parseQuantity(q) : q).toString();
}

/**
 * What the API server stores for a ResourceList entry (SetDefaults_ResourceList): rounded up to milli
 * precision, then canonical: `0.1m` → `1m`, `1.5Gi` → `1536Mi`, `0.5` → `500m`.
 */
export function canonicalResourceQuantity(v: unknown): string {
  return parseQuantityValue(v).roundUp(-3).toString();
}
