/**
 * EnsureImageExists as upstream's image manager: honours imagePullPolicy, records Pulling/Pulled/Failed/BackOff
 * events with upstream's messages, and backs off failed pulls per (pod, image) — ErrImagePull first, then
 * ImagePullBackOff while the back-off lasts. kubemu deviation (it is offline): with policy Always, an image that
 * is present locally and whose registry kubemu may not contact is used as is.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { formatDuration } from '../../common/config.js';
import type { ContainerRuntime } from '../runtime/types.js';
import { defaultPullPolicy, isLoopbackRegistry, registryOf } from '../runtime/docker/image-ref.js';
import type { Backoff } from './backoff.js';
import type { PodEvents } from './events.js';

export type ImageErrorReason = 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull' | 'InvalidImageName';

export type EnsureImageResult = { ok: true } | { ok: false; reason: ImageErrorReason; message: string; retryAfterMs?: number };

export class ImageManager {
  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly backoff: Backoff,
    private readonly events: PodEvents,
    private readonly now: () => number,
  ) {}

  async ensure(pod: Pod, c: Container): Promise<EnsureImageResult> {
    const image = c.image ?? '';
    if (!image.trim()) {
      const message = `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format`;
      this.events.warning(pod, 'InspectFailed', message);
      return { ok: false, reason: 'InvalidImageName', message };
    }
    const policy = c.imagePullPolicy ?? defaultPullPolicy(image);
    const present = await this.runtime.imageStatus(image);
    const offlineOnly = !isLoopbackRegistry(registryOf(image));
    if (present && (policy !== 'Always' || offlineOnly)) {
      this.events.normal(pod, 'Pulled', `Container image "${image}" already present on machine`);
      return { ok: true };
    }
    if (policy === 'Never') {
      const message = `Container image "${image}" is not present with pull policy of Never`;
      this.events.warning(pod, 'ErrImageNeverPull', message);
      return { ok: false, reason: 'ErrImageNeverPull', message };
    }
    const key = `${pod.metadata?.uid ?? ''}_${image}`;
    if (this.backoff.isInBackOffSinceUpdate(key)) {
      const message = `Back-off pulling image "${image}"`;
      this.events.normal(pod, 'BackOff', message);
      return { ok: false, reason: 'ImagePullBackOff', message, retryAfterMs: this.backoff.remainingSinceUpdate(key) };
    }
    this.events.normal(pod, 'Pulling', `Pulling image "${image}"`);
    const started = this.now();
    try {
      const info = await this.runtime.pullImage(image);
      const took = formatDuration(this.now() - started);
      this.events.normal(pod, 'Pulled', `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${info.size} bytes.`);
      return { ok: true };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.events.warning(pod, 'Failed', `Failed to pull image "${image}": ${message}`);
      this.backoff.next(key, this.now());
      return { ok: false, reason: 'ErrImagePull', message, retryAfterMs: this.backoff.remainingSinceUpdate(key) };
    }
  }
}
