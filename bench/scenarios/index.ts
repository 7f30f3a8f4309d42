import type { Scenario } from '../types.js';
import { apiCreateThroughput } from './api-create-throughput.js';
import { apiList10kPods } from './api-list-10k-pods.js';
import { apiRss10kPods } from './api-rss-10k-pods.js';
import { apiWatchLatency100 } from './api-watch-latency-100.js';
import { clusterDns } from './cluster-dns.js';
import { clusterUp } from './cluster-up.js';
import { clusteripThroughput } from './clusterip-throughput.js';
import { controllerDeployments } from './controller-deployments.js';
import { podStartLatency } from './pod-start-latency.js';
import { proxyThroughput } from './proxy-throughput.js';
import { schedulerThroughput } from './scheduler-throughput.js';

/**
 * Every benchmark scenario, in run order. Scenarios sharing a fixture sit next to each other so the
 * fixture (e.g. the 10k-pod cluster) is disposed of before the next unrelated scenario starts.
 */
export const SCENARIOS: readonly Scenario[] = [
  apiCreateThroughput,
  apiList10kPods,
  apiRss10kPods,
  apiWatchLatency100,
  controllerDeployments,
  podStartLatency,
  proxyThroughput,
  clusteripThroughput,
  clusterDns,
  schedulerThroughput,
  clusterUp,
];
