// What the cluster looks like as pods come and go: per node the pods and requests placed on it,
// and running totals (nodes in use, requests, the allocatable of the nodes in use), so every
// placement and deletion costs O(1) and the timeline can be sampled at any moment.
import type { PodInfo } from '../sched/types.js';

export interface UsageSample {
  /** Virtual seconds since the start. */
  t: number;
  nodesUsed: number;
  runningPods: number;
  pendingPods: number;
  /** Requested / allocatable over the nodes in use (0 when none is). */
  cpuOfUsed: number;
  memoryOfUsed: number;
  /** Requested / allocatable over every node. */
  cpuOfCluster: number;
  memoryOfCluster: number;
}

interface NodeUsage {
  pods: number;
  milliCpu: number;
  memory: number;
  allocMilliCpu: number;
  allocMemory: number;
}

export class ClusterUsage {
  private readonly nodes = new Map<string, NodeUsage>();
  private totalAllocMilliCpu = 0;
  private totalAllocMemory = 0;
  nodesUsed = 0;
  nodesUsedPeak = 0;
  running = 0;
  private milliCpu = 0;
  private memory = 0;
  private usedAllocMilliCpu = 0;
  private usedAllocMemory = 0;

  addNode(name: string, allocMilliCpu: number, allocMemory: number): void {
    this.nodes.set(name, { pods: 0, milliCpu: 0, memory: 0, allocMilliCpu, allocMemory });
    this.totalAllocMilliCpu += allocMilliCpu;
    this.totalAllocMemory += allocMemory;
  }

  place(pod: PodInfo, nodeName: string): void {
    const node = this.nodes.get(nodeName)!;
    if (node.pods++ === 0) {
      this.nodesUsed++;
      this.usedAllocMilliCpu += node.allocMilliCpu;
      this.usedAllocMemory += node.allocMemory;
      if (this.nodesUsed > this.nodesUsedPeak) this.nodesUsedPeak = this.nodesUsed;
    }
    node.milliCpu += pod.requests.milliCpu;
    node.memory += pod.requests.memory;
    this.milliCpu += pod.requests.milliCpu;
    this.memory += pod.requests.memory;
    this.running++;
  }

  remove(pod: PodInfo, nodeName: string): void {
    const node = this.nodes.get(nodeName)!;
    node.milliCpu -= pod.requests.milliCpu;
    node.memory -= pod.requests.memory;
    this.milliCpu -= pod.requests.milliCpu;
    this.memory -= pod.requests.memory;
    this.running--;
    if (--node.pods === 0) {
      this.nodesUsed--;
      this.usedAllocMilliCpu -= node.allocMilliCpu;
      this.usedAllocMemory -= node.allocMemory;
    }
  }

  sample(t: number, pendingPods: number): UsageSample {
    const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);
    return {
      t,
      nodesUsed: this.nodesUsed,
      runningPods: this.running,
      pendingPods,
      cpuOfUsed: ratio(this.milliCpu, this.usedAllocMilliCpu),
      memoryOfUsed: ratio(this.memory, this.usedAllocMemory),
      cpuOfCluster: ratio(this.milliCpu, this.totalAllocMilliCpu),
      memoryOfCluster: ratio(this.memory, this.totalAllocMemory),
    };
  }

  /**
   * Free cpu on the nodes in use that is stranded in pieces smaller than `milliCpu` (a typical
   * request), as a share of all free cpu on them: 0 when every free core is usable.
   */
  fragmentation(milliCpu: number): number {
    let free = 0;
    let stranded = 0;
    for (const node of this.nodes.values()) {
      if (node.pods === 0) continue;
      const left = Math.max(0, node.allocMilliCpu - node.milliCpu);
      free += left;
      stranded += left % milliCpu;
    }
    return free > 0 ? stranded / free : 0;
  }
}
