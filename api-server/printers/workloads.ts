/** Deployment and ReplicaSet rows, as upstream printDeployment / printReplicaSet. */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { formatLabelSelector, trySelectorFromLabelSelector } from '../../api/labels.js';
import { DOC } from './descriptions.js';
import { ageSince } from './duration.js';
import { int, layoutContainerCells } from './format.js';
import { column, type Printer } from './types.js';

const CONTAINERS = 'Names of each container in the template.';

/** autoscaling/v1 Scale (GET …/scale with a Table Accept header), as upstream printScale. */
export const scalePrinter: Printer = {
  columns: [
    // upstream gives this Name column no 'name' format
    column('Name', 'string', DOC.name),
    column('Desired', 'integer', 'replicas is the desired number of instances for the scaled object.'),
    column('Available', 'integer', 'replicas is the actual number of observed instances of the scaled object.'),
    column('Age', 'string', DOC.creationTimestamp),
  ],
  print: (obj, now) => {
    const s = obj as { metadata?: { name?: string; creationTimestamp?: string }; spec?: { replicas?: number }; status?: { replicas?: number } };
    return { cells: [s.metadata?.name ?? '', int(s.spec?.replicas), int(s.status?.replicas), ageSince(s.metadata?.creationTimestamp, now)] };
  },
};
const IMAGES = 'Images referenced by each container in the template.';

export const deploymentPrinter: Printer = {
  columns: [
    column('Name', 'string', DOC.name, { format: 'name' }),
    column('Ready', 'string', 'Number of the pod with ready state'),
    column('Up-to-date', 'string', DOC.depUpdatedReplicas),
    column('Available', 'string', DOC.depAvailableReplicas),
    column('Age', 'string', DOC.creationTimestamp),
    column('Containers', 'string', CONTAINERS, { priority: 1 }),
    column('Images', 'string', IMAGES, { priority: 1 }),
    column('Selector', 'string', DOC.depSelector, { priority: 1 }),
  ],
  print: (obj, now) => {
    const d = obj as Deployment;
    const status = d.status ?? {};
    // metav1.LabelSelectorAsSelector(...).String(): '' for a nil or empty selector, <invalid> on error
    const sel = trySelectorFromLabelSelector(d.spec?.selector);
    const [names, images] = layoutContainerCells(d.spec?.template?.spec?.containers);
    return {
      cells: [
        d.metadata?.name ?? '',
        `${int(status.readyReplicas)}/${int(d.spec?.replicas)}`,
        int(status.updatedReplicas),
        int(status.availableReplicas),
        ageSince(d.metadata?.creationTimestamp, now),
        names,
        images,
        sel ? sel.toString() : '<invalid>',
      ],
    };
  },
};

export const replicaSetPrinter: Printer = {
  columns: [
    column('Name', 'string', DOC.name, { format: 'name' }),
    column('Desired', 'integer', DOC.rsSpecReplicas),
    column('Current', 'integer', DOC.rsStatusReplicas),
    column('Ready', 'integer', DOC.rsReadyReplicas),
    column('Age', 'string', DOC.creationTimestamp),
    column('Containers', 'string', CONTAINERS, { priority: 1 }),
    column('Images', 'string', IMAGES, { priority: 1 }),
    column('Selector', 'string', DOC.rsSelector, { priority: 1 }),
  ],
  print: (obj, now) => {
    const rs = obj as ReplicaSet;
    const [names, images] = layoutContainerCells(rs.spec?.template?.spec?.containers);
    return {
      cells: [
        rs.metadata?.name ?? '',
        int(rs.spec?.replicas),
        int(rs.status?.replicas),
        int(rs.status?.readyReplicas),
        ageSince(rs.metadata?.creationTimestamp, now),
        names,
        images,
        formatLabelSelector(rs.spec?.selector),
      ],
    };
  },
};
