// core/v1 PersistentVolumes and PersistentVolumeClaims (pkg/apis/core/validation of Kubernetes
// 1.36): access modes, capacity and requested storage, exactly one volume source, reclaim policy,
// volume mode, class names, data sources, and what may change once a claim or volume exists.
import { FieldPath, fieldErrors } from '../field-errors.js';
import { isDNS1123Label, isDNS1123Subdomain, nameIsDNSSubdomain } from '../names.js';
import { semanticEqual } from './equality.js';
import { GoValue } from './go-format.js';
import { Errs, type Rec, optStr, rec, recList, str, strList } from './json.js';
import { type MetaRules, validateImmutable, validateLabelSelector, validateObjectMeta } from './meta.js';
import { type Quantity, compareQuantities, formatQuantity, isZeroQuantity, isNegativeQuantity } from './quantity.js';
import { readQuantity, validateResourceQuantityValue } from './resources.js';
import { validateNodeSelectorTerm } from './scheduling.js';
import { SOURCES, validateSource } from './volumes.js';

export const PV_META: MetaRules = { nameRule: nameIsDNSSubdomain, namespaced: false, kubeFinalizers: true };
export const PVC_META: MetaRules = { nameRule: nameIsDNSSubdomain, namespaced: true, kubeFinalizers: true };

export const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
const VOLUME_MODES = ['Block', 'Filesystem'];
const SPEC = FieldPath.root('spec');

/** Sources a PersistentVolume may have: the pod sources minus the pod-only ones, plus local. */
const PV_SOURCE_KEYS = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'glusterfs',
  'flocker',
  'nfs',
  'rbd',
  'quobyte',
  'cephfs',
  'iscsi',
  'cinder',
  'fc',
  'flexVolume',
  'azureFile',
  'vsphereVolume',
  'photonPersistentDisk',
  'portworxVolume',
  'azureDisk',
  'scaleIO',
  'local',
  'storageos',
  'csi',
];

function validateAccessModes(errs: Errs, modes: string[], path: FieldPath): void {
  let readWriteOncePod = false;
  let other = false;
  for (const mode of modes) {
    if (!ACCESS_MODES.includes(mode)) errs.add(fieldErrors.notSupported(path.toString(), mode, ACCESS_MODES));
    else if (mode === 'ReadWriteOncePod') readWriteOncePod = true;
    else other = true;
  }
  if (readWriteOncePod && other) errs.add(fieldErrors.forbidden(path.toString(), 'may not use ReadWriteOncePod with other access modes'));
}

/** ValidatePositiveQuantityValue. */
function validatePositiveQuantity(errs: Errs, q: Quantity, path: FieldPath): boolean {
  if (isZeroQuantity(q) || isNegativeQuantity(q)) {
    errs.invalid(path, formatQuantity(q), ['must be greater than zero']);
    return false;
  }
  return true;
}

function validateClassName(errs: Errs, name: string, path: FieldPath): void {
  errs.invalid(path, name, isDNS1123Subdomain(name));
}

function validateVolumeNodeAffinity(errs: Errs, affinity: Rec, path: FieldPath): boolean {
  const required = rec(errs, affinity, 'required', path);
  if (!required) {
    errs.add(fieldErrors.required(path.child('required').toString(), 'must specify required node constraints'));
    return false;
  }
  const rp = path.child('required');
  const terms = recList(errs, required, 'nodeSelectorTerms', rp);
  if (terms.length === 0) errs.add(fieldErrors.required(rp.child('nodeSelectorTerms').toString(), 'must have at least one node selector term'));
  terms.forEach((term, i) => validateNodeSelectorTerm(errs, term, false, rp.child('nodeSelectorTerms').index(i)));
  return true;
}

