import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from './errors.js';
import {
  formatLabelSelector,
  labelSelectorMatches,
  parseLabelSelector,
  selectorFromLabelSelector,
  selectorFromSet,
  Selector,
} from './labels.js';

function parseErr(s: string): string {
  try {
    parseLabelSelector(s);
  } catch (e) {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 400);
    assert.equal(e.reason, 'BadRequest');
    return e.message;
  }
  assert.fail(`expected ${JSON.stringify(s)} to fail`);
}

describe('parseLabelSelector', () => {
  const valid: [string, string][] = [
    ['', ''],
    ['x=a', 'x=a'],
    ['x==a', 'x==a'],
    ['x!=a', 'x!=a'],
    ['x=a,y=b', 'x=a,y=b'],
    ['y=b,x=a', 'x=a,y=b'],
    [' x = a , y != b ', 'x=a,y!=b'],
    ['x in (b,a)', 'x in (a,b)'],
    ['x notin (a)', 'x notin (a)'],
    ['x in (a, b, a)', 'x in (a,b)'],
    ['x', 'x'],
    ['!x', '!x'],
    ['! x', '!x'],
    ['x=', 'x='],
    ['x=,z=', 'x=,z='],
    ['x in ()', 'x in ()'],
    ['x in (,a)', 'x in (,a)'],
    ['x>1', 'x>1'],
    ['x<10', 'x<10'],
    ['x=in', 'x=in'],
    ['in=notin', 'in=notin'],
    ['example.com/app=web,tier in (fe,be),!canary', '!canary,example.com/app=web,tier in (be,fe)'],
    ['x\t=\ta', 'x=a'],
  ];
  for (const [input, out] of valid) {
    it(`parses ${JSON.stringify(input)}`, () => assert.equal(parseLabelSelector(input).toString(), out));
  }

  const invalid: [string, RegExp | string][] = [
    ['x=a||y=b', /^unable to parse requirement: values\[0\]\[x\]: Invalid value: "a\|\|y": a valid label must be an empty string/],
    ['x==a==b', "found '==', expected: ',' or 'end of string'"],
    ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['x in a', "unable to parse requirement: found 'a' expected: '('"],
    ['x=a,', "found '', expected: identifier after ','"],
    [',x=a', "found ',', expected: !, identifier, or 'end of string'"],
    ['x y', "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt"],
    ['x>a', /unable to parse requirement: values\[0\]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer/],
    ['a b=c', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    [
      'x=a b',
      "found 'b', expected: ',' or 'end of string'",
    ],
    [
      '-x=a',
      /^unable to parse requirement: <nil>: Invalid value: "-x": name part must consist of alphanumeric characters, '-', '_' or '\.', and must start and end with an alphanumeric character/,
    ],
    [
      'x=-a',
      /^unable to parse requirement: values\[0\]\[x\]: Invalid value: "-a": a valid label must be an empty string or consist of alphanumeric characters/,
    ],
    [`x=${'a'.repeat(64)}`, /must be no more than 63 characters/],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['x!!a', "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt"],
  ];
  for (const [input, want] of invalid) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      const msg = parseErr(input);
      if (typeof want === 'string') assert.equal(msg, want);
      else assert.match(msg, want);
    });
  }
});

describe('Selector.matches', () => {
  const labels = { app: 'web', tier: 'fe', n: '5' };
  const cases: [string, Record<string, string> | undefined, boolean][] = [
    ['', labels, true],
    ['', undefined, true],
    ['app=web', labels, true],
    ['app==web', labels, true],
    ['app=db', labels, false],
    ['app!=db', labels, true],
    ['missing!=x', labels, true],
    ['app in (web,db)', labels, true],
    ['app notin (web)', labels, false],
    ['missing notin (web)', labels, true],
    ['missing in (web)', labels, false],
    ['app', labels, true],
    ['!app', labels, false],
    ['!missing', labels, true],
    ['app=web,tier=fe', labels, true],
    ['app=web,tier=be', labels, false],
    ['n>4', labels, true],
    ['n>5', labels, false],
    ['n<6', labels, true],
    ['app>1', labels, false],
    ['missing>1', labels, false],
    ['x=', { x: '' }, true],
    ['x=', {}, false],
    ['app', undefined, false],
  ];
  for (const [sel, l, want] of cases) {
    it(`${JSON.stringify(sel)} vs ${JSON.stringify(l)} → ${want}`, () => assert.equal(parseLabelSelector(sel).matches(l), want));
  }
});

