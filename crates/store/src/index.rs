//! The in-memory MVCC state readers see: every key's versions inside the history window, the
//! event log in revision order, the current and compacted revisions. Only the writer mutates it,
//! and only with data that is already durable.

use std::collections::{BTreeMap, VecDeque};
use std::ops::Bound;
use std::sync::Arc;

use crate::record::Record;
use crate::types::{Event, EventKind, KeyValue, RangeRequest, RangeResult, Value};
use crate::{Result, StoreError};

/// One version of a key: a put or a delete at (revision, sub).
#[derive(Debug, Clone)]
struct Version {
    revision: u64,
    sub: u32,
    create_revision: u64,
    version: u64,
    /// `None` is a delete.
    value: Option<Value>,
}

#[derive(Debug)]
pub struct Index {
    /// Versions of each key, oldest first. A key leaves the map when compaction removes its
    /// last version (its history ended in a delete at or below the compacted revision).
    keys: BTreeMap<Arc<str>, Vec<Version>>,
    events: VecDeque<Event>,
    revision: u64,
    compact_revision: u64,
    live_keys: u64,
}

/// The identity of a record on disk.
pub type RecordId = (u64, u32);

impl Index {
    /// An empty store is at revision 1, like etcd; nothing is compacted.
    pub fn new() -> Index {
        Index {
            keys: BTreeMap::new(),
            events: VecDeque::new(),
            revision: 1,
            compact_revision: 0,
            live_keys: 0,
        }
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn compact_revision(&self) -> u64 {
        self.compact_revision
    }

    pub fn live_keys(&self) -> u64 {
        self.live_keys
    }

    pub fn history_events(&self) -> u64 {
        self.events.len() as u64
    }

    pub fn set_revision(&mut self, revision: u64) {
        self.revision = self.revision.max(revision);
    }

    /// The key's current value, if it exists.
    pub fn latest(&self, key: &str) -> Option<KeyValue> {
        let (key, versions) = self.keys.get_key_value(key)?;
        key_value(key, versions.last()?)
    }

    pub fn get(&self, key: &str, revision: u64) -> Result<Option<KeyValue>> {
        let revision = self.readable(revision)?;
        Ok(self
            .keys
            .get_key_value(key)
            .and_then(|(key, versions)| at_revision(key, versions, revision)))
    }

    pub fn range(&self, request: &RangeRequest) -> Result<RangeResult> {
        let revision = self.readable(request.revision)?;
        let prefix = request.prefix.as_str();
        let start = match request.start_after.as_deref() {
            Some(after) if after >= prefix => Bound::Excluded(after),
            _ => Bound::Included(prefix),
        };
        let mut kvs = Vec::new();
        let mut count = 0u64;
        let mut more = false;
        for (key, versions) in self.keys.range::<str, _>((start, Bound::Unbounded)) {
            if !key.starts_with(prefix) {
                break;
            }
            let Some(kv) = at_revision(key, versions, revision) else {
                continue;
            };
            count += 1;
            if request.limit == 0 || kvs.len() < request.limit {
                kvs.push(kv);
            } else {
                more = true;
            }
        }
        Ok(RangeResult {
            revision,
            kvs,
            more,
            count,
        })
    }

    /// Events with `after < revision <= up_to` whose key starts with `prefix`, in order.
    pub fn events_since(&self, prefix: &str, after: u64, up_to: u64) -> Result<Vec<Event>> {
        if after < self.compact_revision {
            return Err(StoreError::Compacted {
                requested: after,
                compacted: self.compact_revision,
            });
        }
        let up_to = if up_to == 0 { self.revision } else { up_to };
        if up_to > self.revision {
            return Err(StoreError::FutureRevision {
                requested: up_to,
                current: self.revision,
            });
        }
        let first = self.events.partition_point(|event| event.revision <= after);
        Ok(self
            .events
            .range(first..)
            .take_while(|event| event.revision <= up_to)
            .filter(|event| event.key.starts_with(prefix))
            .cloned()
            .collect())
    }

    /// Adds one durable record as the key's newest version and returns its event. Records must
    /// arrive in (revision, sub) order.
    pub fn apply(&mut self, revision: u64, sub: u32, record: Record) -> Event {
        let key = match self.keys.get_key_value(&*record.key) {
            Some((key, _)) => key.clone(),
            None => record.key.clone(),
        };
        let versions = self.keys.entry(key.clone()).or_default();
        let prev_value = versions.last().and_then(|version| version.value.clone());
        match (&prev_value, &record.value) {
            (None, Some(_)) => self.live_keys += 1,
            (Some(_), None) => self.live_keys = self.live_keys.saturating_sub(1),
            _ => {}
        }
        versions.push(Version {
            revision,
            sub,
            create_revision: record.create_revision,
            version: record.version,
            value: record.value.clone(),
        });
        let event = Event {
            kind: if record.value.is_some() {
                EventKind::Put
            } else {
                EventKind::Delete
            },
            revision,
            key,
            value: record.value,
            prev_value,
            create_revision: record.create_revision,
            version: record.version,
        };
        self.events.push_back(event.clone());
        self.revision = self.revision.max(revision);
        event
    }

    /// Forgets history at and below `target`, keeping the latest version of every live key.
    /// Returns the records that are no longer needed, in ascending order, so that deleting them
    /// oldest first never leaves a key's older put without the delete that ended it.
    pub fn compact(&mut self, target: u64) -> Vec<RecordId> {
        let target = target.min(self.revision);
        if target <= self.compact_revision {
            return Vec::new();
        }
        let mut touched: Vec<Arc<str>> = Vec::new();
        while self
            .events
            .front()
            .is_some_and(|event| event.revision <= target)
        {
            if let Some(event) = self.events.pop_front() {
                touched.push(event.key);
            }
        }
        touched.sort_unstable();
        touched.dedup();
        let mut removed = Vec::new();
        for key in touched {
            let Some(versions) = self.keys.get_mut(&*key) else {
                continue;
            };
            let old = versions.partition_point(|version| version.revision <= target);
            if old == 0 {
                continue;
            }
            let keep_newest_old = versions[old - 1].value.is_some();
            let drop = if keep_newest_old { old - 1 } else { old };
            removed.extend(
                versions
                    .drain(..drop)
                    .map(|version| (version.revision, version.sub)),
            );
            if versions.is_empty() {
                self.keys.remove(&*key);
            }
        }
        self.compact_revision = target;
        removed.sort_unstable();
        removed
    }

    /// The latest record of every live key, in (revision, sub) order: the state a snapshot
    /// carries.
    pub fn live_records(&self) -> Vec<(RecordId, Record)> {
        let mut records: Vec<(RecordId, Record)> = self
            .keys
            .iter()
            .filter_map(|(key, versions)| {
                let latest = versions.last()?;
                let value = latest.value.clone()?;
                Some((
                    (latest.revision, latest.sub),
                    Record {
                        key: key.clone(),
                        value: Some(value),
                        create_revision: latest.create_revision,
                        version: latest.version,
                    },
                ))
            })
            .collect();
        records.sort_unstable_by_key(|(id, _)| *id);
        records
    }

    fn readable(&self, revision: u64) -> Result<u64> {
        if revision == 0 {
            return Ok(self.revision);
        }
        if revision < self.compact_revision {
            return Err(StoreError::Compacted {
                requested: revision,
                compacted: self.compact_revision,
            });
        }
        if revision > self.revision {
            return Err(StoreError::FutureRevision {
                requested: revision,
                current: self.revision,
            });
        }
        Ok(revision)
    }
}

fn key_value(key: &Arc<str>, version: &Version) -> Option<KeyValue> {
    Some(KeyValue {
        key: key.clone(),
        create_revision: version.create_revision,
        mod_revision: version.revision,
        version: version.version,
        value: version.value.clone()?,
    })
}

fn at_revision(key: &Arc<str>, versions: &[Version], revision: u64) -> Option<KeyValue> {
    let visible = versions.partition_point(|version| version.revision <= revision);
    key_value(key, versions.get(visible.checked_sub(1)?)?)
}
