import type net from 'node:net';

/** Smallest and largest read buffer of one relayed direction. */
export const MIN_READ_BUFFER = 16 * 1024;
export const MAX_READ_BUFFER = 1024 * 1024;

/**
 * `onread` options for a socket whose data is relayed to `dest` (net.connect's user-buffer mode): data is read
 * into a reused buffer and written on at once, so bulk transfers cost no per-chunk allocation and, as the buffer
 * grows while reads fill it (up to 1 MiB), far fewer syscalls than the stream path's 64 KiB chunks. The buffer
 * shrinks again while reads stay small, so an idle connection holds 16 KiB.
 *
 * The buffer is only read into again once `dest` has taken the previous chunk: a write the kernel did not accept
 * at once keeps referring to the buffer, so reading pauses (the callback returns false) until `dest` drains and
 * `resume` is called — this is also the backpressure.
 */
export function relayReads(dest: net.Socket, resume: () => void): net.OnReadOpts {
  let buf = Buffer.allocUnsafe(MIN_READ_BUFFER);
  let lastRead = 0;
  return {
    // called for the first read and after every read: the buffer for the next one
    buffer: () => {
      if (lastRead === buf.length && buf.length < MAX_READ_BUFFER) buf = Buffer.allocUnsafe(buf.length * 2);
      else if (lastRead > 0 && lastRead < buf.length / 8 && buf.length > MIN_READ_BUFFER) buf = Buffer.allocUnsafe(buf.length / 2);
      return buf;
    },
    callback: (n) => {
      lastRead = n;
      dest.write(buf.subarray(0, n));
      if (dest.writableLength === 0) return true;
      dest.once('drain', resume);
      return false;
    },
  };
}
