/**
 * EndpointSliceTracker (endpointslice/util/endpointslice_tracker.go): remembers the generation of each slice this
 * controller wrote, so a sync running before the informer has caught up with those writes is recognised as stale
 * and retried instead of creating duplicates.
 */
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';

/** A sentinel generation for a slice we deleted. */
const DELETED = -1;

export class SliceTracker {
  /** service key → slice name → generation we expect the cache to reach (or DELETED) */
  private readonly expected = new Map<string, Map<string, number>>();

  wrote(serviceKey: string, slice: EndpointSlice): void {
    this.slices(serviceKey).set(slice.metadata?.name ?? '', slice.metadata?.generation ?? 0);
  }

  deleted(serviceKey: string, name: string): void {
    this.slices(serviceKey).set(name, DELETED);
  }

  /** Whether the cached slices of a Service are older than what we wrote. */
  stale(serviceKey: string, cached: readonly EndpointSlice[]): boolean {
    const exp = this.expected.get(serviceKey);
    if (!exp) return false;
    const byName = new Map(cached.map((s) => [s.metadata?.name ?? '', s]));
    for (const [name, gen] of exp) {
      const c = byName.get(name);
      if (gen === DELETED) {
        if (c && !c.metadata?.deletionTimestamp) return true;
        continue;
      }
      if (!c || (c.metadata?.generation ?? 0) < gen) return true;
    }
    return false;
  }

  /** Called for every slice the informer sees: forgets expectations it fulfils. */
  observed(serviceKey: string, slice: EndpointSlice, gone: boolean): void {
    const exp = this.expected.get(serviceKey);
    if (!exp) return;
    const name = slice.metadata?.name ?? '';
    const gen = exp.get(name);
    if (gen === undefined) return;
    if (gone ? gen === DELETED : gen !== DELETED && (slice.metadata?.generation ?? 0) >= gen) exp.delete(name);
    if (exp.size === 0) this.expected.delete(serviceKey);
  }

  /** True when this is a change of a slice we did not just write ourselves. */
  isForeign(serviceKey: string, slice: EndpointSlice): boolean {
    const gen = this.expected.get(serviceKey)?.get(slice.metadata?.name ?? '');
    return gen === undefined || (gen !== DELETED && (slice.metadata?.generation ?? 0) > gen);
  }

  forget(serviceKey: string): void {
    this.expected.delete(serviceKey);
  }

  private slices(key: string): Map<string, number> {
    let m = this.expected.get(key);
    if (!m) this.expected.set(key, (m = new Map<string, number>()));
    return m;
  }
}
