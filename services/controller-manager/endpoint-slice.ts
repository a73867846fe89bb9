// The EndpointSlice controller (k8s.io/kubernetes/pkg/controller/endpointslice): for each Service
// with a selector, discovery.k8s.io/v1 EndpointSlices listing the matching pods that have an IP
// and have not finished — ready (ready and not terminating, or publishNotReadyAddresses), serving
// (ready, terminating or not) and terminating — with named target ports resolved per pod, at most
// --max-endpoints-per-slice endpoints a slice, one group of slices per address family and port
// set. Slices carry kubernetes.io/service-name, endpointslice.kubernetes.io/managed-by and the
// Service as their controller. A tracker of this controller's own writes makes a sync wait for the
// cache to show them, so a lagging cache never creates a slice twice.
import type { Pod, Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource } from '../../lib/api/resources.js';
import { labelSelectorFromSet } from '../../lib/api/selectors/label-selector.js';
import { StatusError } from '../../lib/api/status.js';
import { NAMESPACE_INDEX } from '../../lib/client/indexer.js';
import type { Informer } from '../../lib/client/informer.js';
import { objectKey } from '../../lib/client/paths.js';
import { isNamespaceTerminating } from './api-errors.js';
import { controllerRefTo } from './controller-ref.js';
import { canonicalJson } from './deployment/rollout-math.js';
import { isPodReady, isPodTerminal } from './pod-conditions.js';
import { PODS, type PodObject } from './pod-control.js';
import { CacheBehindError, QueueController, QueueWorkers, controllerQueue } from './queue-workers.js';
import { OWNER_UID_INDEX } from './shared-informers.js';
import type { ControllerContext } from './controller-context.js';

export const SERVICES = findResource('', 'v1', 'services')!;
export const ENDPOINT_SLICES = findResource('discovery.k8s.io', 'v1', 'endpointslices')!;
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';

type ServiceObject = Service & KubeObject;
type SliceObject = EndpointSlice & KubeObject;
type AddressType = 'IPv4' | 'IPv6';

export interface EndpointSliceControllerConfig extends ControllerContext {
  maxEndpointsPerSlice: number;
}

/** A slice the cache must show (at this resourceVersion or later), or must no longer show. */
type Tracked = { name: string; resourceVersion: number } | { name: string; deleted: true };

export class EndpointSliceController extends QueueController {
  private readonly services: Informer<ServiceObject>;
  private readonly pods: Informer<PodObject>;
  private readonly slices: Informer<SliceObject>;
  protected readonly workers: QueueWorkers;
  /** Per Service key: this controller's writes the cache has not shown yet. */
  private readonly written = new Map<string, Tracked[]>();

  constructor(private readonly config: EndpointSliceControllerConfig) {
    super();
    this.services = config.informers.informerFor<ServiceObject>(SERVICES);
    this.pods = config.informers.informerFor<PodObject>(PODS);
    this.slices = config.informers.informerFor<SliceObject>(ENDPOINT_SLICES);
    this.workers = controllerQueue(config, 'endpoint_slice', (key) => this.sync(key));
    this.services.addEventHandler({
      onAdd: (svc) => this.enqueue(svc),
      onUpdate: (_b, svc) => this.enqueue(svc),
      onDelete: (svc) => {
        this.written.delete(objectKey(svc));
      },
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.podChanged(pod),
      onUpdate: (before, after) => {
        if (before.metadata?.resourceVersion === after.metadata?.resourceVersion) return;
        this.podChanged(after, before);
      },
      onDelete: (pod) => this.podChanged(pod),
    });
    const sliceChanged = (slice: SliceObject): void => {
      const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
      if (service && slice.metadata?.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME) this.workers.queue.add(`${slice.metadata?.namespace}/${service}`);
    };
    this.slices.addEventHandler({ onAdd: sliceChanged, onUpdate: (_b, slice) => sliceChanged(slice), onDelete: sliceChanged });
  }

  private enqueue(svc: ServiceObject): void {
    this.workers.queue.add(objectKey(svc));
  }

