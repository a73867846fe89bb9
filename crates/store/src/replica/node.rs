//! The writer loop of a replica. One thread owns the Raft node and the state machine: it takes
//! requests (proposals, messages from peers, reads, membership changes), ticks the Raft clock,
//! and handles each Ready: send, persist (one fdatasync), apply what is committed, answer.
//!
//! Waiting is bounded: a batch that does not commit within `request_timeout` is answered with
//! `Unavailable` (it may still commit later: the outcome is unknown, as with etcd's timeouts),
//! and so are reads whose ReadIndex does not arrive and membership changes that do not apply.

use std::collections::{HashMap, VecDeque};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use parking_lot::Mutex;
use protobuf::Message as _;
use raft::prelude::{
    ConfChange, ConfChangeType, ConfState, Entry as RaftEntry, EntryType, Snapshot,
};
use raft::{Config, RawNode, SnapshotStatus, StateRole};

use crate::codec::{self, Decoder};
use crate::log::{Entry, Proposal};
use crate::replica::guard;
use crate::replica::membership::Membership;
use crate::replica::snapshot;
use crate::replica::storage::{Peers, RaftStorage};
use crate::replica::transport::Transport;
use crate::replica::{Member, MemberChange, ReplicaStatus, ReplicationOptions, Role};
use crate::state_machine::StateMachine;
use crate::types::Outcome;
use crate::writer::{ReadWaiter, Request};
use crate::{Result, StoreError};

/// Most command bytes in one entry.
const MAX_ENTRY_BYTES: usize = 16 << 20;
/// Requests taken per turn of the loop before Raft gets to run.
const MAX_REQUESTS_PER_TURN: usize = 8192;
/// With nothing to do for this long, a replica holding log entries checkpoints.
const IDLE_CHECKPOINT: Duration = Duration::from_secs(1);

struct Waiting {
    deadline: Instant,
    waiters: Vec<(u64, Option<Sender<Result<Outcome>>>)>,
}

struct PendingRead {
    seq: u64,
    waiters: Vec<ReadWaiter>,
    deadline: Instant,
    asked: Instant,
    /// The read index Raft confirmed; the read is served once it is applied.
    index: Option<u64>,
}

/// A batch Raft refused because no leader was known: nothing was appended anywhere, so it is
/// safe to offer again.
struct Unproposed {
    seq: u64,
    data: Vec<u8>,
}

pub struct ReplicaNode {
    pub sm: StateMachine,
    pub raw: RawNode<RaftStorage>,
    pub transport: Arc<Transport>,
    pub requests: Receiver<Request>,
    pub options: ReplicationOptions,
    pub status: Arc<Mutex<ReplicaStatus>>,
    next_seq: u64,
    waiting: HashMap<u64, Waiting>,
    unproposed: VecDeque<Unproposed>,
    reads: Vec<PendingRead>,
    new_reads: Vec<ReadWaiter>,
    members: HashMap<u64, (Instant, Sender<Result<()>>)>,
    backlog: VecDeque<Proposal>,
    next_tick: Instant,
    last_work: Instant,
    held_bytes: u64,
    writes_since_compaction: u64,
    snapshot_index: u64,
    removed: bool,
    stopping: bool,
}

fn context(origin: u64, seq: u64) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(16);
    bytes.extend_from_slice(&origin.to_le_bytes());
    bytes.extend_from_slice(&seq.to_le_bytes());
    bytes
}

fn parse_context(bytes: &[u8]) -> Option<(u64, u64)> {
    let mut decoder = Decoder::new(bytes);
    Some((decoder.u64()?, decoder.u64()?))
}

fn unavailable(what: &str, timeout: Duration, id: u64, leader: u64) -> StoreError {
    let leader = if leader == 0 {
        "no leader is known".to_string()
    } else {
        format!("the leader is replica {leader}")
    };
    StoreError::Unavailable(format!(
        "{what} did not complete within {:.1}s: replica {id} cannot reach a quorum ({leader})",
        timeout.as_secs_f64()
    ))
}

