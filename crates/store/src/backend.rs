//! The state machine on disk: a redb database holding every record under (revision, sub) and
//! a few counters (revision, compacted revision, applied log index). Batches are written
//! without waiting for the disk; checkpoints make them durable, and the command log covers
//! what lies between. Only the writer thread touches it.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use redb::{Database, Durability, ReadableDatabase, ReadableTable, TableDefinition};

use crate::index::RecordId;
use crate::record::Record;
use crate::{Result, StoreError};

const RECORDS: TableDefinition<(u64, u32), &[u8]> = TableDefinition::new("records");
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");

const META_FORMAT: &str = "format";
const META_REVISION: &str = "revision";
const META_COMPACT_REVISION: &str = "compact_revision";
const META_APPLIED_INDEX: &str = "applied_index";
const FORMAT: u64 = 1;

pub const FILE_NAME: &str = "store.redb";
const CACHE_BYTES: usize = 64 << 20;

pub struct Backend {
    db: Database,
}

/// The counters stored beside the records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Meta {
    pub revision: u64,
    pub compact_revision: u64,
    /// Last log entry (batch) applied; the hook a replicated log uses to skip replays.
    pub applied_index: u64,
}

/// All that one durable commit writes.
pub struct WriteSet<'a> {
    pub records: &'a [(RecordId, Record)],
    pub meta: Meta,
    /// Superseded records to delete, oldest first.
    pub deletes: &'a [RecordId],
}

impl Backend {
    pub fn open(dir: &Path) -> Result<Backend> {
        fs::create_dir_all(dir)?;
        // Reads are served from the in-memory index; redb's cache only speeds up writes, which
        // touch the newest pages, and the replay on open.
        let db = Database::builder()
            .set_cache_size(CACHE_BYTES)
            .create(dir.join(FILE_NAME))
            .map_err(|error| match error {
                redb::DatabaseError::DatabaseAlreadyOpen => StoreError::Io(format!(
                    "{} is already open in another store",
                    dir.join(FILE_NAME).display()
                )),
                other => StoreError::from(other),
            })?;
        let backend = Backend { db };
        backend.initialize()?;
        Ok(backend)
    }

    pub fn path(dir: &Path) -> PathBuf {
        dir.join(FILE_NAME)
    }

    fn initialize(&self) -> Result<()> {
        let txn = self.db.begin_write()?;
        {
            let mut meta = txn.open_table(META)?;
            let format = meta.get(META_FORMAT)?.map(|value| value.value());
            match format {
                None => {
                    meta.insert(META_FORMAT, FORMAT)?;
                }
                Some(FORMAT) => {}
                Some(other) => {
                    return Err(StoreError::Io(format!(
                        "data format {other} is not supported (expected {FORMAT})"
                    )))
                }
            }
            txn.open_table(RECORDS)?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Reads the counters and replays every record, oldest first.
    pub fn load(&self, mut each: impl FnMut(RecordId, Record)) -> Result<Meta> {
        let txn = self.db.begin_read()?;
        let meta_table = txn.open_table(META)?;
        let read = |name: &str| -> Result<u64> {
            Ok(meta_table
                .get(name)?
                .map(|value| value.value())
                .unwrap_or(0))
        };
        let mut meta = Meta {
            revision: read(META_REVISION)?.max(1),
            compact_revision: read(META_COMPACT_REVISION)?,
            applied_index: read(META_APPLIED_INDEX)?,
        };
        let records = txn.open_table(RECORDS)?;
        for entry in records.iter()? {
            let (key, value) = entry?;
            let (revision, sub) = key.value();
            let record = Record::decode(revision, sub, value.value())?;
            meta.revision = meta.revision.max(revision);
            each((revision, sub), record);
        }
        Ok(meta)
    }

    /// Writes one batch in a single transaction. It reaches the disk at the next checkpoint;
    /// until then the command log is what makes it durable.
    pub fn commit(&self, write: &WriteSet<'_>) -> Result<()> {
        let mut txn = self.db.begin_write()?;
        txn.set_durability(Durability::None)?;
        {
            let mut records = txn.open_table(RECORDS)?;
            for ((revision, sub), record) in write.records {
                records.insert((*revision, *sub), record.encode().as_slice())?;
            }
            for id in write.deletes {
                records.remove(*id)?;
            }
            let mut meta = txn.open_table(META)?;
            meta.insert(META_REVISION, write.meta.revision)?;
            meta.insert(META_COMPACT_REVISION, write.meta.compact_revision)?;
            meta.insert(META_APPLIED_INDEX, write.meta.applied_index)?;
        }
        txn.commit()?;
        Ok(())
    }
}

impl Backend {
    /// Replaces every record and the counters at once, durably (a snapshot install).
    pub fn replace(&self, records: &[(RecordId, Record)], meta: Meta) -> Result<()> {
        let mut txn = self.db.begin_write()?;
        txn.set_durability(Durability::Immediate)?;
        {
            txn.delete_table(RECORDS)?;
            let mut table = txn.open_table(RECORDS)?;
            for ((revision, sub), record) in records {
                table.insert((*revision, *sub), record.encode().as_slice())?;
            }
            let mut counters = txn.open_table(META)?;
            counters.insert(META_REVISION, meta.revision)?;
            counters.insert(META_COMPACT_REVISION, meta.compact_revision)?;
            counters.insert(META_APPLIED_INDEX, meta.applied_index)?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Makes every earlier commit durable; returns once it is on disk. Checkpoints are rare, so
    /// they also pay for 2-phase commit with the allocator state saved (quick repair): reopening
    /// after a crash then starts from a verified commit without scanning the whole file.
    pub fn checkpoint(&self) -> Result<()> {
        let mut txn = self.db.begin_write()?;
        txn.set_durability(Durability::Immediate)?;
        txn.set_quick_repair(true);
        txn.commit()?;
        Ok(())
    }
}

/// Record ids waiting for deletion, always taken oldest first.
#[derive(Debug, Default)]
pub struct DeleteQueue {
    ids: BTreeSet<RecordId>,
}

impl DeleteQueue {
    pub fn extend(&mut self, ids: impl IntoIterator<Item = RecordId>) {
        self.ids.extend(ids);
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Up to `count` of the oldest ids, without removing them (they go only once committed).
    pub fn peek(&self, count: usize) -> Vec<RecordId> {
        self.ids.iter().take(count).copied().collect()
    }

    pub fn remove(&mut self, ids: &[RecordId]) {
        for id in ids {
            self.ids.remove(id);
        }
    }
}
