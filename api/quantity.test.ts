import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalResourceQuantity,
  ERR_FORMAT_WRONG,
  ERR_SUFFIX,
  formatQuantity,
  parseQuantity,
  parseQuantityValue,
  Quantity,
  QuantityParseError,
  tryParseQuantity,
} from './quantity.js';

describe('parseQuantity canonical form', () => {
  const cases: [string, string][] = [
    ['0', '0'],
    ['00', '0'],
    ['-0', '0'],
    ['500m', '500m'],
    ['1Gi', '1Gi'],
    ['1.5Gi', '1536Mi'],
    ['1.5', '1500m'],
    ['0.5', '500m'],
    ['1000m', '1'],
    ['1500m', '1500m'],
    ['1024Mi', '1Gi'],
    ['1024', '1024'],
    ['1e3', '1e3'],
    ['1E3', '1E3'],
    ['10e3', '10e3'],
    ['1000e3', '1e6'],
    ['100k', '100k'],
    ['1000k', '1M'],
    ['0.1m', '100u'],
    ['0.0000000001', '1n'],
    ['-1', '-1'],
    ['-1.5', '-1500m'],
    ['+1', '+1'],
    ['1Ki', '1Ki'],
    ['8Ki', '8Ki'],
    ['1.5Ki', '1536'],
    ['0.5Ki', '512'],
    ['1M', '1M'],
    ['2G', '2G'],
    ['128974848', '128974848'],
    ['129e6', '129e6'],
    ['129M', '129M'],
    ['123Mi', '123Mi'],
    ['1n', '1n'],
    ['1u', '1u'],
    ['1.', '1.'], // upstream echoes text it deems canonical
    ['.5', '500m'],
    ['1E', '1E'],
    ['0.1Ki', '102400m'],
    ['2.0', '2'],
    ['1.000', '1'],
  ];
  for (const [input, want] of cases) {
    it(`${input} → ${want}`, () => assert.equal(parseQuantity(input).toString(), want));
  }
});

describe('parseQuantity errors', () => {
  const bad: [string, string][] = [
    ['', ERR_FORMAT_WRONG],
    ['1Gix', ERR_FORMAT_WRONG],
    ['1..5', ERR_FORMAT_WRONG],
    ['abc', ERR_FORMAT_WRONG],
    ['1 Gi', ERR_FORMAT_WRONG],
    ['1Gii', ERR_SUFFIX],
    ['1iG', ERR_SUFFIX],
    ['1e', ERR_SUFFIX],
    ['1mm', ERR_SUFFIX],
    ['1.5x', ERR_FORMAT_WRONG],
  ];
  for (const [input, msg] of bad) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseQuantity(input), (e: unknown) => e instanceof QuantityParseError && e.message === msg);
    });
  }
  it('error texts are upstream', () => {
    assert.equal(ERR_FORMAT_WRONG, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    assert.equal(ERR_SUFFIX, "unable to parse quantity's suffix");
  });
});

describe('Quantity values and arithmetic', () => {
  it('value / milliValue round up', () => {
    assert.equal(parseQuantity('500m').milliValue(), 500n);
    assert.equal(parseQuantity('500m').value(), 1n);
    assert.equal(parseQuantity('1.5').value(), 2n);
    assert.equal(parseQuantity('0.1m').milliValue(), 1n);
    assert.equal(parseQuantity('1Gi').value(), 1073741824n);
    assert.equal(parseQuantity('1.5Gi').value(), 1610612736n);
    assert.equal(parseQuantity('1e3').value(), 1000n);
    assert.equal(parseQuantity('2').milliValue(), 2000n);
    assert.equal(parseQuantity('-1').milliValue(), -1000n);
    assert.equal(parseQuantity('1Ei').value(), 1152921504606846976n);
  });
  it('caps binary values at 2^63-1', () => {
    assert.equal(parseQuantity('100Ei').value(), 9223372036854775807n);
  });
  it('cmp / add / sub', () => {
    assert.equal(parseQuantity('1').cmp(parseQuantity('1000m')), 0);
    assert.equal(parseQuantity('1Gi').cmp(parseQuantity('1G')), 1);
    assert.equal(parseQuantity('100m').cmp(parseQuantity('0.2')), -1);
    assert.equal(parseQuantity('500m').add(parseQuantity('1.5')).toString(), '2');
    assert.equal(parseQuantity('1Gi').add(parseQuantity('512Mi')).toString(), '1536Mi');
    assert.equal(parseQuantity('1').sub(parseQuantity('250m')).toString(), '750m');
    assert.equal(Quantity.zero().add(parseQuantity('1Gi')).toString(), '1Gi');
    assert.equal(Quantity.fromMilli(1500).toString(), '1500m');
    assert.equal(Quantity.fromInt(2048, 'BinarySI').toString(), '2Ki');
    assert.ok(parseQuantity('0').isZero());
    assert.equal(parseQuantity('-5').sign(), -1);
    assert.equal(parseQuantity('2.5').toNumber(), 2.5);
  });
  it('roundUp and resource canonicalization', () => {
    assert.equal(parseQuantity('0.1m').roundUp(-3).toString(), '1m');
    assert.equal(parseQuantity('1.0001').roundUp(-3).toString(), '1001m');
    assert.equal(canonicalResourceQuantity('0.1m'), '1m');
    assert.equal(canonicalResourceQuantity('1.5Gi'), '1536Mi');
    assert.equal(canonicalResourceQuantity('500m'), '500m');
    assert.equal(canonicalResourceQuantity('1e3'), '1e3');
    assert.equal(canonicalResourceQuantity(2), '2');
    assert.equal(canonicalResourceQuantity(0.5), '500m');
  });
  it('formatQuantity / parseQuantityValue / JSON', () => {
    assert.equal(formatQuantity('1.5'), '1500m');
    assert.equal(formatQuantity(parseQuantity('2048Ki')), '2Mi');
    assert.equal(parseQuantityValue(' 1Gi ').toString(), '1Gi');
    assert.equal(parseQuantityValue(3).toString(), '3');
    assert.equal(JSON.stringify({ q: parseQuantity('1.5') }), '{"q":"1500m"}');
    assert.equal(tryParseQuantity('1..5'), undefined);
    assert.equal(tryParseQuantity({}), undefined);
  });
});
