//! The options object of `NativeStore.open`, checked and converted into the store's options.

use napi_derive::napi;
use rudder_store::Options;

use crate::error::{whole_number, Code};

#[napi(object)]
#[derive(Debug, Default)]
pub struct StoreOptions {
    /// Revisions of history to keep before automatic compaction (default 100000).
    pub history_revisions: Option<f64>,
    /// Most proposals in one durable commit (default 1024).
    pub max_batch: Option<f64>,
}

impl TryFrom<StoreOptions> for Options {
    type Error = napi::Error<Code>;

    fn try_from(value: StoreOptions) -> Result<Self, Self::Error> {
        let defaults = Options::default();
        let history_revisions = match value.history_revisions {
            Some(number) => whole_number(number, "historyRevisions")?,
            None => defaults.history_revisions,
        };
        let max_batch = match value.max_batch {
            Some(number) => usize::try_from(whole_number(number, "maxBatch")?)
                .map_err(|_| crate::error::invalid("maxBatch is too large"))?,
            None => defaults.max_batch,
        };
        if history_revisions == 0 || max_batch == 0 {
            return Err(crate::error::invalid(
                "historyRevisions and maxBatch must be at least 1",
            ));
        }
        Ok(Options {
            history_revisions,
            max_batch,
            ..defaults
        })
    }
}
