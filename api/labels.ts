/**
 * Label selectors, as apimachinery/pkg/labels/selector.go and metav1.LabelSelectorAsSelector.
 *
 * Semantics worth knowing:
 * - `parseLabelSelector('')` matches everything.
 * - `selectorFromLabelSelector(undefined|null)` matches NOTHING (upstream labels.Nothing()); `{}` matches everything.
 * - Requirements are kept sorted by key, and `toString()` renders upstream's canonical form
 *   (`a=b,c in (x,y),!d`), values sorted.
 */
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { ApiError } from './errors.js';
import { isQualifiedName, isValidLabelValue } from './validation/names.js';

export type Operator = 'in' | 'notin' | 'exists' | '!' | '=' | '==' | '!=' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

export type Labels = Record<string, string> | undefined | null;

function has(labels: Labels, key: string): labels is Record<string, string> {
  return !!labels && Object.prototype.hasOwnProperty.call(labels, key);
}

const INT64_RE = /^[+-]?\d+$/;
function parseInt64(s: string): bigint | undefined {
  if (!INT64_RE.test(s)) return undefined;
  const v = BigInt(s);
  if (v > 9223372036854775807n || v < -9223372036854775808n) return undefined;
  return v;
}

export function requirementMatches(r: Requirement, labels: Labels): boolean {
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has(labels, r.key) && r.values.includes(labels[r.key]);
    case 'notin':
    case '!=':
      return !has(labels, r.key) || !r.values.includes(labels[r.key]);
    case 'exists':
      return has(labels, r.key);
    case '!':
      return !has(labels, r.key);
    case 'gt':
    case 'lt': {
      if (!has(labels, r.key) || r.values.length !== 1) return false;
      const lv = parseInt64(labels[r.key]);
      const rv = parseInt64(r.values[0]);
      if (lv === undefined || rv === undefined) return false;
      return r.operator === 'gt' ? lv > rv : lv < rv;
    }
  }
}

export function requirementToString(r: Requirement): string {
  if (r.operator === '!') return `!${r.key}`;
  if (r.operator === 'exists') return r.key;
  const vals = r.values.length === 1 ? r.values[0] : [...r.values].sort().join(',');
  switch (r.operator) {
    case 'in': return `${r.key} in (${vals})`;
    case 'notin': return `${r.key} notin (${vals})`;
    case 'gt': return `${r.key}>${vals}`;
    case 'lt': return `${r.key}<${vals}`;
    default: return `${r.key}${r.operator}${vals}`;
  }
}

export class Selector {
  readonly requirements: readonly Requirement[];
  /** true only for the selector of a nil metav1.LabelSelector (labels.Nothing()). */
  readonly matchesNothing: boolean;

