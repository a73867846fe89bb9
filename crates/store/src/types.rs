//! The store's data model: what callers send (commands) and what they get back (key-values,
//! events, results).

use std::sync::Arc;

/// A stored value: exactly one well-formed msgpack value, shared between the live index, the
/// event history and the results handed to callers without copying.
pub type Value = Arc<[u8]>;

/// One key at one revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    pub key: Arc<str>,
    /// Revision of the put that created the key (after its last delete).
    pub create_revision: u64,
    /// Revision of the last put.
    pub mod_revision: u64,
    /// Number of puts since creation (1 after the create).
    pub version: u64,
    pub value: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Put,
    Delete,
}

/// One change, as a watcher sees it. Every write of a transaction yields one event, and they
/// all carry the transaction's revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub kind: EventKind,
    pub revision: u64,
    pub key: Arc<str>,
    /// The new value; `None` for a delete.
    pub value: Option<Value>,
    /// The value just before this change, when the key existed.
    pub prev_value: Option<Value>,
    /// For a put, the key's create revision; 0 for a delete (like etcd's tombstones).
    pub create_revision: u64,
    /// For a put, the key's version after it; 0 for a delete.
    pub version: u64,
}

/// Which number of a key a [`Compare`] looks at. An absent key has 0 for all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareTarget {
    Mod,
    Create,
    Version,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Equal,
    NotEqual,
    Less,
    Greater,
}

impl CompareOp {
    pub(crate) fn holds(self, actual: u64, expected: u64) -> bool {
        match self {
            CompareOp::Equal => actual == expected,
            CompareOp::NotEqual => actual != expected,
            CompareOp::Less => actual < expected,
            CompareOp::Greater => actual > expected,
        }
    }
}

/// `target(key) op value`, for example "modRevision of /a = 7".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compare {
    pub key: String,
    pub target: CompareTarget,
    pub op: CompareOp,
    pub value: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxnOp {
    Put { key: String, value: Value },
    Delete { key: String },
}

impl TxnOp {
    pub fn key(&self) -> &str {
        match self {
            TxnOp::Put { key, .. } | TxnOp::Delete { key } => key,
        }
    }
}

/// An etcd-style transaction: if every compare holds, run `success`, else run `failure`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Txn {
    pub compare: Vec<Compare>,
    pub success: Vec<TxnOp>,
    pub failure: Vec<TxnOp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxnResult {
    /// Whether every compare held (and so `success` ran).
    pub succeeded: bool,
    /// The store revision just after this transaction: its own revision when it wrote.
    pub revision: u64,
    /// For each op of the branch that ran, the key-value just before it (`None` if absent).
    pub prev: Vec<Option<KeyValue>>,
    /// When the compares failed: each compared key's key-value as the compares saw it.
    pub current: Vec<Option<KeyValue>>,
}

/// A state-machine command: the unit that goes through the log and is applied in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Txn(Txn),
    /// Drop history at and below `revision`, keeping the latest version of each live key.
    Compact {
        revision: u64,
    },
}

/// What applying a command produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Txn(TxnResult),
    Compacted { revision: u64 },
}

/// The outcome of one proposal, under the id its proposer chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalOutcome {
    pub id: u64,
    pub result: Result<Outcome, crate::StoreError>,
}

/// Everything one durable commit applied, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// Store revision after the commit.
    pub revision: u64,
    pub compact_revision: u64,
    /// Outcomes of the proposals in this commit that were made without a reply channel.
    pub outcomes: Vec<ProposalOutcome>,
    /// Events of the commit in revision order.
    pub events: Vec<Event>,
}

/// Receives every applied commit, on the writer thread, after the commit is durable and
/// visible to readers. It must not block for long: the next commit waits for it.
pub trait Listener: Send + Sync {
    fn on_commit(&self, commit: &Commit);
    /// Called once, after the last commit, when the writer stops and the files are closed.
    fn on_close(&self) {}
    /// The whole state was replaced by a snapshot from the leader (this replica had fallen
    /// behind a compacted log): history now starts at `revision`, so watchers must relist.
    fn on_reset(&self, _revision: u64, _compact_revision: u64) {}
    /// Linearizable reads requested under these ids may now be served from local state (or,
    /// with an error, cannot be).
    fn on_reads(&self, _ids: &[u64], _error: Option<&crate::StoreError>) {}
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RangeRequest {
    /// Keys that start with this string ("" for all keys).
    pub prefix: String,
    /// Start after this key (exclusive), for paging.
    pub start_after: Option<String>,
    /// At most this many key-values; 0 means all.
    pub limit: usize,
    /// Read at this revision; 0 means the current one.
    pub revision: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeResult {
    /// The revision the range was read at.
    pub revision: u64,
    pub kvs: Vec<KeyValue>,
    /// Whether keys beyond `kvs` exist in the range.
    pub more: bool,
    /// Keys in the whole range from the start point, not only those returned.
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub revision: u64,
    pub compact_revision: u64,
    /// Live keys at the current revision.
    pub keys: u64,
    pub db_size_bytes: u64,
    /// Records on disk: live keys' latest versions plus the history window, and superseded
    /// records that compaction has not deleted yet.
    pub records: u64,
    /// Events held in the in-memory history window.
    pub history_events: u64,
    /// Durable commits since open.
    pub commits: u64,
    /// Proposals applied since open.
    pub proposals: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Keep at most this many revisions of history; older ones are compacted automatically.
    pub history_revisions: u64,
    /// At most this many proposals per durable commit.
    pub max_batch: usize,
    /// At most this many superseded records are deleted from disk per commit.
    pub compaction_chunk: usize,
    /// Checkpoint the state machine (one fsync of its file) once the command log holds this
    /// many bytes; also after a second without work. Bounds replay time after a crash.
    pub checkpoint_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            history_revisions: 100_000,
            max_batch: 1024,
            compaction_chunk: 4096,
            checkpoint_bytes: 16 << 20,
        }
    }
}
