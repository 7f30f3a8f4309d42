import { startApiServer, type ApiServer, type ApiServerOptions } from '../../api-server/server.js';
import { silentLogger } from '../../common/logger.js';
import { startEtcd, type EtcdHandle } from './etcd.js';

export interface TestCluster {
  etcd: EtcdHandle;
  api: ApiServer;
  url: string;
  /** restarts the api-server process state (new caches, same etcd) on the same port */
  restartApi(): Promise<void>;
  /** starts the api-server again on a given port after it was closed */
  restartApiOn(port: number): Promise<void>;
  stop(): Promise<void>;
}

/** A real etcd container plus an in-process api-server on a random loopback port. */
export async function startTestCluster(opts: Partial<ApiServerOptions> = {}): Promise<TestCluster> {
  const etcd = await startEtcd();
  const make = (port: number) =>
    startApiServer({ etcdServers: [etcd.endpoint], port, host: '127.0.0.1', log: silentLogger(), compactionIntervalMs: 0, ...opts });
  let api = await make(0);
  const cluster: TestCluster = {
    etcd,
    api,
    url: api.url,
    restartApi: async () => {
      const port = api.port;
      await api.close();
      api = await make(port);
      cluster.api = api;
    },
    restartApiOn: async (port: number) => {
      api = await make(port);
      cluster.api = api;
    },
    stop: async () => {
      await api.close().catch(() => undefined);
      await etcd.stop();
    },
  };
  return cluster;
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** One HTTP request to the api-server; JSON in, JSON (or text) out. */
export async function call<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply<T>> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // non-JSON answers (health endpoints) stay text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export function podManifest(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'test' }, ...((extra.metadata) ?? {}) },
    spec: { containers: [{ name: 'c', image: 'busybox:latest' }], ...((extra.spec) ?? {}) },
  };
}
