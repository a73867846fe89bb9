//! Replication: the store's log step backed by Raft (the tikv `raft` crate). Every replica
//! applies the same committed entries through the same state machine, so revisions, events and
//! watch history agree everywhere. What this module adds around Raft:
//!
//! - `storage`: the Raft log, hard state, conf state and peer addresses, durable in one file;
//!   one fdatasync per Ready.
//! - `transport`: persistent mutual-TLS connections between replicas carrying batches of
//!   messages (`frame`), with a fault hook that drops traffic to and from chosen peers;
//!   `inbound` decides whom to listen to (`tls` identities, `membership`), and `guard` refuses
//!   messages that would make Raft panic or the store stop; `notices` keeps the log readable.
//! - `node`: the writer loop of a replica: batches of proposals become one entry tagged with
//!   (origin replica, sequence) — followers' proposals are forwarded to the leader by Raft and
//!   answered on the origin when it applies them; linearizable reads wait for a ReadIndex to be
//!   applied; both fail with `Unavailable` after a bounded time instead of hanging; membership
//!   changes are conf changes; the log is compacted behind durable checkpoints and a replica
//!   that needs older entries gets a snapshot of the state machine.
//! - `snapshot`: the snapshot's data (live keys, revision, peer addresses).

pub mod frame;
pub mod guard;
mod inbound;
pub mod membership;
pub mod node;
mod notices;
pub mod snapshot;
pub mod storage;
pub mod tls;
pub mod transport;

use std::collections::BTreeMap;
use std::time::Duration;

pub use tls::PeerTls;

/// How a replica takes part in its cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicationOptions {
    /// This replica's id (at least 1, unique in the cluster).
    pub id: u64,
    /// Where to listen for the other replicas ("127.0.0.1:7443"; port 0 picks one).
    pub listen: String,
    /// The cluster's replicas (this one included) with their addresses. A replica with an empty
    /// log starts a new cluster of these voters; with `join`, it waits to be added instead.
    pub peers: BTreeMap<u64, String>,
    /// Start with an empty configuration and wait for the leader to add this replica.
    pub join: bool,
    /// One Raft clock tick.
    pub tick: Duration,
    /// Ticks without a leader before an election (randomized up to twice this).
    pub election_ticks: usize,
    /// Ticks between heartbeats.
    pub heartbeat_ticks: usize,
    /// A write, linearizable read or membership change that cannot complete within this time
    /// fails with `Unavailable`.
    pub request_timeout: Duration,
    /// Compact the Raft log once this many writes were applied since the last compaction.
    pub snapshot_writes: u64,
    /// Entries kept behind a compaction point for followers that are only a little behind (at
    /// most half of those since the last compaction).
    pub catch_up_entries: u64,
    /// The cluster CA and this replica's peer certificate and key: replicas talk mutual TLS and
    /// accept only peers whose certificate the CA signed for the id they claim. Required (the
    /// default names no files, and opening fails).
    pub tls: PeerTls,
}

impl Default for ReplicationOptions {
    fn default() -> Self {
        ReplicationOptions {
            id: 1,
            listen: "127.0.0.1:0".into(),
            peers: BTreeMap::new(),
            join: false,
            tick: Duration::from_millis(100),
            election_ticks: 10,
            heartbeat_ticks: 1,
            request_timeout: Duration::from_secs(5),
            snapshot_writes: 100_000,
            catch_up_entries: 100,
            tls: PeerTls::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Follower,
    Candidate,
    Leader,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: u64,
    pub address: String,
}

/// One replica's view of its cluster, refreshed by its writer after every step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicaStatus {
    pub id: u64,
    pub role: Role,
    pub term: u64,
    /// 0 when no leader is known.
    pub leader: u64,
    pub commit_index: u64,
    pub applied_index: u64,
    /// The oldest entry still in the log (greater than 1 once the log was compacted).
    pub first_index: u64,
    pub last_index: u64,
    /// Index of the last snapshot this replica installed (0: none).
    pub snapshot_index: u64,
    /// Voters, with their addresses where known.
    pub members: Vec<Member>,
    /// This replica was removed from the cluster.
    pub removed: bool,
    /// Peers the fault hook cuts off.
    pub blocked: Vec<u64>,
    /// Where this replica listens for its peers.
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberChange {
    Add { id: u64, address: String },
    Remove { id: u64 },
}
