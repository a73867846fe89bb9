// One node a kubelet process runs: its identity, its runtime, its Node as last stored, and the
// pods admitted to it (the ones whose requests count against its allocatable).
import type { Node } from 'kubernetes-types/core/v1.js';
import type { NodeIdentity } from './node/node-object.js';
import type { PodRuntime, RuntimeVersion } from './runtime/pod-runtime.js';

export interface HostedNode {
  identity: NodeIdentity;
  runtime: PodRuntime;
  runtimeVersion: RuntimeVersion;
  node: Node;
  /** uids of the admitted pods that have not finished. */
  admitted: Set<string>;
}
