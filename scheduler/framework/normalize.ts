import { MAX_NODE_SCORE, type NodeScore } from './types.js';

/**
 * helper.DefaultNormalizeScore: scales scores so the highest becomes `max` (integer division, as int64 in Go);
 * `reverse` flips them (fewer is better). All zero → all 0, or all `max` when reversed.
 */
export function defaultNormalizeScore(scores: NodeScore[], reverse: boolean, max = MAX_NODE_SCORE): void {
  let maxCount = 0;
  for (const s of scores) if (s.score > maxCount) maxCount = s.score;
  if (maxCount === 0) {
    if (reverse) for (const s of scores) s.score = max;
    return;
  }
  for (const s of scores) {
    let v = Math.trunc((max * s.score) / maxCount);
    if (reverse) v = max - v;
    s.score = v;
  }
}
