// The DaemonSet controller (k8s.io/kubernetes/pkg/controller/daemon): one pod on every node the
// template's nodeSelector and required node affinity select and whose taints it tolerates (with
// the tolerations Kubernetes adds to daemon pods). Pods are created unscheduled with a required
// node affinity on `metadata.name` for their node, for the scheduler to bind; pods on nodes that no
// longer qualify (or are gone) are deleted. Each template is recorded as a ControllerRevision
// `NAME-<hash>` whose hash is the pods' controller-revision-hash label; RollingUpdate replaces old
// pods within maxUnavailable (or first surges new ones within maxSurge), OnDelete waits for the
// user to delete them. Status: desired/current/misscheduled/ready/available/updated counts and
// observedGeneration. Expectations keep a lagging pod cache from creating a pod twice.
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Affinity, Node, Pod, PodTemplateSpec, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource } from '../../lib/api/resources.js';
import type { LabelSelector } from '../../lib/api/selectors/label-selector.js';
import { StatusError } from '../../lib/api/status.js';
import type { Informer } from '../../lib/client/informer.js';
import { objectKey } from '../../lib/client/paths.js';
import { compileNodeSelector, nodeSelectorMatches } from '../../lib/sched/node-selector.js';
import { findUntoleratedTaint } from '../../lib/sched/taints.js';
import { isNamespaceTerminating } from './api-errors.js';
import type { ControllerContext } from './controller-context.js';
import { CONTROLLER_REVISIONS, ControllerHistory, REVISION_HASH_LABEL, type RevisionObject } from './controller-history.js';
import { claimObjects, controllerRefTo } from './controller-ref.js';
import { canonicalJson, scaledValue } from './deployment/rollout-math.js';
import { Expectations } from './expectations.js';
import { type OwnedPodEvents, ownerToSync, watchOwnersAndPods } from './owned-pod-events.js';
import { NODES } from './node-lifecycle.js';
import { isPodAvailable, isPodReady, isPodTerminal, isPodTerminating } from './pod-conditions.js';
import { PodControl, PODS, type PodObject } from './pod-control.js';
import { QueueController, QueueWorkers, controllerQueue } from './queue-workers.js';
import { BURST_REPLICAS, SLOW_START_INITIAL_BATCH, slowStartBatch } from './replica-set.js';
import { claimCandidates } from './shared-informers.js';
import { updateStatus } from './status-writer.js';

export const DAEMON_SETS = findResource('apps', 'v1', 'daemonsets')!;
/** extensions.DaemonSetTemplateGenerationKey, set from the deprecated annotation when present. */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';
const COMPONENT = 'daemonset-controller';

type DaemonSetObject = DaemonSet & KubeObject;
type NodeObject = Node & KubeObject;

/** The tolerations Kubernetes' AddOrUpdateDaemonPodTolerations gives every daemon pod. */
export function daemonPodTolerations(hostNetwork: boolean): Toleration[] {
  const tolerations: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (hostNetwork) tolerations.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return tolerations;
}

/** The template's tolerations with the daemon ones added or replacing those of the same key and effect. */
function withDaemonTolerations(spec: NonNullable<PodTemplateSpec['spec']>): Toleration[] {
  const result = [...(spec.tolerations ?? [])];
  for (const toleration of daemonPodTolerations(spec.hostNetwork === true)) {
    const at = result.findIndex((t) => t.key === toleration.key && t.effect === toleration.effect);
    if (at >= 0) result[at] = toleration;
    else result.push(toleration);
  }
  return result;
}

/** Kubernetes' ReplaceDaemonSetPodNodeNameNodeAffinity: the required terms become "this node, by name". */
export function affinityForNode(affinity: Affinity | undefined, nodeName: string): Affinity {
  const term = { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] };
  return { ...(affinity ?? {}), nodeAffinity: { ...(affinity?.nodeAffinity ?? {}), requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } } };
}

/** The node a daemon pod is for: its spec.nodeName, or the name its required node affinity pins (GetTargetNodeName). */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const field of term.matchFields ?? []) if (field.key === 'metadata.name' && field.operator === 'In' && field.values?.length === 1) return field.values[0];
  }
  return undefined;
}

