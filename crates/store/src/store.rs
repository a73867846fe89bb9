//! The public handle: proposals go to the writer thread, reads are served from the published
//! in-memory index on the caller's thread.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};

use crossbeam_channel::Sender;
use parking_lot::{Mutex, RwLock};

use crate::backend::{Backend, DeleteQueue};
use crate::index::Index;
use crate::log::{LocalLog, Proposal};
use crate::replica::node::{initial_status, ReplicaNode};
use crate::replica::storage::RaftStorage;
use crate::replica::transport::Transport;
use crate::replica::{MemberChange, ReplicaStatus, ReplicationOptions};
use crate::state_machine::StateMachine;
use crate::types::{
    Command, Event, KeyValue, Listener, Options, Outcome, RangeRequest, RangeResult, Status, Txn,
    TxnResult,
};
use crate::validate;
use crate::wal::Wal;
use crate::writer::{ReadWaiter, Request, Writer};
use crate::{Result, StoreError};

/// State shared by the handle, the writer thread and readers.
pub struct Shared {
    pub index: RwLock<Index>,
    pub listener: RwLock<Option<Arc<dyn Listener>>>,
    pub closed: AtomicBool,
    pub commits: AtomicU64,
    pub proposals: AtomicU64,
    pub records: AtomicU64,
    /// Last log index applied to the state machine (what a snapshot taken now holds).
    pub applied_index: AtomicU64,
    db_path: PathBuf,
}

/// A durable MVCC key-value store. All methods take `&self` and may be called from any thread.
pub struct Store {
    pub(crate) shared: Arc<Shared>,
    requests: RwLock<Option<Sender<Request>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    replica: Option<Replica>,
}

/// What a replicated store keeps beside the writer.
struct Replica {
    status: Arc<Mutex<ReplicaStatus>>,
    transport: Arc<Transport>,
}

/// Opens the state machine in `dir` and rebuilds the in-memory index from it.
pub(crate) fn recover_state_machine(
    dir: &Path,
    options: Options,
) -> Result<(StateMachine, Arc<Shared>)> {
    if options.history_revisions == 0
        || options.max_batch == 0
        || options.compaction_chunk == 0
        || options.checkpoint_bytes == 0
    {
        return Err(StoreError::invalid("historyRevisions, maxBatch, compactionChunk and checkpointBytes must each be at least 1"));
    }
    let backend = Backend::open(dir)?;
    let mut index = Index::new();
    let mut records = 0u64;
    let meta = backend.load(|(revision, sub), record| {
        index.apply(revision, sub, record);
        records += 1;
    })?;
    index.set_revision(meta.revision);
    // Records deleted by compaction before a crash are found again here.
    let mut deletes = DeleteQueue::default();
    deletes.extend(index.compact(meta.compact_revision));
    let shared = Arc::new(Shared {
        index: RwLock::new(index),
        listener: RwLock::new(None),
        closed: AtomicBool::new(false),
        commits: AtomicU64::new(0),
        proposals: AtomicU64::new(0),
        records: AtomicU64::new(records),
        applied_index: AtomicU64::new(meta.applied_index),
        db_path: Backend::path(dir),
    });
    let sm = StateMachine {
        shared: shared.clone(),
        backend,
        deletes,
        meta,
        options,
    };
    Ok((sm, shared))
}

impl Store {
    /// Opens (or creates) the store in `dir`, rebuilding the in-memory index from disk.
    pub fn open(dir: impl AsRef<Path>, options: Options) -> Result<Store> {
        let dir = dir.as_ref();
        let (sm, shared) = recover_state_machine(dir, options)?;
        let (wal, frames) = Wal::open(dir)?;
        let last_index = frames
            .last()
            .map_or(0, |frame| frame.index)
            .max(sm.meta.applied_index);
        let (sender, receiver) = crossbeam_channel::unbounded();
        let mut writer = Writer {
            sm,
            log: Box::new(LocalLog::new(wal, last_index)),
            requests: receiver,
            backlog: VecDeque::new(),
            stopping: false,
        };
        writer.recover(frames)?;
        let handle = thread::Builder::new()
            .name("rudder-store-writer".into())
            .spawn(move || writer.run())?;
        Ok(Store {
            shared,
            requests: RwLock::new(Some(sender)),
            writer: Mutex::new(Some(handle)),
            replica: None,
        })
    }

