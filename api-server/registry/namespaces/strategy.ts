import type { Namespace } from 'kubernetes-types/core/v1.js';
import type { StoredObject } from '../../../api/object.js';
import { requireResource } from '../../../api/resources.js';
import { validateNamespace } from '../../../api/validation/core.js';
import { defaultNamespace, FINALIZER_KUBERNETES } from '../../../api/defaults/index.js';
import { baseStrategy, type Strategy } from '../strategy.js';
import { nameIsDNSLabel } from '../../../api/validation/names.js';

const asNs = (o: StoredObject) => o as unknown as Namespace;

export const namespaceStrategy: Strategy = baseStrategy(requireResource('', 'v1', 'namespaces'), {
  defaults: (obj) => defaultNamespace(asNs(obj)),
  prepareForCreate: (obj) => {
    obj.spec = { finalizers: [FINALIZER_KUBERNETES] };
    obj.status = { phase: 'Active' };
  },
  prepareForUpdate: (obj, old) => {
    // spec.finalizers are only changed through /finalize; status through /status
    obj.spec = old.spec;
    obj.status = old.status;
  },
  hasPendingFinalizers: (obj) => (obj.metadata.finalizers ?? []).length > 0 || (asNs(obj).spec?.finalizers ?? []).length > 0,
  beginDelete: (obj) => {
    obj.status = { ...(obj.status as object), phase: 'Terminating' };
  },
  nameValidator: nameIsDNSLabel,
  validate: (obj) => validateNamespace(asNs(obj)),
  validateUpdate: (obj) => validateNamespace(asNs(obj)),
});