  private podChanged(pod: Pod, before?: Pod): void {
    for (const svc of this.services.indexer.byIndex(NAMESPACE_INDEX, pod.metadata?.namespace ?? '')) {
      const selector = svc.spec?.selector;
      if (!selector || Object.keys(selector).length === 0) continue;
      const matcher = labelSelectorFromSet(selector);
      if (matcher.matches(pod.metadata?.labels) || (before && matcher.matches(before.metadata?.labels))) this.enqueue(svc);
    }
  }

  /** Throws CacheBehindError while the cache lacks one of this controller's writes. */
  private checkCacheCaughtUp(key: string, namespace: string): void {
    const tracked = this.written.get(key);
    if (!tracked) return;
    const pending = tracked.filter((t) => {
      const cached = this.slices.indexer.get(`${namespace}/${t.name}`);
      if ('deleted' in t) return cached !== undefined;
      return !cached || Number(cached.metadata?.resourceVersion ?? 0) < t.resourceVersion;
    });
    if (pending.length === 0) this.written.delete(key);
    else {
      this.written.set(key, pending);
      throw new CacheBehindError(`the EndpointSlice cache is behind this controller's writes for ${key}`);
    }
  }

  private track(key: string, entry: Tracked): void {
    const list = this.written.get(key) ?? [];
    list.push(entry);
    this.written.set(key, list);
  }

  async sync(key: string): Promise<void> {
    const svc = this.services.indexer.get(key);
    if (!svc) return;
    const selector = svc.spec?.selector;
    if (!selector || Object.keys(selector).length === 0 || svc.spec?.type === 'ExternalName') return;
    const namespace = svc.metadata?.namespace ?? '';
    this.checkCacheCaughtUp(key, namespace);
    const matcher = labelSelectorFromSet(selector);
    const pods = this.pods.indexer.byIndex(NAMESPACE_INDEX, namespace).filter((pod) => matcher.matches(pod.metadata?.labels));
    const desired = desiredSlices(svc, pods, this.config.maxEndpointsPerSlice);
    const existing = this.slices.indexer
      .byIndex(OWNER_UID_INDEX, svc.metadata?.uid ?? '')
      .filter((s) => s.metadata?.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME && !s.metadata?.deletionTimestamp)
      .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
    const unused = new Set(existing);
    const writes: Promise<void>[] = [];
    for (const want of desired) {
      const reuse = [...unused].find((s) => s.addressType === want.addressType && canonicalJson(s.ports ?? []) === canonicalJson(want.ports));
      if (reuse) {
        unused.delete(reuse);
        if (sameSlice(reuse, want, svc)) continue;
        writes.push(this.write(key, () => this.config.client.update<SliceObject>(ENDPOINT_SLICES, { ...structuredClone(reuse), metadata: { ...structuredClone(reuse.metadata), labels: sliceLabels(svc) }, endpoints: want.endpoints, ports: want.ports })));
      } else {
        writes.push(this.write(key, () => this.config.client.create<SliceObject>(ENDPOINT_SLICES, newSlice(svc, want))));
      }
    }
    // A Service with no endpoints still gets one (empty) slice per address family, as Kubernetes does.
    for (const slice of unused) {
      writes.push(
        this.config.client
          .delete(ENDPOINT_SLICES, { namespace, name: slice.metadata?.name ?? '' }, { preconditions: { uid: slice.metadata?.uid } })
          .then(() => this.track(key, { name: slice.metadata?.name ?? '', deleted: true }))
          .catch((error: unknown) => {
            if (!(error instanceof StatusError && error.status.code === 404)) throw error;
          }),
      );
    }
    const results = await Promise.allSettled(writes);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async write(key: string, send: () => Promise<SliceObject>): Promise<void> {
    let slice: SliceObject;
    try {
      slice = await send();
    } catch (error) {
      if (isNamespaceTerminating(error)) return;
      throw error;
    }
    this.track(key, { name: slice.metadata?.name ?? '', resourceVersion: Number(slice.metadata?.resourceVersion ?? 0) });
  }
}

interface DesiredSlice {
  addressType: AddressType;
  ports: EndpointPort[];
  endpoints: Endpoint[];
}

function sliceLabels(svc: ServiceObject): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata?.labels ?? {}) };
  delete labels['service.kubernetes.io/headless'];
  labels[SERVICE_NAME_LABEL] = svc.metadata?.name ?? '';
  labels[MANAGED_BY_LABEL] = CONTROLLER_NAME;
  if (svc.spec?.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
  return labels;
}