    /// Opens (or creates) one replica of a replicated store in `dir`: its log is Raft's, kept
    /// in `dir/raft`, and it talks to its peers over mutual TLS. See [`ReplicationOptions`].
    pub fn open_replicated(
        dir: impl AsRef<Path>,
        options: Options,
        replication: ReplicationOptions,
    ) -> Result<Store> {
        if replication.id == 0 {
            return Err(StoreError::invalid("a replica's id must be at least 1"));
        }
        if replication.tick.is_zero() || replication.request_timeout.is_zero() {
            return Err(StoreError::invalid(
                "the tick and the request timeout must be positive",
            ));
        }
        let dir = dir.as_ref();
        if dir.join(crate::wal::FILE_NAME).exists()
            && std::fs::metadata(dir.join(crate::wal::FILE_NAME))?.len() > 0
            && !dir.join("raft").exists()
        {
            return Err(StoreError::invalid(format!(
                "{} holds a single-replica store; a replica needs a data directory of its own",
                dir.display()
            )));
        }
        let (sm, shared) = recover_state_machine(dir, options)?;
        let storage = RaftStorage::open(&dir.join("raft"), shared.clone())?;
        let (sender, receiver) = crossbeam_channel::unbounded();
        let transport = Transport::start(
            replication.id,
            &replication.listen,
            &replication.tls,
            sender.clone(),
        )?;
        let status = Arc::new(Mutex::new(initial_status(
            &replication,
            transport.local_address().to_string(),
        )));
        let node = ReplicaNode::new(
            sm,
            storage,
            transport.clone(),
            receiver,
            replication,
            status.clone(),
        )?;
        let handle = thread::Builder::new()
            .name("rudder-store-replica".into())
            .spawn(move || node.run())?;
        Ok(Store {
            shared,
            requests: RwLock::new(Some(sender)),
            writer: Mutex::new(Some(handle)),
            replica: Some(Replica { status, transport }),
        })
    }

    /// This replica's view of its cluster; `None` for a store that is not replicated.
    pub fn replica_status(&self) -> Option<ReplicaStatus> {
        self.replica
            .as_ref()
            .map(|replica| replica.status.lock().clone())
    }

    /// The fault hook: drops all traffic to and from these peers (empty heals). Does nothing
    /// for a store that is not replicated.
    pub fn set_blocked_peers(&self, peers: &[u64]) {
        if let Some(replica) = &self.replica {
            replica
                .transport
                .set_blocked(peers.iter().copied().collect());
        }
    }

    /// Asks for a linearizable read; the listener hears `on_reads([id])` once local state
    /// reflects every write committed before this call (or an `Unavailable` error).
    pub fn read_index(&self, id: u64) -> Result<()> {
        self.send_request(Request::ReadIndex(ReadWaiter { id, reply: None }))
    }

    /// Waits until local state reflects every write committed before this call.
    pub fn linearizable_read(&self) -> Result<()> {
        let (reply, result) = crossbeam_channel::bounded(1);
        self.send_request(Request::ReadIndex(ReadWaiter {
            id: 0,
            reply: Some(reply),
        }))?;
        result.recv().map_err(|_| StoreError::Closed)?
    }

    /// Adds or removes a replica through the cluster's log; returns once it is applied here.
    pub fn change_member(&self, change: MemberChange) -> Result<()> {
        let (reply, result) = crossbeam_channel::bounded(1);
        self.send_request(Request::Member(change, reply))?;
        result.recv().map_err(|_| StoreError::Closed)?
    }

    fn send_request(&self, request: Request) -> Result<()> {
        let requests = self.requests.read();
        let sender = requests.as_ref().ok_or(StoreError::Closed)?;
        sender.send(request).map_err(|_| StoreError::Closed)
    }

    /// Receives every commit from now on (replacing any earlier listener).
    pub fn set_listener(&self, listener: Option<Arc<dyn Listener>>) {
        *self.shared.listener.write() = listener;
    }

    /// Queues a command; its outcome reaches the listener under `id`.
    pub fn propose(&self, id: u64, command: Command) -> Result<()> {
        validate::command(&command)?;
        self.send(vec![Proposal {
            id,
            command,
            reply: None,
        }])
    }

