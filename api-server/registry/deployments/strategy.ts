import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { StoredObject } from '../../../api/object.js';
import { requireResource } from '../../../api/resources.js';
import { defaultDeployment } from '../../../api/defaults/index.js';
import { validateDeployment, validateDeploymentUpdate } from '../../../api/validation/workloads.js';
import { baseStrategy, type Strategy } from '../strategy.js';

const asDeployment = (o: StoredObject) => o as unknown as Deployment;

export const deploymentStrategy: Strategy = baseStrategy(requireResource('apps', 'v1', 'deployments'), {
  defaults: (obj) => defaultDeployment(asDeployment(obj)),
  tracksGeneration: true,
  // upstream (pkg/registry/apps/deployment/strategy.go): annotation changes also bump generation,
  // so `kubectl rollout undo` and pause/resume are observed by the controller
  generationChanged: (obj, old) =>
    JSON.stringify(obj.spec) !== JSON.stringify(old.spec) ||
    JSON.stringify(obj.metadata.annotations ?? {}) !== JSON.stringify(old.metadata.annotations ?? {}),
  validate: (obj) => validateDeployment(asDeployment(obj)),
  validateUpdate: (obj, old) => validateDeploymentUpdate(asDeployment(obj), asDeployment(old)),
});
