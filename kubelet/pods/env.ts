/**
 * A container's environment as upstream's makeEnvironmentVariables: envFrom first (ConfigMaps and Secrets, with
 * prefixes), then env in order, where `value` may reference earlier variables as `$(NAME)` and valueFrom reads
 * ConfigMap/Secret keys, pod fields (fieldRef) or container resources (resourceFieldRef).
 */
import type { ConfigMap, Container, EnvVar, Pod, Secret } from 'kubernetes-types/core/v1.js';
import { parseQuantity, type Quantity } from '../../api/quantity.js';

/** Reads ConfigMaps and Secrets; undefined = not found. */
export interface ObjectSource {
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
}

export interface EnvContext {
  pod: Pod;
  nodeName: string;
  hostIP: string;
  podIPs: string[];
  /** Node allocatable, used by resourceFieldRef when the container has no limit. */
  allocatable: { cpu: string; memory: string; 'ephemeral-storage'?: string };
}

/** A problem that keeps the container from starting: waiting reason CreateContainerConfigError. */
export class ContainerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerConfigError';
  }
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** `$(VAR)` expansion as k8s.io/kubernetes third_party/forked/golang/expansion: `$$` escapes, unknown stays. */
export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
      continue;
    }
    if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      const v = lookup(name);
      out += v ?? `$(${name})`;
      i = close;
      continue;
    }
    out += ch;
  }
  return out;
}

/** The resolved variables, in order (a later definition of a name replaces the earlier value in place). */
export async function resolveEnv(container: Container, ctx: EnvContext, source: ObjectSource): Promise<Map<string, string>> {
  const ns = ctx.pod.metadata?.namespace ?? 'default';
  const env = new Map<string, string>();
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const name = from.configMapRef.name ?? '';
      const cm = await source.configMap(ns, name);
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw new ContainerConfigError(`configmap "${name}" not found`);
      }
      for (const [k, v] of Object.entries({ ...(cm.data ?? {}), ...decodeBinary(cm.binaryData) })) {
        if (ENV_NAME.test(prefix + k)) env.set(prefix + k, v);
      }
    } else if (from.secretRef) {
      const name = from.secretRef.name ?? '';
      const secret = await source.secret(ns, name);
      if (!secret) {
        if (from.secretRef.optional) continue;
        throw new ContainerConfigError(`secret "${name}" not found`);
      }
      for (const [k, v] of Object.entries(secretData(secret))) {
        if (ENV_NAME.test(prefix + k)) env.set(prefix + k, v);
      }
    }
  }
  for (const e of container.env ?? []) {
    const v = await envValue(e, container, ctx, source, ns, env);
    if (v !== undefined) env.set(e.name, v);
  }
  return env;
}

async function envValue(e: EnvVar, container: Container, ctx: EnvContext, source: ObjectSource, ns: string, env: Map<string, string>): Promise<string | undefined> {
  const from = e.valueFrom;
  if (!from) return expand(e.value ?? '', (n) => env.get(n));
  if (from.configMapKeyRef) {
    const { name = '', key, optional } = from.configMapKeyRef;
    const cm = await source.configMap(ns, name);
    if (!cm) {
      if (optional) return undefined;
      throw new ContainerConfigError(`configmap "${name}" not found`);
    }
    const v = cm.data?.[key] ?? decodeBinary(cm.binaryData)[key];
    if (v === undefined) {
      if (optional) return undefined;
      throw new ContainerConfigError(`couldn't find key ${key} in ConfigMap ${ns}/${name}`);
    }
    return v;
  }
  if (from.secretKeyRef) {
    const { name = '', key, optional } = from.secretKeyRef;
    const secret = await source.secret(ns, name);
    if (!secret) {
      if (optional) return undefined;
      throw new ContainerConfigError(`secret "${name}" not found`);
    }
    const v = secretData(secret)[key];
    if (v === undefined) {
      if (optional) return undefined;
      throw new ContainerConfigError(`couldn't find key ${key} in Secret ${ns}/${name}`);
    }
    return v;
  }
  if (from.fieldRef) return podField(from.fieldRef.fieldPath, ctx);
  if (from.resourceFieldRef) {
    const target = from.resourceFieldRef.containerName
      ? [...(ctx.pod.spec?.containers ?? []), ...(ctx.pod.spec?.initContainers ?? [])].find((c) => c.name === from.resourceFieldRef?.containerName)
      : container;
    if (!target) throw new ContainerConfigError(`container ${from.resourceFieldRef.containerName ?? ''} not found`);
    return resourceField(from.resourceFieldRef.resource, from.resourceFieldRef.divisor, target, ctx);
  }
  return '';
}

