//! The single writer thread: group commit. It drains every pending proposal (up to a cap),
//! makes the batch durable in the command log (ONE fsync), applies it in order, publishes the
//! new state to readers, reports results and events, and writes all resulting records in ONE
//! state-machine transaction. Readers never see a change before its log entry is on disk.
//! Periodic checkpoints make the state machine durable and let the log start over.
//!
//! Storage errors stop the writer (fail-stop): after a failed fsync the state of the disk is
//! unknown, so the store closes instead of guessing; reopening recovers from what is durable.

use std::collections::VecDeque;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TryRecvError};

use crate::codec;
use crate::log::{CommandLog, Entry, Proposal, Refused};
use crate::replica::MemberChange;
use crate::state_machine::StateMachine;
use crate::wal::Frame;
use crate::{Result, StoreError};

/// With nothing to do for this long, a writer holding log entries checkpoints.
const IDLE_CHECKPOINT: Duration = Duration::from_secs(1);
/// Most command bytes in one batch (one log entry); a transaction alone is at most
/// `validate::MAX_TXN_BYTES`.
const MAX_BATCH_BYTES: usize = 64 << 20;

pub enum Request {
    /// Proposals sent together stay together, so one wake-up of the writer sees all of them.
    Propose(Vec<Proposal>),
    /// Apply everything sent before, then stop and close the files.
    Shutdown,
    /// A linearizable read: answered once local state reflects everything committed before it.
    ReadIndex(ReadWaiter),
    /// Replication only: messages from a peer, checked by the transport.
    Raft(crate::replica::guard::Checked),
    /// Replication only: add or remove a replica.
    Member(MemberChange, Sender<Result<()>>),
    /// Replication only: a peer could not be reached.
    Unreachable(u64),
    /// Replication only: a snapshot was (true) or was not delivered to a peer.
    SnapshotSent(u64, bool),
}

/// Who waits for a linearizable read: a reply channel, or the listener under `id`.
pub struct ReadWaiter {
    pub id: u64,
    pub reply: Option<Sender<Result<()>>>,
}

pub struct Writer {
    pub sm: StateMachine,
    pub log: Box<dyn CommandLog>,
    pub requests: Receiver<Request>,
    /// Proposals received but not yet in a batch.
    pub backlog: VecDeque<Proposal>,
    /// Shutdown was requested (or every sender is gone): finish the backlog, then stop.
    pub stopping: bool,
}

/// What waiting for work brought.
struct Work {
    proposals: Vec<Proposal>,
    stop: bool,
    idle: bool,
}

impl Writer {
    /// Applies the log entries that the state machine does not hold yet (after a crash), then
    /// checkpoints so the log can start over.
    pub fn recover(&mut self, frames: Vec<Frame>) -> Result<()> {
        for frame in frames {
            if frame.index <= self.sm.meta.applied_index {
                continue;
            }
            if frame.index != self.sm.meta.applied_index + 1 {
                return Err(StoreError::Io(format!(
                    "the command log continues at entry {} but the store holds entries up to {}",
                    frame.index, self.sm.meta.applied_index
                )));
            }
            let proposals = frame
                .commands
                .into_iter()
                .map(|command| Proposal {
                    id: 0,
                    command,
                    reply: None,
                })
                .collect();
            self.sm.apply_entries(vec![Entry {
                index: frame.index,
                proposals,
                local: false,
            }])?;
        }
        self.checkpoint()
    }

    pub fn run(self) {
        let shared = self.sm.shared.clone();
        let outcome = panic::catch_unwind(AssertUnwindSafe(move || self.serve()));
        shared.closed.store(true, Ordering::SeqCst);
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(error)) => eprintln!(
                "rudder-store: the writer stopped on a storage error, the store is closed: {error}"
            ),
            // A bug, not an input: stop accepting work rather than serve a state of unknown shape.
            Err(_) => eprintln!(
                "rudder-store: the writer thread stopped after a panic; the store is closed"
            ),
        }
        let listener = shared.listener.write().take();
        if let Some(listener) = listener {
            listener.on_close();
        }
    }

    fn serve(mut self) -> Result<()> {
        loop {
            let work = self.collect();
            if let Err(Refused { error, proposals }) = self.log.submit(work.proposals) {
                self.sm.answer(
                    proposals
                        .into_iter()
                        .map(|proposal| (proposal, Err(error.clone())))
                        .collect(),
                    Vec::new(),
                );
                return Err(error);
            }
            let entries = self.log.take_committed();
            if !entries.is_empty() || !self.sm.deletes.is_empty() {
                self.sm.apply_entries(entries)?;
            }
            let held = self.log.held_bytes();
            if work.stop || held >= self.sm.options.checkpoint_bytes || (work.idle && held > 0) {
                self.checkpoint()?;
            }
            if work.stop {
                // Dropping the database releases its file lock before on_close is reported.
                drop(self.sm.backend);
                return Ok(());
            }
        }
    }

    /// Waits for work, then takes everything already queued, up to `max_batch` proposals and
    /// [`MAX_BATCH_BYTES`]; the rest waits in the backlog for the next batch. Does not wait
    /// while superseded records are still to be deleted.
    fn collect(&mut self) -> Work {
        let mut work = Work {
            proposals: Vec::new(),
            stop: false,
            idle: false,
        };
        if self.backlog.is_empty() && !self.stopping {
            let first = if !self.sm.deletes.is_empty() {
                self.requests.try_recv().ok()
            } else if self.log.held_bytes() > 0 {
                match self.requests.recv_timeout(IDLE_CHECKPOINT) {
                    Ok(request) => Some(request),
                    Err(RecvTimeoutError::Timeout) => {
                        work.idle = true;
                        return work;
                    }
                    Err(RecvTimeoutError::Disconnected) => Some(Request::Shutdown),
                }
            } else {
                Some(self.requests.recv().unwrap_or(Request::Shutdown))
            };
            match first {
                Some(request) => self.take(request),
                None => return work,
            }
        }
        let mut bytes = 0;
        loop {
            while let Some(proposal) = self.backlog.front() {
                let size = codec::encoded_len(&proposal.command);
                let full = work.proposals.len() >= self.sm.options.max_batch
                    || bytes + size > MAX_BATCH_BYTES;
                if full && !work.proposals.is_empty() {
                    return work;
                }
                bytes += size;
                work.proposals.extend(self.backlog.pop_front());
            }
            if self.stopping {
                work.stop = true;
                return work;
            }
            match self.requests.try_recv() {
                Ok(request) => self.take(request),
                Err(TryRecvError::Empty) => return work,
                Err(TryRecvError::Disconnected) => self.stopping = true,
            }
        }
    }

    fn take(&mut self, request: Request) {
        match request {
            Request::Propose(proposals) => self.backlog.extend(proposals),
            Request::Shutdown => self.stopping = true,
            // One replica: every acknowledged write is already visible, so reads are current.
            Request::ReadIndex(waiter) => match waiter.reply {
                Some(reply) => drop(reply.send(Ok(()))),
                None => {
                    let listener = self.sm.shared.listener.read().clone();
                    if let Some(listener) = listener {
                        listener.on_reads(&[waiter.id], None);
                    }
                }
            },
            Request::Member(_, reply) => drop(reply.send(Err(StoreError::invalid(
                "this store is not replicated; start it with replication to change members",
            )))),
            Request::Raft(_) | Request::Unreachable(_) | Request::SnapshotSent(..) => {}
        }
    }

    fn checkpoint(&mut self) -> Result<()> {
        self.sm.checkpoint()?;
        self.log.release_through(self.sm.meta.applied_index);
        Ok(())
    }
}