    /// Queues many commands at once. Returns the ones refused before entering the log (invalid
    /// input); the others' outcomes reach the listener. Fails whole only when closed.
    pub fn propose_batch(&self, commands: Vec<(u64, Command)>) -> Result<Vec<(u64, StoreError)>> {
        let mut refused = Vec::new();
        let mut accepted = Vec::with_capacity(commands.len());
        for (id, command) in commands {
            match validate::command(&command) {
                Ok(()) => accepted.push(Proposal {
                    id,
                    command,
                    reply: None,
                }),
                Err(error) => refused.push((id, error)),
            }
        }
        self.send(accepted)?;
        Ok(refused)
    }

    /// Runs a transaction and waits until it is durable and visible.
    pub fn txn(&self, txn: Txn) -> Result<TxnResult> {
        match self.execute(Command::Txn(txn))? {
            Outcome::Txn(result) => Ok(result),
            Outcome::Compacted { .. } => Err(StoreError::Io(
                "a transaction produced a compaction outcome".into(),
            )),
        }
    }

    /// Compacts history at and below `revision` and waits for it.
    pub fn compact(&self, revision: u64) -> Result<()> {
        self.execute(Command::Compact { revision }).map(|_| ())
    }

    fn execute(&self, command: Command) -> Result<Outcome> {
        validate::command(&command)?;
        let (reply, result) = crossbeam_channel::bounded(1);
        self.send(vec![Proposal {
            id: 0,
            command,
            reply: Some(reply),
        }])?;
        result.recv().map_err(|_| StoreError::Closed)?
    }

    fn send(&self, proposals: Vec<Proposal>) -> Result<()> {
        let requests = self.requests.read();
        let sender = requests.as_ref().ok_or(StoreError::Closed)?;
        if proposals.is_empty() {
            return Ok(());
        }
        sender
            .send(Request::Propose(proposals))
            .map_err(|_| StoreError::Closed)
    }

    pub fn get(&self, key: &str, revision: u64) -> Result<Option<KeyValue>> {
        self.open_index()?.get(key, revision)
    }

    pub fn range(&self, request: &RangeRequest) -> Result<RangeResult> {
        self.open_index()?.range(request)
    }

    /// Events with `after < revision <= up_to` (0: current) under `prefix`, in revision order.
    pub fn events_since(&self, prefix: &str, after: u64, up_to: u64) -> Result<Vec<Event>> {
        self.open_index()?.events_since(prefix, after, up_to)
    }

    pub fn revision(&self) -> Result<u64> {
        Ok(self.open_index()?.revision())
    }

    pub fn status(&self) -> Result<Status> {
        let (revision, compact_revision, keys, history_events) = {
            let index = self.open_index()?;
            (
                index.revision(),
                index.compact_revision(),
                index.live_keys(),
                index.history_events(),
            )
        };
        Ok(Status {
            revision,
            compact_revision,
            keys,
            db_size_bytes: std::fs::metadata(&self.shared.db_path)
                .map(|meta| meta.len())
                .unwrap_or(0),
            records: self.shared.records.load(Ordering::Relaxed),
            history_events,
            commits: self.shared.commits.load(Ordering::Relaxed),
            proposals: self.shared.proposals.load(Ordering::Relaxed),
        })
    }

    pub(crate) fn open_index(&self) -> Result<parking_lot::RwLockReadGuard<'_, Index>> {
        if self.shared.closed.load(Ordering::SeqCst) {
            return Err(StoreError::Closed);
        }
        Ok(self.shared.index.read())
    }

    /// Starts closing without waiting: proposals already queued are applied, then the writer
    /// closes the files and calls the listener's `on_close`. Later calls fail with `Closed`.
    pub fn begin_close(&self) {
        let sender = self.requests.write().take();
        self.shared.closed.store(true, Ordering::SeqCst);
        if let Some(sender) = sender {
            // The writer may already be gone; then there is nothing left to stop.
            drop(sender.send(Request::Shutdown));
        }
    }

    /// Closes and waits until every queued proposal is applied and the files are closed.
    pub fn close(&self) -> Result<()> {
        self.begin_close();
        let handle = self.writer.lock().take();
        match handle {
            Some(handle) => handle
                .join()
                .map_err(|_| StoreError::Io("the writer thread panicked".into())),
            None => Ok(()),
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // Close errors have no one to go to here; close() reports them to callers that care.
        drop(self.close());
    }
}
