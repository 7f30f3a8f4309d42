import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import { ApiError } from '../../api/errors.js';
import type { Logger } from '../../common/logger.js';
import { healthRouter, type HealthCheck } from '../../common/health.js';
import type { Registry } from '../../common/metrics.js';
import { DiscoveryDocuments, type DiscoveryDocument } from '../discovery/documents.js';
import { handleResource, type HandlerDeps } from './handlers.js';
import { wantsAggregatedDiscovery } from './negotiate.js';
import { parseResourcePath } from './request-info.js';
import { writeError } from './responses.js';
import { API_DEFINITIONS } from '../openapi/definitions.js';
import { OPENAPI_PATHS, serveOpenApi } from '../openapi/serve.js';
import { createOpenApiV3 } from '../openapi/v3.js';

export interface AppDeps extends HandlerDeps {
  log: Logger;
  registry: Registry;
  readyz: HealthCheck[];
  livez: HealthCheck[];
  serverAddress: () => string;
  onRequest?: (method: string, code: number, ms: number) => void;
}

const HEALTH_PATHS = /^\/(healthz|livez|readyz|metrics)(\/|\?|$)/;

/**
 * The api-server's HTTP surface: health and metrics through express, then discovery and every resource
 * path straight to the API handlers (the hot path skips express routing, which cost ~10% CPU per write).
 */
export function createApp(deps: AppDeps): RequestListener {
  const health: Express = express();
  health.disable('x-powered-by');
  health.disable('etag');
  health.use(healthRouter({ livez: deps.livez, readyz: deps.readyz, registry: deps.registry, log: deps.log }));
  const discovery = new DiscoveryDocuments(deps.serverAddress);
  health.use((req, res) => void serve(req, res, deps, discovery));
  const openapi = createOpenApiV3(API_DEFINITIONS);
  return (req, res) => {
    const started = performance.now();
    res.on('finish', () => deps.onRequest?.(req.method ?? '', res.statusCode, performance.now() - started));
    if (HEALTH_PATHS.test(req.url ?? '')) health(req, res);
    else if (OPENAPI_PATHS.test(req.url ?? '')) serveOpenApi(req, res, openapi, deps.log);
    else void serve(req, res, deps, discovery);
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, deps: AppDeps, discovery: DiscoveryDocuments): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const log = deps.log;
  try {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const doc = discovery.lookup(path, wantsAggregatedDiscovery(req.headers.accept));
    if (doc !== undefined) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw ApiError.methodNotAllowed();
      return writeDiscovery(req, res, doc);
    }
    const rr = parseResourcePath(path);
    if (!rr) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    await handleResource(req, res, rr, url.searchParams, deps);
  } catch (e) {
    writeError(res, e, log);
  }
}

/** A discovery document; aggregated ones carry an ETag and answer a matching If-None-Match with 304. */
function writeDiscovery(req: IncomingMessage, res: ServerResponse, doc: DiscoveryDocument): void {
  if (doc.varyAccept) res.setHeader('Vary', 'Accept');
  if (doc.etag) {
    res.setHeader('ETag', doc.etag);
    if (req.headers['if-none-match'] === doc.etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', doc.contentType);
  res.setHeader('Content-Length', Buffer.byteLength(doc.body));
  res.end(doc.body);
}
