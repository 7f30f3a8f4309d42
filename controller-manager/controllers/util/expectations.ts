/**
 * ControllerExpectations with UID tracking of deletions (k8s.io/kubernetes/pkg/controller/controller_utils.go).
 *
 * Before a sync creates N pods it records "expect N adds"; each pod ADDED event lowers the count. Until the counts
 * reach zero (or the record is older than the timeout, 5 minutes upstream) the controller does not create or
 * delete again, so a sync running on a cache that has not yet seen its own writes cannot over-create.
 * Deletions are tracked by pod key, so an update setting deletionTimestamp and the later DELETED event of the same
 * pod count once.
 */
import type { Clock } from '../../../common/clock.js';

export const EXPECTATIONS_TIMEOUT_MS = 5 * 60_000;

interface Record {
  add: number;
  del: number;
  timestamp: number;
  deleteKeys: Set<string>;
}

export class ControllerExpectations {
  private readonly records = new Map<string, Record>();

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs = EXPECTATIONS_TIMEOUT_MS,
  ) {}

  /** True when the controller may act: no record, counts fulfilled, or the record expired. */
  satisfied(key: string): boolean {
    const r = this.records.get(key);
    if (!r) return true;
    if (r.add <= 0 && r.del <= 0) return true;
    return this.clock.now() - r.timestamp > this.timeoutMs;
  }

  /** Replaces the record: expect `n` pod creations. */
  expectCreations(key: string, n: number): void {
    this.records.set(key, { add: n, del: 0, timestamp: this.clock.now(), deleteKeys: new Set() });
  }

  /** Replaces the record: expect the deletion of these pods. */
  expectDeletions(key: string, podKeys: readonly string[]): void {
    const keys = new Set(podKeys);
    this.records.set(key, { add: 0, del: keys.size, timestamp: this.clock.now(), deleteKeys: keys });
  }

  creationObserved(key: string): void {
    const r = this.records.get(key);
    if (r) r.add--;
  }

  /** Counts a deletion only for a pod we expected to delete, and only once. */
  deletionObserved(key: string, podKey: string): void {
    const r = this.records.get(key);
    if (r?.deleteKeys.delete(podKey)) r.del--;
  }

  delete(key: string): void {
    this.records.delete(key);
  }

  /** For tests and logs: the outstanding counts. */
  pending(key: string): { add: number; del: number } | undefined {
    const r = this.records.get(key);
    return r ? { add: r.add, del: r.del } : undefined;
  }
}
