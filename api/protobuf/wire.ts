/**
 * A reader of the protobuf wire format (https://protobuf.dev/programming-guides/encoding/): tags, varints and
 * length-delimited values. Kubernetes messages use only wire types 0 (varint) and 2 (length-delimited).
 * Malformed input calls `fail`, which throws.
 */
export const WIRE_VARINT = 0;
export const WIRE_BYTES = 2;

export type Fail = (message: string) => never;

export class WireReader {
  private pos: number;

  constructor(
    private readonly buf: Uint8Array,
    private readonly fail: Fail,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wire: number } {
    const t = this.varint();
    const field = Number(t >> 3n);
    if (field < 1 || field > 0x1fffffff) this.fail(`invalid field number ${field}`);
    return { field, wire: Number(t & 7n) };
  }

  /** An unsigned varint of up to 64 bits. */
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('unexpected end of data in a varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** A length-delimited value (a view into the buffer, not a copy). */
  bytes(): Uint8Array {
    const len = this.varint();
    if (len > BigInt(this.end - this.pos)) this.fail(`length ${len} runs past the end of the data`);
    const start = this.pos;
    this.pos += Number(len);
    return this.buf.subarray(start, this.pos);
  }
}
