// Container resource requests and limits: names, quantities, requests <= limits, and the
// rules for extended resources and huge pages that may not be overcommitted.
import { type FieldPath, fieldErrors } from '../field-errors.js';
import { GoValue } from './go-format.js';
import { type Errs, type Rec, rec, recList, str } from './json.js';
import { isDNS1123Label, isQualifiedName } from '../names.js';
import {
  type Quantity,
  compareQuantities,
  formatQuantity,
  isNegativeQuantity,
  quantityMilliValue,
  quantityValue,
  tryParseQuantity,
} from './quantity.js';

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
/** helper.IsStandardResourceName: the unqualified resource names Kubernetes defines. */
export const STANDARD_RESOURCES: ReadonlySet<string> = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'storage',
  'requests.storage',
  'services.nodeports',
  'services.loadbalancers',
]);
const INTEGER_RESOURCES = new Set([
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);
const HUGEPAGES_PREFIX = 'hugepages-';

export function isHugePageResourceName(name: string): boolean {
  return name.startsWith(HUGEPAGES_PREFIX);
}

/** Resources Kubernetes defines: unprefixed, or under a kubernetes.io domain. */
export function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

export function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePageResourceName(name);
}

function isStandardResourceName(name: string): boolean {
  return STANDARD_RESOURCES.has(name) || isHugePageResourceName(name) || name.startsWith(`requests.${HUGEPAGES_PREFIX}`);
}

export function isIntegerResourceName(name: string): boolean {
  return INTEGER_RESOURCES.has(name) || isExtendedResourceName(name);
}

function validateResourceName(errs: Errs, name: string, path: FieldPath): boolean {
  const before = errs.length;
  errs.invalid(path, name, isQualifiedName(name));
  if (errs.length > before) return false;
  if (!name.includes('/') && !isStandardResourceName(name)) {
    errs.invalid(path, name, ['must be a standard resource type or fully qualified']);
  }
  return true;
}

export function validateContainerResourceName(errs: Errs, name: string, path: FieldPath): void {
  validateResourceName(errs, name, path);
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePageResourceName(name)) {
      errs.invalid(path, name, ['must be a standard resource for containers']);
    }
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.invalid(path, name, ["doesn't follow extended resource name standard"]);
  }
}

/** Parses a quantity or reports why it cannot be parsed. */
export function readQuantity(errs: Errs, value: unknown, path: FieldPath): Quantity | undefined {
  const q = tryParseQuantity(value);
  if (typeof q === 'string') {
    errs.invalid(path, value, [q]);
    return undefined;
  }
  return q;
}

export function validateResourceQuantityValue(errs: Errs, name: string, q: Quantity, path: FieldPath): void {
  if (isNegativeQuantity(q)) errs.invalid(path, formatQuantity(q), ['must be greater than or equal to 0']);
  if (isIntegerResourceName(name) && quantityMilliValue(q) % 1000n !== 0n) {
    errs.invalid(path, new GoValue(formatQuantity(q)), ['must be an integer']);
  }
}

function hugePageError(name: string, q: Quantity): string | undefined {
  const pageSize = tryParseQuantity(name.slice(HUGEPAGES_PREFIX.length));
  if (typeof pageSize === 'string') return undefined;
  const size = quantityValue(pageSize);
  if (size > 0n && quantityValue(q) % size === 0n) return undefined;
  return `${formatQuantity(q)} is not positive integer multiple of ${name}`;
}

/** A ResourceList read from JSON, with each quantity parsed (entries that fail are reported). */
export function readResourceList(errs: Errs, o: Rec | undefined, key: string, path: FieldPath): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  const list = rec(errs, o, key, path);
  for (const [name, value] of Object.entries(list ?? {})) {
    const q = readQuantity(errs, value, path.child(key).key(name));
    if (q) out.set(name, q);
  }
  return out;
}

export function validateResourceRequirements(errs: Errs, resources: Rec | undefined, podClaimNames: Set<string>, path: FieldPath): void {
  const limPath = path.child('limits');
  const reqPath = path.child('requests');
  const limits = readResourceList(errs, resources, 'limits', path);
  const requests = readResourceList(errs, resources, 'requests', path);
  let cpuOrMemory = false;
  let hugePages = false;
  for (const [name, q] of limits) {
    const p = limPath.key(name);
    validateContainerResourceName(errs, name, p);
    validateResourceQuantityValue(errs, name, q, p);
    if (isHugePageResourceName(name)) {
      hugePages = true;
      const e = hugePageError(name, q);
      if (e) errs.invalid(p, formatQuantity(q), [e]);
    }
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  for (const [name, q] of requests) {
    const p = reqPath.key(name);
    validateContainerResourceName(errs, name, p);
    validateResourceQuantityValue(errs, name, q, p);
    const limit = limits.get(name);
    if (limit) {
      const cmp = compareQuantities(q, limit);
      if (cmp !== 0 && !isOvercommitAllowed(name)) {
        errs.invalid(reqPath, formatQuantity(q), [`must be equal to ${name} limit of ${formatQuantity(limit)}`]);
      } else if (cmp > 0) {
        errs.invalid(reqPath, formatQuantity(q), [`must be less than or equal to ${name} limit of ${formatQuantity(limit)}`]);
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.add(fieldErrors.required(limPath.toString(), 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePageResourceName(name)) {
      hugePages = true;
      const e = hugePageError(name, q);
      if (e) errs.invalid(p, formatQuantity(q), [e]);
    }
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  if (!cpuOrMemory && hugePages) errs.add(fieldErrors.forbidden(path.toString(), 'HugePages require cpu or memory'));
  validateClaimReferences(errs, recList(errs, resources, 'claims', path), podClaimNames, path.child('claims'));
}

function validateClaimReferences(errs: Errs, claims: Rec[], podClaimNames: Set<string>, path: FieldPath): void {
  const seen = new Set<string>();
  claims.forEach((claim, i) => {
    const p = path.index(i);
    const name = str(errs, claim, 'name', p);
    if (name === '') {
      errs.add(fieldErrors.required(p.toString(), ''));
      return;
    }
    const request = str(errs, claim, 'request', p);
    if (request !== '') errs.invalid(p.child('request'), request, isDNS1123Label(request));
    const key = request === '' ? name : `${name}/${request}`;
    if (seen.has(key) || seen.has(name)) errs.add(fieldErrors.duplicate(p.toString(), key));
    seen.add(key);
    if (!podClaimNames.has(name)) {
      const names = [...podClaimNames].sort();
      errs.add({
        type: 'FieldValueNotFound',
        field: p.toString(),
        badValue: name,
        detail: `must be one of the names in pod.spec.resourceClaims${names.length === 0 ? ' which is empty' : `: ${names.join(', ')}`}`,
      });
    }
  });
}

/** Node capacity and allocatable: every quantity non-negative (and whole for countable resources). */
export function validateResourceListValues(errs: Errs, o: Rec | undefined, key: string, path: FieldPath): void {
  for (const [name, q] of readResourceList(errs, o, key, path)) validateResourceQuantityValue(errs, name, q, path.child(key).child(name));
}

