import type { DeleteOptions } from 'kubernetes-types/meta/v1.js';
import type { FieldError } from '../../api/errors.js';
import type { StoredObject } from '../../api/object.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { WatchCache } from '../storage/watch-cache.js';
import { nameIsDNSSubdomain, type NameValidator } from '../../api/validation/names.js';

/** What admission hooks may look at: other resources' caches (read-only). */
export interface AdmissionContext {
  cacheOf(resource: ResourceInfo): WatchCache | undefined;
  dryRun: boolean;
}

/**
 * Per-resource behaviour, as upstream's RESTCreateStrategy/RESTUpdateStrategy. The generic store calls
 * these in a fixed order: defaults → prepareFor* → validate* → admit → write.
 */
export interface Strategy {
  /** upstream defaulting (applied to every write of the main resource) */
  defaults(obj: StoredObject): void;
  /** resource-specific create preparation: clear status, initial status fields, … */
  prepareForCreate(obj: StoredObject): void;
  /** resource-specific update preparation of the main resource: keep status, … */
  prepareForUpdate(obj: StoredObject, old: StoredObject): void;
  validate(obj: StoredObject): FieldError[];
  validateUpdate(obj: StoredObject, old: StoredObject): FieldError[];
  /** the status subresource: keep everything but status */
  prepareForStatusUpdate(obj: StoredObject, old: StoredObject): void;
  validateStatusUpdate(obj: StoredObject, old: StoredObject): FieldError[];
  /** metadata.generation starts at 1 and is bumped when the spec changes */
  tracksGeneration: boolean;
  /** whether an update changed what bumps generation (default: spec) */
  generationChanged(obj: StoredObject, old: StoredObject): boolean;
  /** seconds of graceful deletion for this object, or 0 for immediate */
  gracePeriodSeconds(obj: StoredObject, options: DeleteOptions): number;
  /** admission after validation: allocation, cross-object checks; may mutate obj */
  admit(obj: StoredObject, old: StoredObject | undefined, ctx: AdmissionContext): void;
  /** releases what admit reserved when the write did not happen */
  release(obj: StoredObject): void;
  /** a pure DELETE returns the deleted object instead of a Success Status */
  returnDeletedObject: boolean;
  /** whether something still holds the object once deletion started (metadata.finalizers by default) */
  hasPendingFinalizers(obj: StoredObject): boolean;
  /** called on the copy written when deletion starts (e.g. a namespace turns Terminating) */
  beginDelete(obj: StoredObject): void;
  /** the name format (DNS subdomain for most kinds, DNS-1035 label for Services, DNS-1123 label for Namespaces) */
  nameValidator: NameValidator;
  /**
   * DefaultGarbageCollectionPolicy when a DELETE names none (undefined: dependents are deleted in the
   * background), with the warning upstream returns when it applies
   */
  defaultDeletePropagation?: { policy: 'Orphan'; warning: string };
  /** WarningsOnCreate: Warning headers for a created object (none by default) */
  warningsOnCreate(obj: StoredObject): string[];
  /** converts a request body (this resource's version) to the stored form; identity for most */
  toStorage(obj: StoredObject): StoredObject;
  /** converts the stored form to this resource's version */
  fromStorage(obj: StoredObject): StoredObject;
}

function spec(obj: StoredObject): unknown {
  return obj.spec;
}

/** A strategy with upstream's common behaviour; resources override what differs. */
export function baseStrategy(info: ResourceInfo, overrides: Partial<Strategy> = {}): Strategy {
  const hasStatus = info.subresources.includes('status');
  return {
    defaults: () => undefined,
    prepareForCreate: (obj) => {
      if (hasStatus) delete obj.status;
    },
    prepareForUpdate: (obj, old) => {
      if (hasStatus) {
        if (old.status === undefined) delete obj.status;
        else obj.status = old.status;
      }
    },
    validate: () => [],
    validateUpdate: () => [],
    prepareForStatusUpdate: (obj, old) => {
      for (const k of Object.keys(obj)) if (k !== 'status' && k !== 'metadata' && k !== 'kind' && k !== 'apiVersion') delete obj[k];
      for (const k of Object.keys(old)) if (k !== 'status' && k !== 'metadata') obj[k] = old[k];
      // metadata changes other than through the main resource are dropped, as upstream
      obj.metadata = { ...old.metadata, resourceVersion: obj.metadata.resourceVersion };
    },
    validateStatusUpdate: () => [],
    tracksGeneration: false,
    generationChanged: (obj, old) => JSON.stringify(spec(obj)) !== JSON.stringify(spec(old)),
    gracePeriodSeconds: () => 0,
    admit: () => undefined,
    release: () => undefined,
    returnDeletedObject: false,
    hasPendingFinalizers: (obj) => (obj.metadata.finalizers ?? []).length > 0,
    beginDelete: () => undefined,
    nameValidator: nameIsDNSSubdomain,
    warningsOnCreate: () => [],
    toStorage: (obj) => obj,
    fromStorage: (obj) => obj,
    ...overrides,
  };
}
