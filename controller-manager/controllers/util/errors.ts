import { ApiError, isApiError } from '../../../api/errors.js';

/** apierrors.HasStatusCause: whether the error's Status carries a cause of this type. */
export function hasStatusCause(e: unknown, reason: string): boolean {
  return e instanceof ApiError && (e.details?.causes ?? []).some((c) => c.reason === reason);
}

/** The namespace is being deleted: creating in it fails and is not worth an event or a retry storm. */
export const NAMESPACE_TERMINATING_CAUSE = 'NamespaceTerminating';

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Rethrowable form of a caught value: Errors as they are, anything else wrapped in an ApiError. */
export function asError(e: unknown): Error {
  return e instanceof Error ? e : new ApiError(500, 'InternalError', String(e));
}

/**
 * Wraps a sync so that a write conflict (our cache is behind our own last write, which is routine) re-queues the
 * key quietly after a short delay instead of logging a failed sync.
 */
export function requeueOnConflict<K>(sync: (key: K) => Promise<void>, requeue: (key: K) => void): (key: K) => Promise<void> {
  return async (key) => {
    try {
      await sync(key);
    } catch (e) {
      if (!isApiError(e, 'Conflict')) throw e;
      requeue(key);
    }
  };
}
