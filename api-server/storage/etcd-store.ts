import type { Etcd3, IKeyValue } from 'etcd3';
import type { StoredObject } from '../../api/object.js';
import { ApiError } from '../../api/errors.js';
import { TxnBatcher } from './txn-batcher.js';

/** An object read from etcd, with its resourceVersion (= etcd mod_revision) filled in. */
export interface Versioned {
  key: string;
  obj: StoredObject;
  rev: number;
}

export interface RangeResult {
  items: Versioned[];
  /** the etcd header revision the range was read at */
  rev: number;
  /** set when more keys follow: the last key returned */
  lastKey?: string;
  remaining?: number;
}

/**
 * The only place that talks to etcd for objects. Values are JSON with `metadata.resourceVersion` blanked;
 * it is filled in from mod_revision on read (as upstream's etcd3 store does).
 */
/** Outcome of a compare-and-swap: the write's result, or the key's current state (undefined = gone). */
export type CasResult<T> = { ok: true; value: T } | { ok: false; current: Versioned | undefined };

export class EtcdStore {
  private readonly batcher: TxnBatcher;

  constructor(readonly etcd: Etcd3) {
    this.batcher = new TxnBatcher((req) => etcd.kv.txn(req));
  }

  /** Conditional writes sent so far, and the etcd transactions they went in. */
  get writeStats(): { ops: number; txns: number } {
    return { ops: this.batcher.opsSent, txns: this.batcher.txnsSent };
  }

  /** Transaction that succeeds only if the key does not exist. Returns the stored object or undefined on conflict. */
  async create(key: string, obj: StoredObject): Promise<Versioned | undefined> {
    const res = await this.call(() => this.batcher.submit({ kind: 'create', key, value: encode(obj) }));
    if (!res.ok) return undefined;
    return { key, obj: withRv(obj, res.rev), rev: res.rev };
  }

  async get(key: string): Promise<Versioned | undefined> {
    const res = await this.call(() => this.etcd.get(key).exec());
    const kv = res.kvs[0];
    return kv ? decodeKv(kv) : undefined;
  }

  /** The current etcd revision (a cheap read). */
  async currentRevision(): Promise<number> {
    const res = await this.call(() => this.etcd.get('/registry/\u0000revision-probe').exec());
    return Number(res.header.revision);
  }

  /** Range read of a prefix, optionally at a fixed revision, from a start key, with a limit. */
  async list(prefix: string, opts: { rev?: number; limit?: number; startKey?: string } = {}): Promise<RangeResult> {
    const end = prefixEnd(prefix);
    const start = opts.startKey ?? prefix;
    const res = await this.call(() => {
      let b = this.etcd.getAll().inRange({ start, end });
      if (opts.rev) b = b.revision(opts.rev);
      if (opts.limit) b = b.limit(opts.limit);
      return b.exec();
    }, opts.rev);
    const items = res.kvs.map(decodeKv);
    const out: RangeResult = { items, rev: Number(res.header.revision) };
    if (res.more && res.kvs.length > 0) {
      out.lastKey = res.kvs[res.kvs.length - 1].key.toString();
      out.remaining = Number(res.count) - res.kvs.length;
    }
    return out;
  }

  /** Every key under a prefix at one revision, read in pages so no single response grows unbounded. */
  async listAll(prefix: string, pageSize = 1000): Promise<RangeResult> {
    const first = await this.list(prefix, { limit: pageSize });
    const items = [...first.items];
    let last = first.lastKey;
    while (last) {
      const page = await this.list(prefix, { rev: first.rev, limit: pageSize, startKey: `${last}\u0000` });
      items.push(...page.items);
      last = page.lastKey;
    }
    return { items, rev: first.rev };
  }

  /**
   * Compare-and-swap on mod_revision. On conflict the same transaction reads the key, so the caller can retry
   * on the current state without another round trip (as upstream's etcd3 store does).
   */
  async update(key: string, obj: StoredObject, expectedRev: number): Promise<CasResult<Versioned>> {
    const res = await this.call(() => this.batcher.submit({ kind: 'update', key, value: encode(obj), expectedRev }));
    if (!res.ok) return { ok: false, current: res.current && decodeKv(res.current) };
    return { ok: true, value: { key, obj: withRv(obj, res.rev), rev: res.rev } };
  }

  /** Deletes if unchanged since expectedRev and returns the delete's revision; on conflict, the current state. */
  async delete(key: string, expectedRev: number): Promise<CasResult<number>> {
    const res = await this.call(() => this.batcher.submit({ kind: 'delete', key, expectedRev }));
    return res.ok ? { ok: true, value: res.rev } : { ok: false, current: res.current && decodeKv(res.current) };
  }

  async compact(rev: number): Promise<void> {
    await this.call(() => this.etcd.kv.compact({ revision: String(rev), physical: true }));
  }

  private async call<T>(fn: () => Promise<T>, atRev?: number): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw etcdError(e, atRev);
    }
  }
}

export function etcdError(e: unknown, atRev?: number): ApiError {
  if (e instanceof ApiError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (/compacted/i.test(msg)) {
    return ApiError.expired(`The resourceVersion for the provided list is too old.${atRev ? '' : ''}`);
  }
  if (/request is too large/i.test(msg)) {
    return new ApiError(413, 'RequestEntityTooLarge', 'etcdserver: request is too large');
  }
  if (/deadline|timed out|timeout/i.test(msg)) {
    return ApiError.timeout(`etcdserver: request timed out (${msg})`);
  }
  return ApiError.unavailable(`etcd is unavailable: ${msg}`);
}

/** The key range end for a prefix (etcd's clientv3.GetPrefixRangeEnd). */
export function prefixEnd(prefix: string): string {
  const buf = Buffer.from(prefix);
  for (let i = buf.length - 1; i >= 0; i--) {
    if (buf[i] < 0xff) {
      const end = buf.subarray(0, i + 1);
      end[i] = buf[i] + 1;
      return end.toString('latin1');
    }
  }
  return '\u0000';
}

export function encode(obj: StoredObject): Buffer {
  const rv = obj.metadata.resourceVersion;
  if (rv === undefined) return Buffer.from(JSON.stringify(obj));
  const copy = { ...obj, metadata: { ...obj.metadata } };
  delete copy.metadata.resourceVersion;
  return Buffer.from(JSON.stringify(copy));
}

export function decodeKv(kv: IKeyValue): Versioned {
  const rev = Number(kv.mod_revision);
  const obj = JSON.parse(kv.value.toString()) as StoredObject;
  obj.metadata ??= {};
  obj.metadata.resourceVersion = String(rev);
  return { key: kv.key.toString(), obj, rev };
}

function withRv(obj: StoredObject, rev: number): StoredObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rev) } };
}
