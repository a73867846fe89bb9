// ImageLocality: favours nodes that already have the pod's images, by size scaled by how
// widely the image is spread (size × nodesWithImage / allNodes), clamped between 23 MiB and
// 1000 MiB per container, mapped onto 0..100.
import type { FrameworkHandle, ScorePlugin } from '../framework/interfaces.js';
import { MAX_NODE_SCORE } from '../framework/interfaces.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../types.js';

export const NAME = 'ImageLocality';
const MB = 1024 * 1024;
export const MIN_THRESHOLD = 23 * MB;
export const MAX_CONTAINER_THRESHOLD = 1000 * MB;

export function sumImageScores(podInfo: PodInfo, nodeInfo: NodeInfo, totalNumNodes: number): number {
  let sum = 0;
  for (const image of podInfo.images) {
    const state = nodeInfo.imageStates.get(image);
    if (state) sum += Math.trunc(state.size * (state.numNodes / totalNumNodes));
  }
  return sum;
}

export function calculatePriority(sumScores: number, numContainers: number): number {
  const maxThreshold = MAX_CONTAINER_THRESHOLD * numContainers;
  const clamped = Math.min(Math.max(sumScores, MIN_THRESHOLD), maxThreshold);
  return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
}

export function newImageLocality(_args: unknown, handle: FrameworkHandle): ScorePlugin {
  return {
    name: NAME,
    score(_state, podInfo, nodeInfo) {
      if (podInfo.images.length === 0 || nodeInfo.imageStates.size === 0) return 0;
      const total = handle.snapshot().nodes.length;
      const spec = podInfo.pod.spec;
      const numContainers = (spec?.initContainers?.length ?? 0) + (spec?.containers?.length ?? 0);
      return calculatePriority(sumImageScores(podInfo, nodeInfo, total), numContainers);
    },
  };
}
