// What every cluster has from its first start: the system namespaces, the "kubernetes" Service
// in default, whose Endpoints point at this apiserver, the two system PriorityClasses, the
// "kubernetes" ServiceCIDR holding the apiserver's service range, marked Ready as kube-apiserver's
// default-ServiceCIDR controller marks it, and, as kube-apiserver writes it, the ConfigMap that
// dates when legacy service account tokens began to be tracked (kube-controller-manager's legacy
// token cleaner reads it), and the default RBAC ClusterRoles and ClusterRoleBindings (reconciled at every start).
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource, type ResourceInfo } from '../../lib/api/resources.js';
import { isStatusError } from '../../lib/api/status.js';
import { StoreError } from '../../lib/native/store.js';
import type { Logger } from '../../lib/observe/logger.js';
import { SYSTEM_PRIORITY_CLASSES } from '../../lib/api/validation/priorityclass.js';
import type { ApiStorage } from './registry/api-storage.js';
import { reconcileBootstrapPolicy } from './rbac/reconcile-policy.js';

/** How often a replica without a quorum tries to bootstrap again. */
const QUORUM_RETRY_MS = 200;

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function resource(name: string): ResourceInfo {
  const info = findResource('', 'v1', name);
  if (!info) throw new Error(`resource ${name} is not served`);
  return info;
}

async function ensure(storage: ApiStorage, info: ResourceInfo, namespace: string | undefined, body: KubeObject): Promise<void> {
  try {
    await storage.for(info).create(namespace, body, { dryRun: false });
  } catch (error) {
    if (isStatusError(error) && error.code === 409) return;
    throw error;
  }
}

export interface BootstrapOptions {
  serviceIP: string;
  /** --service-cluster-ip-range: one range, or one per IP family. */
  serviceCIDRs: readonly string[];
  advertiseAddress: string;
  port: number;
  /** The time the legacy token tracking starts from; now by default. */
  clock?: () => Date;
}

/** kube-system/kube-apiserver-legacy-service-account-token-tracking, as kube-apiserver creates it. */
export const LEGACY_TOKEN_TRACKING_CONFIGMAP = 'kube-apiserver-legacy-service-account-token-tracking';

export async function bootstrapCluster(storage: ApiStorage, options: BootstrapOptions): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    await ensure(storage, resource('namespaces'), undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  const priorityClasses = findResource('scheduling.k8s.io', 'v1', 'priorityclasses');
  if (!priorityClasses) throw new Error('priorityclasses are not served');
  for (const { name, value, description } of SYSTEM_PRIORITY_CLASSES) {
    await ensure(storage, priorityClasses, undefined, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, description });
  }
  // "since" is the UTC date tracking began (Go's "2006-01-02"); a later start keeps the first date.
  const since = (options.clock ?? (() => new Date()))().toISOString().slice(0, 10);
  await ensure(storage, resource('configmaps'), 'kube-system', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: LEGACY_TOKEN_TRACKING_CONFIGMAP },
    data: { since },
  });
  await ensureDefaultServiceCIDR(storage, options.serviceCIDRs);
  await reconcileBootstrapPolicy(storage);
  await ensure(storage, resource('services'), 'default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { clusterIP: options.serviceIP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: options.port }] },
  });
  // Endpoints may not point at loopback addresses; an apiserver that only listens on loopback is
  // reachable from nowhere else, so it publishes none (pods reach it once it advertises a real IP).
  if (options.advertiseAddress.startsWith('127.') || options.advertiseAddress === '::1') return;
  const endpoints: KubeObject = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: options.advertiseAddress }], ports: [{ name: 'https', port: options.port, protocol: 'TCP' }] }],
  };
  // Endpoints may be created by a PUT, so one unconditional update covers first and later starts.
  await storage.for(resource('endpoints')).update({ namespace: 'default', name: 'kubernetes' }, endpoints, { dryRun: false });
}

export const DEFAULT_SERVICE_CIDR_NAME = 'kubernetes';

async function ensureDefaultServiceCIDR(storage: ApiStorage, cidrs: readonly string[]): Promise<void> {
  const info = findResource('networking.k8s.io', 'v1', 'servicecidrs');
  if (!info) throw new Error('servicecidrs are not served');
  await ensure(storage, info, undefined, { apiVersion: 'networking.k8s.io/v1', kind: 'ServiceCIDR', metadata: { name: DEFAULT_SERVICE_CIDR_NAME }, spec: { cidrs: [...cidrs] } });
  const ref = { namespace: undefined, name: DEFAULT_SERVICE_CIDR_NAME };
  const current = await storage.for(info).get(ref);
  const conditions = (current.status as { conditions?: { type?: string }[] } | undefined)?.conditions ?? [];
  if (conditions.some((c) => c.type === 'Ready')) return;
  const ready = { type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), reason: '', message: 'Kubernetes default Service CIDR is ready' };
  await storage.for(info).update(ref, { ...current, status: { conditions: [ready] } }, { dryRun: false }, 'status');
}

function waitingForQuorum(error: unknown): boolean {
  return (error instanceof StoreError && error.code === 'Unavailable') || (isStatusError(error) && error.code === 503);
}

/** Another replica bootstrapping at the same time wrote the same object first. */
function racedWithAnotherReplica(error: unknown): boolean {
  return isStatusError(error) && error.code === 409;
}

/**
 * Bootstraps as soon as the store can take writes: a replica starts before a quorum has elected a
 * leader, and until then every write answers Unavailable, so it tries again until one succeeds.
 * Every step is idempotent, so a conflict with a replica bootstrapping at the same time is met by
 * starting over on what that replica wrote.
 */
export async function bootstrapWhenWritable(storage: ApiStorage, options: BootstrapOptions, log: Logger): Promise<void> {
  for (;;) {
    try {
      await bootstrapCluster(storage, options);
      return;
    } catch (error) {
      if (racedWithAnotherReplica(error)) {
        log.info({ reason: (error as Error).message }, 'another replica bootstrapped the same object; starting over');
        continue;
      }
      if (!waitingForQuorum(error)) throw error;
      log.info({ reason: (error as Error).message }, 'waiting for a quorum to bootstrap');
      await sleep(QUORUM_RETRY_MS);
    }
  }
}
