/**
 * Kubernetes protobuf bodies (`application/vnd.kubernetes.protobuf`, apimachinery runtime/serializer/protobuf):
 * the bytes `k8s\0`, then a runtime.Unknown {typeMeta: 1 {apiVersion: 1, kind: 2}, raw: 2, contentEncoding: 3,
 * contentType: 4} whose `raw` is the object's message. decodeProtobufObject turns such a body into the JSON
 * object the same Go value would have been sent as.
 */
import { Buffer } from 'node:buffer';
import { ApiError } from '../errors.js';
import { parseApiVersion } from '../resources.js';
import { decodeMessage } from './decode.js';
import { MESSAGES, rootMessage } from './messages/index.js';
import { WIRE_BYTES, WireReader } from './wire.js';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

export function decodeProtobufObject(buf: Uint8Array): Record<string, unknown> {
  if (buf.length < MAGIC.length || MAGIC.some((b, i) => buf[i] !== b)) {
    throw ApiError.badRequest(`provided data does not appear to be a protobuf message, expected prefix [${MAGIC.join(' ')}]`);
  }
  const env = readEnvelope(buf.subarray(MAGIC.length));
  const version = env.apiVersion === '' ? '' : parseApiVersion(env.apiVersion).version;
  // upstream's decode error (apiserver handlers transformDecodeError)
  const fail = (message: string): never => {
    throw ApiError.badRequest(`${env.kind} in version ${JSON.stringify(version)} cannot be handled as a ${env.kind}: ${message}`);
  };
  if (env.kind === '') throw ApiError.badRequest(`Object 'Kind' is missing in the protobuf body`);
  if (env.contentEncoding !== '') fail(`unsupported protobuf content encoding ${JSON.stringify(env.contentEncoding)}`);
  // the object's own protobuf is the only content kubemu decodes (Go writes contentType empty)
  if (env.contentType !== '' && env.contentType !== PROTOBUF_MEDIA_TYPE) fail(`unsupported content type ${JSON.stringify(env.contentType)} inside the protobuf envelope`);
  const message = rootMessage(env.apiVersion, env.kind);
  if (message === undefined) {
    throw ApiError.badRequest(`no kind ${JSON.stringify(env.kind)} is registered for version ${JSON.stringify(env.apiVersion)} in scheme "kubemu"`);
  }
  const body = decodeMessage({ table: MESSAGES, fail }, message, env.raw, '');
  return { kind: env.kind, apiVersion: env.apiVersion, ...body };
}

function readEnvelope(buf: Uint8Array): Envelope {
  const fail = (message: string): never => {
    throw ApiError.badRequest(`the protobuf envelope (runtime.Unknown) is malformed: ${message}`);
  };
  const env: Envelope = { apiVersion: '', kind: '', raw: new Uint8Array(), contentEncoding: '', contentType: '' };
  const text = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
  const r = new WireReader(buf, fail);
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (wire !== WIRE_BYTES || field > 4) fail(`unexpected field ${field} with wire type ${wire}`);
    const value = r.bytes();
    if (field === 1) {
      const tm = new WireReader(value, fail);
      while (!tm.done()) {
        const t = tm.tag();
        if (t.wire !== WIRE_BYTES || t.field > 2) fail(`unexpected typeMeta field ${t.field} with wire type ${t.wire}`);
        if (t.field === 1) env.apiVersion = text(tm.bytes());
        else env.kind = text(tm.bytes());
      }
    } else if (field === 2) {
      env.raw = value;
    } else if (field === 3) {
      env.contentEncoding = text(value);
    } else {
      env.contentType = text(value);
    }
  }
  return env;
}
