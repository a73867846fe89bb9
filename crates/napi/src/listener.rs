//! Delivers commits to JavaScript: one threadsafe-function call with ONE msgpack Buffer per
//! applied commit, queued from the writer thread without blocking it. Calls are delivered in
//! the order they were queued, so the `closed` notice comes after every commit.

use napi::bindgen_prelude::Buffer;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::Status;
use rudder_store::{Commit, Listener};

use crate::encode;

/// Called with each notice; unreferenced (weak) so an idle open store does not keep Node
/// running; the TypeScript wrapper keeps the loop alive while it awaits results.
pub type NoticeCallback = ThreadsafeFunction<Buffer, (), Buffer, Status, false, true>;

pub struct JsListener {
    callback: NoticeCallback,
}

impl JsListener {
    pub fn new(callback: NoticeCallback) -> JsListener {
        JsListener { callback }
    }

    fn send(&self, notice: Result<Vec<u8>, rudder_store::StoreError>) {
        match notice {
            Ok(bytes) => {
                // Fails only while Node tears the environment down; no one is left to tell.
                let _ = self
                    .callback
                    .call(Buffer::from(bytes), ThreadsafeFunctionCallMode::NonBlocking);
            }
            Err(error) => {
                eprintln!("rudder-store: could not encode a notice for JavaScript: {error}")
            }
        }
    }
}

impl Listener for JsListener {
    fn on_commit(&self, commit: &Commit) {
        self.send(encode::commit(commit));
    }

    fn on_close(&self) {
        self.send(encode::closed());
    }

    fn on_reset(&self, revision: u64, compact_revision: u64) {
        self.send(encode::reset(revision, compact_revision));
    }

    fn on_reads(&self, ids: &[u64], error: Option<&rudder_store::StoreError>) {
        self.send(encode::reads(ids, error));
    }
}
