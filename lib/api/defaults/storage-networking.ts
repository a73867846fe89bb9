// Defaults of the storage, networking and namespace-policy kinds (SetDefaults_PersistentVolume,
// SetDefaults_PersistentVolumeClaim, SetDefaults_LimitRangeItem, SetDefaults_StorageClass,
// SetDefaults_CSIDriver, SetDefaults_NetworkPolicy and SetDefaults_IngressClass of Kubernetes 1.36),
// with the quantities of each written in canonical form as Kubernetes stores them.
import { type Rec, asRec, canonicalizeQuantityField, canonicalizeResourceList, recs, setDefault } from './util.js';

function unset(value: unknown): boolean {
  return value === undefined || value === null;
}

export function defaultResourceQuota(quota: Rec): void {
  canonicalizeResourceList(asRec(quota.spec), 'hard', false);
  const status = asRec(quota.status);
  canonicalizeResourceList(status, 'hard', false);
  canonicalizeResourceList(status, 'used', false);
}

const LIMIT_KEYS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'];

export function defaultLimitRange(limitRange: Rec): void {
  for (const item of recs(asRec(limitRange.spec), 'limits')) {
    for (const key of LIMIT_KEYS) canonicalizeResourceList(item, key, false);
    if (item.type !== 'Container') continue;
    // A missing default limit is the max; a missing default request is the default limit, else the min.
    const defaults: Rec = { ...(asRec(item.default) ?? {}) };
    const requests: Rec = { ...(asRec(item.defaultRequest) ?? {}) };
    for (const [k, v] of Object.entries(asRec(item.max) ?? {})) if (!(k in defaults)) defaults[k] = v;
    for (const [k, v] of Object.entries(defaults)) if (!(k in requests)) requests[k] = v;
    for (const [k, v] of Object.entries(asRec(item.min) ?? {})) if (!(k in requests)) requests[k] = v;
    if (Object.keys(defaults).length > 0) item.default = defaults;
    if (Object.keys(requests).length > 0) item.defaultRequest = requests;
  }
}

export function defaultPersistentVolumeSpec(spec: Rec): void {
  setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setDefault(spec, 'volumeMode', 'Filesystem');
  canonicalizeResourceList(spec, 'capacity', false);
  const hostPath = asRec(spec.hostPath);
  if (hostPath && hostPath.type === undefined) hostPath.type = '';
}

export function defaultPersistentVolume(pv: Rec): void {
  const spec = asRec(pv.spec);
  if (spec) defaultPersistentVolumeSpec(spec);
  if (unset(pv.status)) pv.status = {};
  const status = asRec(pv.status);
  if (status) setDefault(status, 'phase', 'Pending');
}

export function defaultPersistentVolumeClaim(pvc: Rec): void {
  const spec = asRec(pvc.spec);
  if (spec) {
    setDefault(spec, 'volumeMode', 'Filesystem');
    const resources = asRec(spec.resources);
    canonicalizeResourceList(resources, 'requests', false);
    canonicalizeResourceList(resources, 'limits', false);
  }
  if (unset(pvc.status)) pvc.status = {};
  const status = asRec(pvc.status);
  if (status) {
    setDefault(status, 'phase', 'Pending');
    canonicalizeResourceList(status, 'capacity', false);
    canonicalizeResourceList(status, 'allocatedResources', false);
  }
}

export function defaultStorageClass(sc: Rec): void {
  setDefault(sc, 'reclaimPolicy', 'Delete');
  setDefault(sc, 'volumeBindingMode', 'Immediate');
}

export function defaultCSIDriver(driver: Rec): void {
  const spec = asRec(driver.spec);
  if (!spec) return;
  if (unset(spec.attachRequired)) spec.attachRequired = true;
  if (unset(spec.podInfoOnMount)) spec.podInfoOnMount = false;
  if (unset(spec.storageCapacity)) spec.storageCapacity = false;
  setDefault(spec, 'fsGroupPolicy', 'ReadWriteOnceWithFSType');
  if (!Array.isArray(spec.volumeLifecycleModes) || spec.volumeLifecycleModes.length === 0) spec.volumeLifecycleModes = ['Persistent'];
  if (unset(spec.requiresRepublish)) spec.requiresRepublish = false;
  if (unset(spec.seLinuxMount)) spec.seLinuxMount = false;
}

export function defaultCSIStorageCapacity(capacity: Rec): void {
  for (const key of ['capacity', 'maximumVolumeSize']) if (!unset(capacity[key])) canonicalizeQuantityField(capacity, key);
}

export function defaultVolumeAttachment(attachment: Rec): void {
  const inline = asRec(asRec(asRec(attachment.spec)?.source)?.inlineVolumeSpec);
  if (inline) defaultPersistentVolumeSpec(inline);
}

export function defaultNetworkPolicy(policy: Rec): void {
  const spec = asRec(policy.spec);
  if (!spec) return;
  for (const direction of ['ingress', 'egress']) {
    for (const rule of recs(spec, direction)) for (const port of recs(rule, 'ports')) setDefault(port, 'protocol', 'TCP');
  }
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

export function defaultIngressClass(ingressClass: Rec): void {
  const parameters = asRec(asRec(ingressClass.spec)?.parameters);
  if (parameters) setDefault(parameters, 'scope', 'Cluster');
}
