//! The Node.js binding: thin `#[napi]` wrappers that convert arguments, call the Rust crates
//! and convert results. Data crosses the boundary in bulk: one call per batch of proposals,
//! one callback per commit, one Buffer per read.

mod backup;
mod decode;
mod encode;
mod error;
mod listener;
mod options;
mod proxy_rules;
mod replication;
mod replication_options;
mod sched;
mod sched_convert;

use std::sync::Arc;

use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use rudder_store::{Command, MemberChange, Options, RangeRequest, ReplicationOptions, Store, Txn};

use crate::backup::{SnapshotTask, TakeSnapshot};
pub use crate::backup::SnapshotOutcome;
use crate::error::{guard, invalid, js_error, whole_number, Code, JsResult};
use crate::listener::{JsListener, NoticeCallback};
pub use crate::options::StoreOptions;
use crate::replication::{ChangeMember, ChangeMemberTask};
pub use crate::replication::{ChangeOutcome, ReplicaMember, ReplicaState};
pub use crate::replication_options::{PeerAddress, PeerTlsFiles, ReplicationConfig};
pub use crate::sched::SchedKernel;
pub use crate::proxy_rules::{ProxyRulesState, ProxyRuleset, ProxySyncRequest};

// The addon allocates in bursts of many small objects (a ruleset's 100,000 chain names, a
// batch's decoded values) freed together; mimalloc handles that pattern far better than glibc's
// malloc, whose consolidation of freed chunks took a fifth of a large proxy sync.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

// Entry points spell out `napi::Result<_, Code>`: the macro recognises a fallible return by that
// name, not through an alias.

/// A proposal refused before it entered the log.
#[napi(object)]
pub struct Rejection {
    pub id: f64,
    pub code: String,
    pub message: String,
}

#[napi(object)]
pub struct StoreStatus {
    pub revision: f64,
    pub compact_revision: f64,
    pub keys: f64,
    pub db_size_bytes: f64,
    /// Records on disk (window plus latest versions, and superseded ones not deleted yet).
    pub records: f64,
    pub history_events: f64,
    /// Durable commits and proposals applied since open: proposals / commits is the batching.
    pub commits: f64,
    pub proposals: f64,
}

/// The durable MVCC store. Results of proposals and compactions, and every committed event,
/// arrive through the listener set with `setListener`, in commit order. Reads return msgpack
/// Buffers (stored values embedded as they are). Errors are thrown as Error objects with a
/// string `code`.
#[napi]
pub struct NativeStore {
    store: Arc<Store>,
}

fn buffer(bytes: Result<Vec<u8>, rudder_store::StoreError>) -> JsResult<Buffer> {
    bytes.map(Buffer::from).map_err(js_error)
}

fn optional_revision(value: Option<f64>, name: &str) -> JsResult<u64> {
    value.map_or(Ok(0), |number| whole_number(number, name))
}

#[napi]
impl NativeStore {
    /// Opens (or creates) the store under `dataDir`.
    #[napi(factory)]
    pub fn open(
        data_dir: String,
        options: Option<StoreOptions>,
    ) -> napi::Result<NativeStore, Code> {
        guard(|| {
            if data_dir.is_empty() {
                return Err(invalid("dataDir must not be empty"));
            }
            let options = Options::try_from(options.unwrap_or_default())?;
            let store = Store::open(&data_dir, options).map_err(js_error)?;
            Ok(NativeStore {
                store: Arc::new(store),
            })
        })
    }

    /// Opens (or creates) one replica of a replicated store under `dataDir`.
    #[napi(factory)]
    pub fn open_replicated(
        data_dir: String,
        options: Option<StoreOptions>,
        replication: ReplicationConfig,
    ) -> napi::Result<NativeStore, Code> {
        guard(|| {
            if data_dir.is_empty() {
                return Err(invalid("dataDir must not be empty"));
            }
            let options = Options::try_from(options.unwrap_or_default())?;
            let replication = ReplicationOptions::try_from(replication)?;
            let store =
                Store::open_replicated(&data_dir, options, replication).map_err(js_error)?;
            Ok(NativeStore {
                store: Arc::new(store),
            })
        })
    }

