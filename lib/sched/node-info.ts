// Per-node aggregate state (framework.NodeInfo), updated incrementally as pods come and go.
// Every change bumps `generation` from one process-wide counter, which is how the cache
// knows which nodes a snapshot must re-copy.
import type { Node, Taint } from 'kubernetes-types/core/v1.js';
import { addResourcesInPlace, cloneResources, emptyResources, resourcesFromList, type Resources } from './resources.js';
import type { HostPort, Labels, PodInfo } from './types.js';

let generationCounter = 0;
export function nextGeneration(): number {
  return ++generationCounter;
}

export interface ImageStateSummary {
  /** Bytes. */
  size: number;
  /** Nodes that have the image (kept current by the cache). */
  numNodes: number;
}

const BIND_ALL = '0.0.0.0';

/** Host ports in use on a node (HostPortInfo): ip → "protocol/port" → number of pods using it. */
export class UsedPorts {
  private readonly byIp = new Map<string, Map<string, number>>();

  get size(): number {
    return this.byIp.size;
  }

  add(p: HostPort): void {
    const ip = p.ip || BIND_ALL;
    let m = this.byIp.get(ip);
    if (!m) this.byIp.set(ip, (m = new Map()));
    const k = `${p.protocol || 'TCP'}/${p.port}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }

  remove(p: HostPort): void {
    const ip = p.ip || BIND_ALL;
    const m = this.byIp.get(ip);
    if (!m) return;
    const k = `${p.protocol || 'TCP'}/${p.port}`;
    const n = (m.get(k) ?? 0) - 1;
    if (n > 0) m.set(k, n);
    else m.delete(k);
    if (m.size === 0) this.byIp.delete(ip);
  }

  /** HostPortInfo.CheckConflict: 0.0.0.0 conflicts with every ip, any ip with 0.0.0.0. */
  conflicts(p: HostPort): boolean {
    if (p.port <= 0 || this.byIp.size === 0) return false;
    const ip = p.ip || BIND_ALL;
    const k = `${p.protocol || 'TCP'}/${p.port}`;
    if (ip === BIND_ALL) {
      for (const m of this.byIp.values()) if (m.has(k)) return true;
      return false;
    }
    return (this.byIp.get(BIND_ALL)?.has(k) ?? false) || (this.byIp.get(ip)?.has(k) ?? false);
  }

  clone(): UsedPorts {
    const c = new UsedPorts();
    for (const [ip, m] of this.byIp) c.byIp.set(ip, new Map(m));
    return c;
  }
}

const NO_LABELS: Labels = Object.freeze({});

export class NodeInfo {
  /** The node object; a placeholder `{metadata: {name}}` while `present` is false. */
  node: Node;
  /** False when the cache holds pods for a node it has not seen (or has deleted). */
  present: boolean;
  readonly name: string;
  labels: Labels = NO_LABELS;
  taints: readonly Taint[] = [];
  unschedulable = false;
  /** Allocatable; allowedPodNumber is the node's "pods" allocatable. */
  allocatable: Resources = emptyResources();
  requested: Resources = emptyResources();
  nonZeroRequested: Resources = emptyResources();
  pods: PodInfo[] = [];
  podsWithAffinity: PodInfo[] = [];
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  usedPorts = new UsedPorts();
  /** Image name (each of node.status.images[].names) → summary shared across nodes. */
  imageStates = new Map<string, ImageStateSummary>();
  generation = nextGeneration();

  constructor(name: string, node?: Node) {
    this.name = name;
    this.node = node ?? { metadata: { name } };
    this.present = node !== undefined;
    if (node) this.setNode(node);
  }

  /** Replaces the node object; pods and their sums are kept. */
  setNode(node: Node): void {
    this.node = node;
    this.present = true;
    this.labels = node.metadata?.labels ?? NO_LABELS;
    this.taints = node.spec?.taints ?? [];
    this.unschedulable = node.spec?.unschedulable === true;
    this.allocatable = resourcesFromList(node.status?.allocatable as Record<string, unknown> | undefined);
    this.allocatable.allowedPodNumber ??= 0;
    this.generation = nextGeneration();
  }

  /** Marks the node gone while pods may still reference it. */
  clearNode(): void {
    this.node = { metadata: { name: this.name } };
    this.present = false;
    this.labels = NO_LABELS;
    this.taints = [];
    this.unschedulable = false;
    this.allocatable = emptyResources();
    this.imageStates = new Map();
    this.generation = nextGeneration();
  }

  addPod(p: PodInfo): void {
    this.pods.push(p);
    if (p.hasPodAffinity) this.podsWithAffinity.push(p);
    if (p.requiredAntiAffinityTerms.length > 0) this.podsWithRequiredAntiAffinity.push(p);
    this.account(p, 1);
  }

  /** Removes the pod with this key; returns it, or undefined when it is not on the node. */
  removePod(key: string): PodInfo | undefined {
    const i = this.pods.findIndex((x) => x.key === key);
    if (i < 0) return undefined;
    const p = this.pods[i]!;
    this.pods.splice(i, 1);
    removeByKey(this.podsWithAffinity, key);
    removeByKey(this.podsWithRequiredAntiAffinity, key);
    this.account(p, -1);
    return p;
  }

  private account(p: PodInfo, sign: 1 | -1): void {
    addResourcesInPlace(this.requested, p.requests, sign);
    this.nonZeroRequested.milliCpu += sign * p.nonZeroRequests.milliCpu;
    this.nonZeroRequested.memory += sign * p.nonZeroRequests.memory;
    for (const port of p.hostPorts) {
      if (sign > 0) this.usedPorts.add(port);
      else this.usedPorts.remove(port);
    }
    this.generation = nextGeneration();
  }

  /** A copy that later changes to this one do not affect (image summaries stay shared). */
  clone(): NodeInfo {
    const c = new NodeInfo(this.name);
    c.node = this.node;
    c.present = this.present;
    c.labels = this.labels;
    c.taints = this.taints;
    c.unschedulable = this.unschedulable;
    c.allocatable = cloneResources(this.allocatable);
    c.requested = cloneResources(this.requested);
    c.nonZeroRequested = cloneResources(this.nonZeroRequested);
    c.pods = this.pods.slice();
    c.podsWithAffinity = this.podsWithAffinity.slice();
    c.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity.slice();
    c.usedPorts = this.usedPorts.clone();
    c.imageStates = this.imageStates;
    c.generation = this.generation;
    return c;
  }
}

function removeByKey(list: PodInfo[], key: string): void {
  const i = list.findIndex((x) => x.key === key);
  if (i >= 0) list.splice(i, 1);
}
