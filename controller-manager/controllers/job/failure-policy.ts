/** spec.podFailurePolicy (k/k pkg/controller/job/pod_failure_policy.go matchPodFailurePolicy). */
import type { Job, PodFailurePolicyOnExitCodesRequirement, PodFailurePolicyRule } from 'kubernetes-types/batch/v1.js';
import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';

export type FailureAction = 'FailJob' | 'Ignore' | 'Count' | 'FailIndex';

export interface FailureMatch {
  action: FailureAction;
  /** upstream's message, used for the FailJob condition */
  message: string;
}

function exitCodeMatches(code: number, req: PodFailurePolicyOnExitCodesRequirement): boolean {
  const listed = (req.values ?? []).includes(code);
  return req.operator === 'In' ? listed : req.operator === 'NotIn' ? !listed : false;
}

/** The first terminated container (init, then app) with a non-zero exit code the requirement matches. */
function matchingContainer(pod: Pod, req: PodFailurePolicyOnExitCodesRequirement): ContainerStatus | undefined {
  for (const statuses of [pod.status?.initContainerStatuses ?? [], pod.status?.containerStatuses ?? []]) {
    for (const cs of statuses) {
      const code = cs.state?.terminated?.exitCode;
      if (code === undefined || code === 0) continue;
      if (req.containerName && req.containerName !== cs.name) continue;
      if (exitCodeMatches(code, req)) return cs;
    }
  }
  return undefined;
}

function ruleMatch(pod: Pod, rule: PodFailurePolicyRule, index: number): FailureMatch | undefined {
  const action = rule.action as FailureAction;
  const where = `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
  if (rule.onExitCodes) {
    const cs = matchingContainer(pod, rule.onExitCodes);
    if (cs) return { action, message: `Container ${cs.name} for pod ${where} failed with exit code ${cs.state?.terminated?.exitCode ?? 0} matching ${action} rule at index ${index}` };
  }
  for (const pattern of rule.onPodConditions ?? []) {
    const c = (pod.status?.conditions ?? []).find((x) => x.type === pattern.type && x.status === (pattern.status || 'True'));
    if (c) return { action, message: `Pod ${where} has condition ${c.type} matching ${action} rule at index ${index}` };
  }
  return undefined;
}

/** The first rule a failed pod matches; undefined when the Job has no policy or no rule matches (counted as usual). */
export function matchPodFailurePolicy(job: Job, pod: Pod): FailureMatch | undefined {
  const rules = job.spec?.podFailurePolicy?.rules ?? [];
  for (let i = 0; i < rules.length; i++) {
    const m = ruleMatch(pod, rules[i], i);
    if (m) return m;
  }
  return undefined;
}