    /// The live state as one snapshot (every write acknowledged before the call is in it);
    /// resolves with `{snapshot}` or `{code, message}`.
    #[napi(ts_return_type = "Promise<SnapshotOutcome>")]
    pub fn snapshot(&self) -> SnapshotTask {
        SnapshotTask::new(TakeSnapshot {
            store: self.store.clone(),
        })
    }

    /// Makes a new single-replica store in `dataDir` (which must not hold one) from a snapshot;
    /// returns the snapshot's revision.
    #[napi]
    pub fn restore_snapshot(
        data_dir: String,
        snapshot: Buffer,
        options: Option<StoreOptions>,
    ) -> napi::Result<f64, Code> {
        guard(|| {
            if data_dir.is_empty() {
                return Err(invalid("dataDir must not be empty"));
            }
            let options = Options::try_from(options.unwrap_or_default())?;
            let revision =
                Store::restore_snapshot(&data_dir, &snapshot, options).map_err(js_error)?;
            Ok(revision as f64)
        })
    }

    /// Asks for a linearizable read; the listener gets `{type: 'reads', ids: [id], error?}`
    /// once local state reflects every write committed before the call.
    #[napi]
    pub fn read_index(&self, id: f64) -> napi::Result<(), Code> {
        guard(|| {
            let id = whole_number(id, "id")?;
            self.store.read_index(id).map_err(js_error)
        })
    }

    /// This replica's role, term, indexes and members; null when the store is not replicated.
    #[napi]
    pub fn replica_status(&self) -> napi::Result<Option<ReplicaState>, Code> {
        guard(|| Ok(self.store.replica_status().map(ReplicaState::from)))
    }

    /// The fault hook: drop all replication traffic to and from these replicas ([] heals).
    #[napi]
    pub fn set_blocked_peers(&self, peers: Vec<f64>) -> napi::Result<(), Code> {
        guard(|| {
            let ids = peers
                .into_iter()
                .map(|id| whole_number(id, "peer id"))
                .collect::<Result<Vec<u64>, _>>()?;
            self.store.set_blocked_peers(&ids);
            Ok(())
        })
    }

    /// Adds (with its peer address) or removes a replica; resolves with `{code?, message?}`
    /// once the change is applied here or has failed.
    #[napi(ts_return_type = "Promise<ChangeOutcome>")]
    pub fn change_member(
        &self,
        id: f64,
        address: Option<String>,
    ) -> napi::Result<ChangeMemberTask, Code> {
        guard(|| {
            let id = whole_number(id, "id")?;
            let change = match address {
                Some(address) if !address.is_empty() => MemberChange::Add { id, address },
                _ => MemberChange::Remove { id },
            };
            Ok(ChangeMemberTask::new(ChangeMember {
                store: self.store.clone(),
                change: Some(change),
            }))
        })
    }

    /// `listener(notice: Buffer)` receives one msgpack notice per commit
    /// (`{type: 'commit', revision, compactRevision, outcomes, events}`) and a final
    /// `{type: 'closed'}` after `close`. A replica also sends `{type: 'reads', ids, error?}`
    /// when linearizable reads may be served and `{type: 'reset', revision, compactRevision}`
    /// when a snapshot replaced its whole state.
    #[napi]
    pub fn set_listener(
        &self,
        #[napi(ts_arg_type = "(notice: Buffer) => void")] listener: NoticeCallback,
    ) -> napi::Result<(), Code> {
        guard(|| {
            self.store
                .set_listener(Some(Arc::new(JsListener::new(listener))));
            Ok(())
        })
    }

