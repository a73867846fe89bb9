// storage.k8s.io/v1 kinds (pkg/apis/storage/validation of Kubernetes 1.36): StorageClasses,
// CSIDrivers, CSINodes, VolumeAttachments, CSIStorageCapacities and VolumeAttributesClasses.
import { FieldPath, fieldErrors } from '../field-errors.js';
import { byteLength, isDNS1123Subdomain, isQualifiedName, nameIsDNSSubdomain } from '../names.js';
import { semanticEqual } from './equality.js';
import { Errs, type Rec, optBool, optInt, optStr, rec, recList, str, strList, strMap } from './json.js';
import { type MetaRules, validateImmutable, validateLabelName, validateLabelSelector, validateObjectMeta } from './meta.js';
import { readQuantity } from './resources.js';
import { isNegativeQuantity } from './quantity.js';
import { validatePersistentVolumeSpec } from './persistent-volume.js';

export const CLUSTER_CLASS_META: MetaRules = { nameRule: nameIsDNSSubdomain, namespaced: false, kubeFinalizers: true };
const NAMESPACED_META: MetaRules = { nameRule: nameIsDNSSubdomain, namespaced: true, kubeFinalizers: true };

const ROOT = FieldPath.root();
const SPEC = FieldPath.root('spec');
const MAX_PARAMETERS = 512;
const MAX_PARAMETERS_SIZE = 256 * 1024;
const MAX_ATTACHMENT_METADATA_SIZE = 256 * 1024;
const MAX_VOLUME_ERROR_MESSAGE = 1024;
const RECLAIM_POLICIES = ['Delete', 'Retain'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];
const FS_GROUP_POLICIES = ['File', 'None', 'ReadWriteOnceWithFSType'];
const LIFECYCLE_MODES = ['Persistent', 'Ephemeral'];

/** A provisioner or driver name: required, and a qualified name once lowercased. */
function validateProvisioner(errs: Errs, value: string, path: FieldPath): void {
  if (value === '') errs.add(fieldErrors.required(path.toString(), ''));
  else errs.invalid(path, value, isQualifiedName(value.toLowerCase()));
}

/** A CSI driver name as core validation checks it (ValidateCSIDriverName). */
export function validateCSIDriverName(errs: Errs, value: string, path: FieldPath): void {
  if (value === '') errs.add(fieldErrors.required(path.toString(), ''));
  if (byteLength(value) > 63) errs.add(fieldErrors.tooLong(path.toString(), 63));
  errs.invalid(path, value, isDNS1123Subdomain(value.toLowerCase()));
}

function validateParameters(errs: Errs, params: Record<string, string> | undefined, allowEmpty: boolean, path: FieldPath): void {
  const entries = Object.entries(params ?? {});
  if (entries.length > MAX_PARAMETERS) {
    errs.add(fieldErrors.tooLong(path.toString(), MAX_PARAMETERS));
    return;
  }
  let size = 0;
  for (const [k, v] of entries) {
    if (k.length < 1) errs.invalid(path, k, ['field can not be empty.']);
    size += byteLength(k) + byteLength(v);
  }
  if (size > MAX_PARAMETERS_SIZE) errs.add(fieldErrors.tooLong(path.toString(), MAX_PARAMETERS_SIZE));
  if (!allowEmpty && entries.length === 0) errs.add(fieldErrors.required(path.toString(), 'must contain at least one key/value pair'));
}

/** A TopologySelectorTerm list (StorageClass allowedTopologies). */
function validateAllowedTopologies(errs: Errs, terms: Rec[], path: FieldPath): void {
  const seen: Record<string, string[]>[] = [];
  terms.forEach((term, i) => {
    const p = path.index(i);
    const byKey: Record<string, string[]> = {};
    recList(errs, term, 'matchLabelExpressions', p).forEach((expr, j) => {
      const ep = p.child('matchLabelExpressions').index(j);
      const key = str(errs, expr, 'key', ep);
      validateLabelName(errs, key, ep.child('key'));
      const values = strList(errs, expr, 'values', ep);
      if (values.length === 0) errs.add(fieldErrors.required(ep.child('values').toString(), ''));
      const distinct = new Set<string>();
      values.forEach((v, k) => {
        if (distinct.has(v)) errs.add(fieldErrors.duplicate(ep.child('values').index(k).toString(), v));
        distinct.add(v);
      });
      if (key in byKey) errs.add(fieldErrors.duplicate(ep.child('key').toString(), key));
      byKey[key] = [...distinct].sort();
    });
    if (seen.some((other) => semanticEqual(other, byKey))) errs.add(fieldErrors.duplicate(p.child('matchLabelExpressions').toString(), ''));
    seen.push(byKey);
  });
}

