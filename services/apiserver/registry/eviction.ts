// pods/eviction (pkg/registry/core/pod/storage/eviction.go): deleting a pod only as far as its
// PodDisruptionBudget allows. A pod not running yet, finished or already terminating is deleted
// outright; otherwise the one budget whose selector matches it must allow a disruption: its
// status.disruptionsAllowed is decremented and the pod recorded in status.disruptedPods in the SAME
// transaction as the pod's deletion (compared on the budget's revision, so two evictions can never
// both spend its last disruption). A budget that allows none answers 429 with Kubernetes' message.
import type { KubeObject, StoredObject } from '../../../lib/api/object.js';
import { isPlainObject } from '../../../lib/api/object.js';
import { findResource, storageKey } from '../../../lib/api/resources.js';
import { errors, failure, type StatusError } from '../../../lib/api/status.js';
import { selectorFromLabelSelector } from '../../../lib/api/validation/meta.js';
import type { ApiStorage } from './api-storage.js';
import { parseListOptions } from './list-options.js';
import { formatTime } from './object-meta.js';
import type { DeleteOptions } from './resource-store.js';
import type { WriteExtras } from './write-hooks.js';

const PODS = findResource('', 'v1', 'pods')!;
const PDBS = findResource('policy', 'v1', 'poddisruptionbudgets')!;
const EVICTION_VERSIONS = ['policy/v1', 'policy/v1beta1'];
/** Beyond this many evictions the disruption controller has not confirmed, a budget takes no more. */
const MAX_DISRUPTED_PODS = 2000;
const VIOLATES_BUDGET = "Cannot evict pod as it would violate the pod's disruption budget.";

type Rec = Record<string, unknown>;

