//! Backups for operators (`rudder snapshot save|restore`): the live state of a running store
//! as one snapshot (every key's latest record and the revision, in the format replicas send each
//! other), taken without stopping writes, and a new store made from one. History before the
//! snapshot's revision is not kept: watches from before it get "too old", as after a compaction.

use std::path::Path;
use std::sync::atomic::Ordering;

use crate::backend;
use crate::replica::snapshot;
use crate::replica::storage::Peers;
use crate::state_machine::StateImage;
use crate::store::{recover_state_machine, Store};
use crate::types::Options;
use crate::{Result, StoreError};

impl Store {
    /// The state as of one revision: every write acknowledged before the call is in it.
    pub fn snapshot(&self) -> Result<Vec<u8>> {
        let image = {
            let index = self.open_index()?;
            StateImage {
                applied_index: self.shared.applied_index.load(Ordering::Acquire),
                revision: index.revision(),
                records: index.live_records(),
            }
        };
        Ok(snapshot::encode(&image, &Peers::new()))
    }

    /// Makes a new single-replica store in `dir` (which must not hold one) from `bytes`, a
    /// snapshot from [`Store::snapshot`]; durable on return. Returns the snapshot's revision.
    pub fn restore_snapshot(dir: impl AsRef<Path>, bytes: &[u8], options: Options) -> Result<u64> {
        let dir = dir.as_ref();
        if dir.join(backend::FILE_NAME).exists() {
            return Err(StoreError::invalid(format!(
                "{} already holds a store; restore into a new directory",
                dir.display()
            )));
        }
        let (image, _peers) = snapshot::decode(bytes)
            .ok_or_else(|| StoreError::invalid("not a Rudder store snapshot, or a damaged one"))?;
        let revision = image.revision;
        std::fs::create_dir_all(dir)?;
        let (mut sm, _shared) = recover_state_machine(dir, options)?;
        sm.restore(image)?;
        Ok(revision)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Txn, TxnOp};

    fn put(store: &Store, key: &str, value: &[u8]) {
        let txn = Txn {
            compare: Vec::new(),
            success: vec![TxnOp::Put {
                key: key.into(),
                value: value.to_vec().into(),
            }],
            failure: Vec::new(),
        };
        store.txn(txn).expect("put");
    }

    #[test]
    fn a_restored_store_holds_every_live_key_at_the_same_revision() {
        let dir = tempfile::tempdir().expect("temp dir");
        let source = Store::open(dir.path().join("a"), Options::default()).expect("open");
        for i in 0..50u8 {
            put(&source, &format!("/k/{}", i % 20), &[0x91, i]);
        }
        let bytes = source.snapshot().expect("snapshot");
        let revision = source.revision().expect("revision");
        let restored_at = Store::restore_snapshot(dir.path().join("b"), &bytes, Options::default())
            .expect("restore");
        assert_eq!(restored_at, revision);
        let restored =
            Store::open(dir.path().join("b"), Options::default()).expect("open restored");
        assert_eq!(restored.revision().expect("revision"), revision);
        for i in 0..20u8 {
            let key = format!("/k/{i}");
            assert_eq!(
                restored
                    .get(&key, 0)
                    .expect("get")
                    .map(|kv| kv.value.to_vec()),
                source
                    .get(&key, 0)
                    .expect("get")
                    .map(|kv| kv.value.to_vec())
            );
        }
        // The restored store takes writes after the snapshot's revision.
        put(&restored, "/k/new", &[0xc0]);
        assert_eq!(restored.revision().expect("revision"), revision + 1);
        assert!(
            Store::restore_snapshot(dir.path().join("b"), &bytes, Options::default()).is_err(),
            "a directory holding a store is refused"
        );
        assert!(
            Store::restore_snapshot(dir.path().join("c"), b"junk", Options::default()).is_err(),
            "junk is refused"
        );
    }
}
