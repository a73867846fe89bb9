// The scheduler's cache (kube-scheduler's internal/cache): nodes and the pods bound or
// assumed on them, with assume → finishBinding → confirmed-by-informer and forget for a
// failed bind. Snapshots are updated incrementally: only nodes whose generation moved are
// copied. Single-threaded by design: call it from one event loop, never during findNodes.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { NodeInfo, nextGeneration, type ImageStateSummary } from './node-info.js';
import { podInfoFromPod } from './pod-info.js';
import type { PodInfo, Snapshot } from './types.js';

export type NodeChangeListener = (name: string, info: NodeInfo | undefined) => void;

interface PodState {
  info: PodInfo;
  nodeName: string;
  assumed: boolean;
  bindingFinished: boolean;
}

interface ImageEntry {
  summary: ImageStateSummary;
  nodes: Set<string>;
}

class CacheSnapshot implements Snapshot {
  nodes: NodeInfo[] = [];
  byName = new Map<string, NodeInfo>();
  indexOf = new Map<string, number>();
  havePodsWithAffinity: NodeInfo[] = [];
  havePodsWithRequiredAntiAffinity: NodeInfo[] = [];
  nodeListGeneration = 0;

  get(name: string): NodeInfo | undefined {
    return this.byName.get(name);
  }
}

export class SchedulerCache {
  private readonly infos = new Map<string, NodeInfo>();
  private readonly pods = new Map<string, PodState>();
  private readonly images = new Map<string, ImageEntry>();
  private readonly listeners: NodeChangeListener[] = [];
  private readonly dirty = new Set<string>();
  private nodeListDirty = true;
  private readonly snap = new CacheSnapshot();