function rec(value: unknown): Rec {
  return isPlainObject(value) ? value : {};
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/** The pod's deletion as the Eviction body asks for it (its deleteOptions, the request's dryRun). */
export function evictionDeleteOptions(eviction: unknown, podName: string, dryRun: boolean): DeleteOptions {
  if (!isPlainObject(eviction)) throw errors.badRequest('the request body must be an Eviction object');
  if (eviction.kind !== undefined && eviction.kind !== 'Eviction') throw errors.badRequest(`not a Eviction object: ${String(eviction.kind)}`);
  if (eviction.apiVersion !== undefined && !EVICTION_VERSIONS.includes(String(eviction.apiVersion))) {
    throw errors.badRequest(`the API version in the data (${String(eviction.apiVersion)}) does not match the expected API version (policy/v1)`);
  }
  if (rec(eviction.metadata).name !== podName) throw errors.badRequest('name in URL does not match name in Eviction object');
  const body = rec(eviction.deleteOptions);
  if (body.ignoreStoreReadErrorWithClusterBreakingPotential === true) {
    throw errors.invalid('Eviction', 'policy', podName, [
      { type: 'FieldValueInvalid', field: 'deleteOptions.ignoreStoreReadErrorWithClusterBreakingPotential', badValue: true, detail: 'can not be set for pod eviction, try after removing the option' },
    ]);
  }
  const options: DeleteOptions = { dryRun: dryRun || (Array.isArray(body.dryRun) && body.dryRun.length > 0) };
  if (typeof body.gracePeriodSeconds === 'number') options.gracePeriodSeconds = body.gracePeriodSeconds;
  if (typeof body.propagationPolicy === 'string') options.propagationPolicy = body.propagationPolicy as DeleteOptions['propagationPolicy'];
  const preconditions = rec(body.preconditions);
  if (typeof preconditions.uid === 'string' || typeof preconditions.resourceVersion === 'string') {
    options.preconditions = {
      ...(typeof preconditions.uid === 'string' ? { uid: preconditions.uid } : {}),
      ...(typeof preconditions.resourceVersion === 'string' ? { resourceVersion: preconditions.resourceVersion } : {}),
    };
  }
  return options;
}

function phase(pod: KubeObject): string {
  return String(rec(pod.status).phase ?? '');
}

/** Pods a budget does not protect: not running yet, finished, or already going. */
function canIgnoreBudget(pod: StoredObject): boolean {
  return ['Succeeded', 'Failed', 'Pending'].includes(phase(pod)) || pod.metadata.deletionTimestamp !== undefined;
}

function isReady(pod: KubeObject): boolean {
  const conditions = Array.isArray(rec(pod.status).conditions) ? (rec(pod.status).conditions as unknown[]) : [];
  return conditions.some((c) => rec(c).type === 'Ready' && rec(c).status === 'True');
}

function withResourceVersion(options: DeleteOptions, resourceVersion: string | undefined): DeleteOptions {
  if (options.preconditions?.resourceVersion !== undefined || resourceVersion === undefined) return options;
  return { ...options, preconditions: { ...options.preconditions, resourceVersion } };
}

function tooManyRequests(message: string, cause: string, retryAfterSeconds: number): StatusError {
  // retryAfterSeconds 0 is omitted from the JSON, as Go omits an empty int32.
  return failure(429, 'TooManyRequests', message, { causes: [{ reason: 'DisruptionBudget', message: cause }], ...(retryAfterSeconds > 0 ? { retryAfterSeconds } : {}) });
}

function stillProcessing(name: string): StatusError {
  return tooManyRequests(VIOLATES_BUDGET, `The disruption budget ${name} is still being processed by the server.`, 10);
}

function condition(status: Rec, type: string): Rec | undefined {
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  return conditions.map(rec).find((c) => c.type === type);
}

/** Why a budget with no disruptions left refuses, as Kubernetes explains it. */
function noDisruptionsLeft(pdb: StoredObject): StatusError {
  const status = rec(pdb.status);
  const name = pdb.metadata.name;
  const allowed = condition(status, 'DisruptionAllowed');
  const failedWith = allowed && allowed.status === 'False' && typeof allowed.message === 'string' && allowed.message !== '' ? allowed : undefined;
  let message: string;
  if (failedWith && failedWith.reason === 'SyncFailed') message = `The disruption budget ${name} does not allow evicting pods currently because it failed sync: ${String(failedWith.message)}`;
  else if (num(status.currentHealthy) <= num(status.desiredHealthy)) {
    message = `The disruption budget ${name} needs ${num(status.desiredHealthy)} healthy pods and has ${num(status.currentHealthy)} currently`;
  } else if (failedWith) message = `The disruption budget ${name} does not allow evicting pods currently (${String(failedWith.reason)}): ${String(failedWith.message)}`;
  else message = `The disruption budget ${name} does not allow evicting pods currently`;
  return tooManyRequests(VIOLATES_BUDGET, message, 0);
}

/** The budget after one more disruption (checkAndDecrement), or the refusal. */
function decremented(pdb: StoredObject, podName: string, now: string): KubeObject {
  const status = rec(pdb.status);
  const ref = { group: 'policy', resource: 'poddisruptionbudget' };
  if (num(status.observedGeneration) < (pdb.metadata.generation ?? 0)) throw stillProcessing(pdb.metadata.name);
  const allowed = num(status.disruptionsAllowed);
  if (allowed < 0) throw errors.forbidden(ref, pdb.metadata.name, 'pdb disruptions allowed is negative');
  if (Object.keys(rec(status.disruptedPods)).length > MAX_DISRUPTED_PODS) {
    throw errors.forbidden(ref, pdb.metadata.name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  }
  if (allowed === 0) throw noDisruptionsLeft(pdb);
  const next: Rec = { ...status, disruptionsAllowed: allowed - 1, disruptedPods: { ...rec(status.disruptedPods), [podName]: now } };
  if (allowed - 1 === 0) {
    const conditions = (Array.isArray(status.conditions) ? status.conditions : []).map(rec).filter((c) => c.type !== 'DisruptionAllowed');
    const previous = condition(status, 'DisruptionAllowed');
    conditions.push({
      type: 'DisruptionAllowed',
      status: 'False',
      observedGeneration: num(status.observedGeneration),
      lastTransitionTime: previous && previous.status === 'False' ? previous.lastTransitionTime : now,
      reason: 'InsufficientPods',
      message: '',
    });
    next.conditions = conditions;
  }
  const { resourceVersion: _rv, ...metadata } = pdb.metadata;
  return { ...structuredClone(pdb), metadata, status: next };
}

function markDisruptionTarget(now: string): (pod: StoredObject) => void {
  return (pod) => {
    const status = rec(pod.status);
    const conditions = (Array.isArray(status.conditions) ? status.conditions : []).filter((c) => rec(c).type !== 'DisruptionTarget');
    conditions.push({ type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: now, reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' });
    pod.status = { ...status, conditions };
  };
}

export class PodEviction {
  constructor(
    private readonly storage: ApiStorage,
    private readonly clock: () => Date,
  ) {}

  /** Evicts the pod or throws the StatusError that refuses it. */
  async evict(namespace: string, name: string, options: DeleteOptions): Promise<void> {
    const pods = this.storage.for(PODS);
    const pod = await pods.get({ namespace, name });
    const now = formatTime(this.clock());
    const mark = markDisruptionTarget(now);
    const ref = { namespace, name };
    if (canIgnoreBudget(pod)) {
      const enforce = phase(pod) !== 'Succeeded' && phase(pod) !== 'Failed' && pod.metadata.deletionTimestamp === undefined;
      await pods.delete(ref, { ...(enforce ? withResourceVersion(options, pod.metadata.resourceVersion) : options), mark });
      return;
    }
    const budgets = await this.budgetsOf(pod);
    if (budgets.length > 1) throw failure(500, '', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    const [pdb] = budgets;
    if (!pdb) {
      await pods.delete(ref, { ...options, mark });
      return;
    }
    if (!isReady(pod)) {
      const status = rec(pdb.status);
      const alwaysAllow = rec(pdb.spec).unhealthyPodEvictionPolicy === 'AlwaysAllow';
      if (alwaysAllow || (num(status.currentHealthy) >= num(status.desiredHealthy) && num(status.desiredHealthy) > 0)) {
        try {
          await pods.delete(ref, { ...withResourceVersion(options, pod.metadata.resourceVersion), mark });
        } catch (error) {
          if ((error as StatusError).code === 409 && options.preconditions?.resourceVersion === undefined) throw stillProcessing(pdb.metadata.name);
          throw error;
        }
        return;
      }
    }
    await pods.delete(ref, { ...options, mark, alongside: () => this.spendDisruption(pdb.metadata.name, namespace, name, now) });
  }

  /** The budgets in the pod's namespace whose selectors match it (a budget without a selector matches nothing). */
  private async budgetsOf(pod: StoredObject): Promise<StoredObject[]> {
    const list = await this.storage.for(PDBS).list(pod.metadata.namespace, parseListOptions({}));
    return list.items.filter((pdb) => selectorFromLabelSelector(rec(pdb.spec).selector)?.matches(pod.metadata.labels ?? {}) === true);
  }

  /** The budget's update, to commit only if the budget is still at the revision it was read at. */
  private async spendDisruption(pdbName: string, namespace: string, podName: string, now: string): Promise<WriteExtras> {
    const pdb = await this.storage.for(PDBS).get({ namespace, name: pdbName });
    const next = decremented(pdb, podName, now);
    const key = storageKey(PDBS, namespace, pdbName);
    return {
      compare: [{ key, target: 'mod', op: '=', value: Number(pdb.metadata.resourceVersion) }],
      ops: [{ type: 'put', key, value: this.storage.for(PDBS).canonical(next) }],
    };
  }
}
