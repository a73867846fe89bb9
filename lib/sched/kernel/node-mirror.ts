// Mirrors the scheduler cache's nodes into the native kernel incrementally: a node object that
// changed is upserted, pods that came or went are added or removed, a node that left is
// removed. Slots the kernel hands out map back to names here.
import type { NativeSchedKernel } from '../../native/sched.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo, Snapshot } from '../types.js';
import { encodedKernelPod, kernelNode } from './convert.js';

interface Mirrored {
  node: NodeInfo['node'];
  pods: Map<string, PodInfo>;
}

export class NodeMirror {
  /** Node name by kernel slot. */
  readonly names: string[] = [];
  /** Index in the last synced snapshot's node list, by kernel slot. */
  positions = new Int32Array(0);
  private readonly slots = new Map<string, number>();
  private readonly nodes = new Map<string, Mirrored>();
  private orderGeneration = -1;

  constructor(private readonly kernel: NativeSchedKernel) {}

  slot(name: string): number | undefined {
    return this.slots.get(name);
  }

  /** The cache's onNodeChange listener. */
  readonly onNodeChange = (name: string, info: NodeInfo | undefined): void => {
    if (!info || !info.present) {
      this.remove(name);
      return;
    }
    let mirrored = this.nodes.get(name);
    if (!mirrored || mirrored.node !== info.node) {
      const [slot] = this.kernel.upsertNodes([kernelNode(info)]);
      this.names[slot!] = name;
      this.slots.set(name, slot!);
      if (!mirrored) this.nodes.set(name, (mirrored = { node: info.node, pods: new Map() }));
      mirrored.node = info.node;
      this.orderGeneration = -1;
    }
    this.syncPods(name, mirrored, info.pods);
  };

  private syncPods(name: string, mirrored: Mirrored, pods: readonly PodInfo[]): void {
    // The cache reports every change on its own, and a new pod goes to the end of the node's
    // list: the usual change (a pod assumed or bound there) is one new pod at the end.
    const last = pods[pods.length - 1];
    if (last && pods.length === mirrored.pods.size + 1 && !mirrored.pods.has(last.key)) {
      this.kernel.addPod(name, encodedKernelPod(last));
      mirrored.pods.set(last.key, last);
      return;
    }
    if (pods.length === mirrored.pods.size && pods.every((p) => mirrored.pods.get(p.key) === p)) return;
    const current = new Map<string, PodInfo>();
    for (const p of pods) current.set(p.key, p);
    for (const [key, p] of mirrored.pods) {
      if (current.get(key) === p) continue;
      this.kernel.removePod(name, encodedKernelPod(p));
      mirrored.pods.delete(key);
    }
    for (const [key, p] of current) {
      if (mirrored.pods.get(key) === p) continue;
      this.kernel.addPod(name, encodedKernelPod(p));
      mirrored.pods.set(key, p);
    }
  }

  private remove(name: string): void {
    const slot = this.slots.get(name);
    if (slot === undefined) return;
    this.kernel.removeNodes([name]);
    this.slots.delete(name);
    this.nodes.delete(name);
    this.names[slot] = '';
    this.orderGeneration = -1;
  }

  /** Adds every node of the snapshot the mirror lacks (e.g. nodes cached before it subscribed). */
  seed(snapshot: Snapshot): void {
    for (const info of snapshot.nodes) if (!this.nodes.has(info.name)) this.onNodeChange(info.name, info);
  }

  /** Puts the kernel's node order in the snapshot's order when the node list moved. */
  syncOrder(snapshot: Snapshot): void {
    if (this.orderGeneration === snapshot.nodeListGeneration && this.kernel.nodeCount === snapshot.nodes.length) return;
    if (this.kernel.nodeCount !== snapshot.nodes.length) this.seed(snapshot);
    this.kernel.setOrder(snapshot.nodes.map((n) => n.name));
    const positions = new Int32Array(this.names.length).fill(-1);
    snapshot.nodes.forEach((info, i) => {
      const slot = this.slots.get(info.name);
      if (slot !== undefined) positions[slot] = i;
    });
    this.positions = positions;
    this.orderGeneration = snapshot.nodeListGeneration;
  }
}