function newSlice(svc: ServiceObject, want: DesiredSlice): SliceObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${svc.metadata?.name}-`,
      namespace: svc.metadata?.namespace,
      labels: sliceLabels(svc),
      ownerReferences: [controllerRefTo(svc, 'v1', 'Service')],
    },
    addressType: want.addressType,
    endpoints: want.endpoints,
    ports: want.ports,
  } as SliceObject;
}

function sameSlice(slice: SliceObject, want: DesiredSlice, svc: ServiceObject): boolean {
  return canonicalJson(slice.endpoints ?? []) === canonicalJson(want.endpoints) && canonicalJson(slice.metadata?.labels ?? {}) === canonicalJson(sliceLabels(svc));
}

/** The pod's port for a Service port: a number as is, a name looked up among the pod's container ports. */
function targetPort(pod: Pod, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  const protocol = port.protocol ?? 'TCP';
  for (const container of pod.spec?.containers ?? []) {
    for (const p of container.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

function endpointFor(svc: ServiceObject, pod: Pod, address: string): Endpoint {
  const terminating = Boolean(pod.metadata?.deletionTimestamp);
  const ready = isPodReady(pod);
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const endpoint: { -readonly [K in keyof Endpoint]: Endpoint[K] } = {
    addresses: [address],
    conditions: { ready: publishNotReady || (ready && !terminating), serving: publishNotReady || ready, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
  };
  if (pod.spec?.nodeName) endpoint.nodeName = pod.spec.nodeName;
  if (pod.spec?.hostname && pod.spec.subdomain === svc.metadata?.name) endpoint.hostname = pod.spec.hostname;
  return endpoint;
}

function podAddress(pod: Pod, family: AddressType): string | undefined {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => typeof ip === 'string');
  if (ips.length === 0 && pod.status?.podIP) ips.push(pod.status.podIP);
  return ips.find((ip) => (family === 'IPv6') === ip.includes(':'));
}

/** The slices a Service should have: endpoints grouped by address family and resolved ports, chunked. */
export function desiredSlices(svc: ServiceObject, pods: readonly Pod[], maxPerSlice: number): DesiredSlice[] {
  const families = (svc.spec?.ipFamilies?.length ? svc.spec.ipFamilies : ['IPv4']) as AddressType[];
  const groups = new Map<string, DesiredSlice>();
  const sorted = [...pods].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  for (const family of families) {
    let any = false;
    for (const pod of sorted) {
      if (isPodTerminal(pod)) continue;
      const address = podAddress(pod, family);
      if (!address) continue;
      const ports: EndpointPort[] = [];
      for (const port of svc.spec?.ports ?? []) {
        const number = targetPort(pod, port);
        if (number === undefined) continue;
        const p: { -readonly [K in keyof EndpointPort]: EndpointPort[K] } = { name: port.name ?? '', port: number, protocol: port.protocol ?? 'TCP' };
        if (port.appProtocol) p.appProtocol = port.appProtocol;
        ports.push(p);
      }
      const groupKey = `${family}|${canonicalJson(ports)}`;
      let group = groups.get(groupKey);
      if (!group) groups.set(groupKey, (group = { addressType: family, ports, endpoints: [] }));
      group.endpoints.push(endpointFor(svc, pod, address));
      any = true;
    }
    if (!any) groups.set(`${family}|empty`, { addressType: family, ports: [], endpoints: [] });
  }
  const out: DesiredSlice[] = [];
  for (const group of groups.values()) {
    if (group.endpoints.length === 0) out.push(group);
    for (let i = 0; i < group.endpoints.length; i += maxPerSlice) out.push({ ...group, endpoints: group.endpoints.slice(i, i + maxPerSlice) });
  }
  return out;
}
