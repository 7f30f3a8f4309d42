/** DNS over TCP framing (RFC 1035 §4.2.2): every message is preceded by its length as a 2-byte big-endian number. */
import type { Socket } from 'node:net';

/** Prefixes a message with its length. */
export function frame(msg: Buffer): Buffer {
  const out = Buffer.alloc(msg.length + 2);
  out.writeUInt16BE(msg.length, 0);
  msg.copy(out, 2);
  return out;
}

/**
 * Calls `onFrame` for every complete message read from `sock` (pipelined messages included). Zero-length frames
 * or frames over `maxBytes` end the connection.
 */
export function readFrames(sock: Socket, maxBytes: number, onFrame: (msg: Buffer) => void): void {
  let buf: Buffer = Buffer.alloc(0);
  sock.on('data', (chunk: Buffer) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    while (buf.length >= 2) {
      const len = buf.readUInt16BE(0);
      if (len === 0 || len > maxBytes) {
        sock.destroy();
        return;
      }
      if (buf.length < len + 2) break;
      const msg = buf.subarray(2, len + 2);
      buf = buf.subarray(len + 2);
      onFrame(msg);
    }
  });
}
