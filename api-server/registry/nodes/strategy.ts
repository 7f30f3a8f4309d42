import type { Node } from 'kubernetes-types/core/v1.js';
import type { StoredObject } from '../../../api/object.js';
import { requireResource } from '../../../api/resources.js';
import { validateNode } from '../../../api/validation/core.js';
import { defaultNode } from '../../../api/defaults/index.js';
import { baseStrategy, type Strategy } from '../strategy.js';

const asNode = (o: StoredObject) => o as unknown as Node;

export const nodeStrategy: Strategy = baseStrategy(requireResource('', 'v1', 'nodes'), {
  defaults: (obj) => defaultNode(asNode(obj)),
  prepareForCreate: (obj) => {
    // nodes register with their status (the kubelet creates its Node with capacity), as upstream allows
    obj.status ??= {};
  },
  validate: (obj) => validateNode(asNode(obj)),
  validateUpdate: (obj) => validateNode(asNode(obj)),
});
