//! The replication side of the binding: the replica's status, and membership changes run off
//! the event loop (they wait for the cluster to apply them). The options object is converted
//! in `replication_options`.

use std::sync::Arc;

use napi::bindgen_prelude::{AsyncTask, Env, Task};
use napi_derive::napi;
use rudder_store::{MemberChange, ReplicaStatus, Store};

#[napi(object)]
pub struct ReplicaMember {
    pub id: f64,
    pub address: String,
}

#[napi(object)]
pub struct ReplicaState {
    pub id: f64,
    #[napi(ts_type = "'leader' | 'follower' | 'candidate'")]
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
