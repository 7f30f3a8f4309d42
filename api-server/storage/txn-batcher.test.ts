import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IKeyValue, IRequestOp, ITxnRequest, ITxnResponse } from 'etcd3';
import { TxnBatcher, type TxnOutcome } from './txn-batcher.js';

/** An in-memory model of etcd's Txn (compares ANDed over one snapshot, one revision per write Txn). */
class FakeKv {
  rev = 1;
  readonly data = new Map<string, { value: Buffer; create: number; mod: number }>();
  readonly requests: ITxnRequest[] = [];
  failNext: Error | undefined;
  failWhen: ((req: ITxnRequest) => Error | undefined) | undefined;

  txn = async (req: ITxnRequest): Promise<ITxnResponse> => {
    await Promise.resolve();
    this.requests.push(req);
    const err = this.failNext ?? this.failWhen?.(req);
    this.failNext = undefined;
    if (err) throw err;
    const keys = (req.success ?? []).map((op) => String(op.request_put?.key ?? op.request_delete_range?.key));
    if (new Set(keys).size !== keys.length) throw new Error('etcdserver: duplicate key given in txn request');
    const ok = (req.compare ?? []).every((c) => {
      const cur = this.data.get(String(c.key));
      if (c.target === 'Create') return (cur?.create ?? 0) === Number(c.create_revision);
      return (cur?.mod ?? 0) === Number(c.mod_revision);
    });
    const ops = (ok ? req.success : req.failure) ?? [];
    const writes = ops.some((o) => o.request_put || o.request_delete_range);
    if (writes) this.rev++;
    const responses = ops.map((o: IRequestOp) => {
      if (o.request_put) {
        const k = String(o.request_put.key);
        const prev = this.data.get(k);
        this.data.set(k, { value: o.request_put.value as Buffer, create: prev?.create ?? this.rev, mod: this.rev });
        return { response_put: {} };
      }
      if (o.request_delete_range) {
        this.data.delete(String(o.request_delete_range.key));
        return { response_delete_range: {} };
      }
      const k = String(o.request_range?.key);
      const cur = this.data.get(k);
      const kvs = cur ? [{ key: Buffer.from(k), value: cur.value, mod_revision: String(cur.mod), create_revision: String(cur.create) } as IKeyValue] : [];
      return { response_range: { kvs } };
    });
    return { header: { revision: String(this.rev) }, succeeded: ok, responses } as unknown as ITxnResponse;
  };
}

const v = (s: string): Buffer => Buffer.from(s);

