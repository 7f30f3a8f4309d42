/**
 * Create (POST) and update (PUT) of typed objects: field validation of the body, then the write with
 * the writer recorded in metadata.managedFields as an `Update` manager.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../../api/errors.js';
import { deepCopy, isRecord, type StoredObject } from '../../api/object.js';
import { apiVersionOf, type ResourceInfo } from '../../api/resources.js';
import { recordUpdate } from '../../api/patch/managed-fields.js';
import type { GenericStore, Subresource, WriteOptions } from '../registry/store.js';
import { rfc3339 } from '../registry/store.js';
import { API_DEFINITIONS } from '../openapi/definitions.js';
import { readBody } from './body.js';
import { addWarnings, decodeTypedBody, fieldValidationOf, typeOfResource } from './field-validation.js';

export interface WriteRequest {
  req: IncomingMessage;
  res: ServerResponse;
  store: GenericStore;
  info: ResourceInfo;
  ns: string | undefined;
  query: URLSearchParams;
  write: WriteOptions;
  now: () => Date;
}

/** upstream managerOrUserAgent: the fieldManager parameter, else the User-Agent up to its first `/` */
export function managerOf(w: Pick<WriteRequest, 'req' | 'query'>): string {
  const m = w.query.get('fieldManager');
  if (m) return m;
  const name = (w.req.headers['user-agent'] ?? '').split('/')[0];
  const printable = /\p{C}/u.test(name) ? [...name].filter((c) => !/\p{C}/u.test(c)).join('') : name;
  return printable.slice(0, 128);
}

/**
 * Records the write of `next` (over `live`, undefined on create) in next.metadata.managedFields.
 * Status writes are not recorded (the status strategy keeps the live metadata).
 */
export function trackUpdate(w: WriteRequest, live: StoredObject | undefined, next: unknown, sub: Subresource): void {
  const type = typeOfResource(w.info);
  const manager = managerOf(w);
  if (type === undefined || sub !== '' || manager === '' || !isRecord(next)) return;
  recordUpdate(live, next, { manager, apiVersion: apiVersionOf(w.info), now: rfc3339(w.now()), type, defs: API_DEFINITIONS.definitions });
}

/** Sets to's managedFields to from's (or removes them). */
export function copyManagedFields(from: StoredObject, to: StoredObject): void {
  if (from.metadata.managedFields) to.metadata.managedFields = from.metadata.managedFields;
  else delete to.metadata.managedFields;
}

export async function createObject(w: WriteRequest): Promise<StoredObject> {
  const directive = fieldValidationOf(w.query, 'CreateOptions');
  const body = decodeTypedBody(await readBody(w.req), w.req.headers['content-type'], w.info, directive, w.res);
  trackUpdate(w, undefined, body, '');
  const created = await w.store.create(w.ns, body, w.write);
  addWarnings(w.res, w.store.strategy.warningsOnCreate(created));
  return created;
}

export async function replaceObject(w: WriteRequest, name: string, sub: Subresource): Promise<StoredObject> {
  const directive = fieldValidationOf(w.query, 'UpdateOptions');
  const body = decodeTypedBody(await readBody(w.req), w.req.headers['content-type'], w.info, directive, w.res);
  const obj = w.store.decodeBody(body, w.ns);
  if (obj.metadata.name !== name) {
    throw ApiError.badRequest(`the name of the object (${obj.metadata.name ?? ''}) does not match the name on the URL (${name})`);
  }
  const precondition = obj.metadata.resourceVersion || undefined;
  return w.store.guaranteedUpdate(w.ns, name, sub, w.write, precondition, (cur) => {
    const next = deepCopy(obj);
    // subresource writes are not recorded in managedFields (see trackUpdate): no served copy to compute on
    if (sub !== '') return next;
    // ownership is computed on the served version of both objects
    const external = w.store.externalize(deepCopy(obj));
    trackUpdate(w, w.store.externalize(cur), external, sub);
    copyManagedFields(external, next);
    return next;
  });
}
