import type { Metric, Target } from './types.js';

/** Builds a metric, filling in `ratio` (value ÷ baseline) and `met` (only when a target is given). */
export function metric(m: Omit<Metric, 'ratio' | 'met'>): Metric {
  const out: Metric = { ...m, value: round(m.value) };
  if (m.baseline !== undefined) {
    out.baseline = round(m.baseline);
    if (m.baseline !== 0) out.ratio = round(m.value / m.baseline, 3);
  }
  if (m.target) out.met = meets(m.target, m.target.of === 'ratio' ? out.ratio : m.value);
  return out;
}

function meets(t: Target, v: number | undefined): boolean {
  if (v === undefined || !Number.isFinite(v)) return false;
  switch (t.op) {
    case '<':
      return v < t.threshold;
    case '<=':
      return v <= t.threshold;
    case '>':
      return v > t.threshold;
    case '>=':
      return v >= t.threshold;
  }
}

export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of an unsorted sample; NaN for an empty one. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function max(values: readonly number[]): number {
  return values.reduce((a, b) => (b > a ? b : a), -Infinity);
}

export function describeTarget(t: Target, unit: string): string {
  const op = { '<': '<', '<=': '≤', '>': '>', '>=': '≥' }[t.op];
  return t.of === 'ratio' ? `ratio ${op} ${t.threshold}` : `${op} ${t.threshold} ${unit}`;
}
