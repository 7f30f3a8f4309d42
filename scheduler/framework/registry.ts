/** The in-tree plugin registry (upstream plugins/registry.go): plugin name → factory. */
import { balancedAllocationPlugin, NAME as BALANCED_ALLOCATION } from '../plugins/balanced-allocation/balanced-allocation.js';
import { interPodAffinityPlugin, NAME as INTER_POD_AFFINITY } from '../plugins/inter-pod-affinity/inter-pod-affinity.js';
import { nodeAffinityPlugin, NAME as NODE_AFFINITY } from '../plugins/node-affinity/node-affinity.js';
import { nodeNamePlugin, NAME as NODE_NAME } from '../plugins/node-name/node-name.js';
import { nodePortsPlugin, NAME as NODE_PORTS } from '../plugins/node-ports/node-ports.js';
import { nodeResourcesFitPlugin, NAME as NODE_RESOURCES_FIT } from '../plugins/node-resources-fit/node-resources-fit.js';
import { nodeUnschedulablePlugin, NAME as NODE_UNSCHEDULABLE } from '../plugins/node-unschedulable/node-unschedulable.js';
import { podTopologySpreadPlugin, NAME as POD_TOPOLOGY_SPREAD } from '../plugins/pod-topology-spread/pod-topology-spread.js';
import { taintTolerationPlugin, NAME as TAINT_TOLERATION } from '../plugins/taint-toleration/taint-toleration.js';
import type { PluginFactory } from './types.js';

export type Registry = Readonly<Record<string, PluginFactory>>;

export function inTreeRegistry(): Registry {
  return {
    [NODE_UNSCHEDULABLE]: () => nodeUnschedulablePlugin(),
    [NODE_NAME]: () => nodeNamePlugin(),
    [TAINT_TOLERATION]: () => taintTolerationPlugin(),
    [NODE_AFFINITY]: () => nodeAffinityPlugin(),
    [NODE_PORTS]: () => nodePortsPlugin(),
    [NODE_RESOURCES_FIT]: () => nodeResourcesFitPlugin(),
    [POD_TOPOLOGY_SPREAD]: (h) => podTopologySpreadPlugin(h),
    [INTER_POD_AFFINITY]: (h) => interPodAffinityPlugin(h),
    [BALANCED_ALLOCATION]: () => balancedAllocationPlugin(),
  };
}
