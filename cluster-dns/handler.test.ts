import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import dnsPacket, { type Packet, type RecordType } from 'dns-packet';
import { handleMessage, rcodeOf, type Forwarder, type HandlerDeps, type Outcome, type Proto } from './handler.js';
import { FakeZoneData, ZONE, ep, slice, svc } from './testing.js';

function query(name: string, type: RecordType, extra: Partial<Packet> = {}): Buffer {
  return dnsPacket.encode({ type: 'query', id: 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }], ...extra });
}

function data(): FakeZoneData {
  const d = new FakeZoneData();
  d.svcs.push(svc('default', 'web', '10.96.1.1'), svc('default', 'many', 'None'));
  d.endpointSlices.push(slice('default', 'many', Array.from({ length: 40 }, (_, i) => ep(`10.0.1.${i + 1}`))));
  return d;
}

class FakeForwarder implements Forwarder {
  readonly seen: { query: Buffer; proto: Proto }[] = [];
  constructor(private readonly answer: (q: Buffer) => Buffer | undefined) {}
  async forward(q: Buffer, proto: Proto): Promise<Buffer | undefined> {
    this.seen.push({ query: q, proto });
    return this.answer(q);
  }
}

async function ask(raw: Buffer, deps: Partial<HandlerDeps> = {}, proto: Proto = 'udp'): Promise<{ buf: Buffer; p: ReturnType<typeof dnsPacket.decode>; outcomes: Outcome[] }> {
  const outcomes: Outcome[] = [];
  const buf = await handleMessage(raw, proto, { data: data(), zone: ZONE, observe: (o) => outcomes.push(o), ...deps });
  assert.ok(buf, 'a reply');
  return { buf, p: dnsPacket.decode(buf), outcomes };
}

describe('DNS message handling', () => {
  test('a cluster name: authoritative answer with the id, question and RD of the query, RA set', async () => {
    const { buf, p, outcomes } = await ask(query('web.default.svc.cluster.local', 'A'));
    assert.equal(p.id, 4242);
    assert.equal(p.type, 'response');
    assert.ok(p.flag_aa && p.flag_rd && p.flag_ra && !p.flag_tc);
    assert.equal(rcodeOf(buf), 'NOERROR');
    assert.deepEqual(p.questions, [{ name: 'web.default.svc.cluster.local', type: 'A', class: 'IN' }]);
    assert.deepEqual(
      p.answers?.map((a) => ('data' in a ? a.data : undefined)),
      ['10.96.1.1'],
    );
    assert.deepEqual(outcomes, [{ proto: 'udp', qtype: 'A', rcode: 'NOERROR', source: 'zone' }]);
  });

  test('NXDOMAIN carries the SOA', async () => {
    const { buf, p } = await ask(query('nope.default.svc.cluster.local', 'A'));
    assert.equal(rcodeOf(buf), 'NXDOMAIN');
    assert.deepEqual(p.authorities?.map((a) => a.type), ['SOA']);
  });

  test('names outside the zone: refused without upstreams, forwarded otherwise, SERVFAIL when no upstream answers', async () => {
    const refused = await ask(query('example.com', 'A'));
    assert.equal(rcodeOf(refused.buf), 'REFUSED');
    assert.ok(!refused.p.flag_aa);

    const upstreamAnswer = dnsPacket.encode({ type: 'response', id: 4242, flags: 0x8180, questions: [{ name: 'example.com', type: 'A' }], answers: [{ name: 'example.com', type: 'A', ttl: 60, data: '127.0.0.9' }] });
    const fwd = new FakeForwarder(() => upstreamAnswer);
    const forwarded = await ask(query('example.com', 'A'), { forwarder: fwd }, 'tcp');
    assert.deepEqual(forwarded.buf, upstreamAnswer);
    assert.equal(fwd.seen[0].proto, 'tcp');
    assert.deepEqual(forwarded.outcomes, [{ proto: 'tcp', qtype: 'A', rcode: 'NOERROR', source: 'forward' }]);

    const failed = await ask(query('example.com', 'A'), { forwarder: new FakeForwarder(() => undefined) });
    assert.equal(rcodeOf(failed.buf), 'SERVFAIL');
    assert.equal(failed.p.id, 4242);
  });

  test('PTR of a cluster address is answered, other addresses are forwarded', async () => {
    const fwd = new FakeForwarder(() => undefined);
    const ours = await ask(query('1.1.96.10.in-addr.arpa', 'PTR'), { forwarder: fwd });
    assert.deepEqual(ours.p.answers?.map((a) => ('data' in a ? a.data : undefined)), ['web.default.svc.cluster.local']);
    assert.equal(fwd.seen.length, 0);
    await ask(query('8.8.8.8.in-addr.arpa', 'PTR'), { forwarder: fwd });
    assert.equal(fwd.seen.length, 1);
  });

  test('while the caches are not synced, cluster names get SERVFAIL', async () => {
    const { buf } = await ask(query('web.default.svc.cluster.local', 'A'), { zoneReady: () => false });
    assert.equal(rcodeOf(buf), 'SERVFAIL');
  });

  test('a reply too big for UDP is truncated with TC; over TCP it is whole', async () => {
    const udp = await ask(query('many.default.svc.cluster.local', 'A'));
    assert.ok(udp.buf.length <= 512, `${udp.buf.length} bytes`);
    assert.ok(udp.p.flag_tc);
    assert.ok((udp.p.answers ?? []).length < 40);
    const tcp = await ask(query('many.default.svc.cluster.local', 'A'), {}, 'tcp');
    assert.ok(!tcp.p.flag_tc);
    assert.equal(tcp.p.answers?.length, 40);
    // EDNS0: the client's larger buffer is used, and the reply carries an OPT record
    const edns = await ask(query('many.default.svc.cluster.local', 'A', { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] }));
    assert.ok(!edns.p.flag_tc);
    assert.equal(edns.p.answers?.length, 40);
    assert.deepEqual(edns.p.additionals?.map((a) => a.type), ['OPT']);
  });

  test('malformed messages get FORMERR; responses and runts get nothing; other opcodes NOTIMP', async () => {
    const garbage = Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x41]);
    const formerr = await ask(garbage);
    assert.equal(rcodeOf(formerr.buf), 'FORMERR');
    assert.equal(formerr.p.id, 0x1234);
    assert.equal(await handleMessage(Buffer.alloc(5), 'udp', { data: data(), zone: ZONE }), undefined);
    const response = dnsPacket.encode({ type: 'response', id: 1, questions: [{ name: 'a', type: 'A' }] });
    assert.equal(await handleMessage(response, 'udp', { data: data(), zone: ZONE }), undefined);
    const notify = dnsPacket.encode({ type: 'query', id: 7, flags: 4 << 11, questions: [{ name: 'cluster.local', type: 'SOA' }] });
    assert.equal(rcodeOf((await ask(notify)).buf), 'NOTIMP');
    const two = dnsPacket.encode({ type: 'query', id: 8, questions: [{ name: 'a.cluster.local', type: 'A' }, { name: 'b.cluster.local', type: 'A' }] });
    assert.equal(rcodeOf((await ask(two)).buf), 'FORMERR');
  });
});
