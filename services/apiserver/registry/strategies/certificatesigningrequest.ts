// certificates.k8s.io/v1 CertificateSigningRequests (pkg/registry/certificates/certificates of
// Kubernetes 1.36). Who asked is recorded at create (spec.username, uid, groups) and nothing a
// client sends can pre-approve a request. The main resource changes only metadata; /approval
// changes only the conditions (Approved and Denied are set there, as `kubectl certificate
// approve|deny` does); /status changes the status but keeps the Approved and Denied conditions
// as they were. Conditions get their lastUpdateTime and lastTransitionTime filled in (from the storage clock).
import { isPlainObject, type KubeObject, type StoredObject } from '../../../../lib/api/object.js';
import { validateApprovalUpdate } from '../../../../lib/api/validation/index.js';
import { formatTime } from '../object-meta.js';
import { defineStrategy, onlyStatus, type SubresourceStrategy } from '../strategy.js';
import { validateStatusUpdate } from '../../../../lib/api/validation/index.js';
import { served } from './served.js';

const info = served('certificates.k8s.io', 'v1', 'certificatesigningrequests');

type Condition = Record<string, unknown>;

function conditionsOf(obj: KubeObject): Condition[] {
  const status = isPlainObject(obj.status) ? obj.status : {};
  return Array.isArray(status.conditions) ? status.conditions.filter(isPlainObject) : [];
}

/** Kubernetes' populateConditionTimestamps: unset times become now, or the old time when the condition did not change. */
function populateConditionTimestamps(next: KubeObject, old: StoredObject, now: string): void {
  const previous = conditionsOf(old);
  for (const condition of conditionsOf(next)) {
    if (condition.lastUpdateTime === undefined || condition.lastUpdateTime === null) condition.lastUpdateTime = now;
    if (condition.lastTransitionTime !== undefined && condition.lastTransitionTime !== null) continue;
    const same = previous.find((c) => c.type === condition.type && c.status === condition.status && typeof c.lastTransitionTime === 'string');
    condition.lastTransitionTime = same ? same.lastTransitionTime : now;
  }
}

function withSpecOf(next: KubeObject, old: StoredObject): KubeObject {
  const merged: KubeObject = { ...next, spec: structuredClone(old.spec) };
  if (old.spec === undefined) delete merged.spec;
  return merged;
}

function ofType(conditions: Condition[], type: string): Condition[] {
  return conditions.filter((c) => c.type === type);
}

/** Whether `next` holds the old Approved (or Denied) conditions unchanged, in the same number. */
function keepsConditions(next: KubeObject, old: StoredObject, type: string): boolean {
  const before = ofType(conditionsOf(old), type);
  const after = ofType(conditionsOf(next), type);
  return before.length === after.length && before.every((c, i) => JSON.stringify(c) === JSON.stringify(after[i]));
}

const status: SubresourceStrategy = {
  prepareForUpdate(next, old, now) {
    const prepared = withSpecOf(onlyStatus(next, old), old);
    // A status update may not touch the approval: when it tried, the old conditions stay.
    if (!keepsConditions(prepared, old, 'Approved') || !keepsConditions(prepared, old, 'Denied')) {
      const oldConditions = isPlainObject(old.status) ? old.status.conditions : undefined;
      prepared.status = { ...(isPlainObject(prepared.status) ? prepared.status : {}), conditions: structuredClone(oldConditions) };
      if (oldConditions === undefined) delete (prepared.status as Record<string, unknown>).conditions;
    }
    populateConditionTimestamps(prepared, old, formatTime(now));
    return prepared;
  },
  validateUpdate: (next, old) => validateStatusUpdate(info, next, old),
};

const approval: SubresourceStrategy = {
  prepareForUpdate(next, old, now) {
    const prepared: KubeObject = { ...structuredClone(old) };
    const oldStatus = isPlainObject(old.status) ? structuredClone(old.status) : {};
    const nextStatus = isPlainObject(next.status) ? next.status : {};
    prepared.status = { ...oldStatus, conditions: structuredClone(nextStatus.conditions) };
    if (nextStatus.conditions === undefined) delete (prepared.status as Record<string, unknown>).conditions;
    populateConditionTimestamps(prepared, old, formatTime(now));
    return prepared;
  },
  validateUpdate: (next, old) => validateApprovalUpdate(info, next, old),
};

export const certificatesigningrequestStrategy = defineStrategy(info, {
  prepareForCreate(csr, user) {
    csr.status = {};
    const spec = isPlainObject(csr.spec) ? csr.spec : (csr.spec = {});
    delete spec.username;
    delete spec.uid;
    delete spec.groups;
    delete spec.extra;
    if (user) {
      spec.username = user.name;
      if (user.uid !== '') spec.uid = user.uid;
      if (user.groups.length > 0) spec.groups = [...user.groups];
    }
  },
  prepareForUpdate(next, old) {
    const prepared = withSpecOf(next, old);
    if (old.status === undefined) delete prepared.status;
    else prepared.status = structuredClone(old.status);
    return prepared;
  },
  status,
  approval,
});
