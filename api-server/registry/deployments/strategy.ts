import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { StoredObject } from '../../../api/object.js';
import { requireResource } from '../../../api/resources.js';
import { defaultDeployment } from '../../../api/defaults/index.js';
import { validateDeployment, validateDeploymentUpdate } from '../../../api/validation/workloads.js';
import { baseStrategy, type Strategy } from '../strategy.js';

const asDeployment = (o: StoredObject) => o as unknown as Deployment;

const info = requireResource('apps', 'v1', 'deployments');
const base = baseStrategy(info);

export const deploymentStrategy: Strategy = baseStrategy(info, {
  defaults: (obj) => defaultDeployment(asDeployment(obj)),
  tracksGeneration: true,
  // upstream (pkg/registry/apps/deployment/strategy.go): annotation changes also bump generation,
  // so `kubectl rollout undo` and pause/resume are observed by the controller
  generationChanged: (obj, old) =>
    JSON.stringify(obj.spec) !== JSON.stringify(old.spec) ||
    JSON.stringify(obj.metadata.annotations ?? {}) !== JSON.stringify(old.metadata.annotations ?? {}),
  // upstream deploymentStatusStrategy resets only spec and labels: the deployment controller writes its
  // revision annotation together with the status (without bumping generation)
  prepareForStatusUpdate: (obj, old) => {
    const annotations = obj.metadata.annotations;
    base.prepareForStatusUpdate(obj, old);
    if (annotations === undefined) delete obj.metadata.annotations;
    else obj.metadata.annotations = annotations;
  },
  validate: (obj) => validateDeployment(asDeployment(obj)),
  validateUpdate: (obj, old) => validateDeploymentUpdate(asDeployment(obj), asDeployment(old)),
});
