import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../../framework/types.js';
import { nodeInfoOf, podInfoOf } from '../../testing.js';
import { ERR_REASON, fits, nodeNamePlugin } from './node-name.js';

describe('NodeName', () => {
  it('matches any node when spec.nodeName is empty, else only that node', () => {
    const free = podInfoOf('p');
    const pinned = podInfoOf('q', {}, (p) => (p.spec!.nodeName = 'n2'));
    assert.equal(fits(free.pod, 'n1'), true);
    assert.equal(fits(pinned.pod, 'n2'), true);
    assert.equal(fits(pinned.pod, 'n1'), false);
    const s = nodeNamePlugin().filter!(new CycleState(), pinned, nodeInfoOf('n1'));
    assert.deepEqual(s, { code: 'UnschedulableAndUnresolvable', reasons: [ERR_REASON] });
    assert.equal(ERR_REASON, "node(s) didn't match the requested node name");
  });
});