describe('TxnBatcher', () => {
  test('ops submitted in one turn go in one Txn and share its revision', async () => {
    const kv = new FakeKv();
    const b = new TxnBatcher(kv.txn);
    const out = await Promise.all(['a', 'b', 'c'].map((k) => b.submit({ kind: 'create', key: k, value: v(k) })));
    assert.equal(kv.requests.length, 1);
    assert.deepEqual(out, [{ ok: true, rev: 2 }, { ok: true, rev: 2 }, { ok: true, rev: 2 }]);
    assert.deepEqual({ ops: b.opsSent, txns: b.txnsSent }, { ops: 3, txns: 1 });
  });

  test('ops in different turns go alone', async () => {
    const kv = new FakeKv();
    const b = new TxnBatcher(kv.txn);
    const first = await b.submit({ kind: 'create', key: 'a', value: v('1') });
    const second = await b.submit({ kind: 'update', key: 'a', value: v('2'), expectedRev: 2 });
    assert.deepEqual([first, second], [{ ok: true, rev: 2 }, { ok: true, rev: 3 }]);
    assert.equal(kv.requests.length, 2);
  });

  test('a failed compare fails only its own op; the others are written', async () => {
    const kv = new FakeKv();
    const b = new TxnBatcher(kv.txn);
    await b.submit({ kind: 'create', key: 'taken', value: v('old') });
    await b.submit({ kind: 'create', key: 'u', value: v('u1') }); // rev 3
    const out = await Promise.all([
      b.submit({ kind: 'create', key: 'fresh', value: v('x') }),
      b.submit({ kind: 'create', key: 'taken', value: v('new') }),
      b.submit({ kind: 'update', key: 'u', value: v('stale'), expectedRev: 2 }),
      b.submit({ kind: 'update', key: 'u2', value: v('gone'), expectedRev: 9 }),
    ]);
    assert.deepEqual(out[0], { ok: true, rev: 4 });
    const taken = out[1] as Extract<TxnOutcome, { ok: false }>;
    assert.equal(taken.ok, false);
    assert.equal(taken.current?.value.toString(), 'old');
    const stale = out[2] as Extract<TxnOutcome, { ok: false }>;
    assert.equal(stale.ok, false);
    assert.equal(stale.current?.mod_revision, '3');
    assert.deepEqual(out[3], { ok: false, current: undefined });
    assert.equal(kv.data.get('taken')?.value.toString(), 'old');
    assert.equal(kv.data.get('u')?.value.toString(), 'u1');
    assert.equal(kv.data.get('fresh')?.value.toString(), 'x');
  });

  test('two ops on one key in one turn go in separate Txns (etcd refuses a key twice in one Txn)', async () => {
    const kv = new FakeKv();
    const b = new TxnBatcher(kv.txn);
    const out = await Promise.all([b.submit({ kind: 'create', key: 'k', value: v('1') }), b.submit({ kind: 'create', key: 'k', value: v('2') })]);
    assert.equal(out.filter((o) => o.ok).length, 1);
    assert.equal(kv.requests.length, 2);
  });

  test('deletes are compare-and-swap on mod revision', async () => {
    const kv = new FakeKv();
    const b = new TxnBatcher(kv.txn);
    await b.submit({ kind: 'create', key: 'd', value: v('1') });
    const [stale, fresh] = await Promise.all([b.submit({ kind: 'delete', key: 'd', expectedRev: 1 }), b.submit({ kind: 'create', key: 'e', value: v('1') })]);
    assert.equal(stale.ok, false);
    assert.equal(fresh.ok, true);
    assert.equal((await b.submit({ kind: 'delete', key: 'd', expectedRev: 2 })).ok, true);
    assert.equal(kv.data.has('d'), false);
  });

  test('a Txn that errors is retried op by op, so only the op at fault gets the error', async () => {
    const kv = new FakeKv();
    kv.failWhen = (req) => ((req.success ?? []).some((o) => o.request_put?.value?.toString() === 'huge') ? new Error('etcdserver: request is too large') : undefined);
    const b = new TxnBatcher(kv.txn);
    const results = await Promise.allSettled([
      b.submit({ kind: 'create', key: 'a', value: v('small') }),
      b.submit({ kind: 'create', key: 'b', value: v('huge') }),
    ]);
    assert.deepEqual(results[0], { status: 'fulfilled', value: { ok: true, rev: 2 } });
    assert.equal(results[1].status, 'rejected');
    assert.match(String((results[1]).reason), /too large/);
    assert.equal(kv.data.has('b'), false);
  });

  test('an error of etcd itself is every op\'s error, without a retry per op', async () => {
    const kv = new FakeKv();
    kv.failNext = new Error('14 UNAVAILABLE: No connection established');
    const b = new TxnBatcher(kv.txn);
    const results = await Promise.allSettled([b.submit({ kind: 'create', key: 'a', value: v('1') }), b.submit({ kind: 'create', key: 'b', value: v('2') })]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    assert.equal(kv.requests.length, 1);
  });

  test('a lone op that errors rejects with that error', async () => {
    const kv = new FakeKv();
    kv.failNext = new Error('unavailable');
    const b = new TxnBatcher(kv.txn);
    await assert.rejects(b.submit({ kind: 'create', key: 'a', value: v('1') }), /unavailable/);
  });

  test('batches respect the op and byte limits', async () => {
    const kv = new FakeKv();
    const b = new TxnBatcher(kv.txn, { maxOps: 3, maxBytes: 10 });
    const keys = Array.from({ length: 7 }, (_, i) => `k${i}`);
    const out = await Promise.all(keys.map((k) => b.submit({ kind: 'create', key: k, value: v('12345') })));
    assert.ok(out.every((o) => o.ok));
    // 5 bytes each, 10 per Txn → pairs; 7 ops → 4 Txns, none over 3 ops
    assert.equal(kv.requests.length, 4);
    assert.ok(kv.requests.every((r) => (r.compare ?? []).length <= 2));
    // one value larger than the byte limit still goes (alone)
    const big = await b.submit({ kind: 'create', key: 'big', value: v('x'.repeat(50)) });
    assert.equal(big.ok, true);
  });
});
