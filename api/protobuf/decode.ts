/**
 * Decodes a protobuf message of the Kubernetes API into the JSON object Go's encoding/json would write for
 * the same Go value, driven by a field table (schema.ts). A field number the table does not know (unless its
 * value is empty), or a value of the wrong wire type, fails the decoding: nothing is dropped silently.
 */
import { Buffer } from 'node:buffer';
import { SCALAR_TYPES, type FieldSpec, type FieldType, type MessageTable } from './schema.js';
import { WIRE_BYTES, WIRE_VARINT, WireReader, type Fail } from './wire.js';

export interface DecodeContext {
  table: MessageTable;
  fail: Fail;
}

type Json = Record<string, unknown>;

const VARINT_TYPES: ReadonlySet<string> = new Set(['bool', 'int32', 'int64']);

/** Decodes `bytes` as message `name`; `path` (the JSON path of the message, '' at the top) names it in errors. */
export function decodeMessage(ctx: DecodeContext, name: string, bytes: Uint8Array, path: string): Json {
  const spec = ctx.table[name];
  if (spec === undefined) return ctx.fail(`kubemu has no protobuf table for message ${name}`);
  const out: Json = {};
  const r = new WireReader(bytes, ctx.fail);
  while (!r.done()) {
    const { field, wire } = r.tag();
    const f = spec[field];
    if (f === undefined) skipEmpty(ctx, r, wire, name, field, path);
    else readField(ctx, r, f, wire, out, path);
  }
  for (const f of Object.values(spec)) {
    if (f[2] === 'keep' && !Object.hasOwn(out, f[0])) out[f[0]] = zeroOf(f[1]);
  }
  return out;
}

/**
 * A field the table does not know is accepted only when it carries nothing (varint 0 or no bytes): gogo-protobuf
 * writes every non-pointer field, so a newer client sends the empty values of fields added after v1.32.
 */
function skipEmpty(ctx: DecodeContext, r: WireReader, wire: number, message: string, field: number, path: string): void {
  if (wire === WIRE_VARINT && r.varint() === 0n) return;
  if (wire === WIRE_BYTES && r.bytes().length === 0) return;
  unknownField(ctx, message, field, path);
}

function unknownField(ctx: DecodeContext, message: string, field: number, path: string): never {
  return ctx.fail(`field ${field} of protobuf message ${message}${path === '' ? '' : ` (at ${path})`} is not known to kubemu`);
}

function readField(ctx: DecodeContext, r: WireReader, f: FieldSpec, wire: number, out: Json, path: string): void {
  const [json, type, mode] = f;
  const at = path === '' ? json : `${path}.${json}`;
  switch (mode) {
    case 'list': {
      const list = (out[json] ??= []) as unknown[];
      if (wire === WIRE_BYTES && VARINT_TYPES.has(type)) {
        // packed encoding
        const packed = new WireReader(r.bytes(), ctx.fail);
        while (!packed.done()) list.push(fromVarint(ctx, type, packed.varint(), at));
      } else {
        list.push(readValue(ctx, r, type, wire, `${at}[${list.length}]`));
      }
      return;
    }
    case 'map': {
      expectWire(ctx, wire, WIRE_BYTES, at);
      const [key, value] = readMapEntry(ctx, r.bytes(), type, at);
      const map = (out[json] ??= {}) as Json;
      // a key such as `__proto__` (a valid ConfigMap key) must become an own property, as JSON.parse makes it
      Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
      return;
    }
    case 'inline':
      expectWire(ctx, wire, WIRE_BYTES, at);
      Object.assign(out, decodeMessage(ctx, type, r.bytes(), path));
      return;
    default: {
      const v = readValue(ctx, r, type, wire, at);
      // omitempty: a zero scalar is left out (the last occurrence of a field wins)
      if (mode === undefined && SCALAR_TYPES.has(type) && (v === '' || v === 0 || v === false)) delete out[json];
      else out[json] = v;
    }
  }
}

function readMapEntry(ctx: DecodeContext, bytes: Uint8Array, type: FieldType, at: string): [string, unknown] {
  const r = new WireReader(bytes, ctx.fail);
  let key = '';
  let value: unknown;
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1) {
      expectWire(ctx, wire, WIRE_BYTES, at);
      key = utf8(r.bytes());
    } else if (field === 2) {
      value = readValue(ctx, r, type, wire, `${at}[${JSON.stringify(key)}]`);
    } else {
      ctx.fail(`field ${field} of a map entry (at ${at}) is not known to kubemu`);
    }
  }
  return [key, value === undefined ? zeroOf(type) : value];
}

function readValue(ctx: DecodeContext, r: WireReader, type: FieldType, wire: number, at: string): unknown {
  if (VARINT_TYPES.has(type)) {
    expectWire(ctx, wire, WIRE_VARINT, at);
    return fromVarint(ctx, type, r.varint(), at);
  }
  expectWire(ctx, wire, WIRE_BYTES, at);
  const b = r.bytes();
  switch (type) {
    case 'string':
      return utf8(b);
    case 'bytes':
      return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
    case 'Time':
      return timeOf(ctx, b, false, at);
    case 'MicroTime':
      return timeOf(ctx, b, true, at);
    case 'Quantity':
      return quantityOf(ctx, b, at);
    case 'IntOrString':
      return intOrStringOf(ctx, b, at);
    case 'RawJSON':
      return rawJsonOf(ctx, b, at);
    default:
      return decodeMessage(ctx, type, b, at);
  }
}

