import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeZoneState, zoneKey } from './zones.js';

const c = (status: string) => ({ type: 'Ready', status });

void test('zone states: full disruption only when nothing is ready; partial needs > 2 and the threshold', () => {
  assert.deepEqual(computeZoneState([c('Unknown'), c('False')], 0.55), [2, 'FullDisruption']);
  assert.deepEqual(computeZoneState([c('True'), c('Unknown'), c('Unknown')], 0.55), [2, 'Normal']);
  assert.deepEqual(computeZoneState([c('True'), c('Unknown'), c('Unknown'), c('Unknown')], 0.55), [3, 'PartialDisruption']);
  assert.deepEqual(computeZoneState([c('True'), c('True'), c('Unknown'), c('Unknown'), c('Unknown'), c('True'), c('True')], 0.55), [3, 'Normal']);
  assert.deepEqual(computeZoneState([undefined, c('True')], 0.55), [1, 'Normal']);
  assert.deepEqual(computeZoneState([], 0.55), [0, 'Normal']);
});

void test('zone keys from topology labels', () => {
  assert.equal(zoneKey({ metadata: {} }), '');
  assert.equal(zoneKey({ metadata: { labels: { 'topology.kubernetes.io/region': 'r', 'topology.kubernetes.io/zone': 'z' } } }), 'r:\u0000:z');
});
