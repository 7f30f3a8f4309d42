/**
 * Group commit for the api-server's conditional writes. Every create, update and delete is a compare-and-swap on
 * one key; the ones submitted in the same event-loop turn go to etcd as one Txn (each op's compare ANDed, its
 * write in `success`, a read of its key in `failure`). Under load this turns many gRPC round trips, raft entries
 * and watch responses into one, which is most of the api-server's CPU per write; an idle server still sends each
 * write alone and at once.
 *
 * Semantics per op are those of a lone CAS: the outcome is either "written at revision R" or "compare failed, here
 * is the key's current state". Writes committed together share revision R (etcd's revision is per transaction),
 * so every key appears at most once per batch; the watch delivers them in one response and the cacher fans them
 * out in one turn. A failed batch is resolved from its reads: ops whose compare did not hold fail with the current
 * state, the rest are sent again. A batch etcd refuses for its content (request too large) is retried op by op, so
 * only the op at fault gets the error; any other error (etcd unavailable, deadline) is every op's.
 */
import type { ICompare, IKeyValue, IRequestOp, ITxnRequest, ITxnResponse } from 'etcd3';

export type TxnOp =
  | { kind: 'create'; key: string; value: Buffer }
  | { kind: 'update'; key: string; value: Buffer; expectedRev: number }
  | { kind: 'delete'; key: string; expectedRev: number };

/** written at `rev`, or not written because the compare failed (`current` = the key's state, undefined = absent). */
export type TxnOutcome = { ok: true; rev: number } | { ok: false; current: IKeyValue | undefined };

/** The one etcd call the batcher needs (etcd3's `KVClient.txn`). */
export type TxnCall = (req: ITxnRequest) => Promise<ITxnResponse>;

export interface TxnBatcherOptions {
  /** ops per Txn; etcd's --max-txn-ops defaults to 128 and each op uses one compare plus one op per branch */
  maxOps?: number;
  /** value bytes per Txn, well under etcd's 1.5 MiB request limit */
  maxBytes?: number;
}

interface Pending {
  op: TxnOp;
  keyBuf: Buffer;
  resolve: (o: TxnOutcome) => void;
  reject: (e: unknown) => void;
}

export class TxnBatcher {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly maxOps: number;
  private readonly maxBytes: number;
  /** ops sent / Txns sent, for /metrics */
  opsSent = 0;
  txnsSent = 0;

  constructor(
    private readonly txn: TxnCall,
    opts: TxnBatcherOptions = {},
  ) {
    this.maxOps = opts.maxOps ?? 64;
    this.maxBytes = opts.maxBytes ?? 1024 * 1024;
  }

  submit(op: TxnOp): Promise<TxnOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ op, keyBuf: Buffer.from(op.key), resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Sends what this turn queued, in as few Txns as the limits allow, at once: no op waits for another Txn to
   * finish, so a slow or unreachable etcd costs each write one deadline, as a lone write would.
   */
  private flush(): void {
    this.scheduled = false;
    const ops = this.queue;
    this.queue = [];
    for (const batch of this.split(ops)) void this.run(batch);
  }

  /** Greedy packing: an op goes into the first batch without its key and with room left. */
  private split(ops: Pending[]): Pending[][] {
    const batches: { items: Pending[]; keys: Set<string>; bytes: number }[] = [];
    for (const p of ops) {
      const size = p.op.kind === 'delete' ? 0 : p.op.value.length;
      let b = batches.find((x) => !x.keys.has(p.op.key) && x.items.length < this.maxOps && (x.items.length === 0 || x.bytes + size <= this.maxBytes));
      if (!b) {
        b = { items: [], keys: new Set(), bytes: 0 };
        batches.push(b);
      }
      b.items.push(p);
      b.keys.add(p.op.key);
      b.bytes += size;
    }
    return batches.map((b) => b.items);
  }

  private async run(batch: Pending[]): Promise<void> {
    let res: ITxnResponse;
    try {
      this.txnsSent++;
      this.opsSent += batch.length;
      res = await this.txn(request(batch));
    } catch (e) {
      // an error one op may have caused (its size) is found by sending the ops alone; anything else (etcd
      // unavailable, deadline) is every op's error, and retrying would only double the wait
      if (batch.length > 1 && causedByAnOp(e)) for (const p of batch) void this.run([p]);
      else for (const p of batch) p.reject(e);
      return;
    }
    if (res.succeeded) {
      const rev = Number(res.header.revision);
      for (const p of batch) p.resolve({ ok: true, rev });
      return;
    }
    const current = (i: number): IKeyValue | undefined => res.responses[i]?.response_range?.kvs[0];
    if (batch.length === 1) {
      batch[0].resolve({ ok: false, current: current(0) });
      return;
    }
    const again: Pending[] = [];
    batch.forEach((p, i) => {
      if (compareHolds(p.op, current(i))) again.push(p);
      else p.resolve({ ok: false, current: current(i) });
    });
    // every compare held by its read, yet the Txn failed: cannot happen in one snapshot, but never loop on it
    if (again.length === batch.length) for (const p of again) void this.run([p]);
    else if (again.length > 0) await this.run(again);
  }
}

function request(batch: Pending[]): ITxnRequest {
  const compare: ICompare[] = [];
  const success: IRequestOp[] = [];
  const failure: IRequestOp[] = [];
  for (const { op, keyBuf: key } of batch) {
    if (op.kind === 'create') {
      compare.push({ key, target: 'Create', result: 'Equal', create_revision: 0 });
      success.push({ request_put: { key, value: op.value } });
    } else {
      compare.push({ key, target: 'Mod', result: 'Equal', mod_revision: op.expectedRev });
      success.push(op.kind === 'update' ? { request_put: { key, value: op.value } } : { request_delete_range: { key } });
    }
    failure.push({ request_range: { key } });
  }
  return { compare, success, failure };
}

/** etcd's refusals of a request for what it contains rather than for etcd's state */
function causedByAnOp(e: unknown): boolean {
  return /request is too large|too many operations|duplicate key/i.test(e instanceof Error ? e.message : String(e));
}

/** Whether an op's compare holds against the key's state read in the failed Txn. */
function compareHolds(op: TxnOp, current: IKeyValue | undefined): boolean {
  if (op.kind === 'create') return current === undefined;
  return current !== undefined && Number(current.mod_revision) === op.expectedRev;
}
