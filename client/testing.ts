/**
 * Scriptable fakes of the client's IO edges, for unit tests of the client and of controllers built on it:
 * - FakeListWatcher: script list results and drive each watch stream (events, errors, normal end);
 * - FakeLeaseClient: an in-memory Lease store with resourceVersion compare-and-swap and injectable outages;
 * - FakeEventSink: records created/patched Events.
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Event } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../api/errors.js';
import { deepCopy, type KubeObject } from '../api/object.js';
import type { ListWatcher } from './informer.js';
import type { LeaseClient } from './leader-election.js';
import type { EventSink } from './events.js';
import { ClientNetworkError } from './rest.js';
import type { ListOptions, ObjectLike, ObjectList, ObjectWatchEvent, WatchOptions } from './types.js';

type StreamItem<T extends ObjectLike> = { event: ObjectWatchEvent<T> } | { error: unknown } | { end: true };

/** One watch call of a FakeListWatcher, driven by the test. */
export class FakeWatch<T extends ObjectLike = KubeObject> {
  private items: StreamItem<T>[] = [];
  private wake: (() => void) | undefined;
  private closed = false;

  constructor(
    readonly opts: WatchOptions,
    readonly signal: AbortSignal,
  ) {
    signal.addEventListener('abort', () => this.notify(), { once: true });
  }

  /** True once the consumer stopped reading (end, error, abort or break). */
  get isClosed(): boolean {
    return this.closed || this.signal.aborted;
  }

  send(type: ObjectWatchEvent<T>['type'], object: T): this {
    this.items.push({ event: { type, object: deepCopy(object) } });
    this.notify();
    return this;
  }

  /** Makes the stream throw (e.g. an ApiError 410 as from an ERROR event or an HTTP error). */
  fail(error: unknown): this {
    this.items.push({ error });
    this.notify();
    return this;
  }

  /** Ends the stream normally (server closed it, e.g. timeoutSeconds elapsed). */
  end(): this {
    this.items.push({ end: true });
    this.notify();
    return this;
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  async *iterate(): AsyncGenerator<ObjectWatchEvent<T>> {
    try {
      for (;;) {
        if (this.signal.aborted) return;
        const item = this.items.shift();
        if (!item) {
          await new Promise<void>((r) => (this.wake = r));
          continue;
        }
        if ('end' in item) return;
        if ('error' in item) throw item.error;
        yield item.event;
      }
    } finally {
      this.closed = true;
    }
  }
}

export type ListResponder<T extends ObjectLike> = (opts: ListOptions) => ObjectList<T> | Promise<ObjectList<T>>;

export class FakeListWatcher<T extends ObjectLike = KubeObject> implements ListWatcher<T> {
  /** Every list call's options, in order. */
  readonly listCalls: ListOptions[] = [];
  /** Every watch stream opened, in order. */
  readonly watches: FakeWatch<T>[] = [];
  private scripted: (ListResponder<T> | { error: unknown })[] = [];
  private watchWaiters: ((w: FakeWatch<T>) => void)[] = [];
  private listWaiters: (() => void)[] = [];

  /** Used when no scripted response is left. */
  constructor(public defaultList: ListResponder<T> = () => fakeList<T>([], '1')) {}

  /** Queues the answer to the next list call. */
  onNextList(r: ObjectList<T> | ListResponder<T>): this {
    this.scripted.push(typeof r === 'function' ? r : () => deepCopy(r));
    return this;
  }

  /** Queues an error for the next list call. */
  failNextList(error: unknown): this {
    this.scripted.push({ error });
    return this;
  }

  async list(opts: ListOptions): Promise<ObjectList<T>> {
    this.listCalls.push({ ...opts });
    const ws = this.listWaiters;
    this.listWaiters = [];
    for (const w of ws) w();
    const next = this.scripted.shift() ?? this.defaultList;
    if (typeof next !== 'function') throw next.error;
    return deepCopy(await next(opts));
  }

  watch(opts: WatchOptions, signal: AbortSignal): AsyncIterable<ObjectWatchEvent<T>> {
    const w = new FakeWatch<T>({ ...opts }, signal);
    this.watches.push(w);
    const ws = this.watchWaiters;
    this.watchWaiters = [];
    for (const waiter of ws) waiter(w);
    return { [Symbol.asyncIterator]: () => w.iterate() };
  }

  /** Resolves with watch number `index` (0-based) once it has been opened. */
  watchAt(index: number): Promise<FakeWatch<T>> {
    const existing = this.watches[index];
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve) => {
      const check = (): void => {
        const w = this.watches[index];
        if (w) resolve(w);
        else this.watchWaiters.push(check);
      };
      this.watchWaiters.push(check);
    });
  }

  /** The most recently opened watch (waits for the first one). */
  latestWatch(): Promise<FakeWatch<T>> {
    return this.watchAt(Math.max(0, this.watches.length - 1));
  }

  /** Resolves once `n` list calls have been made in total. */
  listCalled(n: number): Promise<void> {
    if (this.listCalls.length >= n) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.listCalls.length >= n) resolve();
        else this.listWaiters.push(check);
      };
      this.listWaiters.push(check);
    });
  }
}