  /** Registers a listener told synchronously about every node change (the live NodeInfo; do not mutate or keep it). */
  onNodeChange(listener: NodeChangeListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  get nodeCount(): number {
    let n = 0;
    for (const info of this.infos.values()) if (info.present) n++;
    return n;
  }

  /** The cached NodeInfo (live, read-only for callers). */
  nodeInfo(name: string): NodeInfo | undefined {
    const info = this.infos.get(name);
    return info?.present ? info : undefined;
  }

  // ------------------------------------------------------------------ nodes

  addNode(node: Node): void {
    const name = node.metadata?.name ?? '';
    let info = this.infos.get(name);
    if (!info) {
      info = new NodeInfo(name);
      this.infos.set(name, info);
    }
    if (!info.present) this.nodeListDirty = true;
    this.setImages(info, node);
    info.setNode(node);
    this.changed(info);
  }

  updateNode(node: Node): void {
    this.addNode(node);
  }

  removeNode(name: string): void {
    const info = this.infos.get(name);
    if (!info || !info.present) return;
    this.setImages(info, undefined);
    info.clearNode();
    this.nodeListDirty = true;
    if (info.pods.length === 0) this.infos.delete(name);
    this.dirty.add(name);
    for (const l of this.listeners) l(name, undefined);
  }

  private setImages(info: NodeInfo, node: Node | undefined): void {
    for (const name of info.imageStates.keys()) {
      const entry = this.images.get(name);
      if (!entry) continue;
      entry.nodes.delete(info.name);
      entry.summary.numNodes = entry.nodes.size;
      if (entry.nodes.size === 0) this.images.delete(name);
    }
    const states = new Map<string, ImageStateSummary>();
    for (const image of node?.status?.images ?? []) {
      for (const name of image.names ?? []) {
        let entry = this.images.get(name);
        if (!entry) this.images.set(name, (entry = { summary: { size: image.sizeBytes ?? 0, numNodes: 0 }, nodes: new Set() }));
        entry.summary.size = image.sizeBytes ?? 0;
        entry.nodes.add(info.name);
        entry.summary.numNodes = entry.nodes.size;
        states.set(name, entry.summary);
      }
    }
    info.imageStates = states;
  }

  // ------------------------------------------------------------------ pods

  /** The pod's state: undefined when unknown. */
  podState(key: string): { nodeName: string; assumed: boolean; bindingFinished: boolean; info: PodInfo } | undefined {
    return this.pods.get(key);
  }

  isAssumed(key: string): boolean {
    return this.pods.get(key)?.assumed ?? false;
  }

  /** Reserves the node's resources for a pod whose binding is in flight. Throws when the pod is already cached. */
  assumePod(info: PodInfo, nodeName: string): void {
    if (this.pods.has(info.key)) throw new Error(`pod ${info.key} is in the cache, so can't be assumed`);
    this.pods.set(info.key, { info, nodeName, assumed: true, bindingFinished: false });
    this.nodeFor(nodeName).addPod(info);
    this.changedByName(nodeName);
  }

  /** The binding request finished (either way the informer will tell the truth). */
  finishBinding(key: string): void {
    const s = this.pods.get(key);
    if (s?.assumed) s.bindingFinished = true;
  }

  /** Rolls back an assumed pod (its bind failed). */
  forgetPod(key: string): void {
    const s = this.pods.get(key);
    if (!s || !s.assumed) return;
    this.pods.delete(key);
    this.removeFromNode(key, s.nodeName);
  }

  /** A bound pod from the informer; confirms an assumed pod (moving it if it landed elsewhere). */
  addPod(pod: Pod | PodInfo): void {
    const info = 'pod' in pod && 'key' in pod ? pod : podInfoFromPod(pod);
    const nodeName = info.nodeName;
    if (!nodeName) return;
    const s = this.pods.get(info.key);
    if (s) {
      // Same node (the usual confirmation of an assumed pod): swap quietly, notify once.
      if (s.nodeName === nodeName) this.infos.get(nodeName)?.removePod(info.key);
      else this.removeFromNode(info.key, s.nodeName);
    }
    this.pods.set(info.key, { info, nodeName, assumed: false, bindingFinished: false });
    this.nodeFor(nodeName).addPod(info);
    this.changedByName(nodeName);
  }

  updatePod(pod: Pod | PodInfo): void {
    this.addPod(pod);
  }

  removePod(key: string): void {
    const s = this.pods.get(key);
    if (!s) return;
    this.pods.delete(key);
    this.removeFromNode(key, s.nodeName);
  }

  private removeFromNode(key: string, nodeName: string): void {
    const info = this.infos.get(nodeName);
    if (!info) return;
    info.removePod(key);
    if (!info.present && info.pods.length === 0) {
      this.infos.delete(nodeName);
      this.dirty.add(nodeName);
      return;
    }
    this.changed(info);
  }

  private nodeFor(name: string): NodeInfo {
    let info = this.infos.get(name);
    if (!info) this.infos.set(name, (info = new NodeInfo(name)));
    return info;
  }

  private changedByName(name: string): void {
    this.changed(this.infos.get(name)!);
  }

  private changed(info: NodeInfo): void {
    this.dirty.add(info.name);
    if (!info.present) return;
    for (const l of this.listeners) l(info.name, info);
  }

  // ------------------------------------------------------------------ snapshot

  /**
   * The snapshot for the next scheduling cycle. The same object is returned and updated in
   * place on every call, copying only the nodes changed since the previous call; it stays
   * consistent until the next call.
   */
  snapshot(): Snapshot {
    const snap = this.snap;
    if (this.dirty.size === 0 && !this.nodeListDirty) return snap;
    let affinityChanged = false;
    for (const name of this.dirty) {
      const old = snap.byName.get(name);
      const info = this.infos.get(name);
      if (old && (old.podsWithAffinity.length > 0 || old.podsWithRequiredAntiAffinity.length > 0)) affinityChanged = true;
      if (!info || !info.present) {
        if (old) {
          snap.byName.delete(name);
          this.nodeListDirty = true;
        }
        continue;
      }
      if (old && old.generation === info.generation) continue;
      const copy = info.clone();
      if (copy.podsWithAffinity.length > 0 || copy.podsWithRequiredAntiAffinity.length > 0) affinityChanged = true;
      snap.byName.set(name, copy);
      if (!old) this.nodeListDirty = true;
      else if (!this.nodeListDirty) {
        const i = snap.indexOf.get(name);
        if (i !== undefined) snap.nodes[i] = copy;
      }
    }
    this.dirty.clear();
    if (this.nodeListDirty) {
      snap.nodes = [];
      snap.indexOf.clear();
      for (const info of this.infos.values()) {
        if (!info.present) continue;
        snap.indexOf.set(info.name, snap.nodes.length);
        snap.nodes.push(snap.byName.get(info.name)!);
      }
      snap.nodeListGeneration = nextGeneration();
      this.nodeListDirty = false;
      affinityChanged = true;
    }
    if (affinityChanged) {
      snap.havePodsWithAffinity = snap.nodes.filter((n) => n.podsWithAffinity.length > 0);
      snap.havePodsWithRequiredAntiAffinity = snap.nodes.filter((n) => n.podsWithRequiredAntiAffinity.length > 0);
    }
    return snap;
  }
}
