/**
 * A whole cluster in one test process, on real etcd and Docker: api-server, scheduler, controller-manager,
 * kube-proxy (optional) and one kubelet per node (startKubeletEnv). Each component can be stopped and started
 * again to exercise restarts. stop() removes every Docker object the cluster made.
 */
import type { ControllerSettings } from '../../controller-manager/controllers/context.js';
import { startControllerManager, type ControllerManager } from '../../controller-manager/manager.js';
import { createMetricsRegistry } from '../../common/metrics.js';
import { DEFAULT_SERVICE_NETWORK } from '../../api-server/registry/services/strategy.js';
import { startKubeProxy, type KubeProxy } from '../../kube-proxy/proxy.js';
import { startScheduler, type SchedulerHandle } from '../../scheduler/scheduler.js';
import { startKubeletEnv, type KubeletEnv, type KubeletEnvOptions } from './kubelet.js';

export interface FullClusterOptions extends KubeletEnvOptions {
  /** Controller-manager settings, e.g. short node-monitor grace periods. */
  controllers?: Partial<ControllerSettings>;
  /** Start kube-proxy listening on this address (e.g. 127.0.0.1); undefined = no kube-proxy. */
  proxyBindAddress?: string;
  /**
   * A service range of the test's own (e.g. 10.200.<random>.0/24) for the api-server, and kube-proxy serves
   * ClusterIPs from it (it installs `local <cidr> dev lo`; the test removes that route). Unset: the default
   * range and no ClusterIP serving.
   */
  serviceCIDR?: string;
}

export interface FullCluster extends KubeletEnv {
  scheduler(): SchedulerHandle | undefined;
  controllerManager(): ControllerManager | undefined;
  kubeProxy(): KubeProxy | undefined;
  startControllerManager(): Promise<ControllerManager>;
  stopControllerManager(): Promise<void>;
  startKubeProxy(): Promise<KubeProxy>;
  stopKubeProxy(): Promise<void>;
}

export async function startFullCluster(o: FullClusterOptions = {}): Promise<FullCluster> {
  const serviceNetwork = o.serviceCIDR ? { ...DEFAULT_SERVICE_NETWORK, ...o.apiServer?.serviceNetwork, serviceCIDR: o.serviceCIDR } : o.apiServer?.serviceNetwork;
  const env = await startKubeletEnv({ ...o, apiServer: { ...o.apiServer, serviceNetwork } });
  const server = env.cluster.url;
  let scheduler: SchedulerHandle | undefined;
  let kcm: ControllerManager | undefined;
  let proxy: { handle: KubeProxy; abort: AbortController } | undefined;

  const startKcm = async (): Promise<ControllerManager> => {
    kcm = await startControllerManager({ server, log: env.log.child({ component: 'controller-manager' }), settings: o.controllers });
    return kcm;
  };
  const stopKcm = async (): Promise<void> => {
    await kcm?.close();
    kcm = undefined;
  };
  const startProxy = async (): Promise<KubeProxy> => {
    const bindAddress = o.proxyBindAddress;
    if (bindAddress === undefined) throw new Error('startFullCluster: proxyBindAddress not set');
    const abort = new AbortController();
    const handle = await startKubeProxy({
      server,
      bindAddress,
      log: env.log.child({ component: 'kube-proxy' }),
      registry: createMetricsRegistry('kube-proxy'),
      signal: abort.signal,
      serviceCIDR: o.serviceCIDR,
    });
    proxy = { handle, abort };
    return handle;
  };
  const stopProxy = async (): Promise<void> => {
    if (!proxy) return;
    proxy.abort.abort();
    await proxy.handle.close();
    proxy = undefined;
  };

  const cluster: FullCluster = {
    ...env,
    scheduler: () => scheduler,
    controllerManager: () => kcm,
    kubeProxy: () => proxy?.handle,
    startControllerManager: startKcm,
    stopControllerManager: stopKcm,
    startKubeProxy: startProxy,
    stopKubeProxy: stopProxy,
    stop: async () => {
      await stopProxy().catch(() => undefined);
      await stopKcm().catch(() => undefined);
      await scheduler?.close().catch(() => undefined);
      await env.stop();
    },
  };
  try {
    scheduler = await startScheduler({ server, log: env.log.child({ component: 'scheduler' }) });
    await startKcm();
    if (o.proxyBindAddress !== undefined) await startProxy();
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  return cluster;
}
