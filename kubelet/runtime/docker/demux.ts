/**
 * Docker's multiplexed stream format (non-TTY attach/exec/logs): frames of an 8-byte header — byte 0 the stream
 * (0 stdin, 1 stdout, 2 stderr), bytes 4–7 the payload size big-endian — followed by the payload.
 */
import { PassThrough, type Readable } from 'node:stream';

export class FrameDecoder {
  private buf: Buffer = Buffer.alloc(0);

  /** Feeds bytes; calls `emit` for every complete frame's payload. */
  push(chunk: Buffer, emit: (stream: number, payload: Buffer) => void): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= 8) {
      const size = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + size) break;
      const stream = this.buf[0];
      const payload = this.buf.subarray(8, 8 + size);
      this.buf = this.buf.subarray(8 + size);
      if (size > 0) emit(stream, payload);
    }
  }
}

/** Splits a multiplexed stream into stdout and stderr; both end (or fail) with the source. */
export function demux(source: Readable): { stdout: PassThrough; stderr: PassThrough } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const decoder = new FrameDecoder();
  source.on('data', (chunk: Buffer) => decoder.push(chunk, (s, p) => (s === 2 ? stderr : stdout).write(p)));
  const finish = (): void => {
    stdout.end();
    stderr.end();
  };
  source.once('end', finish);
  source.once('close', finish);
  source.once('error', (err) => {
    stdout.destroy(err);
    stderr.destroy(err);
  });
  return { stdout, stderr };
}

/** Merges both streams of a multiplexed source into one, in arrival order (as `kubectl logs` shows them). */
export function demuxMerged(source: Readable): PassThrough {
  const out = new PassThrough();
  const decoder = new FrameDecoder();
  source.on('data', (chunk: Buffer) => decoder.push(chunk, (_s, p) => out.write(p)));
  source.once('end', () => out.end());
  source.once('close', () => out.end());
  source.once('error', (err) => out.destroy(err));
  return out;
}

/** Wraps a raw (TTY) stream so it ends like the demuxed ones. */
export function passThrough(source: Readable): PassThrough {
  const out = new PassThrough();
  source.on('data', (chunk: Buffer) => out.write(chunk));
  source.once('end', () => out.end());
  source.once('close', () => out.end());
  source.once('error', (err) => out.destroy(err));
  return out;
}
