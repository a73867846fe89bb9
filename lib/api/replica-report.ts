// GET /admin/replica: one apiserver replica's view of its Raft cluster, as the apiserver serves it
// and `rudder` and the test harness read it: the native replica state (`leader` is 0 when no
// leader is known) plus the store's revisions.
import type { NativeReplicaState } from '../native/index.js';

export interface ReplicaReport extends NativeReplicaState {
  replicated: boolean;
  revision: number;
  compactRevision: number;
}
