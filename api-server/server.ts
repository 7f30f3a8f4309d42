import http from 'node:http';
import type { Duplex } from 'node:stream';
import { Etcd3, isRecoverableError } from 'etcd3';
import { circuitBreaker, ConsecutiveBreaker, handleWhen, noop } from 'cockatiel';
import { WebSocketServer } from 'ws';
import { Counter, Histogram } from 'prom-client';
import { ApiError } from '../api/errors.js';
import { RESOURCES, findResource, type ResourceInfo } from '../api/resources.js';
import type { Logger } from '../common/logger.js';
import { createMetricsRegistry } from '../common/metrics.js';
import { closeServer, hardenServer, listen } from '../common/http.js';
import type { HealthCheck } from '../common/health.js';
import { EtcdStore } from './storage/etcd-store.js';
import { Cacher } from './storage/cacher.js';
import { GenericStore } from './registry/store.js';
import { strategyTable } from './registry/table.js';
import type { ServiceNetworkConfig } from './registry/services/strategy.js';
import { namespaceLifecycle } from './admission/namespace-lifecycle.js';
import { DEFAULT_TOLERATION_SECONDS, withDefaultTolerations } from './admission/default-tolerations.js';
import { bootstrap } from './bootstrap.js';
import { createApp } from './http/app.js';
import { isWatch } from './http/handlers.js';
import { isStreamingSubresource } from './proxy/kubelet-location.js';
import { proxyStreamingUpgrade } from './proxy/proxy.js';
import { parseResourcePath, type ResourceRequest } from './http/request-info.js';
import { serveHttpWatch, serveWsWatch, watchParams } from './http/watch-serve.js';
import { toApiError } from './http/responses.js';
import type { WatchLimits } from './http/watch.js';

export interface ApiServerOptions {
  etcdServers: string[];
  port: number;
  host: string;
  log: Logger;
  /** address advertised in /api (host:port) */
  advertiseAddress?: string;
  serviceNetwork?: ServiceNetworkConfig;
  /** etcd history compaction interval; 0 disables (upstream: 5 minutes) */
  compactionIntervalMs?: number;
  watchWindow?: number;
  watchLimits?: Partial<WatchLimits>;
  /** deadline for each etcd call, so requests fail fast while etcd is down */
  etcdTimeoutMs?: number;
  /** aborts start-up (e.g. SIGTERM while etcd is still unreachable) */
  signal?: AbortSignal;
  /** tolerationSeconds of the not-ready/unreachable tolerations added to pods lacking them (upstream: 300) */
  defaultTolerationSeconds?: number;
}

export interface ApiServer {
  port: number;
  url: string;
  stores: Map<ResourceInfo, GenericStore>;
  etcdStore: EtcdStore;
  cacher: Cacher;
  /** compacts etcd history up to the current revision (tests, and the periodic compactor) */
  compact(rev?: number): Promise<number>;
  close(): Promise<void>;
}

