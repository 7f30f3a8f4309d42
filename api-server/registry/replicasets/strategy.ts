import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { StoredObject } from '../../../api/object.js';
import { requireResource } from '../../../api/resources.js';
import { defaultReplicaSet } from '../../../api/defaults/index.js';
import { validateReplicaSet, validateReplicaSetUpdate } from '../../../api/validation/workloads.js';
import { baseStrategy, type Strategy } from '../strategy.js';

const asRS = (o: StoredObject) => o as unknown as ReplicaSet;

export const replicaSetStrategy: Strategy = baseStrategy(requireResource('apps', 'v1', 'replicasets'), {
  defaults: (obj) => defaultReplicaSet(asRS(obj)),
  tracksGeneration: true,
  validate: (obj) => validateReplicaSet(asRS(obj)),
  validateUpdate: (obj, old) => validateReplicaSetUpdate(asRS(obj), asRS(old)),
});