export function fakeList<T extends ObjectLike>(items: T[], resourceVersion: string, cont?: string): ObjectList<T> {
  return { apiVersion: 'v1', kind: 'List', metadata: cont ? { resourceVersion, continue: cont } : { resourceVersion }, items };
}

/** A minimal object for tests: namespaced when `ns` is given. */
export function fakeObject(name: string, rv: string, ns?: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, resourceVersion: rv, ...(ns ? { namespace: ns } : {}) },
    ...extra,
  };
}

/** An in-memory Lease API with optimistic concurrency on metadata.resourceVersion. */
export class FakeLeaseClient implements LeaseClient {
  private readonly leases = new Map<string, Lease>();
  private rv = 100;
  /** While true, every call fails as if the api-server were unreachable. */
  unavailable = false;
  /** While true, every call hangs until its signal aborts (a partitioned, silent api-server). */
  hang = false;
  readonly calls: string[] = [];

  peek(ns: string, name: string): Lease | undefined {
    const l = this.leases.get(`${ns}/${name}`);
    return l && deepCopy(l);
  }

  /** Writes a lease as another party would (bumps resourceVersion). */
  put(lease: Lease): Lease {
    const ns = lease.metadata?.namespace ?? 'default';
    const stored = deepCopy(lease);
    stored.metadata = { ...stored.metadata, namespace: ns, resourceVersion: String(++this.rv) };
    this.leases.set(`${ns}/${lease.metadata?.name ?? ''}`, stored);
    return deepCopy(stored);
  }

  async get(ns: string, name: string, signal?: AbortSignal): Promise<Lease> {
    await this.gate('get', signal);
    const l = this.leases.get(`${ns}/${name}`);
    if (!l) throw ApiError.notFound({ group: 'coordination.k8s.io', resource: 'leases' }, name);
    return deepCopy(l);
  }

  async create(ns: string, lease: Lease, signal?: AbortSignal): Promise<Lease> {
    await this.gate('create', signal);
    const name = lease.metadata?.name ?? '';
    if (this.leases.has(`${ns}/${name}`)) throw ApiError.alreadyExists({ group: 'coordination.k8s.io', resource: 'leases' }, name);
    return this.put({ ...lease, metadata: { ...lease.metadata, namespace: ns } });
  }

  async update(ns: string, lease: Lease, signal?: AbortSignal): Promise<Lease> {
    await this.gate('update', signal);
    const name = lease.metadata?.name ?? '';
    const cur = this.leases.get(`${ns}/${name}`);
    const gr = { group: 'coordination.k8s.io', resource: 'leases' };
    if (!cur) throw ApiError.notFound(gr, name);
    const want = lease.metadata?.resourceVersion;
    if (want && want !== cur.metadata?.resourceVersion) throw ApiError.modified(gr, name);
    return this.put({ ...lease, metadata: { ...lease.metadata, namespace: ns } });
  }

  private async gate(op: string, signal?: AbortSignal): Promise<void> {
    this.calls.push(op);
    if (this.hang) {
      await new Promise<void>((resolve) => {
        if (!signal || signal.aborted) return resolve();
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      throw new ClientNetworkError(`${op}: request aborted`);
    }
    if (this.unavailable) throw new ClientNetworkError(`${op}: connect ECONNREFUSED`);
  }
}

/** Records Events in memory; honours NotFound for patches of unknown events. */
export class FakeEventSink implements EventSink {
  readonly events = new Map<string, Event>();
  readonly ops: { op: 'create' | 'patch'; namespace: string; name: string; body: unknown }[] = [];
  failWith: Error | undefined;

  async create(ns: string, ev: Event): Promise<Event> {
    if (this.failWith !== undefined) throw this.failWith;
    const name = ev.metadata.name ?? '';
    this.ops.push({ op: 'create', namespace: ns, name, body: deepCopy(ev) });
    if (this.events.has(`${ns}/${name}`)) throw ApiError.alreadyExists({ group: '', resource: 'events' }, name);
    this.events.set(`${ns}/${name}`, deepCopy(ev));
    return deepCopy(ev);
  }

  async patch(ns: string, name: string, p: Partial<Event>): Promise<Event> {
    if (this.failWith !== undefined) throw this.failWith;
    this.ops.push({ op: 'patch', namespace: ns, name, body: deepCopy(p) });
    const cur = this.events.get(`${ns}/${name}`);
    if (!cur) throw ApiError.notFound({ group: '', resource: 'events' }, name);
    const next = { ...cur, ...p };
    this.events.set(`${ns}/${name}`, next);
    return deepCopy(next);
  }
}
