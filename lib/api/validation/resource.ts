// resource.k8s.io/v1 (dynamic resource allocation) kinds, after pkg/apis/resource/validation of
// Kubernetes 1.36: DeviceClasses (CEL selectors, opaque driver configuration), ResourceClaims and
// their templates (device requests: exactly one device class request or a list of alternatives,
// allocation modes and counts, constraints and configuration naming known requests; the spec never
// changes), the allocator's claim status, and ResourceSlices (driver, pool, exactly one way of
// naming nodes, uniquely named devices). The rules that matter to what is stored and to the
// scheduler are here; fields Kubernetes 1.36 keeps behind alpha feature gates are not checked.
import { FieldPath, fieldErrors } from '../field-errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, nameIsDNSSubdomain } from '../names.js';
import { celSyntaxError } from './cel.js';
import { Errs, type Rec, optBool, optInt, optStr, rec, recList, str, strList } from './json.js';
import { type MetaRules, validateImmutable, validateObjectMeta, validateTemplateMeta } from './meta.js';

const CLUSTER_META: MetaRules = { nameRule: nameIsDNSSubdomain, namespaced: false, kubeFinalizers: true };
const NAMESPACED_META: MetaRules = { nameRule: nameIsDNSSubdomain, namespaced: true, kubeFinalizers: true };

const ALLOCATION_MODES = ['All', 'ExactCount'];
const MAX_REQUESTS = 32;
const MAX_SUBREQUESTS = 8;
const MAX_SELECTORS = 32;
const MAX_CONFIGS = 32;
const MAX_RESERVED_FOR = 256;
const MAX_DEVICES_PER_SLICE = 128;
const DRIVER_NAME_MAX = 63;

function validateDriverName(errs: Errs, driver: string, path: FieldPath): void {
  if (driver === '') {
    errs.add(fieldErrors.required(path.toString(), ''));
    return;
  }
  if (driver.length > DRIVER_NAME_MAX) errs.add(fieldErrors.tooLong(path.toString(), DRIVER_NAME_MAX));
  errs.invalid(path, driver, isDNS1123Subdomain(driver));
}

function validateSelectors(errs: Errs, parent: Rec, parentPath: FieldPath): void {
  const selectors = recList(errs, parent, 'selectors', parentPath);
  const path = parentPath.child('selectors');
  if (selectors.length > MAX_SELECTORS) errs.add(fieldErrors.tooMany(path.toString(), selectors.length, MAX_SELECTORS));
  selectors.forEach((selector, i) => {
    const p = path.index(i);
    const cel = rec(errs, selector, 'cel', p);
    if (!cel) {
      errs.add(fieldErrors.required(p.child('cel').toString(), ''));
      return;
    }
    const expression = str(errs, cel, 'expression', p.child('cel'));
    if (expression.trim() === '') errs.add(fieldErrors.required(p.child('cel').child('expression').toString(), ''));
    else {
      const problem = celSyntaxError(expression);
      if (problem) errs.invalid(p.child('cel').child('expression'), expression, [problem]);
    }
  });
}

function validateOpaqueConfig(errs: Errs, config: Rec, path: FieldPath): void {
  const opaque = rec(errs, config, 'opaque', path);
  if (!opaque) {
    errs.add(fieldErrors.required(path.child('opaque').toString(), ''));
    return;
  }
  validateDriverName(errs, str(errs, opaque, 'driver', path.child('opaque')), path.child('opaque').child('driver'));
  if (opaque.parameters === undefined || opaque.parameters === null) errs.add(fieldErrors.required(path.child('opaque').child('parameters').toString(), ''));
}