/// A no-op logger for Raft: the replica's state is reported through its status instead.
fn logger() -> slog::Logger {
    slog::Logger::root(slog::Discard, slog::o!())
}

impl ReplicaNode {
    /// Builds the node over a recovered state machine: installs a snapshot the state machine
    /// did not finish taking in, bootstraps a new cluster's configuration, connects to peers.
    pub fn new(
        mut sm: StateMachine,
        mut storage: RaftStorage,
        transport: Arc<Transport>,
        requests: Receiver<Request>,
        options: ReplicationOptions,
        status: Arc<Mutex<ReplicaStatus>>,
    ) -> Result<ReplicaNode> {
        let mut snapshot_index = 0;
        if let Some(saved) = storage.saved_snapshot() {
            let index = saved.get_metadata().index;
            if index > sm.meta.applied_index {
                let (image, _) = snapshot::decode(&saved.data)
                    .ok_or_else(|| StoreError::Io("the saved Raft snapshot is damaged".into()))?;
                sm.restore(image)?;
            }
            snapshot_index = index;
        }
        if !storage.initialized() && !options.join && !options.peers.is_empty() {
            // Like etcd, a new cluster's first entries add its members, identically on each of
            // them, so a replica that joins later and replays the log learns them too.
            let entries: Vec<RaftEntry> = options
                .peers
                .iter()
                .enumerate()
                .map(|(position, (id, address))| {
                    let mut change = ConfChange::default();
                    change.set_change_type(ConfChangeType::AddNode);
                    change.node_id = *id;
                    change.context = address.clone().into_bytes().into();
                    let mut entry = RaftEntry::default();
                    entry.set_entry_type(EntryType::EntryConfChange);
                    entry.term = 1;
                    entry.index = position as u64 + 1;
                    entry.data = change.write_to_bytes().unwrap_or_default().into();
                    entry
                })
                .collect();
            let mut conf_state = ConfState::default();
            conf_state.voters = options.peers.keys().copied().collect();
            storage.append(&entries)?;
            let mut hard_state = storage.hard_state();
            hard_state.term = 1;
            hard_state.commit = entries.len() as u64;
            storage.set_hard_state(&hard_state);
            storage.set_conf_state(&conf_state);
            storage.set_peers(options.peers.clone());
            storage.sync(true)?;
        } else if storage.peers.is_empty() && !options.peers.is_empty() {
            storage.set_peers(options.peers.clone());
            storage.sync(true)?;
        }
        // The state machine's checkpoint may be newer than the commit index last written.
        let applied = sm.meta.applied_index.min(storage.last_index());
        let hard_state = storage.hard_state();
        if hard_state.commit < applied {
            storage.set_commit(applied);
            storage.sync(true)?;
        }
        connect(&transport, &storage);
        let config = Config {
            id: options.id,
            election_tick: options.election_ticks,
            heartbeat_tick: options.heartbeat_ticks,
            applied,
            max_size_per_msg: 1 << 20,
            max_inflight_msgs: 256,
            check_quorum: true,
            pre_vote: true,
            ..Default::default()
        };
        config
            .validate()
            .map_err(|error| StoreError::invalid(format!("replication options: {error}")))?;
        let raw = RawNode::new(&config, storage, &logger())
            .map_err(|error| StoreError::Io(format!("starting Raft: {error}")))?;
        let now = Instant::now();
        Ok(ReplicaNode {
            sm,
            raw,
            transport,
            requests,
            next_tick: now + options.tick,
            options,
            status,
            next_seq: 1,
            waiting: HashMap::new(),
            unproposed: VecDeque::new(),
            reads: Vec::new(),
            new_reads: Vec::new(),
            members: HashMap::new(),
            backlog: VecDeque::new(),
            last_work: now,
            held_bytes: 0,
            writes_since_compaction: 0,
            snapshot_index,
            removed: false,
            stopping: false,
        })
    }

