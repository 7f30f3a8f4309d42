/** Rows of the simpler kinds, as upstream printNamespace / printConfigMap / printSecret / printServiceAccount / printLease. */
import type { ConfigMap, Namespace, Secret, ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { DOC } from './descriptions.js';
import { ageSince } from './duration.js';
import { mapSize } from './format.js';
import { column, type Printer } from './types.js';

export const namespacePrinter: Printer = {
  columns: [
    column('Name', 'string', DOC.name, { format: 'name' }),
    column('Status', 'string', 'The status of the namespace'),
    column('Age', 'string', DOC.creationTimestamp),
  ],
  print: (obj, now) => {
    const ns = obj as Namespace;
    return { cells: [ns.metadata?.name ?? '', ns.status?.phase ?? '', ageSince(ns.metadata?.creationTimestamp, now)] };
  },
};

export const configMapPrinter: Printer = {
  columns: [
    column('Name', 'string', DOC.name, { format: 'name' }),
    column('Data', 'string', DOC.cmData),
    column('Age', 'string', DOC.creationTimestamp),
  ],
  print: (obj, now) => {
    const cm = obj as ConfigMap;
    return { cells: [cm.metadata?.name ?? '', mapSize(cm.data) + mapSize(cm.binaryData), ageSince(cm.metadata?.creationTimestamp, now)] };
  },
};

export const secretPrinter: Printer = {
  columns: [
    column('Name', 'string', DOC.name, { format: 'name' }),
    column('Type', 'string', DOC.secretType),
    column('Data', 'string', DOC.secretData),
    column('Age', 'string', DOC.creationTimestamp),
  ],
  print: (obj, now) => {
    const s = obj as Secret;
    return { cells: [s.metadata?.name ?? '', s.type ?? '', mapSize(s.data), ageSince(s.metadata?.creationTimestamp, now)] };
  },
};

export const serviceAccountPrinter: Printer = {
  columns: [
    column('Name', 'string', DOC.name, { format: 'name' }),
    column('Secrets', 'string', DOC.saSecrets),
    column('Age', 'string', DOC.creationTimestamp),
  ],
  print: (obj, now) => {
    const sa = obj as ServiceAccount;
    return { cells: [sa.metadata?.name ?? '', sa.secrets?.length ?? 0, ageSince(sa.metadata?.creationTimestamp, now)] };
  },
};

export const leasePrinter: Printer = {
  columns: [
    column('Name', 'string', DOC.name, { format: 'name' }),
    column('Holder', 'string', DOC.holderIdentity),
    column('Age', 'string', DOC.creationTimestamp),
  ],
  print: (obj, now) => {
    const l = obj as Lease;
    return { cells: [l.metadata?.name ?? '', l.spec?.holderIdentity ?? '', ageSince(l.metadata?.creationTimestamp, now)] };
  },
};
