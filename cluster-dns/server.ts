/**
 * The cluster DNS server: answers `<svc>.<ns>.svc.<domain>` and friends from informer caches, forwards other names
 * upstream, serves UDP and TCP on one port, and publishes itself as the kube-dns Service's endpoint.
 */
import { Counter, Histogram } from 'prom-client';
import { RestClient } from '../client/rest.js';
import type { Logger } from '../common/logger.js';
import type { Registry } from '../common/metrics.js';
import { ClusterCache } from './cache.js';
import { UpstreamForwarder, type Upstream } from './forward.js';
import { handleMessage, type Outcome, type Proto } from './handler.js';
import { KubeDnsPublisher } from './publish.js';
import { canonicalName } from './request.js';
import { listenDns, type DnsListener } from './transport.js';
import type { ZoneConfig } from './zone.js';

export interface ClusterDnsOptions {
  /** api-server URL. */
  server: string;
  bindAddress: string;
  /** 0 = any port free for UDP and TCP. */
  port: number;
  clusterDomain: string;
  /** Nameservers for names outside the cluster domain; empty = refuse them. */
  upstreams: readonly Upstream[];
  /** Bound of a forwarded query (default 2 s). */
  forwardTimeoutMs?: number;
  /** The kube-dns ClusterIP (also what ns.dns.<domain> resolves to). */
  clusterDnsIP: string;
  /** Publish kube-dns (Service + EndpointSlice); default true. */
  publish?: boolean;
  /** The address published in the EndpointSlice (kube-proxy forwards there). */
  advertiseAddress: string;
  /** Port of /metrics, published as the `metrics` endpoint port. */
  metricsPort: number;
  /** Suffix of the EndpointSlice name kube-dns-<suffix> (default `cluster-dns`: one server per cluster). */
  instanceName?: string;
  log: Logger;
  registry: Registry;
}

export interface ClusterDns {
  /** The UDP and TCP port. */
  port: number;
  /** Resolves true once the caches are synced (false when closed first). */
  synced: Promise<boolean>;
  /** Serving answers from synced caches. */
  isReady(): boolean;
  close(): Promise<void>;
}

/** CoreDNS's record TTL for the kubernetes plugin. */
const RECORD_TTL = 5;

export async function startClusterDns(opts: ClusterDnsOptions): Promise<ClusterDns> {
  const log = opts.log;
  const rest = new RestClient({ server: opts.server, userAgent: 'cluster-dns/kubemu' });
  const cache = new ClusterCache(rest, log);
  const zone: ZoneConfig = {
    zone: canonicalName(opts.clusterDomain),
    ttl: RECORD_TTL,
    nameserverIPs: [opts.clusterDnsIP],
    serial: () => cache.serial(),
  };
  const forwarder = opts.upstreams.length > 0 ? new UpstreamForwarder({ upstreams: opts.upstreams, timeoutMs: opts.forwardTimeoutMs ?? 2000, log }) : undefined;

  const metrics = {
    requests: new Counter({ name: 'clusterdns_requests_total', help: 'DNS queries by transport, type and who answered', labelNames: ['proto', 'type', 'source'], registers: [opts.registry] }),
    responses: new Counter({ name: 'clusterdns_responses_total', help: 'DNS replies by rcode and who answered', labelNames: ['rcode', 'source'], registers: [opts.registry] }),
    duration: new Histogram({
      name: 'clusterdns_request_duration_seconds',
      help: 'time to answer a DNS query',
      labelNames: ['proto', 'source'],
      buckets: [0.00025, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096],
      registers: [opts.registry],
    }),
  };

  let serving = false;
  const handle = async (msg: Buffer, proto: Proto): Promise<Buffer | undefined> => {
    const t0 = performance.now();
    let outcome: Outcome | undefined;
    const reply = await handleMessage(msg, proto, {
      data: cache,
      zone,
      forwarder,
      // until the caches are synced an answer from them could be a wrong NXDOMAIN
      zoneReady: () => serving,
      observe: (o) => {
        outcome = o;
      },
    });
    const o = outcome;
    if (o) {
      metrics.requests.inc({ proto: o.proto, type: o.qtype, source: o.source });
      metrics.responses.inc({ rcode: o.rcode, source: o.source });
      metrics.duration.observe({ proto: o.proto, source: o.source }, (performance.now() - t0) / 1000);
    }
    return reply;
  };

  const ac = new AbortController();
  cache.start(ac.signal);
  let listener: DnsListener;
  try {
    listener = await listenDns({ host: opts.bindAddress, port: opts.port, handle, log });
  } catch (e) {
    ac.abort();
    await cache.stop();
    forwarder?.close();
    rest.close();
    throw e;
  }
  const publisher =
    opts.publish === false
      ? undefined
      : new KubeDnsPublisher({
          rest,
          cache,
          log,
          config: () => ({
            clusterIP: opts.clusterDnsIP,
            address: opts.advertiseAddress,
            dnsPort: listener.port,
            metricsPort: opts.metricsPort,
            ready: serving,
            sliceSuffix: opts.instanceName ?? 'cluster-dns',
          }),
        });
  let publishing: Promise<void> | undefined;
  const synced = cache.waitForSync(ac.signal).then((ok) => {
    if (!ok || ac.signal.aborted) return false;
    serving = true;
    log.info({ port: listener.port, zone: zone.zone }, 'caches synced; serving the cluster domain');
    if (publisher) publishing = publisher.run(ac.signal);
    return true;
  });

  let closed: Promise<void> | undefined;
  return {
    port: listener.port,
    synced,
    isReady: () => serving,
    close: () =>
      (closed ??= (async () => {
        const wasServing = serving;
        serving = false;
        ac.abort();
        await synced;
        await publishing;
        if (publisher && wasServing) {
          // tell kube-proxy to stop sending queries here (bounded: the api-server may be gone)
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<void>((r) => (timer = setTimeout(r, 2000)));
          await Promise.race([publisher.sync(), timeout])
            .catch((e: unknown) => log.warn({ err: e instanceof Error ? e.message : String(e) }, 'could not mark the DNS endpoint not ready'))
            .finally(() => clearTimeout(timer));
        }
        await listener.close();
        forwarder?.close();
        await cache.stop();
        rest.close();
      })()),
  };
}