/** NodeShouldRunDaemonPod: whether a new pod belongs there, and whether a running one may stay. */
export function nodeShouldRunDaemonPod(node: Node, template: PodTemplateSpec): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const spec = template.spec ?? { containers: [] };
  const labels = node.metadata?.labels ?? {};
  const name = node.metadata?.name ?? '';
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) if (labels[key] !== value) return { shouldRun: false, shouldContinueRunning: false };
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required && !nodeSelectorMatches(compileNodeSelector(required), labels, name)) return { shouldRun: false, shouldContinueRunning: false };
  const taints: Taint[] = node.spec?.taints ?? [];
  const tolerations = withDaemonTolerations(spec);
  const untolerated = (effects: string[]): boolean => findUntoleratedTaint(taints, tolerations, (t) => effects.includes(t.effect)) !== undefined;
  return { shouldRun: !untolerated(['NoSchedule', 'NoExecute']), shouldContinueRunning: !untolerated(['NoExecute']) };
}

/** A pod made from the current revision (by hash, or by the deprecated template generation). */
function isUpdated(pod: Pod, hash: string, generation: string | undefined): boolean {
  const labels = pod.metadata?.labels ?? {};
  return labels[REVISION_HASH_LABEL] === hash || (generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === generation);
}

function creationTime(pod: Pod): number {
  return Date.parse(pod.metadata?.creationTimestamp ?? '') || 0;
}

