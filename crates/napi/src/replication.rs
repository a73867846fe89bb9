//! The replication side of the binding: the options object of `NativeStore.openReplicated`
//! (checked and converted), the replica's status, and membership changes run off the event
//! loop (they wait for the cluster to apply them).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use napi::bindgen_prelude::{AsyncTask, Env, Task};
use napi_derive::napi;
use rudder_store::{MemberChange, ReplicaStatus, ReplicationOptions, Store};

use crate::error::{invalid, whole_number, Code};

#[napi(object)]
pub struct PeerAddress {
    pub id: f64,
    /// host:port where that replica listens for its peers.
    pub address: String,
}

#[napi(object)]
pub struct ReplicationConfig {
    pub id: f64,
    /// host:port to listen on for peers.
    pub listen: String,
    /// The cluster's replicas, this one included (empty with `join`).
    pub peers: Vec<PeerAddress>,
    /// Wait to be added to an existing cluster instead of starting one.
    pub join: Option<bool>,
    pub tick_ms: Option<f64>,
    pub election_ticks: Option<f64>,
    pub heartbeat_ticks: Option<f64>,
    pub request_timeout_ms: Option<f64>,
    pub snapshot_writes: Option<f64>,
    pub catch_up_entries: Option<f64>,
}

fn positive(value: Option<f64>, name: &str, default: u64) -> Result<u64, napi::Error<Code>> {
    match value {
        None => Ok(default),
        Some(number) => {
            let whole = whole_number(number, name)?;
            if whole == 0 {
                return Err(invalid(format!("{name} must be at least 1")));
            }
            Ok(whole)
        }
    }
}

impl TryFrom<ReplicationConfig> for ReplicationOptions {
    type Error = napi::Error<Code>;

    fn try_from(value: ReplicationConfig) -> Result<Self, Self::Error> {
        let defaults = ReplicationOptions::default();
        let id = whole_number(value.id, "id")?;
        if id == 0 {
            return Err(invalid("a replica's id must be at least 1"));
        }
        let mut peers = BTreeMap::new();
        for peer in value.peers {
            let peer_id = whole_number(peer.id, "peers[].id")?;
            if peer_id == 0 || peer.address.is_empty() {
                return Err(invalid(
                    "every peer needs an id of at least 1 and an address",
                ));
            }
            peers.insert(peer_id, peer.address);
        }
        let join = value.join.unwrap_or(false);
        if !join && !peers.contains_key(&id) {
            return Err(invalid(format!(
                "the peers of a new cluster must include this replica ({id})"
            )));
        }
        let election_ticks = positive(
            value.election_ticks,
            "electionTicks",
            defaults.election_ticks as u64,
        )?;
        let heartbeat_ticks = positive(
            value.heartbeat_ticks,
            "heartbeatTicks",
            defaults.heartbeat_ticks as u64,
        )?;
        if heartbeat_ticks >= election_ticks {
            return Err(invalid("heartbeatTicks must be fewer than electionTicks"));
        }
        Ok(ReplicationOptions {
            id,
            listen: value.listen,
            peers,
            join,
            tick: Duration::from_millis(positive(
                value.tick_ms,
                "tickMs",
                defaults.tick.as_millis() as u64,
            )?),
            election_ticks: election_ticks as usize,
            heartbeat_ticks: heartbeat_ticks as usize,
            request_timeout: Duration::from_millis(positive(
                value.request_timeout_ms,
                "requestTimeoutMs",
                defaults.request_timeout.as_millis() as u64,
            )?),
            snapshot_writes: positive(
                value.snapshot_writes,
                "snapshotWrites",
                defaults.snapshot_writes,
            )?,
            catch_up_entries: match value.catch_up_entries {
                Some(number) => whole_number(number, "catchUpEntries")?,
                None => defaults.catch_up_entries,
            },
        })
    }
}

#[napi(object)]
pub struct ReplicaMember {
    pub id: f64,
    pub address: String,
}

#[napi(object)]
pub struct ReplicaState {
    pub id: f64,
    /// "leader", "follower" or "candidate".
    pub role: String,
    pub term: f64,
    /// 0 when no leader is known.
    pub leader: f64,
    pub commit_index: f64,
    pub applied_index: f64,
    pub first_index: f64,
    pub last_index: f64,
    pub snapshot_index: f64,
    pub members: Vec<ReplicaMember>,
    pub removed: bool,
    pub blocked: Vec<f64>,
    pub address: String,
}

impl From<ReplicaStatus> for ReplicaState {
    fn from(status: ReplicaStatus) -> Self {
        ReplicaState {
            id: status.id as f64,
            role: status.role.name().to_string(),
            term: status.term as f64,
            leader: status.leader as f64,
            commit_index: status.commit_index as f64,
            applied_index: status.applied_index as f64,
            first_index: status.first_index as f64,
            last_index: status.last_index as f64,
            snapshot_index: status.snapshot_index as f64,
            members: status
                .members
                .into_iter()
                .map(|member| ReplicaMember {
                    id: member.id as f64,
                    address: member.address,
                })
                .collect(),
            removed: status.removed,
            blocked: status.blocked.into_iter().map(|id| id as f64).collect(),
            address: status.address,
        }
    }
}

/// The outcome of a membership change: no code means it was applied.
#[napi(object)]
pub struct ChangeOutcome {
    pub code: Option<String>,
    pub message: Option<String>,
}

pub struct ChangeMember {
    pub store: Arc<Store>,
    pub change: Option<MemberChange>,
}

impl Task for ChangeMember {
    type Output = ChangeOutcome;
    type JsValue = ChangeOutcome;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let Some(change) = self.change.take() else {
            return Ok(ChangeOutcome {
                code: Some("InvalidArgument".into()),
                message: Some("the change was already made".into()),
            });
        };
        Ok(match self.store.change_member(change) {
            Ok(()) => ChangeOutcome {
                code: None,
                message: None,
            },
            Err(error) => ChangeOutcome {
                code: Some(error.code().to_string()),
                message: Some(error.to_string()),
            },
        })
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        Ok(output)
    }
}

pub type ChangeMemberTask = AsyncTask<ChangeMember>;
