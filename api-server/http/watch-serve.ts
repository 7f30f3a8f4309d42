import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { ApiError } from '../../api/errors.js';
import type { Logger } from '../../common/logger.js';
import type { Cacher } from '../storage/cacher.js';
import type { GenericStore } from '../registry/store.js';
import { ClientWatch, type WatchLimits, type WatchParams, type WatchSink } from './watch.js';
import { listOptions } from './handlers.js';
import { watchObjectEncoder } from './negotiate.js';

/** upstream's minimum request timeout for watches: a random duration in [1800 s, 3600 s) */
const MIN_WATCH_TIMEOUT_S = 1800;

export function watchParams(store: GenericStore, ns: string | undefined, query: URLSearchParams): WatchParams {
  const lo = listOptions(query, store.info.resource);
  if (lo.resourceVersionMatch && query.get('sendInitialEvents') === null) {
    throw ApiError.badRequest('resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided');
  }
  const ts = query.get('timeoutSeconds');
  let timeoutSeconds = MIN_WATCH_TIMEOUT_S + Math.floor(Math.random() * MIN_WATCH_TIMEOUT_S);
  if (ts !== null && ts !== '') {
    const n = Number(ts);
    if (!Number.isInteger(n) || n < 0) throw ApiError.badRequest(`invalid timeoutSeconds: ${ts}`);
    if (n > 0) timeoutSeconds = n;
  }
  return {
    namespace: ns,
    labelSelector: lo.labelSelector,
    fieldSelector: lo.fieldSelector,
    resourceVersion: lo.resourceVersion ?? '',
    allowBookmarks: query.get('allowWatchBookmarks') === 'true' || query.get('allowWatchBookmarks') === '1',
    timeoutSeconds,
  };
}

/** A watch over a chunked HTTP response: one JSON event per line. */
export async function serveHttpWatch(
  req: IncomingMessage,
  res: ServerResponse,
  store: GenericStore,
  cacher: Cacher,
  params: WatchParams,
  limits: WatchLimits,
  log: Logger,
): Promise<void> {
  // kubectl get -w asks for Table rows; chosen before anything is written so a bad includeObject is a 400
  const encodeObject = watchObjectEncoder(req, store.info, () => new Date());
  let headersWritten = false;
  const sink: WatchSink = {
    write: (text) => {
      if (!headersWritten) writeHeaders();
      return res.write(`${text}\n`);
    },
    onDrain: (cb) => res.on('drain', cb),
    onClose: (cb) => res.on('close', cb),
    end: () => {
      if (!headersWritten) writeHeaders();
      res.end();
    },
  };
  function writeHeaders(): void {
    headersWritten = true;
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Cache-Control', 'no-cache, private');
    res.flushHeaders();
  }
  const w = new ClientWatch(store, cacher, params, sink, limits, log, encodeObject);
  await w.start();
  // headers go out at once so clients see the watch established even before the first event
  if (!headersWritten && !res.writableEnded && !req.destroyed) writeHeaders();
}

/** A watch over a WebSocket: one text message per event. */
export async function serveWsWatch(
  ws: WebSocket,
  store: GenericStore,
  cacher: Cacher,
  params: WatchParams,
  limits: WatchLimits,
  log: Logger,
): Promise<void> {
  const HIGH_WATER = 1024 * 1024;
  let drainCb: (() => void) | undefined;
  let drainTimer: NodeJS.Timeout | undefined;
  const sink: WatchSink = {
    write: (text) => {
      ws.send(text);
      if (ws.bufferedAmount > HIGH_WATER) {
        // ws has no drain event: poll the buffered amount until it falls
        drainTimer ??= setInterval(() => {
          if (ws.bufferedAmount <= HIGH_WATER / 2) {
            clearInterval(drainTimer);
            drainTimer = undefined;
            drainCb?.();
          }
        }, 20);
        return false;
      }
      return true;
    },
    onDrain: (cb) => {
      drainCb = cb;
    },
    onClose: (cb) => ws.on('close', () => {
      if (drainTimer) clearInterval(drainTimer);
      cb();
    }),
    end: () => ws.close(1000),
  };
  const w = new ClientWatch(store, cacher, params, sink, limits, log);
  await w.start();
}
