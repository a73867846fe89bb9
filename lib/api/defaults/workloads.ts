// Defaults of the batch, apps (StatefulSet), core (ReplicationController, PodTemplate), policy,
// scheduling and autoscaling kinds: SetDefaults_Job, SetDefaults_CronJob, SetDefaults_StatefulSet,
// SetDefaults_ReplicationController, SetDefaults_PriorityClass and SetDefaults_HorizontalPodAutoscaler
// of Kubernetes 1.36, with the pod-template defaults every embedded template gets.
import { defaultPodTemplate } from './pod.js';
import { type Rec, asRec, ensureRec, recs, setDefault } from './util.js';

const MAX_INT32 = 2147483647;

function unset(value: unknown): boolean {
  return value === undefined || value === null;
}

/** What a Job spec and a CronJob's job template share: the pod template and pod-failure-policy patterns. */
function defaultJobSpecParts(spec: Rec): void {
  for (const rule of recs(asRec(spec.podFailurePolicy), 'rules')) {
    for (const pattern of recs(rule, 'onPodConditions')) setDefault(pattern, 'status', 'True');
  }
  defaultPodTemplate(spec.template);
}

export function defaultJob(job: Rec): void {
  const spec = asRec(job.spec);
  if (!spec) return;
  if (unset(spec.completions) && unset(spec.parallelism)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (unset(spec.parallelism)) spec.parallelism = 1;
  if (unset(spec.backoffLimit)) spec.backoffLimit = unset(spec.backoffLimitPerIndex) ? 6 : MAX_INT32;
  const templateLabels = asRec(asRec(asRec(spec.template)?.metadata)?.labels);
  const meta = ensureRec(job, 'metadata');
  if (templateLabels && meta && Object.keys(asRec(meta.labels) ?? {}).length === 0) meta.labels = { ...templateLabels };
  setDefault(spec, 'completionMode', 'NonIndexed');
  if (unset(spec.suspend)) spec.suspend = false;
  setDefault(spec, 'podReplacementPolicy', unset(spec.podFailurePolicy) ? 'TerminatingOrFailed' : 'Failed');
  if (unset(spec.manualSelector)) spec.manualSelector = false;
  defaultJobSpecParts(spec);
}

export function defaultCronJob(cronJob: Rec): void {
  const spec = asRec(cronJob.spec);
  if (!spec) return;
  setDefault(spec, 'concurrencyPolicy', 'Allow');
  if (unset(spec.suspend)) spec.suspend = false;
  if (unset(spec.successfulJobsHistoryLimit)) spec.successfulJobsHistoryLimit = 3;
  if (unset(spec.failedJobsHistoryLimit)) spec.failedJobsHistoryLimit = 1;
  const jobSpec = asRec(asRec(spec.jobTemplate)?.spec);
  if (jobSpec) defaultJobSpecParts(jobSpec);
}

export function defaultStatefulSet(statefulSet: Rec): void {
  const spec = asRec(statefulSet.spec);
  if (!spec) return;
  setDefault(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = ensureRec(spec, 'updateStrategy');
  if (strategy) {
    if (unset(strategy.type) || strategy.type === '') {
      strategy.type = 'RollingUpdate';
      if (unset(strategy.rollingUpdate)) strategy.rollingUpdate = {};
    }
    const rollingUpdate = asRec(strategy.rollingUpdate);
    if (strategy.type === 'RollingUpdate' && rollingUpdate && unset(rollingUpdate.partition)) rollingUpdate.partition = 0;
  }
  const retention = ensureRec(spec, 'persistentVolumeClaimRetentionPolicy');
  if (retention) {
    setDefault(retention, 'whenDeleted', 'Retain');
    setDefault(retention, 'whenScaled', 'Retain');
  }
  if (unset(spec.replicas)) spec.replicas = 1;
  if (unset(spec.revisionHistoryLimit)) spec.revisionHistoryLimit = 10;
  for (const claim of recs(spec, 'volumeClaimTemplates')) {
    const claimSpec = asRec(claim.spec);
    if (claimSpec) setDefault(claimSpec, 'volumeMode', 'Filesystem');
    const status = ensureRec(claim, 'status');
    if (status) setDefault(status, 'phase', 'Pending');
  }
  defaultPodTemplate(spec.template);
}

/** A ReplicationController's selector and labels default to its template's labels. */
export function defaultReplicationController(controller: Rec): void {
  const spec = asRec(controller.spec);
  if (!spec) return;
  const labels = asRec(asRec(asRec(spec.template)?.metadata)?.labels);
  if (labels) {
    if (Object.keys(asRec(spec.selector) ?? {}).length === 0) spec.selector = { ...labels };
    const meta = ensureRec(controller, 'metadata');
    if (meta && Object.keys(asRec(meta.labels) ?? {}).length === 0) meta.labels = { ...labels };
  }
  if (unset(spec.replicas)) spec.replicas = 1;
  defaultPodTemplate(spec.template);
}

export function defaultPodTemplateObject(podTemplate: Rec): void {
  defaultPodTemplate(podTemplate.template);
}

export function defaultPriorityClass(priorityClass: Rec): void {
  setDefault(priorityClass, 'preemptionPolicy', 'PreemptLowerPriority');
}

const SCALE_UP_RULES: Rec = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};
const SCALE_DOWN_RULES: Rec = { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };

/** The fields of `given` that are set, over the defaults (copyHPAScalingRules). */
function scalingRules(given: unknown, defaults: Rec): Rec {
  const rules = structuredClone(defaults);
  const from = asRec(given);
  if (!from) return rules;
  for (const key of ['selectPolicy', 'stabilizationWindowSeconds', 'policies', 'tolerance']) if (!unset(from[key])) rules[key] = from[key];
  return rules;
}

export function defaultHorizontalPodAutoscalerV2(hpa: Rec): void {
  const spec = asRec(hpa.spec);
  if (!spec) return;
  if (unset(spec.minReplicas)) spec.minReplicas = 1;
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
  const behavior = asRec(spec.behavior);
  if (behavior) {
    behavior.scaleUp = scalingRules(behavior.scaleUp, SCALE_UP_RULES);
    behavior.scaleDown = scalingRules(behavior.scaleDown, SCALE_DOWN_RULES);
  }
}

export function defaultHorizontalPodAutoscalerV1(hpa: Rec): void {
  const spec = asRec(hpa.spec);
  if (spec && unset(spec.minReplicas)) spec.minReplicas = 1;
}
