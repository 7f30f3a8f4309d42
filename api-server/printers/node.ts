/** Node rows, as upstream printNode: STATUS from the Ready condition (+SchedulingDisabled), ROLES from labels. */
import type { Node } from 'kubernetes-types/core/v1.js';
import { DOC } from './descriptions.js';
import { ageSince } from './duration.js';
import { column, type Printer } from './types.js';

const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';
const NODE_ROLE_LABEL = 'kubernetes.io/role';

export const nodePrinter: Printer = {
  columns: [
    column('Name', 'string', DOC.name, { format: 'name' }),
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    column('Age', 'string', DOC.creationTimestamp),
    column('Version', 'string', DOC.kubeletVersion),
    column('Internal-IP', 'string', DOC.nodeAddresses, { priority: 1 }),
    column('External-IP', 'string', DOC.nodeAddresses, { priority: 1 }),
    column('OS-Image', 'string', DOC.osImage, { priority: 1 }),
    column('Kernel-Version', 'string', DOC.kernelVersion, { priority: 1 }),
    column('Container-Runtime', 'string', DOC.containerRuntimeVersion, { priority: 1 }),
  ],
  print: (obj, now) => {
    const node = obj as Node;
    const info = node.status?.nodeInfo;
    const roles = nodeRoles(node).join(',');
    return {
      cells: [
        node.metadata?.name ?? '',
        nodeStatus(node),
        roles || '<none>',
        ageSince(node.metadata?.creationTimestamp, now),
        info?.kubeletVersion ?? '',
        nodeAddress(node, 'InternalIP'),
        nodeAddress(node, 'ExternalIP'),
        info?.osImage || '<unknown>',
        info?.kernelVersion || '<unknown>',
        info?.containerRuntimeVersion || '<unknown>',
      ],
    };
  },
};

/** `Ready`, `NotReady` or `Unknown` (no Ready condition), plus `,SchedulingDisabled` when cordoned. */
function nodeStatus(node: Node): string {
  const status: string[] = [];
  // the last condition of a type wins, as upstream's conditionMap
  const ready = (node.status?.conditions ?? []).filter((c) => c.type === 'Ready').pop();
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (status.length === 0) status.push('Unknown');
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

/** findNodeRoles: `node-role.kubernetes.io/<role>` label keys and the `kubernetes.io/role` value, sorted. */
function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(NODE_ROLE_PREFIX)) {
      const role = k.slice(NODE_ROLE_PREFIX.length);
      if (role) roles.add(role);
    } else if (k === NODE_ROLE_LABEL && v !== '') {
      roles.add(v);
    }
  }
  return [...roles].sort();
}

/** The first address of a type, or `<none>`. */
function nodeAddress(node: Node, type: string): string {
  return (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>';
}