export function validateStorageClass(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, CLUSTER_CLASS_META);
  validateProvisioner(errs, str(errs, obj, 'provisioner', ROOT), FieldPath.root('provisioner'));
  validateParameters(errs, strMap(errs, obj, 'parameters', ROOT), true, FieldPath.root('parameters'));
  const reclaimPolicy = optStr(errs, obj, 'reclaimPolicy', ROOT) ?? '';
  if (reclaimPolicy !== '' && !RECLAIM_POLICIES.includes(reclaimPolicy)) errs.add(fieldErrors.notSupported('reclaimPolicy', reclaimPolicy, RECLAIM_POLICIES));
  const bindingMode = optStr(errs, obj, 'volumeBindingMode', ROOT);
  if (bindingMode === undefined) errs.add(fieldErrors.required('volumeBindingMode', ''));
  else if (!BINDING_MODES.includes(bindingMode)) errs.add(fieldErrors.notSupported('volumeBindingMode', bindingMode, BINDING_MODES));
  optBool(errs, obj, 'allowVolumeExpansion', ROOT);
  validateAllowedTopologies(errs, recList(errs, obj, 'allowedTopologies', ROOT), FieldPath.root('allowedTopologies'));
}

export function validateStorageClassUpdate(errs: Errs, obj: Rec, old: Rec): void {
  if (!semanticEqual(obj.parameters ?? {}, old.parameters ?? {})) errs.add(fieldErrors.forbidden('parameters', 'updates to parameters are forbidden.'));
  if ((obj.provisioner ?? '') !== (old.provisioner ?? '')) errs.add(fieldErrors.forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if ((obj.reclaimPolicy ?? '') !== (old.reclaimPolicy ?? '')) errs.add(fieldErrors.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  validateImmutable(errs, obj.volumeBindingMode, old.volumeBindingMode, FieldPath.root('volumeBindingMode'));
}

export function validateVolumeAttributesClass(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, CLUSTER_CLASS_META);
  validateProvisioner(errs, str(errs, obj, 'driverName', ROOT), FieldPath.root('driverName'));
  validateParameters(errs, strMap(errs, obj, 'parameters', ROOT), false, FieldPath.root('parameters'));
}

export function validateVolumeAttributesClassUpdate(errs: Errs, obj: Rec, old: Rec): void {
  if ((obj.driverName ?? '') !== (old.driverName ?? '')) errs.add(fieldErrors.forbidden('driverName', 'updates to driverName are forbidden.'));
  if (!semanticEqual(obj.parameters ?? {}, old.parameters ?? {})) errs.add(fieldErrors.forbidden('parameters', 'updates to parameters are forbidden.'));
  validateVolumeAttributesClass(errs, obj);
}

export function validateCSIDriver(errs: Errs, obj: Rec, withMeta = true): void {
  if (withMeta) validateObjectMeta(errs, obj, CLUSTER_CLASS_META);
  const spec = rec(errs, obj, 'spec', ROOT) ?? {};
  // Kubernetes names the attachRequired field "attachedRequired" in these errors.
  if (optBool(errs, spec, 'attachRequired', SPEC) === undefined) errs.add(fieldErrors.required('spec.attachedRequired', ''));
  if (optBool(errs, spec, 'podInfoOnMount', SPEC) === undefined) errs.add(fieldErrors.required('spec.podInfoOnMount', ''));
  if (optBool(errs, spec, 'storageCapacity', SPEC) === undefined) errs.add(fieldErrors.required('spec.storageCapacity', ''));
  const fsGroupPolicy = optStr(errs, spec, 'fsGroupPolicy', SPEC);
  if (fsGroupPolicy !== undefined && !FS_GROUP_POLICIES.includes(fsGroupPolicy)) errs.add(fieldErrors.notSupported('spec.fsGroupPolicy', fsGroupPolicy, FS_GROUP_POLICIES));
  const audiences = new Set<string>();
  recList(errs, spec, 'tokenRequests', SPEC).forEach((request, i) => {
    const p = SPEC.child('tokenRequests').index(i);
    const audience = str(errs, request, 'audience', p);
    if (audiences.has(audience)) {
      errs.add(fieldErrors.duplicate(p.child('audience').toString(), audience));
      return;
    }
    audiences.add(audience);
    const seconds = optInt(errs, request, 'expirationSeconds', p);
    if (seconds === undefined) return;
    if (seconds < 600) errs.invalid(p.child('expirationSeconds'), seconds, ['may not specify a duration less than 10 minutes']);
    if (seconds > 2 ** 32) errs.invalid(p.child('expirationSeconds'), seconds, ['may not specify a duration larger than 2^32 seconds']);
  });
  for (const mode of strList(errs, spec, 'volumeLifecycleModes', SPEC)) {
    if (!LIFECYCLE_MODES.includes(mode)) errs.add(fieldErrors.notSupported('spec.volumeLifecycleModes', mode, LIFECYCLE_MODES));
  }
  if (optBool(errs, spec, 'seLinuxMount', SPEC) === undefined) errs.add(fieldErrors.required('spec.seLinuxMount', ''));
  const period = optInt(errs, spec, 'nodeAllocatableUpdatePeriodSeconds', SPEC);
  if (period !== undefined && period < 10) errs.invalid(SPEC.child('nodeAllocatableUpdatePeriodSeconds'), period, ['must be greater than or equal to 10 seconds']);
}

export function validateCSIDriverUpdate(errs: Errs, obj: Rec, old: Rec): void {
  validateCSIDriver(errs, obj, false);
  const spec = (obj.spec ?? {}) as Rec;
  const oldSpec = (old.spec ?? {}) as Rec;
  validateImmutable(errs, spec.attachRequired, oldSpec.attachRequired, SPEC.child('attachedRequired'));
  validateImmutable(errs, spec.volumeLifecycleModes, oldSpec.volumeLifecycleModes, SPEC.child('volumeLifecycleModes'));
}

const CSI_NODE_ID_MAX = 192;

export function validateCSINode(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, CLUSTER_CLASS_META);
  const spec = rec(errs, obj, 'spec', ROOT);
  const names = new Set<string>();
  recList(errs, spec, 'drivers', SPEC).forEach((driver, i) => {
    const p = SPEC.child('drivers').index(i);
    const name = str(errs, driver, 'name', p);
    validateCSIDriverName(errs, name, p.child('name'));
    const nodeID = str(errs, driver, 'nodeID', p);
    if (nodeID === '') errs.add(fieldErrors.required(p.child('nodeID').toString(), ''));
    if (byteLength(nodeID) > CSI_NODE_ID_MAX) errs.invalid(p.child('nodeID'), nodeID, [`must be ${CSI_NODE_ID_MAX} characters or less`]);
    const count = optInt(errs, rec(errs, driver, 'allocatable', p), 'count', p.child('allocatable'));
    if (count !== undefined && count < 0) errs.invalid(p.child('allocatable').child('count'), count, ['must be greater than or equal to 0']);
    if (names.has(name)) errs.add(fieldErrors.duplicate(p.child('name').toString(), name));
    names.add(name);
    const keys = new Set<string>();
    for (const key of strList(errs, driver, 'topologyKeys', p)) {
      if (key === '') errs.add(fieldErrors.required(p.toString(), ''));
      if (keys.has(key)) errs.add(fieldErrors.duplicate(p.toString(), key));
      keys.add(key);
      errs.invalid(p, key, isQualifiedName(key));
    }
  });
}

