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
//!    [`Options::max_batch`]) and submits it to the log, which returns committed entries in log
//!    order. With one replica, `LocalLog` commits a batch at once; its durability comes from
//!    step 3, which stores the entry index as `applied_index` in the same commit.
//! 3. **apply** (`apply::apply`): a pure function of the current index and the committed
//!    commands evaluates each transaction in order (each sees the effects of the earlier ones),
//!    producing records keyed by (revision, sub) and one result per command.
//! 4. **commit**: all records of the batch, the counters and a bounded chunk of compaction
//!    deletes are written in ONE redb transaction with `Durability::Immediate` (fsync) — group
//!    commit, so 64 concurrent proposers share one fsync.
//! 5. **publish**: only then does the writer add the records to the in-memory index under a
//!    short write lock, so readers never see un-fsynced data, and report the [`Commit`] (results
//!    and events in revision order) to the [`Listener`] before answering blocking callers.
//!
//! # Recovery
//! redb commits are atomic and checksummed, so after a crash the file holds exactly the
//! acknowledged commits. On open, every record is replayed in (revision, sub) order to rebuild
//! the index and event log, then the stored compacted revision is applied again; records that a
//! compaction had not yet deleted from disk are found that way and queued again. Compaction
//! deletes superseded records oldest first, so a key's older put never outlives the delete that
//! ended it.
//!
//! # Adding Raft
//! Replication replaces step 2 only. A `CommandLog` backed by the tikv `raft` crate (or
//! openraft) would, on the leader, encode each proposal's [`Command`] into a log entry and
//! propose it; persist entries and hard state in its own table (or raft-engine) before sending
//! them; and return from `take_committed` the entries a quorum has persisted, on every replica,
//! in index order. Apply stays as it is: it is deterministic (auto-compaction is decided from
//! the revision inside apply, so it happens at the same point on every replica) and it stores
//! the applied log index in the same commit as the data, so a restarted replica skips entries at
//! or below `applied_index` when the log replays them. Proposal ids and reply channels stay on
//! the proposing node; followers forward proposals to the leader, linearizable reads wait for a
//! ReadIndex to be applied, and snapshots ship the records table.

mod apply;
mod backend;
mod error;
mod index;
mod log;
pub mod msgpack;
mod record;
mod store;
mod types;
mod validate;
mod writer;

pub use error::{Result, StoreError};
pub use store::Store;
pub use types::{
    Command, Commit, Compare, CompareOp, CompareTarget, Event, EventKind, KeyValue, Listener, Options, Outcome,
    ProposalOutcome, RangeRequest, RangeResult, Status, Txn, TxnOp, TxnResult, Value,
};
pub use validate::{MAX_KEY_BYTES, MAX_TXN_OPS, MAX_VALUE_BYTES};
