/**
 * One DNS message in, one out: decodes the query, answers names in the cluster domain (and PTRs of cluster
 * addresses) from the zone, forwards everything else upstream (or refuses it when there is no upstream), and
 * encodes the reply — truncated with TC set when it does not fit the client's UDP size.
 */
import dnsPacket, { type Answer, type DecodedPacket, type OptAnswer, type Packet, type Question } from 'dns-packet';
import { reverseLookup, type ReverseData } from './reverse.js';
import { canonicalName, inZone } from './request.js';
import { resolveInZone, type ZoneConfig, type ZoneData } from './zone.js';

export type Proto = 'udp' | 'tcp';
export type Rcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED';
/** Who produced the answer: the zone, an upstream, or nobody (refused/malformed). */
export type AnswerSource = 'zone' | 'forward' | 'local';

const RCODES: Record<Rcode, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };
const FLAG_AA = dnsPacket.AUTHORITATIVE_ANSWER;
const FLAG_TC = dnsPacket.TRUNCATED_RESPONSE;
const FLAG_RD = dnsPacket.RECURSION_DESIRED;
const FLAG_RA = dnsPacket.RECURSION_AVAILABLE;
const HEADER_BYTES = 12;
const CLASSIC_UDP_SIZE = 512;
const MAX_UDP_SIZE = 4096;
const MAX_TCP_SIZE = 65535;

export interface Forwarder {
  /** The upstream's raw answer to `query` (same id), or undefined when no upstream answered in time. */
  forward(query: Buffer, proto: Proto): Promise<Buffer | undefined>;
}

export interface Outcome {
  proto: Proto;
  qtype: string;
  rcode: string;
  source: AnswerSource;
}

export interface HandlerDeps {
  data: ZoneData & ReverseData;
  zone: ZoneConfig;
  /** Undefined: names outside the cluster domain are refused. */
  forwarder?: Forwarder;
  /** False while the zone cannot be answered truthfully (caches not synced): its names get SERVFAIL. */
  zoneReady?(): boolean;
  /** Called once per answered message (metrics). */
  observe?(o: Outcome): void;
}

function optOf(p: Packet): OptAnswer | undefined {
  return (p.additionals ?? []).find((a): a is OptAnswer => a.type === 'OPT');
}

/** The largest reply the client accepts over `proto`. */
function maxSize(query: Packet, proto: Proto): number {
  if (proto === 'tcp') return MAX_TCP_SIZE;
  const opt = optOf(query);
  return opt ? Math.min(Math.max(opt.udpPayloadSize, CLASSIC_UDP_SIZE), MAX_UDP_SIZE) : CLASSIC_UDP_SIZE;
}

function responseOpt(query: Packet): OptAnswer | undefined {
  const opt = optOf(query);
  if (!opt) return undefined;
  return { type: 'OPT', name: '.', udpPayloadSize: MAX_UDP_SIZE, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
}

interface Reply {
  rcode: Rcode;
  authoritative: boolean;
  answers?: Answer[];
  authorities?: Answer[];
  additionals?: Answer[];
}

/**
 * Encodes a reply that fits `limit` bytes: when too big, additionals then answers are dropped from the end and
 * TC is set (the client retries over TCP), as CoreDNS's response scrubbing does.
 */
function encodeReply(query: DecodedPacket, reply: Reply, limit: number): Buffer {
  const opt = responseOpt(query);
  const questions: Question[] = (query.questions ?? []).slice(0, 1);
  const answers = [...(reply.answers ?? [])];
  const authorities = [...(reply.authorities ?? [])];
  let additionals = [...(reply.additionals ?? [])];
  let flags = (query.flags ?? 0) & FLAG_RD;
  flags |= FLAG_RA | RCODES[reply.rcode];
  if (reply.authoritative) flags |= FLAG_AA;
  const build = (): Packet => ({
    type: 'response',
    id: query.id,
    flags,
    questions,
    answers,
    authorities,
    additionals: opt ? [...additionals, opt] : additionals,
  });
  let buf = dnsPacket.encode(build());
  if (buf.length <= limit) return buf;
  flags |= FLAG_TC;
  additionals = [];
  for (let budget = answers.length + authorities.length + 1; budget > 0; budget--) {
    buf = dnsPacket.encode(build());
    if (buf.length <= limit) return buf;
    if (answers.length > 0) answers.pop();
    else authorities.pop();
  }
  return dnsPacket.encode(build());
}

/** A bare error reply for a message that could not even be decoded (FORMERR with its id). */
function formatError(raw: Buffer): Buffer {
  const id = raw.readUInt16BE(0);
  return dnsPacket.encode({ type: 'response', id, flags: FLAG_RA | RCODES.FORMERR, questions: [], answers: [], authorities: [], additionals: [] });
}

/** The rcode of an encoded message. */
export function rcodeOf(buf: Buffer): string {
  const code = buf.length >= 4 ? buf.readUInt16BE(2) & 0xf : -1;
  const entry = Object.entries(RCODES).find(([, v]) => v === code);
  return entry ? entry[0] : `RCODE_${code}`;
}

/** Handles one message; undefined means "send nothing" (garbage, or a response sent to us). */
export async function handleMessage(raw: Buffer, proto: Proto, deps: HandlerDeps): Promise<Buffer | undefined> {
  if (raw.length < HEADER_BYTES) return undefined;
  if (raw.readUInt16BE(2) & 0x8000) return undefined;
  let query: DecodedPacket;
  try {
    query = dnsPacket.decode(raw);
  } catch {
    deps.observe?.({ proto, qtype: 'unknown', rcode: 'FORMERR', source: 'local' });
    return formatError(raw);
  }
  const limit = maxSize(query, proto);
  const q = query.questions?.[0];
  const local = (rcode: Rcode): Buffer => {
    deps.observe?.({ proto, qtype: q?.type ?? 'unknown', rcode, source: 'local' });
    return encodeReply(query, { rcode, authoritative: false }, limit);
  };
  const opcode = ((query.flags ?? 0) >> 11) & 0xf;
  if (opcode !== 0) return local('NOTIMP');
  if (!q || (query.questions ?? []).length !== 1) return local('FORMERR');

  const zone = deps.zone;
  const name = canonicalName(q.name);
  if (inZone(name, zone.zone)) {
    if ((q.class ?? 'IN') !== 'IN') return local('REFUSED');
    if (deps.zoneReady && !deps.zoneReady()) return local('SERVFAIL');
    const r = resolveInZone(q.name, q.type, deps.data, zone);
    deps.observe?.({ proto, qtype: q.type, rcode: r.rcode, source: 'zone' });
    return encodeReply(query, { ...r, authoritative: true }, limit);
  }
  if (q.type === 'PTR') {
    const answers = reverseLookup(q.name, deps.data, zone.zone, zone.ttl);
    if (answers) {
      deps.observe?.({ proto, qtype: q.type, rcode: 'NOERROR', source: 'zone' });
      return encodeReply(query, { rcode: 'NOERROR', authoritative: true, answers }, limit);
    }
  }
  if (!deps.forwarder) return local('REFUSED');
  const answer = await deps.forwarder.forward(raw, proto);
  if (!answer) {
    deps.observe?.({ proto, qtype: q.type, rcode: 'SERVFAIL', source: 'forward' });
    return encodeReply(query, { rcode: 'SERVFAIL', authoritative: false }, limit);
  }
  deps.observe?.({ proto, qtype: q.type, rcode: rcodeOf(answer), source: 'forward' });
  return answer;
}