/** Starts the api-server: connects to etcd, fills the watch caches, bootstraps, then serves HTTP. */
export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const log = opts.log;
  const etcdTimeout = opts.etcdTimeoutMs ?? 5000;
  const etcd = new Etcd3({
    hosts: opts.etcdServers,
    dialTimeout: 3000,
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + etcdTimeout }),
    // lists of many objects exceed gRPC's 4 MiB default
    grpcOptions: { 'grpc.max_receive_message_length': 512 * 1024 * 1024 },
    faultHandling: {
      // fail fast while etcd is down (no client-side retries that would hold requests), and probe again soon
      global: noop,
      host: () => circuitBreaker(handleWhen(isRecoverableError), { halfOpenAfter: 1000, breaker: new ConsecutiveBreaker(3) }),
    },
  });
  const etcdStore = new EtcdStore(etcd);
  const cacher = new Cacher(etcd, etcdStore, { windowSize: opts.watchWindow ?? 10_000, log: log.child({ part: 'cacher' }) });
  const stores = new Map<ResourceInfo, GenericStore>();
  const byPrefix = new Map<string, GenericStore>();
  const namespacesInfo = findResource('', 'v1', 'namespaces')!;
  const admission = namespaceLifecycle(() => stores.get(namespacesInfo)!);
  const tolerationSeconds = opts.defaultTolerationSeconds ?? DEFAULT_TOLERATION_SECONDS;
  for (const [info, tableStrategy] of strategyTable(opts.serviceNetwork)) {
    const strategy = info.group === '' && info.resource === 'pods' ? withDefaultTolerations(tableStrategy, tolerationSeconds) : tableStrategy;
    const store = new GenericStore(info, strategy, {
      etcd: etcdStore,
      cacher,
      admission,
      cacheOf: (r) => stores.get(r)?.cache,
      now: () => new Date(),
    });
    stores.set(info, store);
    byPrefix.set(store.prefix, store);
  }
  try {
    await startWithRetry(() => cacher.start(), log, opts.signal);
  } catch (e) {
    etcd.close();
    throw e;
  }

  const registry = createMetricsRegistry('api-server');
  const requests = new Counter({ name: 'apiserver_request_total', help: 'API requests by verb and code', labelNames: ['verb', 'code'], registers: [registry] });
  // group commit (storage/txn-batcher.ts): writes per etcd transaction = ops / transactions
  new Counter({
    name: 'kubemu_etcd_write_ops_total',
    help: 'Conditional writes (create, update, delete) sent to etcd',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(etcdStore.writeStats.ops);
    },
  });
  new Counter({
    name: 'kubemu_etcd_write_transactions_total',
    help: 'etcd transactions those writes went in (several writes of one event-loop turn share one)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(etcdStore.writeStats.txns);
    },
  });
  const latency = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'API request latency',
    labelNames: ['verb'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  const limits: WatchLimits = { maxPendingEvents: 10_000, bookmarkIntervalMs: 60_000, ...opts.watchLimits };
  const etcdCheck: HealthCheck = {
    name: 'etcd',
    check: async () => {
      await etcd.get('/registry/\u0000health').options({ deadline: Date.now() + 2000 }).exec();
    },
  };
  const cacheCheck: HealthCheck = {
    name: 'informer-sync',
    check: async () => {
      if (!cacher.isSynced) throw new Error(`watch cache not synced: ${cacher.syncError ?? 'starting'}`);
    },
  };
  let port = opts.port;
  const storeFor = (rr: ResourceRequest): GenericStore => stores.get(rr.info)!;
  const app = createApp({
    log: log.child({ part: 'http' }),
    registry,
    livez: [],
    readyz: [etcdCheck, cacheCheck],
    serverAddress: () => opts.advertiseAddress ?? `127.0.0.1:${port}`,
    storeFor,
    now: () => new Date(),
    serveWatch: async (req, res, store, ns, query) => serveHttpWatch(req, res, store, cacher, watchParams(store, ns, query), limits, log),
    onRequest: (verb, code, ms) => {
      requests.inc({ verb, code: String(code) });
      latency.observe({ verb }, ms / 1000);
    },
  });
  const server = hardenServer(http.createServer(app));
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (req, socket: Duplex, head) => {
    void upgrade(req, socket, head);
  });
  async function upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const rr = parseResourcePath(url.pathname);
      if (rr && isStreamingSubresource(rr.subresource)) {
        await proxyStreamingUpgrade(req, socket, head, rr, url.searchParams, storeFor, log);
        return;
      }
      if (!rr || rr.name !== undefined || !isWatch(url.searchParams) || (req.method ?? 'GET') !== 'GET') {
        throw new ApiError(400, 'BadRequest', 'only watch requests can be upgraded to a WebSocket here');
      }
      const store = storeFor(rr);
      const params = watchParams(store, rr.namespace, url.searchParams);
      wss.handleUpgrade(req, socket, head, (ws) => {
        serveWsWatch(ws, store, cacher, params, limits, log).catch((e: unknown) => {
          ws.close(1011, toApiError(e).message.slice(0, 120));
        });
      });
    } catch (e) {
      const err = toApiError(e);
      const body = JSON.stringify(err.toStatus());
      socket.end(`HTTP/1.1 ${err.code} ${http.STATUS_CODES[err.code] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    }
  }

  await bootstrap(
    { namespaces: stores.get(namespacesInfo)!, services: stores.get(findResource('', 'v1', 'services')!)! },
    opts.port || 6443,
    log,
    opts.serviceNetwork?.serviceCIDR,
  );
  port = await listen(server, opts.port, opts.host);
  log.info({ port, etcd: opts.etcdServers }, 'api-server listening');

  async function compact(rev?: number): Promise<number> {
    const target = rev ?? (await etcdStore.currentRevision());
    await etcdStore.compact(target);
    return target;
  }
  // upstream compacts every 5 minutes to the revision seen at the previous tick
  let lastSeen = 0;
  const compactor = opts.compactionIntervalMs
    ? setInterval(() => {
        const target = lastSeen;
        lastSeen = cacher.observedRevision;
        if (target > 0) compact(target).catch((e: unknown) => log.warn({ err: (e as Error).message }, 'compaction failed'));
      }, opts.compactionIntervalMs)
    : undefined;

  return {
    port,
    url: `http://${opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host}:${port}`,
    stores,
    etcdStore,
    cacher,
    compact,
    close: async () => {
      if (compactor) clearInterval(compactor);
      for (const c of wss.clients) c.terminate();
      await closeServer(server, 1000);
      await cacher.stop();
      etcd.close();
    },
  };
}

/** Retries start-up until etcd answers (it may start after us under docker compose), or until aborted. */
async function startWithRetry(fn: () => Promise<void>, log: Logger, signal?: AbortSignal): Promise<void> {
  let delay = 200;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      await fn();
      return;
    } catch (e) {
      if (attempt >= 60 || signal?.aborted) throw e;
      log.warn({ err: (e as Error).message, attempt }, 'etcd not reachable yet; retrying');
      await sleep(delay, signal);
      delay = Math.min(delay * 2, 2000);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

export function resourceByName(group: string, resource: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.group === group && r.resource === resource);
}
