/**
 * Container validation (k/k pkg/apis/core/validation/validation.go: validateContainerCommon,
 * validateContainerPorts, ValidateEnv, ValidateVolumeMounts, ValidateContainerResourceRequirements, probes).
 * Expects defaulted objects, as upstream validates after defaulting.
 */
import type { Container, ContainerPort, EnvVar, Probe, ResourceRequirements, VolumeMount } from 'kubernetes-types/core/v1.js';
import { FieldError } from '../errors.js';
import { parseQuantityValue, Quantity, QuantityParseError } from '../quantity.js';
import { validateNonnegativeField } from './metadata.js';
import {
  isConfigMapKey,
  isDNS1123Label,
  isEnvVarName,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidPortName,
  isValidPortNum,
} from './names.js';
import { asArray, asRecord } from './util.js';

export const SUPPORTED_PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export interface PodValidationOptions {
  /** RelaxedEnvironmentVariableValidation (beta, on by default in 1.32? off here: upstream strict text) */
  allowRelaxedEnvironmentVariableValidation?: boolean;
}

export function validateDNS1123Label(value: string, path: string): FieldError[] {
  return isDNS1123Label(value).map((m) => FieldError.invalid(path, value, m));
}

export function validateQualifiedName(value: string, path: string): FieldError[] {
  return isQualifiedName(value).map((m) => FieldError.invalid(path, value, m));
}

/** intstr port: a number → IsValidPortNum, a string → IsValidPortName. */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => FieldError.invalid(path, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => FieldError.invalid(path, port, m));
  return [FieldError.invalid(path, port ?? null, 'must be an integer or a string')];
}