export function validatePersistentVolumeSpec(errs: Errs, spec: Rec, inline: boolean, path: FieldPath): void {
  if (inline) {
    if (spec.claimRef !== undefined && spec.claimRef !== null) errs.add(fieldErrors.forbidden(path.child('claimRef').toString(), 'may not be specified in the context of inline volumes'));
    if (Object.keys(rec(errs, spec, 'capacity', path) ?? {}).length > 0) {
      errs.add(fieldErrors.forbidden(path.child('capacity').toString(), 'may not be specified in the context of inline volumes'));
    }
    if (!rec(errs, spec, 'csi', path)) errs.add(fieldErrors.required(path.child('csi').toString(), 'has to be specified in the context of inline volumes'));
  }
  const modes = strList(errs, spec, 'accessModes', path);
  if (modes.length === 0) errs.add(fieldErrors.required(path.child('accessModes').toString(), ''));
  validateAccessModes(errs, modes, path.child('accessModes'));
  if (!inline) {
    const capacity = rec(errs, spec, 'capacity', path) ?? {};
    const names = Object.keys(capacity);
    if (names.length === 0) errs.add(fieldErrors.required(path.child('capacity').toString(), ''));
    if (!('storage' in capacity) || names.length > 1) {
      errs.add(fieldErrors.notSupported(path.child('capacity').toString(), new GoValue(`map[${names.sort().join(' ')}]`), ['storage']));
    }
    for (const name of names) {
      const q = readQuantity(errs, capacity[name], path.child('capacity').key(name));
      if (!q) continue;
      if (isNegativeQuantity(q)) errs.invalid(path.child('capacity').key(name), formatQuantity(q), ['must be a valid resource quantity']);
      validatePositiveQuantity(errs, q, path.child('capacity').key(name));
    }
  }
  const reclaimPolicy = optStr(errs, spec, 'persistentVolumeReclaimPolicy', path) ?? '';
  if (reclaimPolicy !== '') {
    if (inline && reclaimPolicy !== 'Retain') {
      errs.add(fieldErrors.forbidden(path.child('persistentVolumeReclaimPolicy').toString(), 'may only be Retain in the context of inline volumes'));
    } else if (!inline && !RECLAIM_POLICIES.includes(reclaimPolicy)) {
      errs.add(fieldErrors.notSupported(path.child('persistentVolumeReclaimPolicy').toString(), reclaimPolicy, RECLAIM_POLICIES));
    }
  }
  let affinitySpecified = false;
  const affinity = rec(errs, spec, 'nodeAffinity', path);
  if (affinity) {
    if (inline) errs.add(fieldErrors.forbidden(path.child('nodeAffinity').toString(), 'may not be specified in the context of inline volumes'));
    else affinitySpecified = validateVolumeNodeAffinity(errs, affinity, path.child('nodeAffinity'));
  }
  let sources = 0;
  for (const key of PV_SOURCE_KEYS) {
    const source = rec(errs, spec, key, path);
    if (!source) continue;
    if (sources > 0 && key !== 'flexVolume') {
      errs.add(fieldErrors.forbidden(path.child(key).toString(), 'may not specify more than 1 volume type'));
      continue;
    }
    sources++;
    if (key === 'local') {
      if (str(errs, source, 'path', path.child(key)) === '') errs.add(fieldErrors.required(path.child(key).child('path').toString(), ''));
      if (!affinitySpecified) errs.add(fieldErrors.required(path.child('nodeAffinity').toString(), 'Local volume requires node affinity'));
    } else if (key === 'csi') {
      const p = path.child('csi');
      const driver = str(errs, source, 'driver', p);
      if (driver === '') errs.add(fieldErrors.required(p.child('driver').toString(), ''));
      errs.invalid(p.child('driver'), driver, driver === '' ? [] : isDNS1123Subdomain(driver.toLowerCase()));
      if (str(errs, source, 'volumeHandle', p) === '') errs.add(fieldErrors.required(p.child('volumeHandle').toString(), ''));
    } else {
      validateSource(errs, key, source, path.child(key), SOURCES.find((s) => s.key === key)?.required);
    }
  }
  if (sources === 0) errs.add(fieldErrors.required(path.toString(), 'must specify a volume type'));
  const className = optStr(errs, spec, 'storageClassName', path) ?? '';
  if (className !== '') {
    if (inline) errs.add(fieldErrors.forbidden(path.child('storageClassName').toString(), 'may not be specified in the context of inline volumes'));
    else validateClassName(errs, className, path.child('storageClassName'));
  }
  const volumeMode = optStr(errs, spec, 'volumeMode', path);
  if (volumeMode !== undefined) {
    if (inline && volumeMode !== 'Filesystem') {
      errs.add(fieldErrors.forbidden(path.child('volumeMode').toString(), 'may not specify volumeMode other than Filesystem in the context of inline volumes'));
    } else if (!inline && !VOLUME_MODES.includes(volumeMode)) {
      errs.add(fieldErrors.notSupported(path.child('volumeMode').toString(), volumeMode, VOLUME_MODES));
    }
  }
  const attributesClass = optStr(errs, spec, 'volumeAttributesClassName', path);
  if (attributesClass !== undefined) {
    if (attributesClass === '') errs.add(fieldErrors.required(path.child('volumeAttributesClassName').toString(), 'an empty string is disallowed'));
    else validateClassName(errs, attributesClass, path.child('volumeAttributesClassName'));
    if (!rec(errs, spec, 'csi', path)) errs.add(fieldErrors.required(path.child('csi').toString(), 'has to be specified when using volumeAttributesClassName'));
  }
}

export function validatePersistentVolume(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, PV_META);
  validatePersistentVolumeSpec(errs, rec(errs, obj, 'spec', FieldPath.root()) ?? {}, false, SPEC);
}

