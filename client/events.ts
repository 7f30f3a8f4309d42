/**
 * An event recorder for core/v1 Events, like client-go's tools/record with its EventCorrelator reduced to the
 * aggregation that matters: the same object + type + reason + message (+ source) seen again within 10 minutes
 * bumps `count` and `lastTimestamp` of the existing Event (merge PATCH) instead of creating a new one.
 *
 * `event()` never blocks and never throws: writes are queued, performed one at a time, and failures are logged
 * (events are best effort, as upstream). `flush()` waits for queued writes (tests, shutdown).
 */
import type { Event, ObjectReference } from 'kubernetes-types/core/v1.js';
import { isApiError } from '../api/errors.js';
import { requireResource } from '../api/resources.js';
import { realClock, type Clock } from '../common/clock.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { RestClient } from './rest.js';
import type { ObjectLike } from './types.js';

export const EVENTS = requireResource('', 'v1', 'events');

export type EventType = 'Normal' | 'Warning';

/** Where events go. create/patch throw ApiError (patch: NotFound if the event has been deleted meanwhile). */
export interface EventSink {
  create(namespace: string, event: Event): Promise<Event>;
  patch(namespace: string, name: string, patch: Partial<Event>): Promise<Event>;
}

export function restEventSink(rest: RestClient): EventSink {
  return {
    create: (ns, ev) => rest.create<Event>(EVENTS, ns, ev),
    patch: (ns, name, p) => rest.patch<Event>(EVENTS, ns, name, 'merge', p),
  };
}

export interface EventRecorderOptions {
  sink: EventSink | RestClient;
  /** source.component / reportingComponent, e.g. 'deployment-controller', 'default-scheduler', 'kubelet'. */
  component: string;
  /** source.host (kubelet: the node name). */
  host?: string;
  clock?: Clock;
  log?: Logger;
  /** Aggregation window (default 10 min). */
  aggregationWindowMs?: number;
  /** Events queued beyond this are dropped (default 1000, like upstream's channel). */
  maxQueued?: number;
  /** Aggregation cache entries (default 4096, upstream's LRU size). */
  maxCacheEntries?: number;
}

interface CacheEntry {
  namespace: string;
  name: string;
  count: number;
  firstTimestamp: string;
  lastSeenMs: number;
}

/** metav1.Time: RFC3339 with second precision. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const WRITE_LANES = 4;

function laneOf(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
  return Math.abs(h) % WRITE_LANES;
}

export class EventRecorder {
  private readonly sink: EventSink;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly windowMs: number;
  private readonly maxQueued: number;
  private readonly maxCache: number;
  /** Insertion-ordered: the first entry is the least recently used. */
  private readonly cache = new Map<string, CacheEntry>();
  /** Writes run in a few lanes; events about one object share a lane, so their aggregation stays ordered. */
  private readonly lanes: Promise<void>[] = Array.from({ length: WRITE_LANES }, () => Promise.resolve());
  private queued = 0;
  private seq = 0;

  constructor(private readonly opts: EventRecorderOptions) {
    this.sink = opts.sink instanceof RestClient ? restEventSink(opts.sink) : opts.sink;
    this.clock = opts.clock ?? realClock;
    this.log = (opts.log ?? silentLogger()).child({ eventRecorder: opts.component });
    this.windowMs = opts.aggregationWindowMs ?? 10 * 60_000;
    this.maxQueued = opts.maxQueued ?? 1000;
    this.maxCache = opts.maxCacheEntries ?? 4096;
  }

  /** Records an event about `obj` (which needs kind, apiVersion, metadata.name; namespace/uid if it has them). */
  event(obj: ObjectLike, type: EventType, reason: string, message: string): void {
    const ref = referenceOf(obj);
    if (!ref.name) {
      this.log.warn({ reason }, 'cannot record an event for an object without a name');
      return;
    }
    if (this.queued >= this.maxQueued) {
      this.log.warn({ reason, object: ref.name }, 'event queue full; dropping event');
      return;
    }
    const at = this.clock.now();
    this.queued++;
    const lane = laneOf(`${ref.namespace ?? ''}/${ref.name}`);
    this.lanes[lane] = this.lanes[lane]
      .then(() => this.write(ref, type, reason, message, at))
      .catch((e: unknown) => this.log.warn({ err: e instanceof Error ? e.message : String(e), reason }, 'failed to record event'))
      .finally(() => {
        this.queued--;
      });
  }

  /** Resolves once every event recorded so far has been written (or has failed). */
  async flush(): Promise<void> {
    let last: Promise<void>[];
    do {
      last = [...this.lanes];
      await Promise.all(last);
    } while (last.some((p, i) => p !== this.lanes[i]));
  }

  private async write(ref: ObjectReference, type: EventType, reason: string, message: string, at: number): Promise<void> {
    const key = JSON.stringify([
      this.opts.component, this.opts.host ?? '', ref.kind, ref.apiVersion, ref.namespace ?? '', ref.name, ref.uid ?? '', ref.fieldPath ?? '',
      type, reason, message,
    ]);
    const namespace = ref.namespace || 'default';
    const cached = this.cache.get(key);
    if (cached && at - cached.lastSeenMs < this.windowMs) {
      cached.count++;
      cached.lastSeenMs = at;
      this.touch(key, cached);
      try {
        await this.sink.patch(cached.namespace, cached.name, { count: cached.count, lastTimestamp: formatTime(at), message });
        return;
      } catch (e) {
        if (!isApiError(e, 'NotFound')) throw e;
        // The event was deleted (TTL, by hand): create a new one carrying the count, as upstream does.
      }
    }
    const count = cached && at - cached.lastSeenMs < this.windowMs ? cached.count : 1;
    const firstTimestamp = count > 1 && cached ? cached.firstTimestamp : formatTime(at);
    const name = `${ref.name}.${this.nameSuffix(at)}`;
    const event: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: ref,
      reason,
      message,
      type,
      source: this.opts.host ? { component: this.opts.component, host: this.opts.host } : { component: this.opts.component },
      firstTimestamp,
      lastTimestamp: formatTime(at),
      count,
      reportingComponent: this.opts.component,
      reportingInstance: this.opts.host ?? '',
    };
    await this.sink.create(namespace, event);
    this.touch(key, { namespace, name, count, firstTimestamp, lastSeenMs: at });
  }

  /** 16 hex digits like upstream's `%x` of UnixNano, made unique per recorder with a sequence number. */
  private nameSuffix(at: number): string {
    const ns = BigInt(at) * 1_000_000n + BigInt(this.seq++ % 1_000_000);
    return ns.toString(16).padStart(16, '0').slice(-16);
  }

  private touch(key: string, entry: CacheEntry): void {
    this.cache.delete(key);
    this.cache.set(key, entry);
    while (this.cache.size > this.maxCache) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }
}

function referenceOf(obj: ObjectLike): ObjectReference {
  const ref: ObjectReference = { kind: obj.kind, apiVersion: obj.apiVersion, name: obj.metadata?.name };
  if (obj.metadata?.namespace) ref.namespace = obj.metadata.namespace;
  if (obj.metadata?.uid) ref.uid = obj.metadata.uid;
  if (obj.metadata?.resourceVersion) ref.resourceVersion = obj.metadata.resourceVersion;
  return ref;
}