function oldestFirst(pods: readonly Pod[]): Pod[] {
  return [...pods].sort((a, b) => creationTime(a) - creationTime(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

export class DaemonSetController extends QueueController {
  private readonly sets: Informer<DaemonSetObject>;
  private readonly pods: Informer<PodObject>;
  private readonly nodes: Informer<NodeObject>;
  private readonly revisions: Informer<RevisionObject>;
  private readonly history: ControllerHistory;
  private readonly expectations: Expectations;
  private readonly podEvents: OwnedPodEvents<DaemonSetObject>;
  private readonly podControl: PodControl;
  protected readonly workers: QueueWorkers;

  constructor(private readonly config: ControllerContext) {
    super();
    this.sets = config.informers.informerFor<DaemonSetObject>(DAEMON_SETS);
    this.pods = config.informers.informerFor<PodObject>(PODS);
    this.nodes = config.informers.informerFor<NodeObject>(NODES);
    this.revisions = config.informers.informerFor<RevisionObject>(CONTROLLER_REVISIONS);
    this.history = new ControllerHistory(config.client, this.revisions);
    this.expectations = new Expectations(config.clock);
    this.podControl = new PodControl(config.client);
    this.workers = controllerQueue(config, 'daemonset', (key) => this.sync(key));
    this.podEvents = watchOwnersAndPods(this.sets, this.pods, 'DaemonSet', this.expectations, this.workers.queue);
    this.nodes.addEventHandler({
      onAdd: () => this.enqueueAll(),
      onUpdate: (before, after) => {
        if (nodeChangedForDaemons(before, after)) this.enqueueAll();
      },
      onDelete: () => this.enqueueAll(),
    });
    this.revisions.addEventHandler({
      onAdd: (rev) => this.enqueueOwner(rev),
      onUpdate: (_before, after) => this.enqueueOwner(after),
      onDelete: (rev) => this.enqueueOwner(rev),
    });
  }

  private enqueue(obj: { metadata?: { namespace?: string; name?: string } }): void {
    this.workers.queue.add(objectKey(obj));
  }

  private enqueueAll(): void {
    for (const ds of this.sets.indexer.list()) this.enqueue(ds);
  }

  private enqueueOwner(obj: KubeObject): void {
    const owner = this.podEvents.ownerOf(obj);
    if (owner) this.enqueue(owner);
  }

  async sync(key: string): Promise<void> {
    const found = ownerToSync(this.sets, key, this.expectations, this.config.log);
    if (!found) return;
    const { owner: ds, selector } = found;
    const owned = await claimObjects(this.config.client, { owner: ds, ownerApiVersion: 'apps/v1', ownerKind: 'DaemonSet', selector, resource: PODS }, claimCandidates(this.pods, ds));
    if (ds.metadata?.deletionTimestamp) return;
    const hash = await this.currentRevision(ds, selector, owned);
    const byNode = podsByNode(owned.filter((p) => !isPodTerminating(p)));
    const nodes = this.nodes.indexer.list();
    if (this.expectations.satisfied(key)) {
      const plan = this.manage(ds, nodes, byNode);
      // As Kubernetes: the rolling update waits until nodes have the pods they should.
      const strategy = ds.spec?.updateStrategy?.type ?? 'RollingUpdate';
      if (strategy === 'RollingUpdate' && plan.create.length === 0 && plan.remove.length === 0) {
        const leaving = podsByNode(owned.filter(isPodTerminating));
        this.rollingUpdate(ds, nodes, byNode, leaving, hash, plan);
      }
      await this.syncNodes(key, ds, hash, plan);
    }
    await this.writeStatus(ds, nodes, byNode, hash);
  }

  /** What the pods on each node call for: nodes needing a pod, pods to delete. */
  private manage(ds: DaemonSetObject, nodes: readonly NodeObject[], byNode: Map<string, Pod[]>): Plan {
    const template = ds.spec?.template ?? {};
    const surge = allowsSurge(ds);
    const plan: Plan = { create: [], remove: [] };
    const known = new Set<string>();
    for (const node of nodes) {
      const name = node.metadata?.name ?? '';
      known.add(name);
      const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, template);
      const pods = byNode.get(name) ?? [];
      if (shouldRun && pods.length === 0) {
        plan.create.push(name);
        continue;
      }
      if (!shouldContinueRunning) {
        plan.remove.push(...pods);
        continue;
      }
      // Finished pods are replaced (Kubernetes backs off between failures; the next sync recreates).
      const finished = pods.filter(isPodTerminal);
      plan.remove.push(...finished);
      const running = oldestFirst(pods.filter((p) => !isPodTerminal(p)));
      if (running.length === 0 && shouldRun && finished.length > 0) continue;
      // One pod per node (two while surging: the oldest old one and the oldest new one).
      if (surge) {
        const keep = new Set<Pod>();
        const labels = (p: Pod): string => p.metadata?.labels?.[REVISION_HASH_LABEL] ?? '';
        const first = running[0];
        if (first) keep.add(first);
        const other = running.find((p) => labels(p) !== labels(first ?? p));
        if (other) keep.add(other);
        plan.remove.push(...running.filter((p) => !keep.has(p)));
      } else {
        plan.remove.push(...running.slice(1));
      }
    }
    // Pods for nodes that are gone.
    for (const [name, pods] of byNode) if (!known.has(name)) plan.remove.push(...pods);
    return plan;
  }

  /** Old pods replaced within maxUnavailable, or new ones surged within maxSurge (Kubernetes' rollingUpdate). */
  private rollingUpdate(ds: DaemonSetObject, nodes: readonly NodeObject[], byNode: Map<string, Pod[]>, leaving: Map<string, Pod[]>, hash: string, plan: Plan): void {
    const template = ds.spec?.template ?? {};
    // Nodes with daemon pods, terminating ones included, that may keep them.
    const eligible = nodes.filter((n) => (byNode.has(n.metadata?.name ?? '') || leaving.has(n.metadata?.name ?? '')) && nodeShouldRunDaemonPod(n, template).shouldContinueRunning).map((n) => n.metadata?.name ?? '');
    const desired = nodes.filter((n) => nodeShouldRunDaemonPod(n, template).shouldRun).length;
    const { maxSurge, maxUnavailable } = rollingLimits(ds, desired);
    const minReady = ds.spec?.minReadySeconds ?? 0;
    const now = this.config.clock.now();
    const generation = ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
    const removing = new Set(plan.remove);
    const available = (p: Pod): boolean => isPodAvailable(p, minReady, now);
    if (maxSurge === 0) {
      let unavailable = 0;
      const replace: Pod[] = [];
      const candidates: Pod[] = [];
      for (const name of eligible) {
        const pods = (byNode.get(name) ?? []).filter((p) => !isPodTerminal(p) && !removing.has(p));
        const fresh = pods.filter((p) => isUpdated(p, hash, generation));
        const old = pods.filter((p) => !isUpdated(p, hash, generation));
        if (fresh.length > 1 || old.length > 1 || (fresh.length === 0) === (old.length === 0)) {
          unavailable++;
          continue;
        }
        if (fresh[0]) {
          if (!available(fresh[0])) unavailable++;
          continue;
        }
        if (!available(old[0]!)) {
          replace.push(old[0]!);
          unavailable++;
        } else candidates.push(old[0]!);
      }
      const budget = Math.max(0, maxUnavailable - unavailable);
      plan.remove.push(...replace, ...oldestFirst(candidates).slice(0, budget));
      return;
    }
    let surged = 0;
    const replaceNow: string[] = [];
    const candidates: string[] = [];
    for (const name of eligible) {
      const pods = (byNode.get(name) ?? []).filter((p) => !isPodTerminal(p) && !removing.has(p));
      const fresh = pods.filter((p) => isUpdated(p, hash, generation));
      const old = pods.filter((p) => !isUpdated(p, hash, generation));
      if (old.length === 0) continue;
      if (fresh.length === 0) {
        if (!available(old[0]!)) replaceNow.push(name);
        else candidates.push(name);
        continue;
      }
      surged++;
      // The new pod is up: the old one may go.
      if (available(fresh[0]!)) plan.remove.push(...old);
    }
    plan.create.push(...replaceNow, ...candidates.slice(0, Math.max(0, maxSurge - surged)));
  }

  private async syncNodes(key: string, ds: DaemonSetObject, hash: string, plan: Plan): Promise<void> {
    const namespace = ds.metadata?.namespace ?? '';
    const name = ds.metadata?.name ?? '';
    const creates = plan.create.slice(0, BURST_REPLICAS);
    const removes = [...new Set(plan.remove)].slice(0, BURST_REPLICAS);
    const removeKeys = removes.map((p) => objectKey(p));
    // Creations and deletions are expected together: each observed event settles one of them.
    this.expectations.expect(key, creates.length, removeKeys);
    let firstError: Error | undefined;
    const ref = controllerRefTo(ds, 'apps/v1', 'DaemonSet');
    const base = ds.spec?.template ?? {};
    const generation = ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
    const queue = [...creates];
    const { created, error } = await slowStartBatch(creates.length, SLOW_START_INITIAL_BATCH, async () => {
      const nodeName = queue.shift()!;
      const template = structuredClone(base);
      template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), ...(generation !== undefined ? { [TEMPLATE_GENERATION_LABEL]: generation } : {}), [REVISION_HASH_LABEL]: hash } };
      template.spec = { ...(template.spec ?? { containers: [] }) };
      template.spec.tolerations = withDaemonTolerations(template.spec);
      template.spec.affinity = affinityForNode(template.spec.affinity, nodeName);
      try {
        const pod = await this.podControl.create(template, namespace, name, ref);
        this.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name}`);
      } catch (err) {
        if (isNamespaceTerminating(err)) return;
        this.event(ds, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
        throw err;
      }
    });
    for (let skipped = creates.length - created; skipped > 0; skipped--) this.expectations.creationObserved(key);
    if (error) firstError = error;
    const results = await Promise.allSettled(removes.map((pod) => this.podControl.delete(namespace, pod.metadata?.name ?? '')));
    results.forEach((result, i) => {
      if (result.status === 'rejected') {
        this.expectations.deletionObserved(key, removeKeys[i]!);
        if (!(result.reason instanceof StatusError && result.reason.status.code === 404)) {
          firstError ??= result.reason as Error;
          this.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${(result.reason as Error).message}`);
        }
      } else {
        this.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${removes[i]!.metadata?.name}`);
      }
    });
    if (firstError) throw firstError;
  }

  private event(ds: DaemonSetObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.config.events.record({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: ds.metadata }, COMPONENT, type, reason, 'Scaling', message);
  }

  /** The ControllerRevision of the current template (see ControllerHistory), history past revisionHistoryLimit removed; returns its hash. */
  private async currentRevision(ds: DaemonSetObject, selector: LabelSelector, pods: readonly Pod[]): Promise<string> {
    const target = { owner: ds, kind: 'DaemonSet', resource: DAEMON_SETS, selector };
    const revisions = await this.history.claim(target);
    const current = await this.history.currentRevision(target, revisions);
    const liveHashes = new Set(pods.map((p) => p.metadata?.labels?.[REVISION_HASH_LABEL]).filter((h): h is string => h !== undefined));
    await this.history.truncate(ds, revisions, new Set([current.metadata?.name ?? '']), liveHashes);
    return current.metadata?.labels?.[REVISION_HASH_LABEL] ?? '';
  }

  private async writeStatus(ds: DaemonSetObject, nodes: readonly NodeObject[], byNode: Map<string, Pod[]>, hash: string): Promise<void> {
    const template = ds.spec?.template ?? {};
    const minReady = ds.spec?.minReadySeconds ?? 0;
    const now = this.config.clock.now();
    const generation = ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
    let desired = 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let available = 0;
    let updated = 0;
    let nextAvailable = Infinity;
    for (const node of nodes) {
      const { shouldRun } = nodeShouldRunDaemonPod(node, template);
      const pods = oldestFirst((byNode.get(node.metadata?.name ?? '') ?? []).filter((p) => !isPodTerminal(p)));
      if (!shouldRun) {
        if (pods.length > 0) misscheduled++;
        continue;
      }
      desired++;
      if (pods.length === 0) continue;
      current++;
      const pod = pods[0]!;
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReady, now)) available++;
        else nextAvailable = Math.min(nextAvailable, (Date.parse(pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime ?? '') || now) + minReady * 1000);
      }
      if (pods.some((p) => isUpdated(p, hash, generation))) updated++;
    }
    const status: NonNullable<DaemonSet['status']> = {
      ...(ds.status?.collisionCount !== undefined ? { collisionCount: ds.status.collisionCount } : {}),
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: desired,
      numberReady: ready,
      numberAvailable: available,
      updatedNumberScheduled: updated,
      observedGeneration: ds.metadata?.generation ?? 0,
      ...(desired - available > 0 ? { numberUnavailable: desired - available } : {}),
      ...(ds.status?.conditions ? { conditions: ds.status.conditions } : {}),
    };
    await updateStatus(this.config.client, DAEMON_SETS, ds, status, statusUnchanged);
    if (Number.isFinite(nextAvailable)) this.workers.queue.addAfter(objectKey(ds), Math.max(1, nextAvailable - now + 1));
  }
}

interface Plan {
  /** Nodes to create a pod on. */
  create: string[];
  remove: Pod[];
}

function podsByNode(pods: readonly Pod[]): Map<string, Pod[]> {
  const byNode = new Map<string, Pod[]>();
  for (const pod of pods) {
    const node = targetNodeName(pod);
    if (node === undefined) continue;
    const list = byNode.get(node);
    if (list) list.push(pod);
    else byNode.set(node, [pod]);
  }
  return byNode;
}

/** A node change that can change where daemon pods belong: labels, taints, or becoming known. */
function nodeChangedForDaemons(before: NodeObject, after: NodeObject): boolean {
  return canonicalJson(before.metadata?.labels ?? {}) !== canonicalJson(after.metadata?.labels ?? {}) || canonicalJson(before.spec?.taints ?? []) !== canonicalJson(after.spec?.taints ?? []);
}

function allowsSurge(ds: DaemonSet): boolean {
  if ((ds.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return false;
  try {
    return scaledValue(ds.spec?.updateStrategy?.rollingUpdate?.maxSurge, '0', 1, true) > 0;
  } catch {
    return false;
  }
}

/** maxSurge and maxUnavailable against the desired count, rounded up; never both zero (Kubernetes' updatedDesiredNodeCounts). */
export function rollingLimits(ds: DaemonSet, desired: number): { maxSurge: number; maxUnavailable: number } {
  const rolling = ds.spec?.updateStrategy?.rollingUpdate;
  const maxSurge = scaledValue(rolling?.maxSurge, '0', desired, true);
  let maxUnavailable = scaledValue(rolling?.maxUnavailable, '1', desired, true);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

const STATUS_COUNTS = ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'numberAvailable', 'numberUnavailable', 'updatedNumberScheduled', 'observedGeneration', 'collisionCount'] as const;

/** Equal counts, a count the apiserver left out being zero. */
function statusUnchanged(before: DaemonSet['status'] | undefined, after: NonNullable<DaemonSet['status']>): boolean {
  return STATUS_COUNTS.every((field) => (before?.[field] ?? 0) === (after[field] ?? 0));
}
