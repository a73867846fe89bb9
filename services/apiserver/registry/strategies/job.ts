// batch/v1 Jobs: the spec counts generations (the job controller reports progress against it), the
// status is the controller's, through /status, and unless the client asks for a manual selector the
// server generates one: the job's uid and name become labels of its pod template, and the selector
// matches the uid (Kubernetes' generateSelector), so a Job never adopts another Job's pods.
import { isPlainObject, type KubeObject } from '../../../../lib/api/object.js';
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

/** Labels the job controller and kubectl read on a Job's pods; the unprefixed ones are the legacy pair. */
export const JOB_NAME_LABELS = ['job-name', 'batch.kubernetes.io/job-name'] as const;
export const CONTROLLER_UID_LABELS = ['controller-uid', 'batch.kubernetes.io/controller-uid'] as const;

function record(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  if (!isPlainObject(parent[key])) parent[key] = {};
  return parent[key] as Record<string, unknown>;
}

/** Adds what a Job without spec.manualSelector gets: template labels and a selector on its uid. */
export function generateJobSelector(job: KubeObject): void {
  if (!isPlainObject(job.spec)) return;
  const spec = job.spec;
  if (spec.manualSelector === true) return;
  const name = job.metadata?.name ?? '';
  const uid = job.metadata?.uid ?? '';
  const templateMeta = record(record(spec, 'template'), 'metadata');
  const labels = record(templateMeta, 'labels');
  for (const key of JOB_NAME_LABELS) if (!(key in labels)) labels[key] = name;
  for (const key of CONTROLLER_UID_LABELS) if (!(key in labels)) labels[key] = uid;
  const matchLabels = record(record(spec, 'selector'), 'matchLabels');
  if (!(CONTROLLER_UID_LABELS[1] in matchLabels)) matchLabels[CONTROLLER_UID_LABELS[1]] = uid;
}

export const jobStrategy = defineStrategy(served('batch', 'v1', 'jobs'), {
  tracksGeneration: true,
  prepareForCreate(job) {
    job.status = {};
    generateJobSelector(job);
  },
});
