//! A durable MVCC key-value store in the role of etcd.
//!
//! # Model
//! A global revision starts at 1 for an empty store; every transaction that writes gets the
//! next revision, shared by all its writes (told apart by a sub-index, like etcd's main/sub
//! revisions). Each key has a create revision, a mod revision and a version (puts since
//! creation). Values are opaque bytes that must each be one well-formed msgpack value.
//! History (per-key versions and an event log) is kept in memory for a bounded window of
//! revisions; older revisions are compacted.
//!
//! # Write path: propose → log → apply
//! Every write is a [`Command`] and takes one path:
//! 1. **propose** ([`Store::propose`], [`Store::propose_batch`], [`Store::txn`]): the command is
//!    validated (keys, msgpack values, limits) so that applying it cannot fail on input, then
//!    queued to the single writer thread.
//! 2. **log** (`log::CommandLog`): the writer drains everything pending (up to
//!    [`Options::max_batch`]) and submits it as ONE log entry. With one replica, `LocalLog`
//!    appends the entry to the write-ahead file `wal.log` and fsyncs it once (group commit: 64
//!    concurrent proposers share one fsync); the entry is then committed.
//! 3. **apply** (`apply::apply`): a pure function of the current index and the committed
//!    commands evaluates each transaction in order (each sees the effects of the earlier ones),
//!    producing records keyed by (revision, sub) and one result per command. Auto-compaction
//!    is decided here from the revision, so it happens at the same point on every replica.
//! 4. **publish**: the writer adds the records to the in-memory index under a short write lock
//!    and reports the [`Commit`] (results and events in revision order) to the [`Listener`]
//!    before answering blocking callers. Nothing is visible before its log entry is on disk.
//! 5. **materialize**: the records, the counters (revision, compacted revision, applied log
//!    index) and a bounded chunk of compaction deletes go into redb in ONE transaction with
//!    `Durability::None`. Every [`Options::checkpoint_bytes`] of log (and after a second
//!    without work, and on close) a checkpoint commits with `Durability::Immediate`, 2-phase
//!    and quick repair; the log then starts over.
//!
//! # Recovery
//! redb reopens at its last checkpoint: atomic and checksummed, it holds exactly the entries up
//! to its `applied_index`. Its records are replayed in (revision, sub) order to rebuild the
//! index and event log, the stored compacted revision is applied again (records a compaction
//! had not yet deleted are found that way and queued again; deletes go oldest first, so a key's
//! older put never outlives the delete that ended it), then the log's frames after
//! `applied_index` are applied through the same apply step, and a checkpoint follows. Frames
//! carry a CRC and consecutive indexes, so a torn tail (never acknowledged) is ignored. Storage
//! errors stop the writer (fail-stop) rather than guess what reached the disk.
//!
//! # Replication (Raft)
//! [`Store::open_replicated`] replaces step 2 with the tikv `raft` crate (module [`replica`]):
//! the writer batches proposals into one Raft entry tagged with (origin replica, sequence);
//! followers' entries are forwarded to the leader by Raft; entries, hard state, conf state and
//! peer addresses are persisted in `raft/raft.log` with one fdatasync per Ready before
//! messages that depend on them are sent; every replica applies committed entries through the
//! same apply/publish/materialize steps, so revisions and events agree, and the origin answers
//! its proposers when it applies their entry. A write or linearizable read (ReadIndex, then
//! wait for apply) that cannot complete within the request timeout fails with
//! [`StoreError::Unavailable`]. At a checkpoint the log is compacted once enough writes were
//! applied; a replica that needs older entries gets a snapshot (every live key and the
//! revision), and its watch history starts at the snapshot's revision. Replicas talk over
//! mutual TLS with certificates from the cluster CA ([`PeerTls`]); what they accept from the
//! network is bounded and checked before Raft sees it (`replica::inbound`, `replica::guard`).

mod apply;
mod backend;
mod backup;
mod codec;
mod error;
mod index;
mod log;
pub mod msgpack;
mod record;
pub mod replica;
mod state_machine;
mod store;
mod types;
mod validate;
mod wal;
mod writer;

pub use error::{Result, StoreError};
pub use replica::{Member, MemberChange, PeerTls, ReplicaStatus, ReplicationOptions, Role};
pub use store::Store;
pub use types::{
    Command, Commit, Compare, CompareOp, CompareTarget, Event, EventKind, KeyValue, Listener,
    Options, Outcome, ProposalOutcome, RangeRequest, RangeResult, Status, Txn, TxnOp, TxnResult,
    Value,
};
pub use validate::{MAX_KEY_BYTES, MAX_TXN_BYTES, MAX_TXN_OPS, MAX_VALUE_BYTES};
