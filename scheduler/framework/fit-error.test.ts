import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fitErrorMessage, reasonsHistogram, truncateMessage, type Diagnosis } from './fit-error.js';
import { unresolvable, unschedulable } from './status.js';

describe('FitError message', () => {
  it('counts reasons per node and sorts them as strings', () => {
    const d: Diagnosis = {
      nodeStatuses: new Map([
        ['node-1', unresolvable('node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }')],
        ['node-2', unschedulable('Insufficient cpu')],
        ['node-3', unschedulable('Insufficient cpu', 'Insufficient memory')],
      ]),
      unschedulablePlugins: new Set(),
      postFilterMsg: 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    };
    assert.equal(
      fitErrorMessage(3, d),
      '0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. ' +
        'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
  });

  it('uses the PreFilter message alone when PreFilter rejected, and counts absent nodes', () => {
    const d: Diagnosis = { nodeStatuses: new Map(), unschedulablePlugins: new Set(), preFilterMsg: 'parsing pod: bad' };
    assert.equal(fitErrorMessage(2, d), '0/2 nodes are available: parsing pod: bad.');
    const e: Diagnosis = { nodeStatuses: new Map([['a', unschedulable('No preemption victims found for incoming pod')]]), unschedulablePlugins: new Set() };
    assert.equal(
      fitErrorMessage(3, e, unresolvable('Preemption is not helpful for scheduling')),
      '0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    );
    assert.deepEqual(reasonsHistogram([]), []);
  });

  it('truncates event notes to 1024 characters', () => {
    const long = 'x'.repeat(2000);
    const t = truncateMessage(long);
    assert.equal(t.length, 1024);
    assert.ok(t.endsWith(' ...'));
    assert.equal(truncateMessage('short'), 'short');
  });
});
