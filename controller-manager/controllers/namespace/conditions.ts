/** Namespace deletion conditions (namespace/deletion/status_condition_utils.go). */
import type { NamespaceCondition } from 'kubernetes-types/core/v1.js';
import { rfc3339 } from '../util/time.js';

export interface DeletionOutcome {
  /** resource → objects still present */
  remaining: Map<string, number>;
  /** finalizer → objects that still carry it */
  finalizers: Map<string, number>;
  /** messages of failed deletions */
  errors: string[];
}

/** The five conditions upstream keeps on a terminating namespace, in its order and wording. */
export function deletionConditions(o: DeletionOutcome, old: readonly NamespaceCondition[], nowMs: number): NamespaceCondition[] {
  const t = rfc3339(nowMs);
  const make = (type: string, failed: boolean, reason: string, message: string): NamespaceCondition => {
    const prev = old.find((c) => c.type === type);
    const status = failed ? 'True' : 'False';
    return { type, status, reason, message, lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : t };
  };
  const remaining = [...o.remaining].sort(([a], [b]) => (a < b ? -1 : 1));
  const finalizers = [...o.finalizers].sort(([a], [b]) => (a < b ? -1 : 1));
  return [
    make('NamespaceDeletionDiscoveryFailure', false, 'ResourcesDiscovered', 'All resources successfully discovered'),
    make('NamespaceDeletionGroupVersionParsingFailure', false, 'ParsedGroupVersions', 'All legacy kube types successfully parsed'),
    o.errors.length
      ? make('NamespaceDeletionContentFailure', true, 'ContentDeletionFailed', `Failed to delete all resource types, ${o.errors.length} remaining: ${o.errors.join(', ')}`)
      : make('NamespaceDeletionContentFailure', false, 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'),
    remaining.length
      ? make('NamespaceContentRemaining', true, 'SomeResourcesRemain', `Some resources are remaining: ${remaining.map(([r, n]) => `${r} has ${n} resource instances`).join(', ')}`)
      : make('NamespaceContentRemaining', false, 'ContentRemoved', 'All content successfully removed'),
    finalizers.length
      ? make('NamespaceFinalizersRemaining', true, 'SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${finalizers.map(([f, n]) => `${f} in ${n} resource instances`).join(', ')}`)
      : make('NamespaceFinalizersRemaining', false, 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'),
  ];
}
