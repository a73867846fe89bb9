//! The state machine side of the writer: applies committed log entries (apply → publish →
//! materialize), reports them, checkpoints, and — for a replica that fell behind a compacted
//! log — replaces its whole state with a snapshot. The single-replica writer and the Raft
//! replica drive the same state machine; only the log in front of it differs.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use crossbeam_channel::Sender;

use crate::apply::{self, Effects};
use crate::backend::{Backend, DeleteQueue, Meta, WriteSet};
use crate::index::{Index, RecordId};
use crate::log::{Entry, Proposal};
use crate::record::Record;
use crate::store::Shared;
use crate::types::{Commit, Event, Options, Outcome, ProposalOutcome};
use crate::Result;

pub struct StateMachine {
    pub shared: Arc<Shared>,
    pub backend: Backend,
    pub deletes: DeleteQueue,
    pub meta: Meta,
    pub options: Options,
}

/// The whole state at one applied log index: every live key's latest record and the counters.
pub struct StateImage {
    pub applied_index: u64,
    pub revision: u64,
    pub records: Vec<(RecordId, Record)>,
}

impl StateMachine {
    /// Applies committed entries: publishes the new state to readers, reports it, and writes
    /// the records (with a chunk of compaction deletes) in one state-machine transaction.
    pub fn apply_entries(&mut self, entries: Vec<Entry>) -> Result<()> {
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
        // Results of entries proposed on another replica have no one waiting here.
        let mut results = results.into_iter();
        let mut answers = Vec::new();
        let mut applied = 0u64;
        for entry in entries {
            applied += entry.proposals.len() as u64;
            for proposal in entry.proposals {
                let Some(result) = results.next() else { break };
                if entry.local {
                    answers.push((proposal, result));
                }
            }
        }

        // The entries are durable in the log, so readers may see them and proposers may hear
        // now; the state-machine write below only materializes them, and after a crash the log
        // replays whatever it had not made durable. Answering first lets JavaScript work on
        // this commit while the writer writes it.
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
        self.shared
            .applied_index
            .store(meta.applied_index, Ordering::Release);
        if applied > 0 {
            self.shared.commits.fetch_add(1, Ordering::Relaxed);
            self.shared.proposals.fetch_add(applied, Ordering::Relaxed);
        }
        self.answer(answers, events);

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
    pub fn answer(&self, answers: Vec<(Proposal, Result<Outcome>)>, events: Vec<Event>) {
        self.answer_waiters(
            answers
                .into_iter()
                .map(|(proposal, result)| (proposal.id, proposal.reply, result))
                .collect(),
            events,
        );
    }

    /// Like [`StateMachine::answer`], for waiters whose commands are no longer at hand.
    pub fn answer_waiters(
        &self,
        answers: Vec<(u64, Option<Sender<Result<Outcome>>>, Result<Outcome>)>,
        events: Vec<Event>,
    ) {
        let mut outcomes = Vec::new();
        let mut replies = Vec::new();
        for (id, reply, result) in answers {
            match reply {
                Some(reply) => replies.push((reply, result)),
                None => outcomes.push(ProposalOutcome { id, result }),
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

    /// Makes everything applied so far durable in the state machine's own file.
    pub fn checkpoint(&mut self) -> Result<()> {
        self.backend.checkpoint()
    }

    /// The live state as of the last applied entry, for a replica that needs a snapshot.
    pub fn image(&self) -> StateImage {
        let index = self.shared.index.read();
        StateImage {
            applied_index: self.meta.applied_index,
            revision: index.revision(),
            records: index.live_records(),
        }
    }

    /// Replaces the whole state with `image` (a snapshot from the leader): history then starts
    /// at the image's revision, so watches from before it get "too old". Durable on return.
    pub fn restore(&mut self, image: StateImage) -> Result<()> {
        let mut index = Index::new();
        for ((revision, sub), record) in &image.records {
            index.apply(*revision, *sub, record.clone());
        }
        index.set_revision(image.revision);
        index.compact(image.revision);
        let meta = Meta {
            revision: image.revision,
            compact_revision: index.compact_revision(),
            applied_index: image.applied_index,
        };
        self.backend.replace(&image.records, meta)?;
        self.deletes = DeleteQueue::default();
        self.meta = meta;
        *self.shared.index.write() = index;
        self.shared
            .records
            .store(image.records.len() as u64, Ordering::Relaxed);
        self.shared
            .applied_index
            .store(meta.applied_index, Ordering::Release);
        let listener = self.shared.listener.read().clone();
        if let Some(listener) = listener {
            listener.on_reset(meta.revision, meta.compact_revision);
        }
        Ok(())
    }
}
