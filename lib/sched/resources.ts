// Resource amounts as kube-scheduler's framework.Resource holds them: cpu in millicores,
// memory and ephemeral storage in bytes, extended resources by name. Quantities are parsed
// with lib/api's parser (exact decimals) and only then turned into numbers.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { quantityMilliValue, quantityValue, tryParseQuantity } from '../api/validation/quantity.js';

export interface Resources {
  milliCpu: number;
  memory: number;
  ephemeralStorage: number;
  /** Node allocatable "pods"; unused for requests. */
  allowedPodNumber?: number;
  /** Extended and hugepages resources, in their Value() units. */
  scalar: Record<string, number>;
}

/** kube-scheduler's defaults for pods that request no cpu or memory, used only for scoring. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export function emptyResources(): Resources {
  return { milliCpu: 0, memory: 0, ephemeralStorage: 0, scalar: {} };
}

export function cloneResources(r: Resources): Resources {
  const copy: Resources = { milliCpu: r.milliCpu, memory: r.memory, ephemeralStorage: r.ephemeralStorage, scalar: { ...r.scalar } };
  if (r.allowedPodNumber !== undefined) copy.allowedPodNumber = r.allowedPodNumber;
  return copy;
}

/** Adds (sign 1) or subtracts (sign -1) `delta` into `into`, in place. */
export function addResourcesInPlace(into: Resources, delta: Resources, sign: 1 | -1 = 1): void {
  into.milliCpu += sign * delta.milliCpu;
  into.memory += sign * delta.memory;
  into.ephemeralStorage += sign * delta.ephemeralStorage;
  for (const name in delta.scalar) into.scalar[name] = (into.scalar[name] ?? 0) + sign * delta.scalar[name]!;
}

function maxResourcesInPlace(into: Resources, other: Resources): void {
  into.milliCpu = Math.max(into.milliCpu, other.milliCpu);
  into.memory = Math.max(into.memory, other.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, other.ephemeralStorage);
  for (const name in other.scalar) into.scalar[name] = Math.max(into.scalar[name] ?? 0, other.scalar[name]!);
}

/** Resource names kube-scheduler treats as scalar (extended, hugepages, attachable volumes). */
export function isScalarResourceName(name: string): boolean {
  return name !== 'cpu' && name !== 'memory' && name !== 'ephemeral-storage' && name !== 'pods';
}

/** Reads a ResourceList (requests, allocatable) into Resources; unparsable entries count as zero. */
export function resourcesFromList(list: Readonly<Record<string, unknown>> | undefined | null): Resources {
  const r = emptyResources();
  if (!list) return r;
  for (const name in list) {
    const q = tryParseQuantity(list[name]);
    if (typeof q === 'string') continue;
    switch (name) {
      case 'cpu':
        r.milliCpu = Number(quantityMilliValue(q));
        break;
      case 'memory':
        r.memory = Number(quantityValue(q));
        break;
      case 'ephemeral-storage':
        r.ephemeralStorage = Number(quantityValue(q));
        break;
      case 'pods':
        r.allowedPodNumber = Number(quantityValue(q));
        break;
      default:
        r.scalar[name] = Number(quantityValue(q));
    }
  }
  return r;
}

function containerRequests(container: Container, nonMissingDefaults: boolean): Resources {
  const requests = container.resources?.requests as Record<string, unknown> | undefined;
  const r = resourcesFromList(requests);
  if (nonMissingDefaults) {
    if (!requests || !('cpu' in requests)) r.milliCpu = DEFAULT_MILLI_CPU_REQUEST;
    if (!requests || !('memory' in requests)) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * Kubernetes' PodRequests: the sum of the containers (restartable init containers included),
 * at least each regular init container plus the sidecars started before it, plus overhead.
 * With `nonMissingDefaults`, a container that omits cpu or memory counts 100m / 200Mi
 * (NonMissingContainerRequests, used for scoring).
 */
export function podRequests(pod: Pod, nonMissingDefaults = false): Resources {
  const total = emptyResources();
  for (const c of pod.spec?.containers ?? []) addResourcesInPlace(total, containerRequests(c, nonMissingDefaults));
  const restartable = emptyResources();
  const initMax = emptyResources();
  for (const c of pod.spec?.initContainers ?? []) {
    const reqs = containerRequests(c, nonMissingDefaults);
    if (c.restartPolicy === 'Always') {
      addResourcesInPlace(total, reqs);
      addResourcesInPlace(restartable, reqs);
      maxResourcesInPlace(initMax, restartable);
    } else {
      addResourcesInPlace(reqs, restartable);
      maxResourcesInPlace(initMax, reqs);
    }
  }
  maxResourcesInPlace(total, initMax);
  const overhead = pod.spec?.overhead as Record<string, unknown> | undefined;
  if (overhead) addResourcesInPlace(total, resourcesFromList(overhead));
  return total;
}
