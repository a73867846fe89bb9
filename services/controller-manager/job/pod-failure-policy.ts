// A Job's podFailurePolicy applied to one failed pod, as Kubernetes' job controller does: the first
// rule whose onExitCodes (a terminated container's exit code In or NotIn the values, optionally of
// one container) or onPodConditions (a condition type with status) match decides — FailJob (with
// Kubernetes' message), Ignore (not counted towards backoffLimit) or Count. FailIndex is treated as
// Count (backoffLimitPerIndex is not supported).
import type { JobSpec } from 'kubernetes-types/batch/v1.js';
import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';

export interface PolicyVerdict {
  /** Set when the pod matched a FailJob rule. */
  failJobMessage?: string;
  /** False when the pod matched an Ignore rule. */
  counts: boolean;
}

type Rule = NonNullable<JobSpec['podFailurePolicy']>['rules'][number];

function exitCodeMatch(pod: Pod, rule: NonNullable<Rule['onExitCodes']>): ContainerStatus | undefined {
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  return statuses.find((s) => {
    const code = s.state?.terminated?.exitCode;
    if (code === undefined) return false;
    if (rule.containerName && rule.containerName !== s.name) return false;
    const listed = rule.values.includes(code);
    return rule.operator === 'In' ? listed : code !== 0 && !listed;
  });
}

export function matchPodFailurePolicy(spec: JobSpec, pod: Pod): PolicyVerdict {
  const rules = spec.podFailurePolicy?.rules ?? [];
  const { namespace, name } = pod.metadata ?? {};
  for (const [index, rule] of rules.entries()) {
    let failJobMessage: string | undefined;
    if (rule.onExitCodes) {
      const status = exitCodeMatch(pod, rule.onExitCodes);
      if (!status) continue;
      failJobMessage = `Container ${status.name} for pod ${namespace}/${name} failed with exit code ${status.state?.terminated?.exitCode} matching ${rule.action} rule at index ${index}`;
    } else if (rule.onPodConditions) {
      const condition = pod.status?.conditions?.find((c) => rule.onPodConditions!.some((p) => p.type === c.type && (p.status ?? 'True') === c.status));
      if (!condition) continue;
      failJobMessage = `Pod ${namespace}/${name} has condition ${condition.type} matching ${rule.action} rule at index ${index}`;
    } else continue;
    if (rule.action === 'Ignore') return { counts: false };
    if (rule.action === 'FailJob') return { counts: true, failJobMessage };
    return { counts: true };
  }
  return { counts: true };
}
