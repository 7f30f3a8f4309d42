import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nodeInfoOf, podInfoOf } from '../../testing.js';
import { balancedScore, score } from './balanced-allocation.js';

describe('NodeResourcesBalancedAllocation', () => {
  it('matches upstream balanced_allocation_test cases', () => {
    // cpu 3000/4000 and memory 5000/10000: fractions 0.75 and 0.5, std 0.125 → 87
    assert.equal(balancedScore([{ requested: 3000, allocatable: 4000 }, { requested: 5000, allocatable: 10000 }]), 87);
    assert.equal(balancedScore([{ requested: 3000, allocatable: 6000 }, { requested: 5000, allocatable: 10000 }]), 100);
    assert.equal(balancedScore([{ requested: 8000, allocatable: 4000 }, { requested: 0, allocatable: 10000 }]), 50, 'fractions cap at 1');
    assert.equal(balancedScore([{ requested: 1, allocatable: 0 }]), 100, 'no allocatable → not counted');
  });

  it('uses actual requests of the node and the pod', () => {
    const node = nodeInfoOf('n', { cpu: '4', memory: '4Gi' }, [podInfoOf('a', { cpu: '2' })]);
    // cpu 3/4 = .75, memory 1/4 = .25 → std .25 → 75
    assert.equal(score(podInfoOf('p', { cpu: '1', memory: '1Gi' }), node), 75);
  });
});