describe('selectorFromLabelSelector', () => {
  it('nil matches nothing, {} matches everything', () => {
    const nothing = selectorFromLabelSelector(undefined);
    assert.equal(nothing.matchesNothing, true);
    assert.equal(nothing.matches({ a: 'b' }), false);
    assert.equal(nothing.matches({}), false);
    assert.equal(nothing.isEmpty(), false);
    assert.equal(selectorFromLabelSelector(null).matches({}), false);
    const all = selectorFromLabelSelector({});
    assert.equal(all.matchesNothing, false);
    assert.equal(all.isEmpty(), true);
    assert.equal(all.matches({ a: 'b' }), true);
    assert.equal(selectorFromLabelSelector({ matchLabels: {}, matchExpressions: [] }).matches(undefined), true);
  });
  it('converts matchLabels and matchExpressions', () => {
    const s = selectorFromLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['fe', 'be'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'team', operator: 'Exists' },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    });
    assert.equal(s.toString(), 'app=web,!canary,env notin (prod),team,tier in (be,fe)');
    assert.equal(s.matches({ app: 'web', tier: 'fe', team: 'x' }), true);
    assert.equal(s.matches({ app: 'web', tier: 'fe', team: 'x', canary: '1' }), false);
    assert.equal(s.matches({ app: 'web', tier: 'fe', team: 'x', env: 'prod' }), false);
    assert.equal(s.matches({ app: 'web', tier: 'qa', team: 'x' }), false);
  });
  it('rejects unknown operators and bad values', () => {
    assert.throws(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Foo' }] }), {
      message: '"Foo" is not a valid label selector operator',
    });
    assert.throws(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), {
      message: /for 'in', 'notin' operators, values set can't be empty/,
    });
    assert.throws(() => selectorFromLabelSelector({ matchLabels: { 'bad key': 'x' } }), ApiError);
  });
  it('labelSelectorMatches never throws', () => {
    assert.equal(labelSelectorMatches({ matchLabels: { a: 'b' } }, { a: 'b' }), true);
    assert.equal(labelSelectorMatches({ matchExpressions: [{ key: 'a', operator: 'Bad' }] }, { a: 'b' }), false);
    assert.equal(labelSelectorMatches(undefined, { a: 'b' }), false);
  });
});

describe('formatLabelSelector / selectorFromSet', () => {
  it('formats like metav1.FormatLabelSelector', () => {
    assert.equal(formatLabelSelector({ matchLabels: { app: 'web' } }), 'app=web');
    assert.equal(formatLabelSelector({ matchLabels: { b: '2', a: '1' } }), 'a=1,b=2');
    assert.equal(formatLabelSelector({}), '<none>');
    assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Nope' }] }), '<error>');
    assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: ['y', 'x'] }] }), 'a in (x,y)');
  });
  it('selectorFromSet', () => {
    const s = selectorFromSet({ b: '2', a: '1' });
    assert.equal(s.toString(), 'a=1,b=2');
    assert.equal(s.matches({ a: '1', b: '2', c: '3' }), true);
    assert.equal(s.matches({ a: '1' }), false);
    assert.equal(selectorFromSet({}).matches({ x: 'y' }), true);
    assert.equal(s.requiresExactMatch('a'), '1');
    assert.equal(s.requiresExactMatch('z'), undefined);
  });
  it('round-trips through toString', () => {
    for (const s of ['a=1,b!=2', 'a in (x,y),!b', 'c notin (q),d', 'e>3,f<2']) {
      const parsed = parseLabelSelector(s);
      assert.equal(parseLabelSelector(parsed.toString()).toString(), parsed.toString());
    }
    assert.ok(Selector.everything().isEmpty());
  });
});
