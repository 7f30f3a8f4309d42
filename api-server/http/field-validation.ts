/**
 * Server-side field validation (apiserver endpoints/handlers create.go, update.go, patch.go, rest.go):
 * the `fieldValidation` query parameter decides what unknown and duplicate fields in a request do.
 *
 * - `Strict`: the request fails. Create and update answer 400 `<Kind> in version "<v>" cannot be
 *   handled as a <Kind>: strict decoding error: unknown field "spec.foo", duplicate field "spec.x"`.
 * - `Warn` (the default when absent): the fields are dropped and each error becomes a
 *   `Warning: 299 - "unknown field \"spec.foo\""` response header.
 * - `Ignore`: the fields are dropped silently.
 *
 * Unknown fields are always dropped, as upstream's typed decoding drops them.
 */
import type { ServerResponse } from 'node:http';
import { ApiError, FieldError } from '../../api/errors.js';
import { isRecord } from '../../api/object.js';
import { apiVersionOf, parseApiVersion, type ResourceInfo } from '../../api/resources.js';
import { hasDuplicateKeys, strictJsonErrors, unknownFields } from '../../api/decode/strict.js';
import { PROTOBUF_MEDIA_TYPE } from '../../api/protobuf/envelope.js';
import { API_DEFINITIONS } from '../openapi/definitions.js';
import { decodeObjectBody, mediaType } from './body.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** The directive of a request; anything else is 422 on the options kind (CreateOptions, PatchOptions…). */
export function fieldValidationOf(query: URLSearchParams, optionsKind: string): FieldValidation {
  const v = query.get('fieldValidation') ?? '';
  if (v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw ApiError.invalid(optionsKind, 'meta.k8s.io', '', [FieldError.notSupported('fieldValidation', v, ['', 'Ignore', 'Strict', 'Warn'])]);
}

/** Adds `Warning: 299 - "<text>"` headers (upstream net.NewWarningHeader), without duplicates. */
export function addWarnings(res: ServerResponse, texts: readonly string[]): void {
  if (texts.length === 0) return;
  const prev = res.getHeader('Warning');
  const list = Array.isArray(prev) ? [...prev] : prev === undefined ? [] : [String(prev)];
  for (const t of texts) {
    const h = `299 - "${t.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    if (!list.includes(h)) list.push(h);
  }
  res.setHeader('Warning', list);
}

/** The schema type of a resource's objects, if kubemu has one. */
export function typeOfResource(info: ResourceInfo): string | undefined {
  return API_DEFINITIONS.typeOf({ group: info.group, version: info.version, kind: info.kind });
}

/**
 * Decodes a create or update body (JSON or YAML) and applies the field validation directive to it.
 * A body naming another kind or version is left to the store, which rejects it.
 */
export function decodeTypedBody(buf: Buffer, contentType: string | undefined, info: ResourceInfo, directive: FieldValidation, res: ServerResponse): unknown {
  const body = decodeObjectBody(buf, contentType);
  // client-go's typed clients send protobuf, which has no unknown or duplicate fields to report
  if (mediaType(contentType) === PROTOBUF_MEDIA_TYPE) return body;
  const type = typeOfResource(info);
  if (type === undefined || !isRecord(body)) return body;
  const kind = typeof body.kind === 'string' && body.kind !== '' ? body.kind : info.kind;
  const apiVersion = typeof body.apiVersion === 'string' && body.apiVersion !== '' ? body.apiVersion : apiVersionOf(info);
  if (kind !== info.kind || apiVersion !== apiVersionOf(info)) return body;
  const defs = API_DEFINITIONS.definitions;
  const isJson = mediaType(contentType) !== 'application/yaml';
  const unknown = unknownFields(body, type, defs, true);
  let errors: string[] = [];
  if (directive !== 'Ignore' && !isJson) errors = unknown;
  if (directive !== 'Ignore' && isJson) {
    // the full strict scan (document order, duplicates) only when there is something to report
    const text = buf.toString('utf8');
    // (nothing was pruned from body when unknown is empty, so it is still the parse of text)
    if (unknown.length > 0 || hasDuplicateKeys(text, body)) errors = strictJsonErrors(text, type, defs);
  }
  if (errors.length === 0) return body;
  if (directive === 'Strict') {
    const version = parseApiVersion(apiVersion).version;
    throw ApiError.badRequest(`${kind} in version "${version}" cannot be handled as a ${info.kind}: strict decoding error: ${errors.join(', ')}`);
  }
  addWarnings(res, errors);
  return body;
}