export function validateContainerPorts(ports: ContainerPort[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  asArray<ContainerPort>(ports).forEach((port, i) => {
    const p = `${path}[${i}]`;
    if (port.name) {
      const msgs = isValidPortName(port.name);
      if (msgs.length) for (const m of msgs) errs.push(FieldError.invalid(`${p}.name`, port.name, m));
      else if (names.has(port.name)) errs.push(FieldError.duplicate(`${p}.name`, port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(FieldError.required(`${p}.containerPort`));
    else for (const m of isValidPortNum(port.containerPort)) errs.push(FieldError.invalid(`${p}.containerPort`, port.containerPort, m));
    if (port.hostPort) for (const m of isValidPortNum(port.hostPort)) errs.push(FieldError.invalid(`${p}.hostPort`, port.hostPort, m));
    if (!port.protocol) errs.push(FieldError.required(`${p}.protocol`));
    else if (!SUPPORTED_PORT_PROTOCOLS.includes(port.protocol)) {
      errs.push(FieldError.notSupported(`${p}.protocol`, port.protocol, SUPPORTED_PORT_PROTOCOLS));
    }
  });
  return errs;
}

const VALID_ENV_FIELD_PATHS = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];

function validateEnvVarValueFrom(ev: EnvVar, path: string): FieldError[] {
  const vf = ev.valueFrom;
  if (!vf) return [];
  const errs: FieldError[] = [];
  let n = 0;
  if (vf.fieldRef) {
    n++;
    const fp = vf.fieldRef.fieldPath;
    if (!fp) errs.push(FieldError.required(`${path}.fieldRef.fieldPath`));
    else if (!VALID_ENV_FIELD_PATHS.includes(fp) && !/^metadata\.(labels|annotations)\['[^']+'\]$/.test(fp)) {
      errs.push(FieldError.notSupported(`${path}.fieldRef.fieldPath`, fp, ['metadata.annotations', 'metadata.labels', ...VALID_ENV_FIELD_PATHS]));
    }
  }
  if (vf.resourceFieldRef) {
    n++;
    if (!vf.resourceFieldRef.resource) errs.push(FieldError.required(`${path}.resourceFieldRef.resource`));
  }
  if (vf.configMapKeyRef) {
    n++;
    const key = vf.configMapKeyRef.key;
    if (!key) errs.push(FieldError.required(`${path}.configMapKeyRef.key`));
    else for (const m of isConfigMapKey(key)) errs.push(FieldError.invalid(`${path}.configMapKeyRef.key`, key, m));
  }
  if (vf.secretKeyRef) {
    n++;
    const key = vf.secretKeyRef.key;
    if (!key) errs.push(FieldError.required(`${path}.secretKeyRef.key`));
    else for (const m of isConfigMapKey(key)) errs.push(FieldError.invalid(`${path}.secretKeyRef.key`, key, m));
  }
  if (n === 0) {
    errs.push(FieldError.invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  } else if (ev.value && n !== 0) {
    errs.push(FieldError.invalid(path, '', 'may not be specified when `value` is not empty'));
  } else if (n > 1) {
    errs.push(FieldError.invalid(path, '', 'may not have more than one field specified at a time'));
  }
  return errs;
}

export function validateEnv(vars: EnvVar[] | undefined, path: string, opts: PodValidationOptions = {}): FieldError[] {
  const errs: FieldError[] = [];
  asArray<EnvVar>(vars).forEach((ev, i) => {
    const p = `${path}[${i}]`;
    const name = typeof ev.name === 'string' ? ev.name : '';
    if (!name) errs.push(FieldError.required(`${p}.name`));
    const msgs = opts.allowRelaxedEnvironmentVariableValidation ? isRelaxedEnvVarName(name) : isEnvVarName(name);
    for (const m of msgs) errs.push(FieldError.invalid(`${p}.name`, name, m));
    errs.push(...validateEnvVarValueFrom(ev, `${p}.valueFrom`));
  });
  return errs;
}

export function validateVolumeMounts(mounts: VolumeMount[] | undefined, volumes: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const points = new Set<string>();
  asArray<VolumeMount>(mounts).forEach((m, i) => {
    const p = `${path}[${i}]`;
    if (!m.name) errs.push(FieldError.required(`${p}.name`));
    if (!volumes.has(m.name ?? '')) errs.push(FieldError.notFound(`${p}.name`, m.name ?? ''));
    if (!m.mountPath) errs.push(FieldError.required(`${p}.mountPath`));
    if (points.has(m.mountPath)) errs.push(FieldError.invalid(`${p}.mountPath`, m.mountPath, 'must be unique'));
    points.add(m.mountPath);
    if (m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, `${p}.subPath`));
  });
  return errs;
}

/** validateLocalDescendingPath: relative, no '..' element. */
export function validateLocalDescendingPath(target: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith('/')) errs.push(FieldError.invalid(path, target, 'must be a relative path'));
  if (target.split(/[/\\]/).includes('..')) errs.push(FieldError.invalid(path, target, "must not contain '..'"));
  return errs;
}

const STANDARD_CONTAINER_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'];

function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

function isHugePages(name: string): boolean {
  return name.startsWith('hugepages-');
}

/** Extended resources (vendor.com/gpu) are integers and can't be overcommitted. */
function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePages(name);
}

function isIntegerResource(name: string): boolean {
  return !isNativeResource(name) && !name.startsWith('requests.');
}

function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = validateQualifiedName(name, path);
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.includes(name) && !isHugePages(name)) {
      errs.push(FieldError.invalid(path, name, 'must be a standard resource for containers'));
    }
  } else if (!isNativeResource(name) && (name.startsWith('requests.') || name.includes('kubernetes.io'))) {
    errs.push(FieldError.invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** Parses a quantity for validation; an unparseable one is reported as Invalid (upstream fails at decode, with 400). */
function quantityAt(v: unknown, path: string, errs: FieldError[]): Quantity | undefined {
  try {
    return parseQuantityValue(v);
  } catch (e) {
    if (!(e instanceof QuantityParseError)) throw e;
    errs.push(FieldError.invalid(path, typeof v === 'string' ? v : String(v), e.message));
    return undefined;
  }
}

export function validateResourceQuantityValue(resource: string, q: Quantity, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (q.sign() < 0) errs.push(FieldError.invalid(path, q.toString(), 'must be greater than or equal to 0'));
  if (isIntegerResource(resource) && q.milliValue() % 1000n !== 0n) errs.push(FieldError.invalid(path, q.toString(), 'must be an integer'));
  return errs;
}

export function validateContainerResourceRequirements(req: ResourceRequirements | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const limits = asRecord(req?.limits);
  const requests = asRecord(req?.requests);
  const limitQ = new Map<string, Quantity>();
  for (const [name, v] of Object.entries(limits)) {
    const p = `${path}.limits[${name}]`;
    errs.push(...validateContainerResourceName(name, p));
    const q = quantityAt(v, p, errs);
    if (q) {
      limitQ.set(name, q);
      errs.push(...validateResourceQuantityValue(name, q, p));
    }
  }
  for (const [name, v] of Object.entries(requests)) {
    const p = `${path}.requests[${name}]`;
    errs.push(...validateContainerResourceName(name, p));
    const q = quantityAt(v, p, errs);
    if (!q) continue;
    errs.push(...validateResourceQuantityValue(name, q, p));
    const lim = limitQ.get(name);
    if (lim) {
      if (q.cmp(lim) !== 0 && !isOvercommitAllowed(name)) {
        errs.push(FieldError.invalid(`${path}.requests`, q.toString(), `must be equal to ${name} limit of ${lim.toString()}`));
      } else if (q.cmp(lim) > 0) {
        errs.push(FieldError.invalid(`${path}.requests`, q.toString(), `must be less than or equal to ${name} limit of ${lim.toString()}`));
      }
    } else if (!isOvercommitAllowed(name) && !(name in limits)) {
      errs.push(FieldError.required(`${path}.limits`, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}

const SUPPORTED_HTTP_SCHEMES = ['HTTP', 'HTTPS'];

interface HandlerLike {
  exec?: { command?: string[] };
  httpGet?: { path?: string; port?: unknown; scheme?: string; httpHeaders?: { name: string; value: string }[] };
  tcpSocket?: { port?: unknown };
  grpc?: { port?: number };
  sleep?: { seconds?: number };
}

export function validateHandler(h: HandlerLike, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  const one = (key: string, check: () => FieldError[]) => {
    if (n > 0) errs.push(FieldError.forbidden(`${path}.${key}`, 'may not specify more than 1 handler type'));
    else {
      n++;
      errs.push(...check());
    }
  };
  if (h.exec) one('exec', () => (asArray(h.exec?.command).length ? [] : [FieldError.required(`${path}.exec.command`)]));
  if (h.httpGet) {
    const g = h.httpGet;
    one('httpGet', () => {
      const e: FieldError[] = [];
      if (!g.path) e.push(FieldError.required(`${path}.httpGet.path`));
      e.push(...validatePortNumOrName(g.port, `${path}.httpGet.port`));
      if (!SUPPORTED_HTTP_SCHEMES.includes(g.scheme ?? '')) e.push(FieldError.notSupported(`${path}.httpGet.scheme`, g.scheme ?? '', SUPPORTED_HTTP_SCHEMES));
      return e;
    });
  }
  if (h.tcpSocket) one('tcpSocket', () => validatePortNumOrName(h.tcpSocket?.port, `${path}.tcpSocket.port`));
  if (h.grpc) {
    const port = h.grpc.port ?? 0;
    one('grpc', () => isValidPortNum(port).map((m) => FieldError.invalid(`${path}.grpc.port`, port, m)));
  }
  if (h.sleep) one('sleep', () => []);
  if (n === 0) errs.push(FieldError.required(path, 'must specify a handler type'));
  return errs;
}

export function validateProbe(probe: Probe | undefined, path: string): FieldError[] {
  if (!probe) return [];
  const errs = validateHandler(probe, path);
  errs.push(...validateNonnegativeField(probe.initialDelaySeconds, `${path}.initialDelaySeconds`));
  errs.push(...validateNonnegativeField(probe.timeoutSeconds, `${path}.timeoutSeconds`));
  errs.push(...validateNonnegativeField(probe.periodSeconds, `${path}.periodSeconds`));
  errs.push(...validateNonnegativeField(probe.successThreshold, `${path}.successThreshold`));
  errs.push(...validateNonnegativeField(probe.failureThreshold, `${path}.failureThreshold`));
  const tgps = probe.terminationGracePeriodSeconds;
  if (typeof tgps === 'number' && tgps <= 0) errs.push(FieldError.invalid(`${path}.terminationGracePeriodSeconds`, tgps, 'must be greater than 0'));
  return errs;
}

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];

/** validateContainerCommon + probes (regular containers: liveness/startup successThreshold must be 1). */
export function validateContainer(
  ctr: Container,
  volumes: Set<string>,
  path: string,
  opts: PodValidationOptions & { probes?: boolean } = {},
): FieldError[] {
  const errs: FieldError[] = [];
  if (!ctr.name) errs.push(FieldError.required(`${path}.name`));
  else errs.push(...validateDNS1123Label(ctr.name, `${path}.name`));
  if (!ctr.image) errs.push(FieldError.required(`${path}.image`));
  const tmp = ctr.terminationMessagePolicy;
  if (!tmp) errs.push(FieldError.required(`${path}.terminationMessagePolicy`));
  else if (!TERMINATION_MESSAGE_POLICIES.includes(tmp)) errs.push(FieldError.notSupported(`${path}.terminationMessagePolicy`, tmp, TERMINATION_MESSAGE_POLICIES));
  errs.push(...validateContainerPorts(ctr.ports, `${path}.ports`));
  errs.push(...validateEnv(ctr.env, `${path}.env`, opts));
  errs.push(...validateVolumeMounts(ctr.volumeMounts, volumes, `${path}.volumeMounts`));
  const pp = ctr.imagePullPolicy;
  if (!pp) errs.push(FieldError.required(`${path}.imagePullPolicy`));
  else if (!PULL_POLICIES.includes(pp)) errs.push(FieldError.notSupported(`${path}.imagePullPolicy`, pp, PULL_POLICIES));
  errs.push(...validateContainerResourceRequirements(ctr.resources, `${path}.resources`));
  if (opts.probes ?? true) {
    errs.push(...validateProbe(ctr.livenessProbe, `${path}.livenessProbe`));
    if (ctr.livenessProbe && ctr.livenessProbe.successThreshold !== 1) {
      errs.push(FieldError.invalid(`${path}.livenessProbe.successThreshold`, ctr.livenessProbe.successThreshold ?? 0, 'must be 1'));
    }
    errs.push(...validateProbe(ctr.readinessProbe, `${path}.readinessProbe`));
    if (ctr.readinessProbe?.terminationGracePeriodSeconds !== undefined) {
      errs.push(
        FieldError.invalid(`${path}.readinessProbe.terminationGracePeriodSeconds`, ctr.readinessProbe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'),
      );
    }
    errs.push(...validateProbe(ctr.startupProbe, `${path}.startupProbe`));
    if (ctr.startupProbe && ctr.startupProbe.successThreshold !== 1) {
      errs.push(FieldError.invalid(`${path}.startupProbe.successThreshold`, ctr.startupProbe.successThreshold ?? 0, 'must be 1'));
    }
    for (const hook of ['postStart', 'preStop'] as const) {
      const h = ctr.lifecycle?.[hook];
      if (h) errs.push(...validateHandler(h, `${path}.lifecycle.${hook}`));
    }
  }
  return errs;
}
