import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isIP,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidLabelValue,
  isValidPercent,
  isValidPortName,
  isValidPortNum,
  nameIsDNSSubdomain,
  validatePathSegmentName,
} from './names.js';

const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('isDNS1123Label', () => {
  for (const ok of ['a', 'ab', 'a-b', '1', '123-abc', 'a'.repeat(63)]) it(`accepts ${ok.slice(0, 12)}`, () => assert.deepEqual(isDNS1123Label(ok), []));
  it('64 chars (e.g. a namespace)', () => assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']));
  it('uppercase', () => assert.deepEqual(isDNS1123Label('Abc'), [DNS1123_LABEL_MSG]));
  it('dots', () => assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']));
  it('empty', () => assert.deepEqual(isDNS1123Label(''), [DNS1123_LABEL_MSG]));
  it('leading dash', () => assert.deepEqual(isDNS1123Label('-a'), [DNS1123_LABEL_MSG]));
});

describe('isDNS1123Subdomain', () => {
  it('accepts', () => {
    assert.deepEqual(isDNS1123Subdomain('example.com'), []);
    assert.deepEqual(isDNS1123Subdomain('a'.repeat(253)), []);
  });
  it('254 chars (e.g. a pod name)', () => assert.deepEqual(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']));
  it('bad chars', () => assert.deepEqual(isDNS1123Subdomain('a_b'), [DNS1123_SUBDOMAIN_MSG]));
  it('generateName prefix may end with a dash', () => {
    assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
    assert.deepEqual(nameIsDNSSubdomain('web-', false), [DNS1123_SUBDOMAIN_MSG]);
  });
});

describe('isDNS1035Label (service names)', () => {
  it('accepts svc-1', () => assert.deepEqual(isDNS1035Label('svc-1'), []));
  it('rejects Svc-1', () => assert.deepEqual(isDNS1035Label('Svc-1'), [DNS1035_MSG]));
  it('rejects 1svc', () => assert.deepEqual(isDNS1035Label('1svc'), [DNS1035_MSG]));
  it('rejects 64 chars', () => assert.deepEqual(isDNS1035Label(`a${'b'.repeat(63)}`), ['must be no more than 63 characters']));
});

describe('isQualifiedName', () => {
  for (const ok of ['app', 'example.com/app', 'A_b.c-D', 'k8s.io/x', 'a'.repeat(63)]) it(`accepts ${ok.slice(0, 20)}`, () => assert.deepEqual(isQualifiedName(ok), []));
  it('rejects bad name part', () =>
    assert.deepEqual(isQualifiedName('-app'), [
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]));
  it('rejects empty prefix', () => assert.deepEqual(isQualifiedName('/app'), ['prefix part must be non-empty']));
  it('rejects bad prefix', () => assert.deepEqual(isQualifiedName('Example.com/app'), [`prefix part ${DNS1123_SUBDOMAIN_MSG}`]));
  it('rejects empty name', () => assert.deepEqual(isQualifiedName('a/').slice(0, 1), ['name part must be non-empty']));
  it('rejects long name', () => assert.deepEqual(isQualifiedName('a'.repeat(64)), ['name part must be no more than 63 characters']));
  it('rejects two slashes', () =>
    assert.deepEqual(isQualifiedName('a/b/c'), [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]));
});

describe('isValidLabelValue', () => {
  it('accepts empty and 63 chars', () => {
    assert.deepEqual(isValidLabelValue(''), []);
    assert.deepEqual(isValidLabelValue('a'.repeat(63)), []);
  });
  it('rejects 64 chars', () => assert.deepEqual(isValidLabelValue('a'.repeat(64)), ['must be no more than 63 characters']));
  it('rejects bad chars', () => assert.deepEqual(isValidLabelValue('a b'), [LABEL_VALUE_MSG]));
});

describe('ports', () => {
  const range = ['must be between 1 and 65535, inclusive'];
  it('port numbers', () => {
    assert.deepEqual(isValidPortNum(0), range);
    assert.deepEqual(isValidPortNum(65536), range);
    assert.deepEqual(isValidPortNum(1), []);
    assert.deepEqual(isValidPortNum(65535), []);
    assert.deepEqual(isValidPortNum(1.5), range);
  });
  it('port names', () => {
    assert.deepEqual(isValidPortName('http'), []);
    assert.deepEqual(isValidPortName('http--x'), ['must not contain consecutive hyphens']);
    assert.deepEqual(isValidPortName('-http'), ['must not begin or end with a hyphen']);
    assert.deepEqual(isValidPortName('8080'), ['must contain at least one letter (a-z)']);
    assert.deepEqual(isValidPortName('HTTP'), [
      'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'must contain at least one letter (a-z)',
    ]);
    assert.deepEqual(isValidPortName('a'.repeat(16)), ['must be no more than 15 characters']);
  });
});

describe('env vars, config keys, misc', () => {
  it('env var names', () => {
    assert.deepEqual(isEnvVarName('MY_VAR'), []);
    assert.deepEqual(isEnvVarName('my.env-name'), []);
    assert.deepEqual(isEnvVarName('1ABC'), [
      "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
    ]);
    assert.deepEqual(isEnvVarName('..x'), ["must not start with '..'"]);
    assert.deepEqual(isRelaxedEnvVarName('1 A'), []);
    assert.deepEqual(isRelaxedEnvVarName('A=B'), ["a valid environment variable name must consist only of printable ASCII characters other than '='"]);
  });
  it('config map keys', () => {
    assert.deepEqual(isConfigMapKey('app.properties'), []);
    assert.deepEqual(isConfigMapKey('a/b'), [
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
    assert.deepEqual(isConfigMapKey('..'), ["must not be '..'"]);
  });
  it('percent, IPs, path segments', () => {
    assert.deepEqual(isValidPercent('25%'), []);
    assert.equal(isValidPercent('25').length, 1);
    assert.equal(isIP('10.0.0.1'), true);
    assert.equal(isIP('::1'), true);
    assert.equal(isIP('2001:db8::ffff'), true);
    assert.equal(isIP('10.0.0.256'), false);
    assert.equal(isIP('abc'), false);
    assert.deepEqual(validatePathSegmentName('..', false), ["may not be '..'"]);
    assert.deepEqual(validatePathSegmentName('a/b', false), ["may not contain '/'"]);
  });
});