  constructor(requirements: Requirement[] = [], matchesNothing = false) {
    this.requirements = [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.matchesNothing = matchesNothing;
  }

  static everything(): Selector {
    return new Selector([]);
  }

  static nothing(): Selector {
    return new Selector([], true);
  }

  matches(labels: Labels): boolean {
    if (this.matchesNothing) return false;
    return this.requirements.every((r) => requirementMatches(r, labels));
  }

  /** Empty = matches everything (upstream Selector.Empty(); the Nothing selector is not empty). */
  isEmpty(): boolean {
    return !this.matchesNothing && this.requirements.length === 0;
  }

  toString(): string {
    return this.requirements.map(requirementToString).join(',');
  }

  /** The value of label `key` if the selector pins it with `=`, `==` or a one-value `in`. */
  requiresExactMatch(key: string): string | undefined {
    for (const r of this.requirements) {
      if (r.key !== key) continue;
      if ((r.operator === '=' || r.operator === '==' || r.operator === 'in') && r.values.length === 1) return r.values[0];
    }
    return undefined;
  }

  add(...reqs: Requirement[]): Selector {
    return new Selector([...this.requirements, ...reqs], this.matchesNothing);
  }
}

// ---------------------------------------------------------------------------------------------
// Requirement construction and validation (labels.NewRequirement)

/** Renders a field path plus Invalid error the way field.Error.Error() does for selector parsing. */
function invalidText(path: string, value: string | string[], detail: string): string {
  const v = Array.isArray(value) ? `[]string{${value.map((x) => JSON.stringify(x)).join(', ')}}` : JSON.stringify(value);
  return `${path}: Invalid value: ${v}: ${detail}`;
}

function keyError(key: string, path: string): string | undefined {
  const errs = isQualifiedName(key);
  return errs.length ? invalidText(path, key, errs.join('; ')) : undefined;
}

/** Returns the list of error texts for a requirement (empty = valid); `path` is the field path prefix. */
export function requirementErrors(key: string, op: Operator, values: string[], path = ''): string[] {
  const errs: string[] = [];
  const child = (c: string) => (path ? `${path}.${c}` : c);
  const ke = keyError(key, child('key'));
  if (ke) errs.push(ke);
  const valuePath = child('values');
  switch (op) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(invalidText(valuePath, values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(invalidText(valuePath, values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(invalidText(valuePath, values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(invalidText(valuePath, values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(invalidText(`${valuePath}[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
  }
  values.forEach((v, i) => {
    const ve = isValidLabelValue(v);
    if (ve.length) errs.push(invalidText(`${valuePath}[${i}][${key}]`, v, ve.join('; ')));
  });
  return errs;
}

function aggregate(errs: string[]): string {
  return errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`;
}

/** labels.NewRequirement; throws ApiError.badRequest on invalid input. */
export function newRequirement(key: string, operator: Operator, values: string[]): Requirement {
  const errs = requirementErrors(key, operator, values);
  if (errs.length) throw ApiError.badRequest(aggregate(errs));
  return { key, operator: operator, values: [...values] };
}

// ---------------------------------------------------------------------------------------------
// Lexer / parser (labels.Parse)

type Token =
  | 'ERROR' | 'EOS' | 'CLOSEPAR' | 'COMMA' | 'NOTEXIST' | 'DOUBLEEQ' | 'EQ' | 'GT' | 'ID' | 'IN' | 'LT' | 'NEQ' | 'NOTIN' | 'OPENPAR';

const STRING_TO_TOKEN: Record<string, Token> = {
  ')': 'CLOSEPAR',
  ',': 'COMMA',
  '!': 'NOTEXIST',
  '==': 'DOUBLEEQ',
  '=': 'EQ',
  '>': 'GT',
  in: 'IN',
  '<': 'LT',
  '!=': 'NEQ',
  notin: 'NOTIN',
  '(': 'OPENPAR',
};

interface Item {
  tok: Token;
  lit: string;
}

const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecialSymbol = (ch: string) => '=!(),><'.includes(ch);

function lex(s: string): Item[] {
  // Go's lexer reads bytes and stops at a NUL byte.
  const buf = Buffer.from(s, 'utf8');
  let pos = 0;
  const read = (): string => (pos < buf.length ? String.fromCharCode(buf[pos++]) : (pos++, '\0'));
  const unread = () => {
    pos--;
  };
  const items: Item[] = [];
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    if (ch === '\0') {
      items.push({ tok: 'EOS', lit: '' });
      return items;
    }
    unread();
    if (isSpecialSymbol(ch)) {
      let b = '';
      let last: Item | undefined;
      for (;;) {
        const c = read();
        if (c === '\0') break;
        if (isSpecialSymbol(c)) {
          b += c;
          const t = STRING_TO_TOKEN[b];
          if (t) last = { tok: t, lit: b };
          else if (last) {
            unread();
            break;
          }
        } else {
          unread();
          break;
        }
      }
      if (!last) {
        items.push({ tok: 'ERROR', lit: `error expected: keyword found '${b}'` });
        return items;
      }
      items.push(last);
    } else {
      const bytes: number[] = [];
      for (;;) {
        const c = read();
        if (c === '\0') break;
        if (isSpecialSymbol(c) || isWhitespace(c)) {
          unread();
          break;
        }
        bytes.push(buf[pos - 1]);
      }
      const lit = Buffer.from(bytes).toString('utf8');
      const t = STRING_TO_TOKEN[lit];
      items.push({ tok: t ?? 'ID', lit });
    }
  }
}

const BINARY_OPERATORS = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'].join(', ');

class ParseError extends Error {}

class Parser {
  private position = 0;
  constructor(private readonly items: Item[]) {}

  private lookahead(values: boolean): Item {
    const it = this.items[Math.min(this.position, this.items.length - 1)];
    if (values && (it.tok === 'IN' || it.tok === 'NOTIN')) return { tok: 'ID', lit: it.lit };
    return it;
  }

  private consume(values: boolean): Item {
    const it = this.lookahead(values);
    if (this.position < this.items.length - 1) this.position++;
    return it;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(true);
      switch (tok) {
        case 'ID':
        case 'NOTEXIST': {
          let r: Requirement;
          try {
            r = this.parseRequirement();
          } catch (e) {
            if (e instanceof ParseError) throw new ParseError(`unable to parse requirement: ${e.message}`);
            throw e;
          }
          reqs.push(r);
          const n = this.consume(true);
          if (n.tok === 'EOS') return reqs;
          if (n.tok === 'COMMA') {
            const n2 = this.lookahead(true);
            if (n2.tok !== 'ID' && n2.tok !== 'NOTEXIST') throw new ParseError(`found '${n2.lit}', expected: identifier after ','`);
            break;
          }
          throw new ParseError(`found '${n.lit}', expected: ',' or 'end of string'`);
        }
        case 'EOS':
          return reqs;
        default:
          throw new ParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): Requirement {
    const { key, op: inferred } = this.parseKeyAndInferOperator();
    if (inferred === 'exists' || inferred === '!') return this.make(key, inferred, []);
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    return this.make(key, op, [...values].sort());
  }

  private make(key: string, op: Operator, values: string[]): Requirement {
    const errs = requirementErrors(key, op, values);
    if (errs.length) throw new ParseError(aggregate(errs));
    return { key, operator: op, values };
  }

  private parseKeyAndInferOperator(): { key: string; op: Operator | '' } {
    let op: Operator | '' = '';
    let it = this.consume(true);
    if (it.tok === 'NOTEXIST') {
      op = '!';
      it = this.consume(true);
    }
    if (it.tok !== 'ID') throw new ParseError(`found '${it.lit}', expected: identifier`);
    const ke = keyError(it.lit, '<nil>');
    if (ke) throw new ParseError(ke);
    const next = this.lookahead(true).tok;
    if ((next === 'EOS' || next === 'COMMA') && op !== '!') op = 'exists';
    return { key: it.lit, op };
  }

  private parseOperator(): Operator {
    const it = this.consume(false);
    switch (it.tok) {
      case 'IN': return 'in';
      case 'EQ': return '=';
      case 'DOUBLEEQ': return '==';
      case 'GT': return 'gt';
      case 'LT': return 'lt';
      case 'NOTIN': return 'notin';
      case 'NEQ': return '!=';
      default:
        throw new ParseError(`found '${it.lit}', expected: ${BINARY_OPERATORS}`);
    }
  }

  private parseValues(): Set<string> {
    const open = this.consume(true);
    if (open.tok !== 'OPENPAR') throw new ParseError(`found '${open.lit}' expected: '('`);
    const la = this.lookahead(true);
    switch (la.tok) {
      case 'ID':
      case 'COMMA': {
        const s = this.parseIdentifiersList();
        if (this.consume(true).tok !== 'CLOSEPAR') throw new ParseError(`found '${la.lit}', expected: ')'`);
        return s;
      }
      case 'CLOSEPAR':
        this.consume(true);
        return new Set(['']);
      default:
        throw new ParseError(`found '${la.lit}', expected: ',', ')' or identifier`);
    }
  }

  private parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const it = this.consume(true);
      if (it.tok === 'ID') {
        s.add(it.lit);
        const n = this.lookahead(true);
        if (n.tok === 'COMMA') continue;
        if (n.tok === 'CLOSEPAR') return s;
        throw new ParseError(`found '${n.lit}', expected: ',' or ')'`);
      } else if (it.tok === 'COMMA') {
        if (s.size === 0) s.add('');
        const n = this.lookahead(true);
        if (n.tok === 'CLOSEPAR') {
          s.add('');
          return s;
        }
        if (n.tok === 'COMMA') {
          this.consume(true);
          s.add('');
        }
      } else {
        throw new ParseError(`found '${it.lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): Set<string> {
    const la = this.lookahead(true);
    if (la.tok === 'EOS' || la.tok === 'COMMA') return new Set(['']);
    const it = this.consume(true);
    if (it.tok === 'ID') return new Set([it.lit]);
    throw new ParseError(`found '${it.lit}', expected: identifier`);
  }
}

/**
 * labels.Parse: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`, `a<1`, comma separated.
 * Throws ApiError.badRequest with upstream's message on invalid input. '' matches everything.
 */
export function parseLabelSelector(s: string): Selector {
  try {
    return new Selector(new Parser(lex(s)).parse());
  } catch (e) {
    if (e instanceof ParseError) throw ApiError.badRequest(e.message);
    throw e;
  }
}

/** Equality selector for a label set (labels.SelectorFromSet). An empty set matches everything. */
export function selectorFromSet(labels: Record<string, string> | undefined | null): Selector {
  return new Selector(Object.entries(labels ?? {}).map(([key, v]) => ({ key, operator: '=' as const, values: [v] })));
}

/**
 * metav1.LabelSelectorAsSelector: nil → matches nothing; `{}` → matches everything.
 * Throws ApiError.badRequest for an unknown operator or invalid key/values.
 */
export function selectorFromLabelSelector(ls: LabelSelector | undefined | null): Selector {
  if (ls === undefined || ls === null) return Selector.nothing();
  const matchLabels = ls.matchLabels ?? {};
  const exprs = ls.matchExpressions ?? [];
  if (Object.keys(matchLabels).length + exprs.length === 0) return Selector.everything();
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(matchLabels)) reqs.push(newRequirement(k, '=', [v]));
  for (const e of exprs) {
    let op: Operator;
    switch (e.operator) {
      case 'In': op = 'in'; break;
      case 'NotIn': op = 'notin'; break;
      case 'Exists': op = 'exists'; break;
      case 'DoesNotExist': op = '!'; break;
      default:
        throw ApiError.badRequest(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    }
    reqs.push(newRequirement(e.key, op, [...(e.values ?? [])]));
  }
  return new Selector(reqs);
}

/** Like selectorFromLabelSelector but returns undefined instead of throwing. */
export function trySelectorFromLabelSelector(ls: LabelSelector | undefined | null): Selector | undefined {
  try {
    return selectorFromLabelSelector(ls);
  } catch (e) {
    if (e instanceof ApiError) return undefined;
    throw e;
  }
}

/** metav1.FormatLabelSelector: `app=web`, `<none>` for an empty result, `<error>` if invalid. */
export function formatLabelSelector(ls: LabelSelector | undefined | null): string {
  const sel = trySelectorFromLabelSelector(ls);
  if (!sel) return '<error>';
  const s = sel.toString();
  return s.length ? s : '<none>';
}

/** Whether a metav1.LabelSelector matches a label set (nil selector matches nothing). */
export function labelSelectorMatches(ls: LabelSelector | undefined | null, labels: Labels): boolean {
  const sel = trySelectorFromLabelSelector(ls);
  return sel ? sel.matches(labels) : false;
}
