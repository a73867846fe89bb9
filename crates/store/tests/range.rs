mod common;

use common::*;
use rudder_store::{RangeRequest, StoreError};

fn page(prefix: &str, start_after: Option<&str>, limit: usize, revision: u64) -> RangeRequest {
    RangeRequest {
        prefix: prefix.into(),
        start_after: start_after.map(String::from),
        limit,
        revision,
    }
}

#[test]
fn paging_at_a_fixed_revision_sees_one_snapshot_while_writes_continue() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    for i in 0..25 {
        store
            .txn(create(
                &format!("/registry/pods/default/p{i:02}"),
                &format!("v{i}"),
            ))
            .unwrap();
    }
    store
        .txn(create("/registry/pods/other/x", "other namespace"))
        .unwrap();
    store
        .txn(create("/registry/services/default/s", "not a pod"))
        .unwrap();
    let snapshot = store.revision().unwrap();

    let mut seen = Vec::new();
    let mut start_after: Option<String> = None;
    let mut pages = 0;
    loop {
        let result = store
            .range(&page(
                "/registry/pods/default/",
                start_after.as_deref(),
                10,
                snapshot,
            ))
            .unwrap();
        assert_eq!(result.revision, snapshot);
        assert_eq!(
            result.count,
            25 - seen.len() as u64,
            "count covers the range from the start point"
        );
        seen.extend(
            result
                .kvs
                .iter()
                .map(|kv| (kv.key.to_string(), text(&kv.value))),
        );
        pages += 1;
        // Writes between pages: new keys inside the prefix, updates, deletes.
        store
            .txn(create(
                &format!("/registry/pods/default/new{pages}"),
                "late",
            ))
            .unwrap();
        store
            .txn(plain(vec![put("/registry/pods/default/p24", "changed")]))
            .unwrap();
        store
            .txn(plain(vec![delete(&format!(
                "/registry/pods/default/p{:02}",
                pages
            ))]))
            .unwrap();
        if !result.more {
            break;
        }
        start_after = result.kvs.last().map(|kv| kv.key.to_string());
    }
    assert_eq!(pages, 3);
    let expected: Vec<_> = (0..25)
        .map(|i| (format!("/registry/pods/default/p{i:02}"), format!("v{i}")))
        .collect();
    assert_eq!(seen, expected);

    // The latest revision shows the writes.
    let latest = store
        .range(&page("/registry/pods/default/", None, 0, 0))
        .unwrap();
    assert!(latest.revision > snapshot);
    assert!(latest
        .kvs
        .iter()
        .any(|kv| &*kv.key == "/registry/pods/default/new1"));
    assert!(latest
        .kvs
        .iter()
        .all(|kv| &*kv.key != "/registry/pods/default/p01"));
    assert_eq!(latest.count, latest.kvs.len() as u64);
    assert!(!latest.more);
}

#[test]
fn range_and_get_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store
        .txn(plain(vec![
            put("/a/1", "x"),
            put("/a/2", "y"),
            put("/b/1", "z"),
        ]))
        .unwrap();
    store.txn(plain(vec![put("/a/1", "x2")])).unwrap();

    let all = store.range(&page("", None, 0, 0)).unwrap();
    assert_eq!(
        all.kvs.iter().map(key_of).collect::<Vec<_>>(),
        vec!["/a/1", "/a/2", "/b/1"]
    );
    // start_after before the prefix starts at the prefix; limit 1 reports more.
    let first = store.range(&page("/a/", Some("/"), 1, 0)).unwrap();
    assert_eq!((first.kvs.len(), first.more, first.count), (1, true, 2));
    let after_last = store.range(&page("/a/", Some("/a/2"), 0, 0)).unwrap();
    assert_eq!(
        (after_last.kvs.len(), after_last.more, after_last.count),
        (0, false, 0)
    );

    assert_eq!(text(&store.get("/a/1", 2).unwrap().unwrap().value), "x");
    assert_eq!(text(&store.get("/a/1", 3).unwrap().unwrap().value), "x2");
    assert_eq!(
        store.get("/a/1", 1).unwrap(),
        None,
        "revision 1 is the empty store"
    );
    assert_eq!(
        store.get("/a/1", 4),
        Err(StoreError::FutureRevision {
            requested: 4,
            current: 3
        })
    );
    assert!(matches!(
        store.range(&page("", None, 0, 9)),
        Err(StoreError::FutureRevision { .. })
    ));
}

#[test]
fn readers_run_concurrently_with_the_writer() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    std::thread::scope(|scope| {
        scope.spawn(|| {
            for i in 0..200 {
                store.txn(create(&format!("/k/{i:03}"), "v")).unwrap();
            }
        });
        for _ in 0..4 {
            scope.spawn(|| {
                let mut last = 0;
                while last < 200 {
                    let result = store.range(&page("/k/", None, 0, 0)).unwrap();
                    // Every visible key is durable and keys appear in commit order.
                    assert!(result.count >= last);
                    assert_eq!(result.revision, 1 + result.count);
                    last = result.count;
                }
            });
        }
    });
}
