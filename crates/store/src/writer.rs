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
use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, TryRecvError};

use crate::apply::{self, Effects};
use crate::backend::{Backend, DeleteQueue, Meta, WriteSet};
use crate::codec;
use crate::log::{CommandLog, Entry, Proposal, Refused};
use crate::store::Shared;
use crate::types::{Commit, Options, ProposalOutcome};
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
}

pub struct Writer {
    pub shared: Arc<Shared>,
    pub backend: Backend,
    pub log: Box<dyn CommandLog>,
    pub requests: Receiver<Request>,
    pub deletes: DeleteQueue,
    pub meta: Meta,
    pub options: Options,
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
            if frame.index <= self.meta.applied_index {
                continue;
            }
            if frame.index != self.meta.applied_index + 1 {
                return Err(StoreError::Io(format!(
                    "the command log continues at entry {} but the store holds entries up to {}",
                    frame.index, self.meta.applied_index
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
            self.apply_entries(vec![Entry {
                index: frame.index,
                proposals,
            }])?;
        }
        self.checkpoint()
    }

    pub fn run(self) {
        let shared = self.shared.clone();
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
                self.answer(
                    proposals
                        .into_iter()
                        .map(|proposal| (proposal, Err(error.clone())))
                        .collect(),
                    Vec::new(),
                );
                return Err(error);
            }
            let entries = self.log.take_committed();
            if !entries.is_empty() || !self.deletes.is_empty() {
                self.apply_entries(entries)?;
            }
            let held = self.log.held_bytes();
            if work.stop || held >= self.options.checkpoint_bytes || (work.idle && held > 0) {
                self.checkpoint()?;
            }
            if work.stop {
                // Dropping the database releases its file lock before on_close is reported.
                drop(self.backend);
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
            let first = if !self.deletes.is_empty() {
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
                let full = work.proposals.len() >= self.options.max_batch
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
        }
    }

    /// Applies committed entries: publishes the new state to readers, reports it, and writes
    /// the records (with a chunk of compaction deletes) in one state-machine transaction.
    fn apply_entries(&mut self, entries: Vec<Entry>) -> Result<()> {
        let Effects {
            records,
            results,
            revision,
            compact_revision,
        } = {
            let index = self.shared.index.read();
            let commands = entries
                .iter()
                .flat_map(|entry| entry.proposals.iter().map(|proposal| &proposal.command));
            apply::apply(&index, commands, self.options.history_revisions)
        };
        let meta = Meta {
            revision,
            compact_revision,
            applied_index: entries
                .last()
                .map_or(self.meta.applied_index, |entry| entry.index),
        };
        let deletes = self.deletes.peek(self.options.compaction_chunk);
        let proposals: Vec<Proposal> = entries
            .into_iter()
            .flat_map(|entry| entry.proposals)
            .collect();

        // The entries are durable in the command log, so readers may see them and proposers
        // may hear now; the state-machine write below only materializes them, and after a
        // crash the log replays whatever it had not made durable. Answering first lets
        // JavaScript work on this commit while the writer writes it.
        let events = {
            let mut index = self.shared.index.write();
            let events: Vec<_> = records
                .iter()
                .map(|((revision, sub), record)| index.apply(*revision, *sub, record.clone()))
                .collect();
            index.set_revision(meta.revision);
            let superseded = index.compact(meta.compact_revision);
            self.deletes.extend(superseded);
            events
        };
        self.meta = meta;
        if !proposals.is_empty() {
            self.shared.commits.fetch_add(1, Ordering::Relaxed);
            self.shared
                .proposals
                .fetch_add(proposals.len() as u64, Ordering::Relaxed);
        }
        self.answer(proposals.into_iter().zip(results).collect(), events);

        self.backend.commit(&WriteSet {
            records: &records,
            meta,
            deletes: &deletes,
        })?;
        self.deletes.remove(&deletes);
        self.shared
            .records
            .fetch_add(records.len() as u64, Ordering::Relaxed);
        self.shared
            .records
            .fetch_sub(deletes.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Reports a commit: listeners hear of the events before any proposer hears of its result.
    fn answer(
        &self,
        answers: Vec<(Proposal, Result<crate::types::Outcome>)>,
        events: Vec<crate::types::Event>,
    ) {
        let mut outcomes = Vec::new();
        let mut replies = Vec::new();
        for (proposal, result) in answers {
            match proposal.reply {
                Some(reply) => replies.push((reply, result)),
                None => outcomes.push(ProposalOutcome {
                    id: proposal.id,
                    result,
                }),
            }
        }
        if !outcomes.is_empty() || !events.is_empty() {
            let listener = self.shared.listener.read().clone();
            if let Some(listener) = listener {
                let commit = Commit {
                    revision: self.meta.revision,
                    compact_revision: self.meta.compact_revision,
                    outcomes,
                    events,
                };
                listener.on_commit(&commit);
            }
        }
        for (reply, result) in replies {
            // A proposer that gave up waiting is no reason to stop.
            drop(reply.send(result));
        }
    }

    fn checkpoint(&mut self) -> Result<()> {
        self.backend.checkpoint()?;
        self.log.release_through(self.meta.applied_index);
        Ok(())
    }
}