    pub fn run(self) {
        let shared = self.sm.shared.clone();
        let transport = self.transport.clone();
        let outcome = panic::catch_unwind(AssertUnwindSafe(move || self.serve()));
        transport.stop();
        shared.closed.store(true, Ordering::SeqCst);
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(error)) => eprintln!(
                "rudder-store: the replica stopped on a storage error, the store is closed: {error}"
            ),
            Err(_) => eprintln!(
                "rudder-store: the replica's writer stopped after a panic; the store is closed"
            ),
        }
        let listener = shared.listener.write().take();
        if let Some(listener) = listener {
            listener.on_close();
        }
    }

    fn serve(mut self) -> Result<()> {
        self.publish_status();
        loop {
            let worked = self.collect();
            let now = Instant::now();
            if now >= self.next_tick {
                self.raw.tick();
                self.next_tick += self.options.tick;
                if self.next_tick < now {
                    self.next_tick = now + self.options.tick;
                }
                self.on_tick(now);
            }
            self.propose_backlog();
            self.ask_reads(now);
            self.handle_ready()?;
            self.serve_reads();
            if !self.sm.deletes.is_empty() {
                self.sm.apply_entries(Vec::new())?;
            }
            if worked {
                self.last_work = now;
            }
            let idle = now.duration_since(self.last_work) >= IDLE_CHECKPOINT;
            // Heartbeats count as work, so a replicated cluster is rarely idle: the snapshot
            // threshold triggers its own checkpoint rather than waiting for the next 16 MiB.
            let compaction_due = self.writes_since_compaction >= self.options.snapshot_writes;
            if self.held_bytes >= self.sm.options.checkpoint_bytes
                || (idle && self.held_bytes > 0)
                || compaction_due
                || self.stopping
            {
                self.checkpoint()?;
            }
            self.publish_status();
            if self.stopping {
                self.fail_everything(StoreError::Closed);
                self.raw.mut_store().sync(true)?;
                return Ok(());
            }
        }
    }

    /// Waits until the next tick for a request, then takes what else is queued.
    fn collect(&mut self) -> bool {
        let wait = if self.sm.deletes.is_empty() {
            self.next_tick.saturating_duration_since(Instant::now())
        } else {
            Duration::ZERO
        };
        let first = match self.requests.recv_timeout(wait) {
            Ok(request) => request,
            Err(RecvTimeoutError::Timeout) => return false,
            Err(RecvTimeoutError::Disconnected) => {
                self.stopping = true;
                return false;
            }
        };
        let mut worked = self.take(first);
        for _ in 0..MAX_REQUESTS_PER_TURN {
            match self.requests.try_recv() {
                Ok(request) => worked |= self.take(request),
                Err(_) => break,
            }
        }
        worked
    }

    /// Returns whether the request was client work (as opposed to Raft's own traffic).
    fn take(&mut self, request: Request) -> bool {
        match request {
            Request::Propose(proposals) => {
                self.backlog.extend(proposals);
                true
            }
            Request::Shutdown => {
                self.stopping = true;
                false
            }
            Request::Raft(messages) => {
                for mut message in messages.into_messages() {
                    if !guard::admit(&self.raw.raft, &mut message) {
                        continue;
                    }
                    // Raft refuses what it cannot use (a response from a removed peer, a
                    // proposal without a leader); nothing to do about those.
                    drop(self.raw.step(message));
                }
                false
            }
            Request::ReadIndex(waiter) => {
                self.new_reads.push(waiter);
                true
            }
            Request::Member(change, reply) => {
                self.propose_member_change(change, reply);
                true
            }
            Request::Unreachable(peer) => {
                self.raw.report_unreachable(peer);
                false
            }
            Request::SnapshotSent(peer, delivered) => {
                let status = if delivered {
                    SnapshotStatus::Finish
                } else {
                    SnapshotStatus::Failure
                };
                self.raw.report_snapshot(peer, status);
                false
            }
        }
    }

    fn leader(&self) -> u64 {
        self.raw.raft.leader_id
    }

    /// Proposes the backlog as entries of up to `max_batch` commands each.
    fn propose_backlog(&mut self) {
        while !self.backlog.is_empty() {
            let mut commands = Vec::new();
            let mut waiters = Vec::new();
            let mut bytes = 0;
            while let Some(proposal) = self.backlog.front() {
                let size = codec::encoded_len(&proposal.command);
                let full =
                    commands.len() >= self.sm.options.max_batch || bytes + size > MAX_ENTRY_BYTES;
                if full && !commands.is_empty() {
                    break;
                }
                bytes += size;
                let Some(proposal) = self.backlog.pop_front() else {
                    break;
                };
                commands.push(proposal.command);
                waiters.push((proposal.id, proposal.reply));
            }
            let mut data = Vec::with_capacity(bytes + 4);
            codec::encode_commands(&mut data, commands.iter());
            let seq = self.next_seq;
            self.next_seq += 1;
            self.waiting.insert(
                seq,
                Waiting {
                    deadline: Instant::now() + self.options.request_timeout,
                    waiters,
                },
            );
            self.offer(Unproposed { seq, data });
        }
    }

    fn offer(&mut self, batch: Unproposed) {
        match self
            .raw
            .propose(context(self.options.id, batch.seq), batch.data.clone())
        {
            Ok(()) => {}
            Err(raft::Error::ProposalDropped) => self.unproposed.push_back(batch),
            Err(error) => {
                let failure = StoreError::Unavailable(format!("the write was refused: {error}"));
                self.fail_batch(batch.seq, failure);
            }
        }
    }

    fn propose_member_change(&mut self, change: MemberChange, reply: Sender<Result<()>>) {
        let mut conf_change = ConfChange::default();
        match &change {
            MemberChange::Add { id, address } => {
                conf_change.set_change_type(ConfChangeType::AddNode);
                conf_change.node_id = *id;
                conf_change.context = address.clone().into_bytes().into();
            }
            MemberChange::Remove { id } => {
                conf_change.set_change_type(ConfChangeType::RemoveNode);
                conf_change.node_id = *id;
            }
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        match self
            .raw
            .propose_conf_change(context(self.options.id, seq), conf_change)
        {
            Ok(()) => {
                self.members
                    .insert(seq, (Instant::now() + self.options.request_timeout, reply));
            }
            Err(raft::Error::ProposalDropped) => drop(reply.send(Err(unavailable(
                "the membership change",
                Duration::ZERO,
                self.options.id,
                self.leader(),
            )))),
            Err(error) => drop(reply.send(Err(StoreError::invalid(format!(
                "the membership change was refused: {error}"
            ))))),
        }
    }

    /// Reads that arrived this turn share one ReadIndex; reads still unconfirmed are asked
    /// again every few ticks (a leader refuses them until it has committed in its term, and
    /// messages may be lost).
    fn ask_reads(&mut self, now: Instant) {
        if !self.new_reads.is_empty() {
            let seq = self.next_seq;
            self.next_seq += 1;
            self.raw.read_index(context(self.options.id, seq));
            self.reads.push(PendingRead {
                seq,
                waiters: std::mem::take(&mut self.new_reads),
                deadline: now + self.options.request_timeout,
                asked: now,
                index: None,
            });
        }
        let again = self.options.tick * 2;
        for read in &mut self.reads {
            if read.index.is_none() && now.duration_since(read.asked) >= again {
                read.asked = now;
                self.raw.read_index(context(self.options.id, read.seq));
            }
        }
    }

    fn on_tick(&mut self, now: Instant) {
        // Batches refused for want of a leader are offered again once one is known.
        if self.leader() != 0 {
            let pending: Vec<Unproposed> = self.unproposed.drain(..).collect();
            for batch in pending {
                self.offer(batch);
            }
        }
        let (id, leader, timeout) = (self.options.id, self.leader(), self.options.request_timeout);
        let expired: Vec<u64> = self
            .waiting
            .iter()
            .filter(|(_, waiting)| waiting.deadline <= now)
            .map(|(seq, _)| *seq)
            .collect();
        for seq in expired {
            self.unproposed.retain(|batch| batch.seq != seq);
            self.fail_batch(seq, unavailable("the write", timeout, id, leader));
        }
        let (expired_reads, live): (Vec<PendingRead>, Vec<PendingRead>) =
            std::mem::take(&mut self.reads)
                .into_iter()
                .partition(|read| read.deadline <= now);
        self.reads = live;
        for read in expired_reads {
            self.answer_reads(
                read.waiters,
                Some(unavailable("the linearizable read", timeout, id, leader)),
            );
        }
        let expired_members: Vec<u64> = self
            .members
            .iter()
            .filter(|(_, (deadline, _))| *deadline <= now)
            .map(|(seq, _)| *seq)
            .collect();
        for seq in expired_members {
            if let Some((_, reply)) = self.members.remove(&seq) {
                drop(reply.send(Err(unavailable(
                    "the membership change",
                    timeout,
                    id,
                    leader,
                ))));
            }
        }
    }

    fn fail_batch(&mut self, seq: u64, error: StoreError) {
        if let Some(waiting) = self.waiting.remove(&seq) {
            self.sm.answer_waiters(
                waiting
                    .waiters
                    .into_iter()
                    .map(|(id, reply)| (id, reply, Err(error.clone())))
                    .collect(),
                Vec::new(),
            );
        }
    }

    fn answer_reads(&self, waiters: Vec<ReadWaiter>, error: Option<StoreError>) {
        let mut ids = Vec::new();
        for waiter in waiters {
            match waiter.reply {
                Some(reply) => drop(reply.send(match &error {
                    Some(error) => Err(error.clone()),
                    None => Ok(()),
                })),
                None => ids.push(waiter.id),
            }
        }
        if !ids.is_empty() {
            let listener = self.sm.shared.listener.read().clone();
            if let Some(listener) = listener {
                listener.on_reads(&ids, error.as_ref());
            }
        }
    }

    /// Serves the reads whose confirmed index is now applied.
    fn serve_reads(&mut self) {
        let applied = self.sm.meta.applied_index;
        let (ready, waiting): (Vec<PendingRead>, Vec<PendingRead>) =
            std::mem::take(&mut self.reads)
                .into_iter()
                .partition(|read| read.index.is_some_and(|index| index <= applied));
        self.reads = waiting;
        let waiters: Vec<ReadWaiter> = ready.into_iter().flat_map(|read| read.waiters).collect();
        if !waiters.is_empty() {
            self.answer_reads(waiters, None);
        }
    }

    fn fail_everything(&mut self, error: StoreError) {
        let seqs: Vec<u64> = self.waiting.keys().copied().collect();
        for seq in seqs {
            self.fail_batch(seq, error.clone());
        }
        let backlog: Vec<Proposal> = self.backlog.drain(..).collect();
        self.sm.answer_waiters(
            backlog
                .into_iter()
                .map(|proposal| (proposal.id, proposal.reply, Err(error.clone())))
                .collect(),
            Vec::new(),
        );
        let reads: Vec<ReadWaiter> = std::mem::take(&mut self.reads)
            .into_iter()
            .flat_map(|read| read.waiters)
            .chain(std::mem::take(&mut self.new_reads))
            .collect();
        self.answer_reads(reads, Some(error.clone()));
        for (_, (_, reply)) in self.members.drain() {
            drop(reply.send(Err(error.clone())));
        }
    }

    fn handle_ready(&mut self) -> Result<()> {
        if !self.raw.has_ready() {
            return Ok(());
        }
        let mut ready = self.raw.ready();
        if !ready.messages().is_empty() {
            self.transport.send(ready.take_messages());
        }
        if !ready.snapshot().is_empty() {
            self.install(ready.snapshot().clone())?;
        }
        self.apply_committed(ready.take_committed_entries())?;
        let entries = ready.take_entries();
        self.held_bytes += entries
            .iter()
            .map(|entry| entry.data.len() as u64 + 32)
            .sum::<u64>();
        self.raw.mut_store().append(&entries)?;
        if let Some(hard_state) = ready.hs() {
            self.raw.mut_store().set_hard_state(hard_state);
        }
        self.raw.mut_store().sync(ready.must_sync())?;
        for state in ready.take_read_states() {
            if let Some((origin, seq)) = parse_context(&state.request_ctx) {
                if origin != self.options.id {
                    continue;
                }
                if let Some(read) = self.reads.iter_mut().find(|read| read.seq == seq) {
                    read.index.get_or_insert(state.index);
                }
            }
        }
        if !ready.persisted_messages().is_empty() {
            self.transport.send(ready.take_persisted_messages());
        }
        let mut light = self.raw.advance(ready);
        if let Some(commit) = light.commit_index() {
            self.raw.mut_store().set_commit(commit);
        }
        self.transport.send(light.take_messages());
        self.apply_committed(light.take_committed_entries())?;
        self.raw.advance_apply();
        Ok(())
    }

    /// A snapshot from the leader: the log restarts after it and the state machine becomes it.
    fn install(&mut self, snapshot: Snapshot) -> Result<()> {
        let (image, peers) = snapshot::decode(&snapshot.data)
            .ok_or_else(|| StoreError::Io("a Raft snapshot from the leader is damaged".into()))?;
        let index = snapshot.get_metadata().index;
        self.raw.mut_store().apply_snapshot(snapshot, peers)?;
        self.sm.restore(image)?;
        connect(&self.transport, self.raw.store());
        self.snapshot_index = index;
        self.held_bytes = 0;
        Ok(())
    }

    fn apply_committed(&mut self, committed: Vec<RaftEntry>) -> Result<()> {
        if committed.is_empty() {
            return Ok(());
        }
        let mut batch = Vec::with_capacity(committed.len());
        for entry in committed {
            let index = entry.index;
            match entry.get_entry_type() {
                EntryType::EntryNormal if entry.data.is_empty() => batch.push(Entry {
                    index,
                    proposals: Vec::new(),
                    local: false,
                }),
                EntryType::EntryNormal => {
                    let commands = Decoder::new(&entry.data).commands().ok_or_else(|| {
                        StoreError::Io(format!("the committed Raft entry {index} is damaged"))
                    })?;
                    self.writes_since_compaction += commands.len() as u64;
                    let waiting = parse_context(&entry.context)
                        .filter(|(origin, _)| *origin == self.options.id)
                        .and_then(|(_, seq)| self.waiting.remove(&seq));
                    let local = waiting.is_some();
                    let mut waiters = waiting.map(|w| w.waiters).unwrap_or_default().into_iter();
                    let proposals = commands
                        .into_iter()
                        .map(|command| {
                            let (id, reply) = waiters.next().unwrap_or((0, None));
                            Proposal { id, command, reply }
                        })
                        .collect();
                    batch.push(Entry {
                        index,
                        proposals,
                        local,
                    });
                }
                EntryType::EntryConfChange => {
                    self.apply_conf_change(&entry)?;
                    batch.push(Entry {
                        index,
                        proposals: Vec::new(),
                        local: false,
                    });
                }
                EntryType::EntryConfChangeV2 => batch.push(Entry {
                    index,
                    proposals: Vec::new(),
                    local: false,
                }),
            }
        }
        self.sm.apply_entries(batch)
    }

    fn apply_conf_change(&mut self, entry: &RaftEntry) -> Result<()> {
        let conf_change = ConfChange::parse_from_bytes(&entry.data).map_err(|error| {
            StoreError::Io(format!(
                "the committed conf change {} is damaged: {error}",
                entry.index
            ))
        })?;
        let outcome = match self.raw.apply_conf_change(&conf_change) {
            Ok(conf_state) => {
                let mut peers: Peers = self.raw.store().peers.clone();
                match conf_change.get_change_type() {
                    ConfChangeType::AddNode | ConfChangeType::AddLearnerNode => {
                        let address = String::from_utf8_lossy(&conf_change.context).into_owned();
                        if !address.is_empty() {
                            peers.insert(conf_change.node_id, address);
                        }
                    }
                    ConfChangeType::RemoveNode => {
                        peers.remove(&conf_change.node_id);
                        if conf_change.node_id == self.options.id {
                            self.removed = true;
                        }
                    }
                }
                let store = self.raw.mut_store();
                store.set_conf_state(&conf_state);
                store.set_peers(peers);
                store.sync(true)?;
                connect(&self.transport, self.raw.store());
                Ok(())
            }
            Err(error) => Err(StoreError::invalid(format!(
                "the membership change was not applied: {error}"
            ))),
        };
        if let Some((origin, seq)) = parse_context(&entry.context) {
            if origin == self.options.id {
                if let Some((_, reply)) = self.members.remove(&seq) {
                    drop(reply.send(outcome));
                }
            }
        }
        Ok(())
    }

    /// Makes the state machine durable, then lets the log drop what it no longer needs.
    fn checkpoint(&mut self) -> Result<()> {
        self.sm.checkpoint()?;
        self.held_bytes = 0;
        if self.writes_since_compaction >= self.options.snapshot_writes {
            let applied = self.sm.meta.applied_index;
            let store = self.raw.mut_store();
            // Keep some entries for followers a little behind, but never all of them: batching
            // can pack a hundred thousand writes into a few hundred entries.
            let since = applied.saturating_sub(store.first_index());
            let point = applied - self.options.catch_up_entries.min(since / 2);
            if point > store.first_index() && point <= store.last_index() {
                store.compact(point)?;
            }
            // Counted afresh either way, so a threshold that cannot compact (nothing new in the
            // log) does not ask for a checkpoint on every turn of the loop.
            self.writes_since_compaction = 0;
        }
        Ok(())
    }

    fn publish_status(&mut self) {
        let raft = &self.raw.raft;
        let role = match raft.state {
            StateRole::Leader => Role::Leader,
            StateRole::Candidate | StateRole::PreCandidate => Role::Candidate,
            StateRole::Follower => Role::Follower,
        };
        let store = self.raw.store();
        let peers = &store.peers;
        let members = store
            .conf_state()
            .voters
            .iter()
            .map(|id| Member {
                id: *id,
                address: peers.get(id).cloned().unwrap_or_default(),
            })
            .collect();
        let status = ReplicaStatus {
            id: self.options.id,
            role,
            term: raft.term,
            leader: raft.leader_id,
            commit_index: raft.raft_log.committed,
            applied_index: self.sm.meta.applied_index,
            first_index: store.first_index(),
            last_index: store.last_index(),
            snapshot_index: self.snapshot_index,
            members,
            removed: self.removed,
            blocked: self.transport.blocked(),
            address: self.transport.local_address().to_string(),
        };
        *self.status.lock() = status;
    }
}

/// Tells the transport whom to send to and whom to listen to: the peers' addresses and the
/// members of the configuration as applied here.
fn connect(transport: &Transport, storage: &RaftStorage) {
    transport.set_peers(&storage.peers);
    transport.set_membership(Membership::of(&storage.conf_state(), &storage.peers));
}

/// The first status, before the writer publishes its own.
pub fn initial_status(options: &ReplicationOptions, address: String) -> ReplicaStatus {
    ReplicaStatus {
        id: options.id,
        role: Role::Follower,
        term: 0,
        leader: 0,
        commit_index: 0,
        applied_index: 0,
        first_index: 1,
        last_index: 0,
        snapshot_index: 0,
        members: Vec::new(),
        removed: false,
        blocked: Vec::new(),
        address,
    }
}