function validateConfigs(errs: Errs, parent: Rec, parentPath: FieldPath, requestNames?: Set<string>): void {
  const configs = recList(errs, parent, 'config', parentPath);
  const path = parentPath.child('config');
  if (configs.length > MAX_CONFIGS) errs.add(fieldErrors.tooMany(path.toString(), configs.length, MAX_CONFIGS));
  configs.forEach((config, i) => {
    const p = path.index(i);
    if (requestNames) {
      strList(errs, config, 'requests', p).forEach((name, j) => {
        if (!requestNames.has(name.split('/')[0]!)) errs.invalid(p.child('requests').index(j), name, ['must be the name of a request in the claim or the name of a request and a subrequest separated by \'/\'']);
      });
    }
    validateOpaqueConfig(errs, config, p);
  });
}

function validateExactRequest(errs: Errs, request: Rec, path: FieldPath): void {
  const className = str(errs, request, 'deviceClassName', path);
  if (className === '') errs.add(fieldErrors.required(path.child('deviceClassName').toString(), ''));
  else errs.invalid(path.child('deviceClassName'), className, isDNS1123Subdomain(className));
  validateSelectors(errs, request, path);
  const mode = optStr(errs, request, 'allocationMode', path) ?? 'ExactCount';
  const count = optInt(errs, request, 'count', path);
  if (!ALLOCATION_MODES.includes(mode)) errs.add(fieldErrors.notSupported(path.child('allocationMode').toString(), mode, ALLOCATION_MODES));
  else if (mode === 'ExactCount' && count !== undefined && count <= 0) errs.invalid(path.child('count'), count, ['must be greater than zero']);
  else if (mode === 'All' && count !== undefined && count !== 0) errs.invalid(path.child('count'), count, ['must not be specified when allocationMode is \'All\'']);
  recList(errs, request, 'tolerations', path).forEach((toleration, i) => {
    const p = path.child('tolerations').index(i);
    const key = optStr(errs, toleration, 'key', p);
    if (key) errs.invalid(p.child('key'), key, isQualifiedName(key));
  });
}

function validateDeviceName(errs: Errs, name: string, path: FieldPath): void {
  if (name === '') errs.add(fieldErrors.required(path.toString(), ''));
  else errs.invalid(path, name, isDNS1123Label(name));
}

/**
 * A list of at most `max` entries, each named by a DNS label unique in the list: the entries, each
 * with its path, and the names seen.
 */
function namedEntries(errs: Errs, parent: Rec, key: string, parentPath: FieldPath, max: number): { entries: [Rec, FieldPath][]; names: Set<string> } {
  const list = recList(errs, parent, key, parentPath);
  const path = parentPath.child(key);
  if (list.length > max) errs.add(fieldErrors.tooMany(path.toString(), list.length, max));
  const names = new Set<string>();
  const entries = list.map((entry, i): [Rec, FieldPath] => {
    const p = path.index(i);
    const name = str(errs, entry, 'name', p);
    validateDeviceName(errs, name, p.child('name'));
    if (name !== '' && names.has(name)) errs.add(fieldErrors.duplicate(p.child('name').toString(), name));
    names.add(name);
    return [entry, p];
  });
  return { entries, names };
}

/** A ResourceClaimSpec at `path` ("spec", or "spec.spec" in a template). */
function validateClaimSpec(errs: Errs, spec: Rec, path: FieldPath): void {
  const devices = rec(errs, spec, 'devices', path) ?? {};
  const devicesPath = path.child('devices');
  const { entries: requests, names } = namedEntries(errs, devices, 'requests', devicesPath, MAX_REQUESTS);
  for (const [request, p] of requests) {
    const exactly = rec(errs, request, 'exactly', p);
    const firstAvailable = recList(errs, request, 'firstAvailable', p);
    if (exactly && firstAvailable.length > 0) errs.add(fieldErrors.invalid(p.toString(), null, 'exactly one of `exactly` or `firstAvailable` is required, but multiple fields are set'));
    else if (!exactly && firstAvailable.length === 0) errs.add(fieldErrors.required(p.toString(), 'exactly one of `exactly` or `firstAvailable` is required'));
    if (exactly) validateExactRequest(errs, exactly, p.child('exactly'));
    for (const [sub, sp] of namedEntries(errs, request, 'firstAvailable', p, MAX_SUBREQUESTS).entries) validateExactRequest(errs, sub, sp);
  }
  recList(errs, devices, 'constraints', devicesPath).forEach((constraint, i) => {
    const p = devicesPath.child('constraints').index(i);
    strList(errs, constraint, 'requests', p).forEach((name, j) => {
      if (!names.has(name.split('/')[0]!)) errs.invalid(p.child('requests').index(j), name, ['must be the name of a request in the claim or the name of a request and a subrequest separated by \'/\'']);
    });
    const attribute = optStr(errs, constraint, 'matchAttribute', p);
    if (attribute === undefined && constraint.distinctAttribute === undefined) errs.add(fieldErrors.required(p.child('matchAttribute').toString(), ''));
    else if (attribute !== undefined && attribute.split('/').length !== 2) errs.invalid(p.child('matchAttribute'), attribute, ['must include a domain']);
  });
  validateConfigs(errs, devices, devicesPath, names);
}

