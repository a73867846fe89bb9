//! The state machine: turns an ordered list of committed commands into records and results.
//! It is a pure function of the index and the commands (no clock, no randomness, no I/O), so
//! every replica that applies the same log reaches the same state.

use std::collections::HashMap;
use std::sync::Arc;

use crate::index::{Index, RecordId};
use crate::record::Record;
use crate::types::{Command, CompareTarget, KeyValue, Outcome, Txn, TxnOp, TxnResult};
use crate::{Result, StoreError};

/// What applying a batch produced; nothing of it is visible until it is durable.
pub struct Effects {
    /// New records in (revision, sub) order.
    pub records: Vec<(RecordId, Record)>,
    /// One result per command, in order.
    pub results: Vec<Result<Outcome>>,
    pub revision: u64,
    pub compact_revision: u64,
}

/// Applies `commands` on top of `index`. `history_revisions` bounds the history window: when
/// the batch pushes the revision past it, the compacted revision follows.
pub fn apply<'a>(
    index: &Index,
    commands: impl IntoIterator<Item = &'a Command>,
    history_revisions: u64,
) -> Effects {
    let mut batch = Batch {
        index,
        written: HashMap::new(),
        records: Vec::new(),
        revision: index.revision(),
        compact_revision: index.compact_revision(),
    };
    let results = commands
        .into_iter()
        .map(|command| match command {
            Command::Txn(txn) => Ok(Outcome::Txn(batch.txn(txn))),
            Command::Compact { revision } => batch.compact(*revision),
        })
        .collect();
    if batch.revision.saturating_sub(batch.compact_revision) > history_revisions {
        batch.compact_revision = batch.revision - history_revisions;
    }
    Effects {
        records: batch.records,
        results,
        revision: batch.revision,
        compact_revision: batch.compact_revision,
    }
}

struct Batch<'a> {
    index: &'a Index,
    /// Latest state of keys written earlier in this batch (`None`: deleted).
    written: HashMap<Arc<str>, Option<KeyValue>>,
    records: Vec<(RecordId, Record)>,
    revision: u64,
    compact_revision: u64,
}

impl Batch<'_> {
    fn current(&self, key: &str) -> Option<KeyValue> {
        match self.written.get(key) {
            Some(state) => state.clone(),
            None => self.index.latest(key),
        }
    }

    fn txn(&mut self, txn: &Txn) -> TxnResult {
        let compared: Vec<Option<KeyValue>> = txn
            .compare
            .iter()
            .map(|compare| self.current(&compare.key))
            .collect();
        let succeeded = txn.compare.iter().zip(&compared).all(|(compare, kv)| {
            let actual = kv.as_ref().map_or(0, |kv| match compare.target {
                CompareTarget::Mod => kv.mod_revision,
                CompareTarget::Create => kv.create_revision,
                CompareTarget::Version => kv.version,
            });
            compare.op.holds(actual, compare.value)
        });
        let ops = if succeeded {
            &txn.success
        } else {
            &txn.failure
        };
        // All writes of one transaction share its revision and are told apart by `sub`.
        let revision = self.revision + 1;
        let mut sub: u32 = 0;
        let mut prev = Vec::with_capacity(ops.len());
        for op in ops {
            let before = self.current(op.key());
            let key: Arc<str> = Arc::from(op.key());
            let record = match op {
                TxnOp::Put { value, .. } => {
                    let record = Record {
                        key: key.clone(),
                        value: Some(value.clone()),
                        create_revision: before.as_ref().map_or(revision, |kv| kv.create_revision),
                        version: before.as_ref().map_or(1, |kv| kv.version + 1),
                    };
                    let kv = KeyValue {
                        key: key.clone(),
                        create_revision: record.create_revision,
                        mod_revision: revision,
                        version: record.version,
                        value: value.clone(),
                    };
                    self.written.insert(key, Some(kv));
                    Some(record)
                }
                // Deleting an absent key writes nothing, as in etcd.
                TxnOp::Delete { .. } if before.is_none() => None,
                TxnOp::Delete { .. } => {
                    self.written.insert(key.clone(), None);
                    Some(Record {
                        key,
                        value: None,
                        create_revision: 0,
                        version: 0,
                    })
                }
            };
            if let Some(record) = record {
                self.records.push(((revision, sub), record));
                // validate::MAX_TXN_OPS keeps this far below u32::MAX.
                sub += 1;
            }
            prev.push(before);
        }
        if sub > 0 {
            self.revision = revision;
        }
        TxnResult {
            succeeded,
            revision: self.revision,
            prev,
            current: if succeeded { Vec::new() } else { compared },
        }
    }

    fn compact(&mut self, revision: u64) -> Result<Outcome> {
        if revision > self.revision {
            return Err(StoreError::FutureRevision {
                requested: revision,
                current: self.revision,
            });
        }
        if revision <= self.compact_revision {
            return Err(StoreError::Compacted {
                requested: revision,
                compacted: self.compact_revision,
            });
        }
        self.compact_revision = revision;
        Ok(Outcome::Compacted { revision })
    }
}
