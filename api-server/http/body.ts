import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError } from '../../api/errors.js';
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from '../../api/protobuf/envelope.js';

/** upstream MaxRequestBodyBytes */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Reads the request body, failing with 413 as soon as it passes the limit (the rest is not buffered). */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw ApiError.tooLarge(limit);
  }
  // 'data' events rather than an async iterator: one less stream wrapper and promise per chunk on every write
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (b: Buffer): void => {
      size += b.length;
      if (size > limit) {
        done();
        req.resume();
        reject(ApiError.tooLarge(limit));
        return;
      }
      chunks.push(b);
    };
    const onEnd = (): void => {
      done();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    };
    const onError = (e: Error): void => {
      done();
      reject(e);
    };
    const onClose = (): void => {
      if (req.complete) return;
      done();
      reject(new Error('the request was aborted before its body was read'));
    };
    const done = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * Decodes a create/update body: JSON (default), YAML or Kubernetes protobuf (what client-go's typed clients send
 * since 1.31). Malformed input is a 400 with the parser's reason.
 */
export function decodeObjectBody(buf: Buffer, contentType: string | undefined): unknown {
  const mt = mediaType(contentType);
  if (buf.length === 0) throw ApiError.badRequest('the body of the request was empty');
  if (mt === 'application/yaml' || mt === 'application/apply-patch+yaml') return decodeYaml(buf);
  if (mt === PROTOBUF_MEDIA_TYPE) return decodeProtobufObject(buf);
  if (mt !== '' && mt !== 'application/json' && !mt.endsWith('+json')) {
    throw ApiError.unsupportedMediaType(mt, ['application/json', 'application/yaml', PROTOBUF_MEDIA_TYPE]);
  }
  return decodeJson(buf);
}

export function decodeJson(buf: Buffer): unknown {
  const text = decodeUtf8(buf);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw ApiError.badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

export function decodeYaml(buf: Buffer): unknown {
  const text = decodeUtf8(buf);
  try {
    // maxAliasCount bounds alias expansion (billion laughs, CVE-2019-11253)
    return parseYaml(text, { maxAliasCount: 100, uniqueKeys: true }) as unknown;
  } catch (e) {
    throw ApiError.badRequest(`error converting YAML to JSON: ${(e as Error).message}`);
  }
}

function decodeUtf8(buf: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw ApiError.badRequest('the request body is not valid UTF-8');
  }
}