export function validateDeviceClass(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, CLUSTER_META);
  const spec = rec(errs, obj, 'spec', FieldPath.root()) ?? {};
  validateSelectors(errs, spec, FieldPath.root('spec'));
  validateConfigs(errs, spec, FieldPath.root('spec'));
}

export function validateResourceClaim(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, NAMESPACED_META);
  validateClaimSpec(errs, rec(errs, obj, 'spec', FieldPath.root()) ?? {}, FieldPath.root('spec'));
}

/** A claim's spec is fixed once created: a different request means a different claim. */
export function validateResourceClaimUpdate(errs: Errs, obj: Rec, old: Rec): void {
  validateImmutable(errs, obj.spec, old.spec, FieldPath.root('spec'));
}

export function validateResourceClaimStatus(errs: Errs, obj: Rec, old: Rec): void {
  const status = rec(errs, obj, 'status', FieldPath.root()) ?? {};
  const path = FieldPath.root('status');
  const reservedFor = recList(errs, status, 'reservedFor', path);
  if (reservedFor.length > MAX_RESERVED_FOR) errs.add(fieldErrors.tooMany(path.child('reservedFor').toString(), reservedFor.length, MAX_RESERVED_FOR));
  const uids = new Set<string>();
  reservedFor.forEach((consumer, i) => {
    const p = path.child('reservedFor').index(i);
    if (str(errs, consumer, 'resource', p) === '') errs.add(fieldErrors.required(p.child('resource').toString(), ''));
    if (str(errs, consumer, 'name', p) === '') errs.add(fieldErrors.required(p.child('name').toString(), ''));
    const uid = str(errs, consumer, 'uid', p);
    if (uid === '') errs.add(fieldErrors.required(p.child('uid').toString(), ''));
    else if (uids.has(uid)) errs.add(fieldErrors.duplicate(p.child('uid').toString(), uid));
    uids.add(uid);
  });
  const allocation = rec(errs, status, 'allocation', path);
  const oldAllocation = asRecord(old.status)?.allocation;
  if (allocation && oldAllocation !== undefined && oldAllocation !== null) validateImmutable(errs, allocation, oldAllocation, path.child('allocation'));
  if (!allocation && reservedFor.length > 0) errs.add(fieldErrors.forbidden(path.child('reservedFor').toString(), 'may not be specified when `allocated` is not set'));
  if (allocation) {
    const results = recList(errs, rec(errs, allocation, 'devices', path.child('allocation')), 'results', path.child('allocation').child('devices'));
    results.forEach((result, i) => {
      const p = path.child('allocation').child('devices').child('results').index(i);
      if (str(errs, result, 'request', p) === '') errs.add(fieldErrors.required(p.child('request').toString(), ''));
      validateDriverName(errs, str(errs, result, 'driver', p), p.child('driver'));
      if (str(errs, result, 'pool', p) === '') errs.add(fieldErrors.required(p.child('pool').toString(), ''));
      validateDeviceName(errs, str(errs, result, 'device', p), p.child('device'));
    });
  }
}