function sourceOf(spec: Rec): Rec {
  const out: Rec = {};
  for (const key of PV_SOURCE_KEYS) if (spec[key] !== undefined && spec[key] !== null) out[key] = spec[key];
  return out;
}

export function validatePersistentVolumeUpdate(errs: Errs, obj: Rec, old: Rec): void {
  validatePersistentVolume(errs, obj);
  const scratch = new Errs();
  const spec = rec(scratch, obj, 'spec', FieldPath.root()) ?? {};
  const oldSpec = rec(scratch, old, 'spec', FieldPath.root()) ?? {};
  const next = sourceOf(spec);
  const prev = sourceOf(oldSpec);
  // A CSI volume may gain a controllerExpandSecretRef.
  const nextCsi = next.csi as Rec | undefined;
  const prevCsi = prev.csi as Rec | undefined;
  if (nextCsi && prevCsi && prevCsi.controllerExpandSecretRef === undefined) {
    const { controllerExpandSecretRef: _ignored, ...rest } = nextCsi;
    next.csi = rest;
  }
  if (!semanticEqual(next, prev)) errs.add(fieldErrors.forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
  validateImmutable(errs, spec.volumeMode, oldSpec.volumeMode, FieldPath.root('volumeMode'));
  if (oldSpec.nodeAffinity !== undefined && oldSpec.nodeAffinity !== null && !semanticEqual(spec.nodeAffinity, oldSpec.nodeAffinity)) {
    errs.invalid(FieldPath.root('nodeAffinity'), spec.nodeAffinity ?? null, ['field is immutable']);
  }
  if (oldSpec.volumeAttributesClassName !== undefined && spec.volumeAttributesClassName === undefined) {
    errs.add(fieldErrors.forbidden('spec.volumeAttributesClassName', 'update from non-nil value to nil is forbidden'));
  }
}

function validateDataSource(errs: Errs, source: Rec, path: FieldPath, withNamespace: boolean): void {
  if (str(errs, source, 'name', path) === '') errs.add(fieldErrors.required(path.child('name').toString(), ''));
  const kind = str(errs, source, 'kind', path);
  if (kind === '') errs.add(fieldErrors.required(path.child('kind').toString(), ''));
  const apiGroup = optStr(errs, source, 'apiGroup', path) ?? '';
  if (apiGroup === '' && kind !== 'PersistentVolumeClaim') errs.invalid(path, kind, ["must be 'PersistentVolumeClaim' when referencing the default apiGroup"]);
  if (apiGroup !== '') errs.invalid(path.child('apiGroup'), apiGroup, isDNS1123Subdomain(apiGroup));
  const namespace = withNamespace ? (optStr(errs, source, 'namespace', path) ?? '') : '';
  if (namespace !== '') errs.invalid(path.child('namespace'), namespace, isDNS1123Label(namespace));
}

export function validatePersistentVolumeClaimSpec(errs: Errs, spec: Rec, path: FieldPath): void {
  const modes = strList(errs, spec, 'accessModes', path);
  if (modes.length === 0) errs.add(fieldErrors.required(path.child('accessModes').toString(), 'at least 1 access mode is required'));
  validateLabelSelector(errs, rec(errs, spec, 'selector', path), path.child('selector'));
  validateAccessModes(errs, modes, path.child('accessModes'));
  const requests = rec(errs, rec(errs, spec, 'resources', path), 'requests', path.child('resources')) ?? {};
  const storagePath = path.child('resources').key('storage');
  if (!('storage' in requests)) {
    errs.add(fieldErrors.required(storagePath.toString(), ''));
  } else {
    const q = readQuantity(errs, requests.storage, storagePath);
    if (q && validatePositiveQuantity(errs, q, storagePath)) validateResourceQuantityValue(errs, 'storage', q, storagePath);
  }
  const className = optStr(errs, spec, 'storageClassName', path) ?? '';
  if (className !== '') validateClassName(errs, className, path.child('storageClassName'));
  const volumeMode = optStr(errs, spec, 'volumeMode', path);
  if (volumeMode !== undefined && !VOLUME_MODES.includes(volumeMode)) errs.add(fieldErrors.notSupported(path.child('volumeMode').toString(), volumeMode, VOLUME_MODES));
  const dataSource = rec(errs, spec, 'dataSource', path);
  const dataSourceRef = rec(errs, spec, 'dataSourceRef', path);
  if (dataSource) validateDataSource(errs, dataSource, path.child('dataSource'), false);
  if (dataSourceRef) validateDataSource(errs, dataSourceRef, path.child('dataSourceRef'), true);
  if (dataSourceRef && typeof dataSourceRef.namespace === 'string' && dataSourceRef.namespace !== '') {
    if (dataSource) errs.invalid(path, new GoValue(path.child('dataSource').toString()), ['may not be specified when dataSourceRef.namespace is specified']);
  } else if (dataSource && dataSourceRef) {
    const same = (dataSource.apiGroup ?? null) === (dataSourceRef.apiGroup ?? null) && dataSource.kind === dataSourceRef.kind && dataSource.name === dataSourceRef.name;
    if (!same) errs.invalid(path, new GoValue(path.child('dataSource').toString()), ['must match dataSourceRef']);
  }
  const attributesClass = optStr(errs, spec, 'volumeAttributesClassName', path) ?? '';
  if (attributesClass !== '') validateClassName(errs, attributesClass, path.child('volumeAttributesClassName'));
}

export function validatePersistentVolumeClaim(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, PVC_META);
  validatePersistentVolumeClaimSpec(errs, rec(errs, obj, 'spec', FieldPath.root()) ?? {}, SPEC);
}