    /// Queues a msgpack array of `[id, txn]`. Returns the proposals refused for bad input;
    /// the others' outcomes arrive with their commit. Throws when the batch is malformed or
    /// the store is closed.
    #[napi]
    pub fn propose(&self, batch: Buffer) -> napi::Result<Vec<Rejection>, Code> {
        guard(|| {
            let wire = decode::batch(&batch).map_err(js_error)?;
            let mut refused = Vec::new();
            let mut commands = Vec::with_capacity(wire.len());
            for decode::WireProposal(id, txn) in wire {
                match Txn::try_from(txn) {
                    Ok(txn) => commands.push((id, Command::Txn(txn))),
                    Err(error) => refused.push((id, error)),
                }
            }
            refused.extend(self.store.propose_batch(commands).map_err(js_error)?);
            Ok(refused
                .into_iter()
                .map(|(id, error)| Rejection {
                    id: id as f64,
                    code: error.code().to_string(),
                    message: error.to_string(),
                })
                .collect())
        })
    }

    /// Queues a compaction at `revision`; its outcome arrives under `id` with its commit.
    #[napi]
    pub fn compact(&self, id: f64, revision: f64) -> napi::Result<(), Code> {
        guard(|| {
            let id = whole_number(id, "id")?;
            let revision = whole_number(revision, "revision")?;
            self.store
                .propose(id, Command::Compact { revision })
                .map_err(js_error)
        })
    }

    /// msgpack `{revision, kvs, more, count}` of keys under `prefix`.
    #[napi]
    pub fn range(
        &self,
        prefix: String,
        start_after: Option<String>,
        limit: Option<f64>,
        revision: Option<f64>,
    ) -> napi::Result<Buffer, Code> {
        guard(|| {
            let limit = usize::try_from(optional_revision(limit, "limit")?)
                .map_err(|_| invalid("limit is too large"))?;
            let request = RangeRequest {
                prefix,
                start_after,
                limit,
                revision: optional_revision(revision, "revision")?,
            };
            buffer(
                self.store
                    .range(&request)
                    .and_then(|result| encode::range(&result)),
            )
        })
    }

    /// msgpack key-value of `key` at `revision` (0 or absent: current), or null.
    #[napi]
    pub fn get(&self, key: String, revision: Option<f64>) -> napi::Result<Option<Buffer>, Code> {
        guard(|| {
            let revision = optional_revision(revision, "revision")?;
            match self.store.get(&key, revision).map_err(js_error)? {
                Some(kv) => buffer(encode::single(&kv)).map(Some),
                None => Ok(None),
            }
        })
    }

    /// msgpack array of the events under `prefix` with `after < revision <= upTo`.
    #[napi]
    pub fn events_since(
        &self,
        prefix: String,
        after_revision: f64,
        up_to_revision: Option<f64>,
    ) -> napi::Result<Buffer, Code> {
        guard(|| {
            let after = whole_number(after_revision, "afterRevision")?;
            let up_to = optional_revision(up_to_revision, "upToRevision")?;
            buffer(
                self.store
                    .events_since(&prefix, after, up_to)
                    .and_then(|events| encode::events(&events)),
            )
        })
    }

    #[napi]
    pub fn status(&self) -> napi::Result<StoreStatus, Code> {
        guard(|| {
            let status = self.store.status().map_err(js_error)?;
            Ok(StoreStatus {
                revision: status.revision as f64,
                compact_revision: status.compact_revision as f64,
                keys: status.keys as f64,
                db_size_bytes: status.db_size_bytes as f64,
                records: status.records as f64,
                history_events: status.history_events as f64,
                commits: status.commits as f64,
                proposals: status.proposals as f64,
            })
        })
    }

    /// Starts closing: queued proposals are applied, then the files are closed and the
    /// listener gets `{type: 'closed'}`. Returns at once; calling it again does nothing.
    #[napi]
    pub fn close(&self) -> napi::Result<(), Code> {
        guard(|| {
            self.store.begin_close();
            Ok(())
        })
    }
}