function asRecord(value: unknown): Rec | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Rec) : undefined;
}

export function validateResourceClaimTemplate(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, NAMESPACED_META);
  const spec = rec(errs, obj, 'spec', FieldPath.root()) ?? {};
  validateTemplateMeta(errs, rec(errs, spec, 'metadata', FieldPath.root('spec')), FieldPath.root('spec').child('metadata'));
  validateClaimSpec(errs, rec(errs, spec, 'spec', FieldPath.root('spec')) ?? {}, FieldPath.root('spec').child('spec'));
}

export function validateResourceClaimTemplateUpdate(errs: Errs, obj: Rec, old: Rec): void {
  validateImmutable(errs, obj.spec, old.spec, FieldPath.root('spec'));
}

const NODE_CHOICES = '`nodeName`, `nodeSelector`, `allNodes`, `perDeviceNodeSelection`';

export function validateResourceSlice(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, CLUSTER_META);
  const path = FieldPath.root('spec');
  const spec = rec(errs, obj, 'spec', FieldPath.root()) ?? {};
  validateDriverName(errs, str(errs, spec, 'driver', path), path.child('driver'));
  const pool = rec(errs, spec, 'pool', path) ?? {};
  const poolPath = path.child('pool');
  const poolName = str(errs, pool, 'name', poolPath);
  if (poolName === '') errs.add(fieldErrors.required(poolPath.child('name').toString(), ''));
  else for (const segment of poolName.split('/')) errs.invalid(poolPath.child('name'), poolName, isDNS1123Subdomain(segment));
  const generation = optInt(errs, pool, 'generation', poolPath) ?? 0;
  if (generation < 0) errs.invalid(poolPath.child('generation'), generation, ['must be greater than or equal to zero']);
  const sliceCount = optInt(errs, pool, 'resourceSliceCount', poolPath) ?? 0;
  if (sliceCount <= 0) errs.invalid(poolPath.child('resourceSliceCount'), sliceCount, ['must be greater than zero']);
  const nodeName = optStr(errs, spec, 'nodeName', path);
  const nodeSelector = rec(errs, spec, 'nodeSelector', path);
  const allNodes = optBool(errs, spec, 'allNodes', path) === true;
  const perDevice = optBool(errs, spec, 'perDeviceNodeSelection', path) === true;
  const chosen = [
    nodeName !== undefined && nodeName !== '' ? '`nodeName`' : '',
    nodeSelector !== undefined ? '`nodeSelector`' : '',
    allNodes ? '`allNodes`' : '',
    perDevice ? '`perDeviceNodeSelection`' : '',
  ].filter((f) => f !== '');
  if (chosen.length === 0) errs.add(fieldErrors.required(path.toString(), `exactly one of ${NODE_CHOICES} is required`));
  else if (chosen.length > 1) errs.add(fieldErrors.invalid(path.toString(), `{${chosen.join(', ')}}`, `exactly one of ${NODE_CHOICES} is required, but multiple fields are set`));
  if (nodeName) errs.invalid(path.child('nodeName'), nodeName, nameIsDNSSubdomain(nodeName, false));
  if (nodeSelector) {
    const terms = recList(errs, nodeSelector, 'nodeSelectorTerms', path.child('nodeSelector'));
    if (terms.length === 0) errs.add(fieldErrors.required(path.child('nodeSelector').child('nodeSelectorTerms').toString(), 'must have at least one node selector term'));
  }
  namedEntries(errs, spec, 'devices', path, MAX_DEVICES_PER_SLICE);
}

export function validateResourceSliceUpdate(errs: Errs, obj: Rec, old: Rec): void {
  const spec = asRecord(obj.spec) ?? {};
  const oldSpec = asRecord(old.spec) ?? {};
  validateImmutable(errs, spec.driver, oldSpec.driver, FieldPath.root('spec').child('driver'));
  validateImmutable(errs, spec.nodeName, oldSpec.nodeName, FieldPath.root('spec').child('nodeName'));
}
