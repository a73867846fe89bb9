// GET /admin/replica: one apiserver replica's view of its Raft cluster, as the apiserver serves it
// and `rudder` and the test harness read it.

export interface ReplicaReport {
  replicated: boolean;
  id: number;
  role: 'leader' | 'follower' | 'candidate';
  term: number;
  /** 0 when no leader is known. */
  leader: number;
  commitIndex: number;
  appliedIndex: number;
  firstIndex: number;
  lastIndex: number;
  snapshotIndex: number;
  members: { id: number; address: string }[];
  removed: boolean;
  blocked: number[];
  address: string;
  revision: number;
  compactRevision: number;
}
