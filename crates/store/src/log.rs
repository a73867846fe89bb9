//! The step between accepting proposals and applying them. With one replica it only numbers
//! each batch: the batch is made durable by the same commit that applies it. A replicated log
//! (Raft) takes this place: `submit` hands proposals to the leader's log, and `take_committed`
//! returns the entries a quorum has persisted, in log order, on every replica.

use crossbeam_channel::Sender;

use crate::types::{Command, Outcome};
use crate::Result;

/// A command waiting to be applied, with who is waiting for it. The reply channel and the id
/// are local to the replica that accepted the proposal; only `command` would be replicated.
pub struct Proposal {
    pub id: u64,
    pub command: Command,
    pub reply: Option<Sender<Result<Outcome>>>,
}

/// A committed log entry: the proposals of one batch under one log index.
pub struct Entry {
    pub index: u64,
    pub proposals: Vec<Proposal>,
}

pub trait CommandLog: Send {
    /// Accepts proposals in the order they arrived.
    fn submit(&mut self, proposals: Vec<Proposal>);
    /// Entries committed since the last call, in log order.
    fn take_committed(&mut self) -> Vec<Entry>;
}

/// One replica: an entry is committed as soon as it is submitted; its durability comes from
/// the apply commit, which records the entry's index as `applied_index`.
pub struct LocalLog {
    last_index: u64,
    pending: Vec<Entry>,
}

impl LocalLog {
    pub fn new(applied_index: u64) -> LocalLog {
        LocalLog { last_index: applied_index, pending: Vec::new() }
    }
}

impl CommandLog for LocalLog {
    fn submit(&mut self, proposals: Vec<Proposal>) {
        if proposals.is_empty() {
            return;
        }
        self.last_index += 1;
        self.pending.push(Entry { index: self.last_index, proposals });
    }

    fn take_committed(&mut self) -> Vec<Entry> {
        std::mem::take(&mut self.pending)
    }
}
