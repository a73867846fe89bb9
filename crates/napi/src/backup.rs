//! Snapshots for `rudder snapshot save|restore`: taken off the JavaScript thread (a large store
//! takes a while to copy), and a new store made from one.

use std::sync::Arc;

use napi::bindgen_prelude::{AsyncTask, Buffer};
use napi::{Env, Task};
use napi_derive::napi;
use rudder_store::Store;

/// A snapshot, or why there is none.
#[napi(object)]
pub struct SnapshotOutcome {
    pub snapshot: Option<Buffer>,
    pub code: Option<String>,
    pub message: Option<String>,
}

pub struct TakeSnapshot {
    pub store: Arc<Store>,
}

impl Task for TakeSnapshot {
    type Output = Result<Vec<u8>, rudder_store::StoreError>;
    type JsValue = SnapshotOutcome;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(self.store.snapshot())
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        Ok(match output {
            Ok(bytes) => SnapshotOutcome {
                snapshot: Some(bytes.into()),
                code: None,
                message: None,
            },
            Err(error) => SnapshotOutcome {
                snapshot: None,
                code: Some(error.code().to_string()),
                message: Some(error.to_string()),
            },
        })
    }
}

pub type SnapshotTask = AsyncTask<TakeSnapshot>;
