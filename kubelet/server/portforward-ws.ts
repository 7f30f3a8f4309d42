/**
 * @kubernetes/client-node's port-forward: a channel WebSocket to `…/portforward?ports=P[&ports=Q]`. For the i-th
 * port, channel 2i carries data and 2i+1 errors; the server's first message on each channel is the port as two
 * little-endian bytes (upstream wsstream port-forward).
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Logger } from '../../common/logger.js';
import type { PortForwardTarget } from './portforward-spdy.js';

export function parsePorts(q: URLSearchParams): number[] {
  const ports = q.getAll('ports').flatMap((p) => p.split(',')).filter(Boolean).map(Number);
  if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    throw new Error('query parameter "ports" must hold ports between 1 and 65535');
  }
  return ports;
}

function portPrefix(port: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(port);
  return b;
}

export function servePortForwardWs(ws: WebSocket, ports: number[], target: PortForwardTarget, log: Logger): void {
  const conns = new Map<number, Duplex>();
  /** Client data that arrived before the connection to the pod was up. */
  const pending = new Map<number, Buffer[]>();
  const send = (channel: number, data: Buffer): void => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), data]));
  };
  ports.forEach((port, i) => {
    send(2 * i, portPrefix(port));
    send(2 * i + 1, portPrefix(port));
    target.dial(port).then(
      (conn) => {
        conns.set(i, conn);
        for (const b of pending.get(i) ?? []) conn.write(b);
        pending.delete(i);
        conn.on('data', (d: Buffer) => send(2 * i, d));
        conn.once('close', () => {
          conns.delete(i);
          if (conns.size === 0 && ws.readyState === ws.OPEN) ws.close(1000);
        });
        conn.on('error', (e) => log.debug({ port, err: e.message }, 'port-forward connection error'));
      },
      (e: unknown) => {
        send(2 * i + 1, Buffer.from(`error forwarding port ${port} to pod ${target.describe}: ${e instanceof Error ? e.message : String(e)}`));
        ws.close(1000);
      },
    );
  });
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary || data.length === 0) return;
    const channel = data[0];
    if (channel % 2 !== 0) return;
    const i = channel / 2;
    const conn = conns.get(i);
    if (conn) conn.write(data.subarray(1));
    else if (i < ports.length) pending.set(i, [...(pending.get(i) ?? []), Buffer.from(data.subarray(1))]);
  });
  ws.once('close', () => {
    for (const c of conns.values()) c.destroy();
  });
}
