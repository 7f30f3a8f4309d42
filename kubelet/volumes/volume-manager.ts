/**
 * Pod volumes: emptyDir is a Docker volume (labelled, shared by the pod's containers; medium Memory = tmpfs);
 * configMap, secret, downwardAPI and projected volumes are host directories under
 * `<rootDir>/pods/<uid>/volumes/kubernetes.io~<plugin>/<name>`, written atomically and bind-mounted read-only.
 * The root dir must be visible to the Docker daemon at the same path (it is when the kubelet runs on the host).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Container, Pod, Volume } from 'kubernetes-types/core/v1.js';
import type { ContainerRuntime, Mount } from '../runtime/types.js';
import { ContainerConfigError, type EnvContext, type ObjectSource } from '../pods/env.js';
import { writeAtomically } from './atomic-writer.js';
import { volumePayload } from './payload.js';

export interface PreparedVolume {
  type: 'bind' | 'volume';
  source: string;
  /** configMap/secret/downwardAPI/projected are always read-only. */
  readOnly: boolean;
}

/** A volume that could not be set up: event FailedMount, the pod keeps waiting (ContainerCreating). */
export class VolumeSetupError extends Error {
  constructor(
    readonly volume: string,
    message: string,
  ) {
    super(`MountVolume.SetUp failed for volume "${volume}" : ${message}`);
    this.name = 'VolumeSetupError';
  }
}

function pluginDir(v: Volume): string | undefined {
  if (v.configMap) return 'kubernetes.io~configmap';
  if (v.secret) return 'kubernetes.io~secret';
  if (v.downwardAPI) return 'kubernetes.io~downward-api';
  if (v.projected) return 'kubernetes.io~projected';
  return undefined;
}

export class VolumeManager {
  constructor(
    private readonly rootDir: string,
    private readonly runtime: ContainerRuntime,
    private readonly source: ObjectSource,
  ) {}

  podDir(uid: string): string {
    return path.join(this.rootDir, 'pods', uid);
  }

  /** Creates (or refreshes) every volume of the pod. */
  async setUp(pod: Pod, ctx: EnvContext): Promise<Map<string, PreparedVolume>> {
    const uid = pod.metadata?.uid ?? '';
    const out = new Map<string, PreparedVolume>();
    for (const v of pod.spec?.volumes ?? []) {
      if (v.emptyDir) {
        const medium = v.emptyDir.medium === 'Memory' ? 'memory' : 'disk';
        out.set(v.name, { type: 'volume', source: await this.runtime.ensureVolume(uid, v.name, medium), readOnly: false });
        continue;
      }
      const plugin = pluginDir(v);
      if (!plugin) {
        throw new VolumeSetupError(v.name, 'unsupported volume type: kubemu supports emptyDir, configMap, secret, downwardAPI and projected volumes');
      }
      const dir = path.join(this.podDir(uid), 'volumes', plugin, v.name);
      try {
        await writeAtomically(dir, await volumePayload(v, pod, ctx, this.source));
      } catch (e) {
        throw new VolumeSetupError(v.name, e instanceof Error ? e.message : String(e));
      }
      out.set(v.name, { type: 'bind', source: dir, readOnly: true });
    }
    return out;
  }

  /** The container's mounts; throws ContainerConfigError for unknown volumes or bad subPaths. */
  mountsFor(c: Container, volumes: ReadonlyMap<string, PreparedVolume>): Mount[] {
    return (c.volumeMounts ?? []).map((m) => {
      const v = volumes.get(m.name);
      if (!v) throw new ContainerConfigError(`cannot find volume "${m.name}" to mount into container "${c.name}"`);
      let source = v.source;
      if (m.subPath) {
        if (m.subPath.split('/').includes('..') || path.isAbsolute(m.subPath)) {
          throw new ContainerConfigError(`failed to prepare subPath for volumeMount "${m.name}" of container "${c.name}"`);
        }
        if (v.type === 'volume') throw new ContainerConfigError(`subPath is not supported for emptyDir volumes by kubemu (volumeMount "${m.name}")`);
        source = path.join(v.source, m.subPath);
      }
      return { type: v.type, source, target: m.mountPath, readOnly: v.readOnly || Boolean(m.readOnly) };
    });
  }

  /** Removes the pod's host directories and Docker volumes. */
  async tearDown(uid: string): Promise<void> {
    await fs.rm(this.podDir(uid), { recursive: true, force: true });
    await this.runtime.removePodVolumes(uid);
  }

  /** Pod uids that still have a directory here (for orphan cleanup after restarts). */
  async podDirs(): Promise<string[]> {
    try {
      return await fs.readdir(path.join(this.rootDir, 'pods'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }
}
