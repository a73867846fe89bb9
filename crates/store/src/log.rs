//! The step between accepting proposals and applying them: the command log.
//!
//! With one replica the log is a local write-ahead file ([`crate::wal`]): a batch is committed
//! once its frame is fsynced. A replicated log (Raft) takes this place: `submit` proposes the
//! batch on the leader, `take_committed` returns the entries a quorum has persisted, in log
//! order, on every replica, and `release_through` compacts the log once the state machine holds
//! the entries durably (a snapshot point).

use crossbeam_channel::Sender;

use crate::types::{Command, Outcome};
use crate::wal::Wal;
use crate::{Result, StoreError};

/// A command waiting to be applied, with who is waiting for it. The reply channel and the id
/// are local to the replica that accepted the proposal; only `command` goes into the log.
pub struct Proposal {
    pub id: u64,
    pub command: Command,
    pub reply: Option<Sender<Result<Outcome>>>,
}

/// A committed log entry: the proposals of one batch under one log index.
pub struct Entry {
    pub index: u64,
    pub proposals: Vec<Proposal>,
    /// Proposed on this replica, so its proposers wait here for their results.
    pub local: bool,
}

/// The proposals of a batch the log could not take, with why.
pub struct Refused {
    pub error: StoreError,
    pub proposals: Vec<Proposal>,
}

pub trait CommandLog: Send {
    /// Takes a batch of proposals into the log, in arrival order.
    fn submit(&mut self, proposals: Vec<Proposal>) -> std::result::Result<(), Refused>;
    /// Entries committed since the last call, in log order.
    fn take_committed(&mut self) -> Vec<Entry>;
    /// The state machine durably holds every entry up to `index`; the log may drop them.
    fn release_through(&mut self, index: u64);
    /// Bytes held that a checkpoint of the state machine would let the log release.
    fn held_bytes(&self) -> u64;
}

/// One replica's log: a batch is committed as soon as its frame is on disk.
pub struct LocalLog {
    wal: Wal,
    last_index: u64,
    committed: Vec<Entry>,
}

impl LocalLog {
    /// `last_index`: the newest entry already in the log or applied.
    pub fn new(wal: Wal, last_index: u64) -> LocalLog {
        LocalLog {
            wal,
            last_index,
            committed: Vec::new(),
        }
    }
}

impl CommandLog for LocalLog {
    fn submit(&mut self, proposals: Vec<Proposal>) -> std::result::Result<(), Refused> {
        if proposals.is_empty() {
            return Ok(());
        }
        let index = self.last_index + 1;
        match self
            .wal
            .append(index, proposals.iter().map(|proposal| &proposal.command))
        {
            Ok(()) => {
                self.last_index = index;
                self.committed.push(Entry {
                    index,
                    proposals,
                    local: true,
                });
                Ok(())
            }
            Err(error) => Err(Refused { error, proposals }),
        }
    }

    fn take_committed(&mut self) -> Vec<Entry> {
        std::mem::take(&mut self.committed)
    }

    fn release_through(&mut self, index: u64) {
        // The single writer applies every entry before it checkpoints, so all of them are held.
        if index >= self.last_index {
            self.wal.restart();
        }
    }

    fn held_bytes(&self) -> u64 {
        self.wal.len()
    }
}
