mod common;

use std::time::{Duration, Instant};

use common::*;
use rudder_store::{Options, RangeRequest, Store, StoreError};

fn wait_for(store: &Store, what: &str, done: impl Fn(&rudder_store::Status) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = store.status().unwrap();
        if done(&status) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {status:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn compaction_drops_old_revisions_but_keeps_latest_values() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    for i in 0..10 {
        store
            .txn(plain(vec![put("/k/a", &format!("a{i}"))]))
            .unwrap(); // 2..=11
    }
    store.txn(plain(vec![put("/k/b", "b")])).unwrap(); // 12
    store.txn(plain(vec![delete("/k/b")])).unwrap(); // 13
    store.txn(plain(vec![put("/k/c", "c")])).unwrap(); // 14

    store.compact(13).unwrap();
    let compacted = |requested| StoreError::Compacted {
        requested,
        compacted: 13,
    };
    assert_eq!(store.get("/k/a", 12), Err(compacted(12)));
    assert_eq!(
        store.range(&RangeRequest {
            prefix: "/k/".into(),
            revision: 5,
            ..Default::default()
        }),
        Err(compacted(5))
    );
    assert_eq!(store.events_since("/k/", 12, 0), Err(compacted(12)));
    assert_eq!(
        store.compact(13),
        Err(StoreError::Compacted {
            requested: 13,
            compacted: 13
        })
    );
    assert_eq!(
        store.compact(99),
        Err(StoreError::FutureRevision {
            requested: 99,
            current: 14
        })
    );

    // At the compacted revision and later, everything that was live is still readable.
    let at = store
        .range(&RangeRequest {
            prefix: "/k/".into(),
            revision: 13,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        at.kvs
            .iter()
            .map(|kv| (key_of(kv).to_string(), text(&kv.value)))
            .collect::<Vec<_>>(),
        vec![("/k/a".into(), "a9".into())]
    );
    let a = store.get("/k/a", 0).unwrap().unwrap();
    assert_eq!((a.create_revision, a.mod_revision, a.version), (2, 11, 10));
    assert_eq!(store.events_since("/k/", 13, 0).unwrap().len(), 1);

    // On disk only the latest versions and the window remain (/k/a@11, /k/c@14).
    wait_for(&store, "superseded records to be deleted", |status| {
        status.records == 2
    });
    store.close().unwrap();
    drop(store);

    let store = open(dir.path());
    let status = store.status().unwrap();
    assert_eq!(
        (
            status.revision,
            status.compact_revision,
            status.keys,
            status.records
        ),
        (14, 13, 2, 2)
    );
    assert_eq!(store.get("/k/a", 12), Err(compacted(12)));
    assert_eq!(text(&store.get("/k/a", 13).unwrap().unwrap().value), "a9");
}

#[test]
fn automatic_compaction_bounds_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        history_revisions: 20,
        compaction_chunk: 7,
        ..Options::default()
    };
    let store = open_with(dir.path(), options.clone());
    for i in 0..100 {
        store
            .txn(plain(vec![put(&format!("/k/{}", i % 5), &format!("{i}"))]))
            .unwrap();
    }
    let status = store.status().unwrap();
    assert_eq!(status.revision, 101);
    assert_eq!(status.compact_revision, 81);
    assert_eq!(status.history_events, 20);
    assert!(store.events_since("", 80, 0).is_err());
    assert_eq!(store.events_since("", 81, 0).unwrap().len(), 20);
    // Small chunks: the deletes spread over several commits, and finish while idle. What is
    // left: the 20 records of the window and each key's version at the compacted revision.
    wait_for(&store, "disk compaction", |status| status.records == 25);
    assert_eq!(
        store
            .range(&RangeRequest {
                prefix: "/k/".into(),
                ..Default::default()
            })
            .unwrap()
            .count,
        5
    );
}

#[test]
fn history_survives_reopen_inside_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        history_revisions: 1000,
        ..Options::default()
    };
    {
        let store = open_with(dir.path(), options.clone());
        for i in 0..30 {
            store
                .txn(plain(vec![
                    put("/k", &format!("{i}")),
                    put(&format!("/other/{i}"), "x"),
                ]))
                .unwrap();
        }
        store.compact(20).unwrap();
    }
    let store = open_with(dir.path(), options);
    let events = store.events_since("/k", 20, 0).unwrap();
    assert_eq!(
        events.iter().map(|e| e.revision).collect::<Vec<_>>(),
        (21..=31).collect::<Vec<_>>()
    );
    assert_eq!(
        events[0].prev_value.as_deref().map(text).as_deref(),
        Some("18"),
        "the version kept at the compacted revision is the prev value"
    );
    assert_eq!(
        store.events_since("", 19, 0),
        Err(StoreError::Compacted {
            requested: 19,
            compacted: 20
        })
    );
}
