/**
 * A minimal protobuf writer for tests: enough to build what client-go's gogo-protobuf marshaling writes.
 */
export type Bytes = number[];

export function varint(v: bigint | number): Bytes {
  let n = BigInt.asUintN(64, BigInt(v));
  const out: Bytes = [];
  do {
    let b = Number(n & 0x7fn);
    n >>= 7n;
    if (n > 0n) b |= 0x80;
    out.push(b);
  } while (n > 0n);
  return out;
}

export const tag = (field: number, wire: number): Bytes => varint((field << 3) | wire);
export const int = (field: number, v: number | bigint): Bytes => [...tag(field, 0), ...varint(v)];
export const bytes = (field: number, payload: Bytes | Uint8Array): Bytes => [...tag(field, 2), ...varint(payload.length), ...payload];
export const str = (field: number, s: string): Bytes => bytes(field, [...Buffer.from(s, 'utf8')]);
export const msg = (field: number, ...parts: Bytes[]): Bytes => bytes(field, parts.flat());
export const entry = (field: number, key: string, value: Bytes): Bytes => msg(field, str(1, key), value);

/** `k8s\0` + runtime.Unknown{typeMeta, raw, contentEncoding: '', contentType: ''}, as client-go writes it */
export function envelope(apiVersion: string, kind: string, raw: Bytes): Uint8Array {
  return Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...msg(1, str(1, apiVersion), str(2, kind)), ...bytes(2, raw), ...str(3, ''), ...str(4, '')]);
}
