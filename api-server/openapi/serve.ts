import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../../api/errors.js';
import type { Logger } from '../../common/logger.js';
import { writeError, writeJson } from '../http/responses.js';
import type { OpenApiV3 } from './v3.js';

/** `/openapi/v2` and `/openapi/v3…` (v2 is only ever requested as protobuf by kubectl: 404, see v3.ts) */
export const OPENAPI_PATHS = /^\/openapi\/v[23](\/|\?|$)/;

/** Serves the OpenAPI v3 documents as JSON; documents addressed by hash are immutable (kube-openapi handler3). */
export function serveOpenApi(req: IncomingMessage, res: ServerResponse, docs: OpenApiV3, log: Logger): void {
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '');
    const doc = docs.document(path);
    if (doc === undefined) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    if (req.method !== 'GET' && req.method !== 'HEAD') throw ApiError.methodNotAllowed();
    res.setHeader('Cache-Control', url.searchParams.has('hash') ? 'public, immutable' : 'no-cache, private');
    writeJson(res, 200, doc);
  } catch (e) {
    writeError(res, e, log);
  }
}
