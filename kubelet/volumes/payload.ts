/**
 * The files of configMap, secret, downwardAPI and projected volumes (pure): upstream's volume plugins' payload
 * computation, with `items` (key → path), per-item `mode` and `defaultMode` (0644).
 */
import type { ConfigMap, DownwardAPIVolumeFile, KeyToPath, Pod, Secret, Volume } from 'kubernetes-types/core/v1.js';
import { ContainerConfigError, podField, resourceField, secretData, type EnvContext, type ObjectSource } from '../pods/env.js';

export interface FileProjection {
  data: Buffer;
  mode: number;
}

export type Payload = Map<string, FileProjection>;

export const DEFAULT_MODE = 0o644;

function project(data: Record<string, Buffer>, items: KeyToPath[] | undefined, mode: number, what: string, optional: boolean, out: Payload): void {
  if (!items || items.length === 0) {
    for (const [k, v] of Object.entries(data)) out.set(k, { data: v, mode });
    return;
  }
  for (const it of items) {
    const v = data[it.key];
    if (v === undefined) {
      if (optional) continue;
      throw new ContainerConfigError(what === 'secret' ? `references non-existent secret key: ${it.key}` : `configmap references non-existent config key: ${it.key}`);
    }
    out.set(it.path, { data: v, mode: it.mode ?? mode });
  }
}

function configMapData(cm: ConfigMap): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(cm.data ?? {})) out[k] = Buffer.from(v, 'utf8');
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) out[k] = Buffer.from(v, 'base64');
  return out;
}

function secretBytes(s: Secret): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(secretData(s))) out[k] = Buffer.from(v, 'utf8');
  return out;
}

function downward(items: DownwardAPIVolumeFile[], mode: number, ctx: EnvContext, out: Payload): void {
  for (const it of items) {
    let value: string;
    if (it.fieldRef) value = podField(it.fieldRef.fieldPath, ctx);
    else if (it.resourceFieldRef) {
      const name = it.resourceFieldRef.containerName;
      const c = (ctx.pod.spec?.containers ?? []).find((x) => x.name === name);
      if (!c) throw new ContainerConfigError(`container ${name ?? ''} not found`);
      value = resourceField(it.resourceFieldRef.resource, it.resourceFieldRef.divisor, c, ctx);
    } else continue;
    out.set(it.path, { data: Buffer.from(value, 'utf8'), mode: it.mode ?? mode });
  }
}

/** The files of one file-based volume; throws ContainerConfigError for missing (non-optional) sources. */
export async function volumePayload(v: Volume, pod: Pod, ctx: EnvContext, source: ObjectSource): Promise<Payload> {
  const ns = pod.metadata?.namespace ?? 'default';
  const out: Payload = new Map();
  if (v.configMap) {
    const name = v.configMap.name ?? '';
    const cm = await source.configMap(ns, name);
    if (!cm) {
      if (v.configMap.optional) return out;
      throw new ContainerConfigError(`configmap "${name}" not found`);
    }
    project(configMapData(cm), v.configMap.items, v.configMap.defaultMode ?? DEFAULT_MODE, 'configmap', Boolean(v.configMap.optional), out);
  } else if (v.secret) {
    const name = v.secret.secretName ?? '';
    const s = await source.secret(ns, name);
    if (!s) {
      if (v.secret.optional) return out;
      throw new ContainerConfigError(`secret "${name}" not found`);
    }
    project(secretBytes(s), v.secret.items, v.secret.defaultMode ?? DEFAULT_MODE, 'secret', Boolean(v.secret.optional), out);
  } else if (v.downwardAPI) {
    downward(v.downwardAPI.items ?? [], v.downwardAPI.defaultMode ?? DEFAULT_MODE, ctx, out);
  } else if (v.projected) {
    const mode = v.projected.defaultMode ?? DEFAULT_MODE;
    for (const src of v.projected.sources ?? []) {
      if (src.configMap) {
        const name = src.configMap.name ?? '';
        const cm = await source.configMap(ns, name);
        if (!cm) {
          if (src.configMap.optional) continue;
          throw new ContainerConfigError(`configmap "${name}" not found`);
        }
        project(configMapData(cm), src.configMap.items, mode, 'configmap', Boolean(src.configMap.optional), out);
      } else if (src.secret) {
        const name = src.secret.name ?? '';
        const s = await source.secret(ns, name);
        if (!s) {
          if (src.secret.optional) continue;
          throw new ContainerConfigError(`secret "${name}" not found`);
        }
        project(secretBytes(s), src.secret.items, mode, 'secret', Boolean(src.secret.optional), out);
      } else if (src.downwardAPI) {
        downward(src.downwardAPI.items ?? [], mode, ctx, out);
      } else if (src.serviceAccountToken) {
        // kubemu issues no service account tokens yet: the file exists (apps that read it start) but is empty
        out.set(src.serviceAccountToken.path, { data: Buffer.alloc(0), mode });
      }
    }
  }
  return out;
}
