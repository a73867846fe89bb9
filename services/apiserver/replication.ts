// The apiserver's replication settings (flags) turned into the store's replication options.
import type { ReplicationOptions } from '../../lib/native/store.js';

export interface ReplicationFlags {
  replicaId: number;
  peers: string[];
  peerAddress: string;
  join: boolean;
  heartbeatInterval: number;
  electionTimeout: number;
  storeRequestTimeout: number;
  snapshotWrites: number;
}

/** "2=127.0.0.1:7444" → {id: 2, address: "127.0.0.1:7444"}; throws a sentence on bad input. */
export function parsePeer(text: string): { id: number; address: string } {
  const match = /^(\d+)=(.+:\d+)$/.exec(text.trim());
  if (!match) throw new Error(`--peers entries look like 1=127.0.0.1:7443, got "${text}"`);
  return { id: Number(match[1]), address: match[2]! };
}

/** What the flags decide; the peer certificate files (`tls`) are added at start. */
export type ReplicationSettings = Omit<ReplicationOptions, 'tls'>;

/** undefined: this apiserver runs the single-replica store. */
export function replicationOptions(flags: ReplicationFlags): ReplicationSettings | undefined {
  if (flags.replicaId === 0) {
    if (flags.peers.length > 0 || flags.join) throw new Error('--peers and --join need --replica-id');
    return undefined;
  }
  if (!Number.isInteger(flags.replicaId) || flags.replicaId < 0) throw new Error('--replica-id must be a whole number');
  const peers = flags.peers.map(parsePeer);
  const own = peers.find((peer) => peer.id === flags.replicaId);
  const listen = flags.peerAddress || own?.address;
  if (!listen) throw new Error(`replica ${flags.replicaId} needs --peer-address or its own entry in --peers`);
  if (!flags.join && !own) throw new Error(`--peers must include this replica (${flags.replicaId}) unless it --join's a running cluster`);
  const tickMs = Math.max(1, Math.round(flags.heartbeatInterval));
  const electionTicks = Math.max(2, Math.round(flags.electionTimeout / tickMs));
  return {
    id: flags.replicaId,
    listen,
    peers,
    join: flags.join,
    tickMs,
    heartbeatTicks: 1,
    electionTicks,
    requestTimeoutMs: Math.max(1, Math.round(flags.storeRequestTimeout)),
    snapshotWrites: Math.max(1, flags.snapshotWrites),
  };
}
