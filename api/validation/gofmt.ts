/**
 * Renders bad values the way upstream's field errors print Go values with `%#v`
 * (e.g. `map[string]string{"app":"web"}`), for the few messages where users see a Go literal,
 * and a FieldError whose value is printed verbatim.
 */
import { FieldError } from '../errors.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';

/** Go's %q for ordinary strings (JSON escaping is the same for printable text). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

export function goStringMap(m: Record<string, string> | undefined | null): string {
  if (m === undefined || m === null) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(m[k])}`).join(', ')}}`;
}

export function goStringSlice(v: string[] | undefined | null): string {
  if (v === undefined || v === null) return '[]string(nil)';
  return `[]string{${v.map(goQuote).join(', ')}}`;
}

export type IntOrString = number | string;

/** intstr.IntOrString has only a pointer-receiver String(), so %#v prints the struct. */
export function goIntOrString(v: IntOrString | undefined | null): string {
  if (v === undefined || v === null) return 'intstr.IntOrString{Type:0, IntVal:0, StrVal:""}';
  if (typeof v === 'number') return `intstr.IntOrString{Type:0, IntVal:${v}, StrVal:""}`;
  return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`;
}

export function goLabelSelector(ls: LabelSelector | undefined | null, pkg = 'v1'): string {
  if (ls === undefined || ls === null) return 'null';
  const exprs = ls.matchExpressions;
  const exprText =
    exprs === undefined || exprs === null
      ? `[]${pkg}.LabelSelectorRequirement(nil)`
      : `[]${pkg}.LabelSelectorRequirement{${exprs
          .map((e) => `${pkg}.LabelSelectorRequirement{Key:${goQuote(e.key)}, Operator:${goQuote(e.operator)}, Values:${goStringSlice(e.values)}}`)
          .join(', ')}}`;
  return `${pkg}.LabelSelector{MatchLabels:${goStringMap(ls.matchLabels)}, MatchExpressions:${exprText}}`;
}

function typeText(type: FieldError['type']): string {
  switch (type) {
    case 'FieldValueDuplicate': return 'Duplicate value';
    case 'FieldValueNotSupported': return 'Unsupported value';
    case 'FieldValueNotFound': return 'Not found';
    default: return 'Invalid value';
  }
}

/** A FieldError whose bad value is printed verbatim (already rendered as Go would). */
export class GoValueFieldError extends FieldError {
  constructor(
    type: FieldError['type'],
    field: string,
    badValue: unknown,
    detail: string,
    readonly rendered: string,
  ) {
    super(type, field, badValue, detail);
  }

  override detailMessage(): string {
    let s = `${typeText(this.type)}: ${this.rendered}`;
    if (this.detail) s += `: ${this.detail}`;
    return s;
  }
}

/** field.Invalid with a value printed as a Go literal. */
export function goInvalid(field: string, value: unknown, rendered: string, detail: string): FieldError {
  return new GoValueFieldError('FieldValueInvalid', field, value, detail, rendered);
}

export function goDuplicate(field: string, value: unknown, rendered: string, detail = ''): FieldError {
  return new GoValueFieldError('FieldValueDuplicate', field, value, detail, rendered);
}

export function goNotSupported(field: string, value: unknown, rendered: string, valid: string[]): FieldError {
  const detail = valid.length ? `supported values: ${valid.map((v) => `"${v}"`).join(', ')}` : '';
  return new GoValueFieldError('FieldValueNotSupported', field, value, detail, rendered);
}