function fromVarint(ctx: DecodeContext, type: FieldType, v: bigint, at: string): boolean | number {
  if (type === 'bool') return v !== 0n;
  if (type === 'int32') return Number(BigInt.asIntN(32, v));
  const n = BigInt.asIntN(64, v);
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    ctx.fail(`the value ${n} of ${at} is too large for kubemu to keep exactly`);
  }
  return Number(n);
}

function expectWire(ctx: DecodeContext, wire: number, want: number, at: string): void {
  if (wire !== want) ctx.fail(`${at} has wire type ${wire}, want ${want}`);
}

function zeroOf(type: FieldType): unknown {
  switch (type) {
    case 'string':
    case 'bytes':
      return '';
    case 'bool':
      return false;
    case 'int32':
    case 'int64':
      return 0;
    case 'Quantity':
      return '0';
    case 'IntOrString':
      return 0;
    case 'Time':
    case 'MicroTime':
    case 'RawJSON':
      return null;
    default:
      return {};
  }
}

function utf8(b: Uint8Array): string {
  // like Go's encoding/json, invalid UTF-8 becomes U+FFFD
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
}

/** The fields of a small apimachinery message, by number: varints as bigint, the rest as bytes. */
function smallMessage(ctx: DecodeContext, b: Uint8Array, name: string, at: string, varints: readonly number[], byteFields: readonly number[]): Map<number, bigint | Uint8Array> {
  const fields = new Map<number, bigint | Uint8Array>();
  const r = new WireReader(b, ctx.fail);
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (varints.includes(field)) {
      expectWire(ctx, wire, WIRE_VARINT, at);
      fields.set(field, r.varint());
    } else if (byteFields.includes(field)) {
      expectWire(ctx, wire, WIRE_BYTES, at);
      fields.set(field, r.bytes());
    } else {
      unknownField(ctx, name, field, at);
    }
  }
  return fields;
}

/** meta/v1 Time and MicroTime {seconds: 1, nanos: 2}; an empty message is the zero time, `null` in JSON. */
function timeOf(ctx: DecodeContext, b: Uint8Array, micro: boolean, at: string): string | null {
  if (b.length === 0) return null;
  const f = smallMessage(ctx, b, micro ? 'meta.MicroTime' : 'meta.Time', at, [1, 2], []);
  const seconds = BigInt.asIntN(64, (f.get(1) as bigint | undefined) ?? 0n);
  const nanos = Number(BigInt.asIntN(32, (f.get(2) as bigint | undefined) ?? 0n));
  const ms = Number(seconds) * 1000;
  const year = new Date(ms).getUTCFullYear();
  if (nanos < 0 || nanos > 999_999_999 || !Number.isFinite(ms) || year < 0 || year > 9999) {
    return ctx.fail(`${at} is not a time kubemu can show (seconds ${seconds}, nanos ${nanos})`);
  }
  const base = new Date(ms).toISOString().slice(0, 19);
  return micro ? `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${base}Z`;
}

/** resource.Quantity {string: 1}, written in its canonical form */
function quantityOf(ctx: DecodeContext, b: Uint8Array, at: string): string {
  const s = smallMessage(ctx, b, 'resource.Quantity', at, [], [1]).get(1) as Uint8Array | undefined;
  const text = s === undefined ? '' : utf8(s);
  return text === '' ? '0' : text;
}

/** intstr.IntOrString {type: 1 (0 int, 1 string), intVal: 2, strVal: 3} */
function intOrStringOf(ctx: DecodeContext, b: Uint8Array, at: string): number | string {
  const f = smallMessage(ctx, b, 'intstr.IntOrString', at, [1, 2], [3]);
  const type = (f.get(1) as bigint | undefined) ?? 0n;
  if (type === 0n) return Number(BigInt.asIntN(32, (f.get(2) as bigint | undefined) ?? 0n));
  if (type === 1n) return utf8((f.get(3) as Uint8Array | undefined) ?? new Uint8Array());
  return ctx.fail(`${at} has IntOrString type ${type}, want 0 (int) or 1 (string)`);
}

/** meta/v1 FieldsV1 and runtime.RawExtension {raw: 1}: a JSON document */
function rawJsonOf(ctx: DecodeContext, b: Uint8Array, at: string): unknown {
  const raw = smallMessage(ctx, b, 'FieldsV1/RawExtension', at, [], [1]).get(1) as Uint8Array | undefined;
  if (raw === undefined || raw.length === 0) return null;
  try {
    return JSON.parse(utf8(raw)) as unknown;
  } catch (e) {
    return ctx.fail(`${at} does not hold JSON: ${(e as Error).message}`);
  }
}