const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

function storageOf(spec: Rec | undefined): Quantity | undefined {
  const requests = (spec?.resources as Rec | undefined)?.requests as Rec | undefined;
  const scratch = new Errs();
  return requests?.storage === undefined ? undefined : readQuantity(scratch, requests.storage, FieldPath.root());
}

export function validatePersistentVolumeClaimUpdate(errs: Errs, obj: Rec, old: Rec): void {
  validatePersistentVolumeClaim(errs, obj);
  const scratch = new Errs();
  const spec = structuredClone(rec(scratch, obj, 'spec', FieldPath.root()) ?? {});
  const oldSpec = structuredClone(rec(scratch, old, 'spec', FieldPath.root()) ?? {});
  // The volume name may be set once (the binder does); a class name may be set where none was.
  if ((oldSpec.volumeName ?? '') === '') oldSpec.volumeName = spec.volumeName;
  const annotations = ((obj.metadata as Rec | undefined)?.annotations ?? {}) as Rec;
  const oldAnnotations = ((old.metadata as Rec | undefined)?.annotations ?? {}) as Rec;
  validateImmutable(errs, annotations[BETA_CLASS_ANNOTATION], oldAnnotations[BETA_CLASS_ANNOTATION], FieldPath.root('metadata').child('annotations').key(BETA_CLASS_ANNOTATION), annotations[BETA_CLASS_ANNOTATION] ?? '');
  if (oldSpec.storageClassName === undefined && oldAnnotations[BETA_CLASS_ANNOTATION] === undefined) oldSpec.storageClassName = spec.storageClassName;
  const bound = (obj.status as Rec | undefined)?.phase === 'Bound';
  const storageNow = (spec.resources as Rec | undefined)?.requests as Rec | undefined;
  const storageBefore = (oldSpec.resources as Rec | undefined)?.requests as Rec | undefined;
  if (bound && storageNow) storageNow.storage = storageBefore?.storage;
  spec.volumeAttributesClassName = oldSpec.volumeAttributesClassName;
  if (spec.volumeAttributesClassName === undefined) delete spec.volumeAttributesClassName;
  if (!semanticEqual(spec, oldSpec)) {
    errs.add(fieldErrors.forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  const newSize = storageOf(obj.spec as Rec | undefined);
  const oldSize = storageOf(old.spec as Rec | undefined);
  if (newSize && oldSize && compareQuantities(newSize, oldSize) < 0) {
    const statusCapacity = ((old.status as Rec | undefined)?.capacity as Rec | undefined)?.storage;
    // A claim whose status has no capacity compares against zero, as Go's zero Quantity.
    const status = statusCapacity === undefined ? undefined : readQuantity(scratch, statusCapacity, FieldPath.root());
    if (status && compareQuantities(newSize, status) <= 0) {
      errs.add(fieldErrors.forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
    }
  }
  validateImmutable(errs, (obj.spec as Rec | undefined)?.volumeMode, (old.spec as Rec | undefined)?.volumeMode, FieldPath.root('volumeMode'));
}

export function validatePersistentVolumeClaimStatus(errs: Errs, obj: Rec): void {
  const path = FieldPath.root('status');
  const status = rec(errs, obj, 'status', FieldPath.root()) ?? {};
  validateAccessModes(errs, strList(errs, status, 'accessModes', path), path.child('accessModes'));
  for (const key of ['capacity', 'allocatedResources']) {
    const list = rec(errs, status, key, path) ?? {};
    for (const [name, value] of Object.entries(list)) {
      const q = readQuantity(errs, value, path.child(key).key(name));
      if (q && isNegativeQuantity(q)) errs.invalid(path.child(key).key(name), formatQuantity(q), ['must be greater than or equal to 0']);
    }
  }
}
