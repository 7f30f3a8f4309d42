/** A small DNS client for tests and benchmarks: one query over UDP or TCP with dns-packet, bounded in time. */
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket, { type DecodedPacket, type RecordType } from 'dns-packet';

export interface DnsReply {
  rcode: string;
  packet: DecodedPacket;
  /** The data of the answers of the asked type, sorted. */
  values: string[];
}

function rcodeOf(buf: Buffer): string {
  const names = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];
  const code = buf.readUInt16BE(2) & 0xf;
  return names[code] ?? `RCODE_${code}`;
}

function toReply(buf: Buffer, type: RecordType): DnsReply {
  const packet = dnsPacket.decode(buf);
  const values = (packet.answers ?? [])
    .filter((a) => a.type === type)
    .map((a) => ('data' in a ? (typeof a.data === 'string' ? a.data : JSON.stringify(a.data)) : ''))
    .sort();
  return { rcode: rcodeOf(buf), packet, values };
}

export function encodeQuery(name: string, type: RecordType, id = randomInt(65536)): Buffer {
  return dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }] });
}

/** One query over UDP; rejects after `timeoutMs` without an answer. */
export function queryUdp(host: string, port: number, name: string, type: RecordType = 'A', timeoutMs = 3000): Promise<DnsReply> {
  const q = encodeQuery(name, type);
  const sock = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
  return new Promise<DnsReply>((resolve, reject) => {
    const timer = setTimeout(() => {
      sock.close();
      reject(new Error(`no UDP answer for ${name} ${type} within ${timeoutMs}ms`));
    }, timeoutMs);
    sock.on('message', (msg) => {
      if (msg.readUInt16BE(0) !== q.readUInt16BE(0)) return;
      clearTimeout(timer);
      sock.close();
      try {
        resolve(toReply(msg, type));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      sock.close();
      reject(e);
    });
    sock.send(q, port, host);
  });
}

/** One query over TCP (2-byte length prefix); rejects after `timeoutMs` without an answer. */
export function queryTcp(host: string, port: number, name: string, type: RecordType = 'A', timeoutMs = 3000): Promise<DnsReply> {
  const q = encodeQuery(name, type);
  const framed = Buffer.alloc(q.length + 2);
  framed.writeUInt16BE(q.length, 0);
  q.copy(framed, 2);
  return new Promise<DnsReply>((resolve, reject) => {
    const sock = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no TCP answer for ${name} ${type} within ${timeoutMs}ms`));
    }, timeoutMs);
    sock.on('connect', () => sock.write(framed));
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 2 || buf.length < buf.readUInt16BE(0) + 2) return;
      clearTimeout(timer);
      sock.destroy();
      try {
        resolve(toReply(buf.subarray(2, buf.readUInt16BE(0) + 2), type));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
