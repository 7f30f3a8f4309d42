import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeleteOptions } from 'kubernetes-types/meta/v1.js';
import { ApiError, FieldError } from '../../api/errors.js';
import { parseLabelSelector } from '../../api/labels.js';
import { parseFieldSelector, validateFieldSelectorFields } from '../../api/fields.js';
import type { GenericStore, ListOptions, Subresource, WriteOptions } from '../registry/store.js';
import { deleteCollection, deleteObject, parseDeleteOptions } from '../registry/delete.js';
import { bindPod } from '../registry/pods/binding.js';
import { getScale, patchScale, updateScale } from '../registry/scale.js';
import { finalizeNamespace } from '../registry/namespaces/finalize.js';
import { decodeObjectBody, readBody } from './body.js';
import { patchObject, scalePatch } from './patch.js';
import { createObject, replaceObject, type WriteRequest } from './writes.js';
import { writeJson } from './responses.js';
import { addWarnings } from './field-validation.js';
import { writeObject } from './negotiate.js';
import { SCALE_RESOURCE } from '../printers/registry.js';
import type { ResourceRequest } from './request-info.js';
import { isStreamingSubresource } from '../proxy/kubelet-location.js';
import { serveStreamingSubresource } from '../proxy/proxy.js';

export interface HandlerDeps {
  storeFor: (rr: ResourceRequest) => GenericStore;
  now: () => Date;
  /** starts a chunked watch on this response */
  serveWatch(req: IncomingMessage, res: ServerResponse, store: GenericStore, ns: string | undefined, query: URLSearchParams): Promise<void>;
}

/** Dispatches one resource request by method and subresource, as upstream's installer wires handlers. */
export async function handleResource(req: IncomingMessage, res: ServerResponse, rr: ResourceRequest, query: URLSearchParams, deps: HandlerDeps): Promise<void> {
  const store = deps.storeFor(rr);
  const ns = rr.namespace;
  const method = req.method ?? 'GET';
  const write = writeOptions(query);
  if (rr.info.namespaced && rr.name !== undefined && ns === undefined) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  const w: WriteRequest = { req, res, store, info: rr.info, ns, query, write, now: deps.now };

  if (rr.name === undefined) {
    switch (method) {
      case 'GET':
        if (isWatch(query)) return deps.serveWatch(req, res, store, ns, query);
        return writeObject(req, res, query, rr.info, await store.list(ns, listOptions(query, rr.info.resource)), deps.now());
      case 'POST': {
        if (rr.info.namespaced && ns === undefined) throw ApiError.methodNotAllowed();
        return writeJson(res, 201, await createObject(w));
      }
      case 'DELETE': {
        const opts = await deleteOptions(req, query);
        const list = await deleteCollection(store, ns, listOptions(query, rr.info.resource), opts, deleteDryRun(write, opts), deps.now);
        const byDefault = opts.propagationPolicy === undefined && opts.orphanDependents === undefined ? store.strategy.defaultDeletePropagation : undefined;
        if (byDefault) addWarnings(res, [byDefault.warning]);
        return writeJson(res, 200, list);
      }
      default:
        throw ApiError.methodNotAllowed();
    }
  }

  const name = rr.name;
  const sub = rr.subresource;
  if (sub === 'scale') {
    switch (method) {
      case 'GET':
        return writeObject(req, res, query, SCALE_RESOURCE, await getScale(store, ns, name), deps.now());
      case 'PUT':
        return writeJson(res, 200, await updateScale(store, ns, name, decodeObjectBody(await readBody(req), req.headers['content-type']), write));
      case 'PATCH':
        return writeJson(res, 200, await patchScale(store, ns, name, await scalePatch(w), write));
      default:
        throw ApiError.methodNotAllowed();
    }
  }
  if (sub === 'binding') {
    if (method !== 'POST') throw ApiError.methodNotAllowed();
    const body = decodeObjectBody(await readBody(req), req.headers['content-type']);
    return writeJson(res, 201, await bindPod(store, ns!, name, body, write.dryRun, deps.now));
  }
  if (isStreamingSubresource(sub)) return serveStreamingSubresource(req, res, rr, query, deps.storeFor);
  if (sub === 'finalize') {
    if (method !== 'PUT') throw ApiError.methodNotAllowed();
    const body = decodeObjectBody(await readBody(req), req.headers['content-type']);
    return writeJson(res, 200, await finalizeNamespace(store, name, body, write));
  }
  const target: Subresource = sub === 'status' ? 'status' : '';
  switch (method) {
    case 'GET':
      return writeObject(req, res, query, rr.info, await store.get(ns, name), deps.now());
    case 'PUT':
      return writeJson(res, 200, await replaceObject(w, name, target));
    case 'PATCH': {
      const r = await patchObject(w, name, target);
      return writeJson(res, r.code, r.body);
    }
    case 'DELETE': {
      if (target === 'status') throw ApiError.methodNotAllowed();
      const opts = await deleteOptions(req, query);
      const r = await deleteObject(store, ns, name, opts, deleteDryRun(write, opts), deps.now);
      addWarnings(res, r.warnings);
      return writeJson(res, 200, r.body);
    }
    default:
      throw ApiError.methodNotAllowed();
  }
}

async function deleteOptions(req: IncomingMessage, query: URLSearchParams): Promise<DeleteOptions> {
  const buf = await readBody(req);
  // typed clients (kubectl drain) send DeleteOptions as protobuf
  const body = buf.length > 0 ? decodeObjectBody(buf, req.headers['content-type']) : undefined;
  return parseDeleteOptions(body, query);
}

/** kubectl sends `dryRun: ["All"]` in the DeleteOptions body rather than the query */
function deleteDryRun(write: WriteOptions, opts: DeleteOptions): boolean {
  return write.dryRun || (opts.dryRun ?? []).includes('All');
}

export function isWatch(query: URLSearchParams): boolean {
  const w = query.get('watch');
  return w === 'true' || w === '1';
}

function writeOptions(query: URLSearchParams): WriteOptions {
  const dryRun = query.getAll('dryRun');
  for (const d of dryRun) {
    if (d !== 'All') throw ApiError.invalid('CreateOptions', 'meta.k8s.io', '', [FieldError.notSupported('dryRun', d, ['All'])]);
  }
  return { dryRun: dryRun.length > 0, fieldManager: query.get('fieldManager') ?? undefined };
}

export function listOptions(query: URLSearchParams, resource: string): ListOptions {
  const opts: ListOptions = {};
  const ls = query.get('labelSelector');
  if (ls) opts.labelSelector = parseLabelSelector(ls);
  const fs = query.get('fieldSelector');
  if (fs) {
    opts.fieldSelector = parseFieldSelector(fs);
    validateFieldSelectorFields(resource, opts.fieldSelector);
  }
  const limit = query.get('limit');
  if (limit !== null && limit !== '') {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 0) throw ApiError.badRequest(`invalid limit: ${limit}`);
    if (n > 0) opts.limit = n;
  }
  const cont = query.get('continue');
  if (cont) opts.continue = cont;
  const rv = query.get('resourceVersion');
  if (rv !== null) opts.resourceVersion = rv;
  const rvm = query.get('resourceVersionMatch');
  if (rvm) opts.resourceVersionMatch = rvm;
  return opts;
}