export function validateCSINodeUpdate(errs: Errs, obj: Rec, old: Rec): void {
  validateCSINode(errs, obj);
  const scratch = new Errs();
  const drivers = recList(scratch, rec(scratch, obj, 'spec', ROOT), 'drivers', SPEC);
  // A driver's entry may not change once registered, except its allocatable count (MutableCSINodeAllocatableCount).
  for (const oldDriver of recList(scratch, rec(scratch, old, 'spec', ROOT), 'drivers', SPEC)) {
    for (const driver of drivers) {
      if (driver.name !== oldDriver.name) continue;
      const { allocatable: _next, ...nextRest } = driver;
      const { allocatable: _prev, ...prevRest } = oldDriver;
      validateImmutable(errs, nextRest, prevRest, SPEC.child('drivers'), driver);
    }
  }
}

function validateVolumeError(errs: Errs, error: Rec | undefined, path: FieldPath): void {
  if (!error) return;
  if (byteLength(str(errs, error, 'message', path)) > MAX_VOLUME_ERROR_MESSAGE) errs.add(fieldErrors.tooLong(path.child('message').toString(), MAX_ATTACHMENT_METADATA_SIZE));
  const code = optInt(errs, error, 'errorCode', path);
  if (code !== undefined && code < 0) errs.invalid(path.child('errorCode'), code, ['must be between 0 and 2147483647, inclusive']);
}

