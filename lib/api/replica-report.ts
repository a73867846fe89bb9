// GET /admin/replica: one apiserver replica's view of its Raft cluster, as the apiserver serves it
// and `rudder` and the test harness read it. This is the wire contract, written out here rather
// than borrowed from the native store's types: the server fills it from the store's replica state
// (and the compiler checks that it fits), while clients depend only on this shape.

export type ReplicaRole = 'leader' | 'follower' | 'candidate';

export interface ReplicaReport {
  /** False for a single-replica store, which reports itself as its own leader. */
  replicated: boolean;
  id: number;
  role: ReplicaRole;
  term: number;
  /** 0 when no leader is known. */
  leader: number;
  commitIndex: number;
  appliedIndex: number;
  firstIndex: number;
  lastIndex: number;
  snapshotIndex: number;
  members: { id: number; address: string }[];
  /** This replica was removed from the cluster. */
  removed: boolean;
  /** Replicas the fault hook cuts this one off from. */
  blocked: number[];
  /** Where this replica listens for its peers. */
  address: string;
  /** The store's revisions. */
  revision: number;
  compactRevision: number;
}
