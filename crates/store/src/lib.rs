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
//! # Adding Raft
//! Replication replaces step 2 only. A `CommandLog` backed by the tikv `raft` crate (or
//! openraft) would, on the leader, encode the batch's commands into an entry and propose it;
//! persist entries and hard state in its own log storage before sending them (the Raft log
//! replaces `wal.log` as what makes an entry durable); and return from `take_committed` the
//! entries a quorum has persisted, on every replica, in index order. Apply, publish and
//! materialize stay as they are: apply is deterministic, and the state machine stores the
//! applied index with its data, so a restarted replica replays only entries after it;
//! `release_through` at a checkpoint becomes the point up to which the Raft log may be compacted
//! (a snapshot ships the records table). Proposal ids and reply channels stay on the proposing
//! node; followers forward proposals to the leader, and linearizable reads wait until a
//! ReadIndex has been applied.

mod apply;
mod backend;
mod codec;
mod error;
mod index;
mod log;
pub mod msgpack;
mod record;
mod store;
mod types;
mod validate;
mod wal;
mod writer;

pub use error::{Result, StoreError};
pub use store::Store;
pub use types::{
    Command, Commit, Compare, CompareOp, CompareTarget, Event, EventKind, KeyValue, Listener,
    Options, Outcome, ProposalOutcome, RangeRequest, RangeResult, Status, Txn, TxnOp, TxnResult,
    Value,
};
pub use validate::{MAX_KEY_BYTES, MAX_TXN_BYTES, MAX_TXN_OPS, MAX_VALUE_BYTES};