/** fieldRef paths the downward API supports (env and volumes). */
export function podField(path: string, ctx: EnvContext): string {
  const meta = ctx.pod.metadata ?? {};
  const label = /^metadata\.labels\['(.+)'\]$/.exec(path);
  if (label) return meta.labels?.[label[1]] ?? '';
  const annotation = /^metadata\.annotations\['(.+)'\]$/.exec(path);
  if (annotation) return meta.annotations?.[annotation[1]] ?? '';
  switch (path) {
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
    case 'metadata.labels':
      return formatMap(meta.labels);
    case 'metadata.annotations':
      return formatMap(meta.annotations);
    case 'spec.nodeName':
      return ctx.nodeName;
    case 'spec.serviceAccountName':
      return ctx.pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      return ctx.hostIP;
    case 'status.hostIPs':
      return ctx.hostIP;
    case 'status.podIP':
      return ctx.podIPs[0] ?? '';
    case 'status.podIPs':
      return ctx.podIPs.join(',');
    default:
      throw new ContainerConfigError(`unsupported fieldPath: ${path}`);
  }
}

/** `key="value"` lines sorted by key, as the downward API renders label and annotation maps. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m?.[k] ?? '')}`)
    .join('\n');
}

/** resourceFieldRef as upstream's ExtractContainerResourceValue: value ÷ divisor, rounded up; no limit = allocatable. */
export function resourceField(resource: string, divisor: string | number | undefined, c: Container, ctx: EnvContext): string {
  const d = parseQuantity(String(divisor ?? '1'));
  const pick = (kind: 'limits' | 'requests', name: string): Quantity | undefined => {
    const v = c.resources?.[kind]?.[name];
    return v === undefined ? undefined : parseQuantity(String(v));
  };
  const alloc = (name: 'cpu' | 'memory' | 'ephemeral-storage'): Quantity => parseQuantity(ctx.allocatable[name] ?? '0');
  let q: Quantity;
  switch (resource) {
    case 'limits.cpu':
      q = pick('limits', 'cpu') ?? alloc('cpu');
      break;
    case 'requests.cpu':
      q = pick('requests', 'cpu') ?? pick('limits', 'cpu') ?? parseQuantity('0');
      break;
    case 'limits.memory':
      q = pick('limits', 'memory') ?? alloc('memory');
      break;
    case 'requests.memory':
      q = pick('requests', 'memory') ?? pick('limits', 'memory') ?? parseQuantity('0');
      break;
    case 'limits.ephemeral-storage':
      q = pick('limits', 'ephemeral-storage') ?? alloc('ephemeral-storage');
      break;
    case 'requests.ephemeral-storage':
      q = pick('requests', 'ephemeral-storage') ?? parseQuantity('0');
      break;
    default:
      throw new ContainerConfigError(`unsupported container resource: ${resource}`);
  }
  const dm = d.milliValue();
  if (dm <= 0n) throw new ContainerConfigError(`invalid divisor ${String(divisor)}`);
  const vm = q.milliValue();
  return String((vm + dm - 1n) / dm);
}

function decodeBinary(data: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  return out;
}

/** A Secret's values: `data` is base64, `stringData` (normally folded in by the api-server) is plain. */
export function secretData(secret: Secret): Record<string, string> {
  return { ...decodeBinary(secret.data), ...(secret.stringData ?? {}) };
}

/** Docker's `K=V` list from the resolved map. */
export function toDockerEnv(env: Map<string, string>): string[] {
  return [...env].map(([k, v]) => `${k}=${v}`);
}
