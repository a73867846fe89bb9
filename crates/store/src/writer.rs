//! The single writer thread: group commit. It drains every pending proposal (up to a cap),
//! passes them through the log, applies the committed entries in order, writes all resulting
//! records in ONE durable commit, then publishes the new state to readers and reports results
//! and events. Readers never see a record before its commit is on disk.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use crossbeam_channel::{Receiver, TryRecvError};

use crate::apply::{self, Effects};
use crate::backend::{Backend, DeleteQueue, Meta, WriteSet};
use crate::log::{CommandLog, Entry, Proposal};
use crate::store::Shared;
use crate::types::{Commit, Options, ProposalOutcome};

pub enum Request {
    Propose(Proposal),
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
}

impl Writer {
    pub fn run(self) {
        let shared = self.shared.clone();
        let outcome = panic::catch_unwind(AssertUnwindSafe(move || self.serve()));
        shared.closed.store(true, Ordering::SeqCst);
        if outcome.is_err() {
            // A bug, not an input: stop accepting work rather than serve a state of unknown shape.
            eprintln!("rudder-store: the writer thread stopped after a panic; the store is closed");
        }
        let listener = shared.listener.write().take();
        if let Some(listener) = listener {
            listener.on_close();
        }
    }

    fn serve(mut self) {
        loop {
            let (proposals, stop) = self.collect();
            self.log.submit(proposals);
            let entries = self.log.take_committed();
            if !entries.is_empty() || !self.deletes.is_empty() {
                self.commit(entries);
            }
            if stop {
                break;
            }
        }
        // Dropping the database releases its file lock before on_close is reported.
        drop(self.backend);
    }

    /// Waits for work, then takes everything already queued, up to `max_batch` proposals.
    /// Does not wait when superseded records are still to be deleted.
    fn collect(&mut self) -> (Vec<Proposal>, bool) {
        let mut proposals = Vec::new();
        let first = if self.deletes.is_empty() {
            self.requests.recv().map_err(|_| TryRecvError::Disconnected)
        } else {
            self.requests.try_recv()
        };
        let mut next = first;
        loop {
            match next {
                Ok(Request::Propose(proposal)) => proposals.push(proposal),
                Ok(Request::Shutdown) | Err(TryRecvError::Disconnected) => return (proposals, true),
                Err(TryRecvError::Empty) => return (proposals, false),
            }
            if proposals.len() >= self.options.max_batch {
                return (proposals, false);
            }
            next = self.requests.try_recv();
        }
    }

    fn commit(&mut self, entries: Vec<Entry>) {
        let Effects { records, results, revision, compact_revision } = {
            let index = self.shared.index.read();
            let commands = entries.iter().flat_map(|entry| entry.proposals.iter().map(|proposal| &proposal.command));
            apply::apply(&index, commands, self.options.history_revisions)
        };
        let meta = Meta {
            revision,
            compact_revision,
            applied_index: entries.last().map_or(self.meta.applied_index, |entry| entry.index),
        };
        let deletes = self.deletes.peek(self.options.compaction_chunk);
        let written = self.backend.commit(&WriteSet { records: &records, meta, deletes: &deletes });

        let (results, events) = match written {
            Ok(()) => {
                self.meta = meta;
                self.deletes.remove(&deletes);
                self.shared.records.fetch_add(records.len() as u64, Ordering::Relaxed);
                self.shared.records.fetch_sub(deletes.len() as u64, Ordering::Relaxed);
                let mut index = self.shared.index.write();
                let events: Vec<_> = records.into_iter().map(|((revision, sub), record)| index.apply(revision, sub, record)).collect();
                index.set_revision(meta.revision);
                let superseded = index.compact(meta.compact_revision);
                drop(index);
                self.deletes.extend(superseded);
                (results, events)
            }
            Err(error) => {
                // Superseded records are found again on the next open; do not spin on them.
                self.deletes = DeleteQueue::default();
                let failed: Vec<_> = results.iter().map(|_| Err(error.clone())).collect();
                (failed, Vec::new())
            }
        };

        let proposals: Vec<Proposal> = entries.into_iter().flat_map(|entry| entry.proposals).collect();
        if !proposals.is_empty() {
            self.shared.commits.fetch_add(1, Ordering::Relaxed);
            self.shared.proposals.fetch_add(proposals.len() as u64, Ordering::Relaxed);
        }
        let mut outcomes = Vec::new();
        let mut replies = Vec::new();
        for (proposal, result) in proposals.into_iter().zip(results) {
            match proposal.reply {
                Some(reply) => replies.push((reply, result)),
                None => outcomes.push(ProposalOutcome { id: proposal.id, result }),
            }
        }
        // Listeners hear of the events before any proposer hears of its result.
        if !outcomes.is_empty() || !events.is_empty() {
            let listener = self.shared.listener.read().clone();
            if let Some(listener) = listener {
                let commit = Commit { revision: self.meta.revision, compact_revision: self.meta.compact_revision, outcomes, events };
                listener.on_commit(&commit);
            }
        }
        for (reply, result) in replies {
            // A proposer that gave up waiting is no reason to stop.
            drop(reply.send(result));
        }
    }
}