function validateVolumeAttachmentStatus(errs: Errs, obj: Rec): void {
  const status = rec(errs, obj, 'status', ROOT);
  if (!status) return;
  const path = FieldPath.root('status');
  let size = 0;
  for (const [k, v] of Object.entries(strMap(errs, status, 'attachmentMetadata', path) ?? {})) size += byteLength(k) + byteLength(v);
  if (size > MAX_ATTACHMENT_METADATA_SIZE) errs.add(fieldErrors.tooLong(path.child('attachmentMetadata').toString(), MAX_ATTACHMENT_METADATA_SIZE));
  validateVolumeError(errs, rec(errs, status, 'attachError', path), path.child('attachError'));
  validateVolumeError(errs, rec(errs, status, 'detachError', path), path.child('detachError'));
}

export function validateVolumeAttachment(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, CLUSTER_CLASS_META);
  const spec = rec(errs, obj, 'spec', ROOT) ?? {};
  const attacher = str(errs, spec, 'attacher', SPEC);
  if (attacher === '') errs.add(fieldErrors.required('spec.attacher', ''));
  const source = rec(errs, spec, 'source', SPEC) ?? {};
  const sourcePath = SPEC.child('source');
  const pvName = optStr(errs, source, 'persistentVolumeName', sourcePath);
  const inline = rec(errs, source, 'inlineVolumeSpec', sourcePath);
  if (pvName === undefined && !inline) errs.add(fieldErrors.required(sourcePath.toString(), 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  else if (pvName !== undefined && inline) errs.add(fieldErrors.forbidden(sourcePath.toString(), 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  else if (pvName === '') errs.add(fieldErrors.required(sourcePath.child('persistentVolumeName').toString(), 'must specify non empty persistentVolumeName'));
  else if (inline) validatePersistentVolumeSpec(errs, inline, true, sourcePath.child('inlineVolumeSpec'));
  const nodeName = str(errs, spec, 'nodeName', SPEC);
  errs.invalid(SPEC.child('nodeName'), nodeName, isDNS1123Subdomain(nodeName));
  validateVolumeAttachmentStatus(errs, obj);
  // The v1 API's own checks.
  validateCSIDriverName(errs, attacher, SPEC.child('attacher'));
  if (pvName !== undefined && pvName !== '') errs.invalid(sourcePath.child('persistentVolumeName'), pvName, isDNS1123Subdomain(pvName));
}

export function validateVolumeAttachmentUpdate(errs: Errs, obj: Rec, old: Rec): void {
  validateVolumeAttachment(errs, obj);
  if (!semanticEqual(obj.spec, old.spec)) errs.invalid(SPEC, obj.spec, ['field is immutable']);
}

export function validateVolumeAttachmentStatusUpdate(errs: Errs, obj: Rec): void {
  validateVolumeAttachmentStatus(errs, obj);
}

export function validateCSIStorageCapacity(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, NAMESPACED_META);
  validateLabelSelector(errs, rec(errs, obj, 'nodeTopology', ROOT), FieldPath.root('nodeTopology'));
  const className = str(errs, obj, 'storageClassName', ROOT);
  errs.invalid(FieldPath.root('storageClassName'), className, isDNS1123Subdomain(className));
  for (const key of ['capacity', 'maximumVolumeSize']) {
    if (obj[key] === undefined || obj[key] === null) continue;
    const q = readQuantity(errs, obj[key], FieldPath.root(key));
    if (key === 'capacity' && q && isNegativeQuantity(q)) errs.invalid(FieldPath.root(key), obj[key], ['must be greater than or equal to 0']);
  }
}

export function validateCSIStorageCapacityUpdate(errs: Errs, obj: Rec, old: Rec): void {
  if (!semanticEqual(obj.nodeTopology, old.nodeTopology)) errs.invalid(FieldPath.root('nodeTopology'), obj.nodeTopology, ['field is immutable']);
  if ((obj.storageClassName ?? '') !== (old.storageClassName ?? '')) errs.invalid(FieldPath.root('storageClassName'), obj.storageClassName, ['field is immutable']);
}
