import { startEtcd, type EtcdHandle } from '../../test/support/etcd.js';
import type { Logger } from '../../common/logger.js';
import { startApiProcess, type ApiProcess } from './api-process.js';
import { HttpClient } from './http-client.js';

/** A fresh etcd container plus the api-server as a child process, and a keep-alive client for it. */
export interface BenchCluster {
  etcd: EtcdHandle;
  api: ApiProcess;
  http: HttpClient;
  stop(): Promise<void>;
}

export async function startBenchCluster(log: Logger, maxSockets = 32, apiArgs: string[] = []): Promise<BenchCluster> {
  const etcd = await startEtcd();
  let api: ApiProcess;
  try {
    api = await startApiProcess(etcd.endpoint, log, apiArgs);
  } catch (e) {
    await etcd.stop();
    throw e;
  }
  const http = new HttpClient(api.url, maxSockets);
  return {
    etcd,
    api,
    http,
    stop: async () => {
      http.close();
      await api.stop();
      await etcd.stop();
    },
  };
}
