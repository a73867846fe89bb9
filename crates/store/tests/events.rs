mod common;

use std::sync::{Arc, Mutex};

use common::*;
use rudder_store::{Command, Commit, EventKind, Listener, Outcome, StoreError};

#[test]
fn events_since_returns_the_window_in_order_with_prev_values() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.txn(plain(vec![put("/pods/a", "a1")])).unwrap(); // 2
    store.txn(plain(vec![put("/svc/x", "x1")])).unwrap(); // 3
    store
        .txn(plain(vec![put("/pods/a", "a2"), put("/pods/b", "b1")]))
        .unwrap(); // 4
    store.txn(plain(vec![delete("/pods/a")])).unwrap(); // 5

    let all = store.events_since("", 1, 0).unwrap();
    assert_eq!(
        all.iter().map(|e| e.revision).collect::<Vec<_>>(),
        vec![2, 3, 4, 4, 5]
    );

    let pods = store.events_since("/pods/", 2, 0).unwrap();
    assert_eq!(
        pods.iter()
            .map(|e| (e.kind, e.revision, e.key.to_string()))
            .collect::<Vec<_>>(),
        vec![
            (EventKind::Put, 4, "/pods/a".into()),
            (EventKind::Put, 4, "/pods/b".into()),
            (EventKind::Delete, 5, "/pods/a".into())
        ]
    );
    assert_eq!(
        pods[0].prev_value.as_deref().map(text).as_deref(),
        Some("a1")
    );
    assert_eq!((pods[0].create_revision, pods[0].version), (2, 2));
    assert_eq!(pods[1].prev_value, None);
    assert_eq!(pods[2].value, None);
    assert_eq!(
        pods[2].prev_value.as_deref().map(text).as_deref(),
        Some("a2")
    );
    assert_eq!((pods[2].create_revision, pods[2].version), (0, 0));

    // Bounds: after < revision <= up_to.
    assert_eq!(store.events_since("", 3, 4).unwrap().len(), 2);
    assert_eq!(store.events_since("", 5, 0).unwrap(), vec![]);
    assert!(store.events_since("", 4, 3).unwrap().is_empty());
    assert_eq!(
        store.events_since("", 1, 6),
        Err(StoreError::FutureRevision {
            requested: 6,
            current: 5
        })
    );
}

#[derive(Default)]
struct Recorder {
    commits: Mutex<Vec<Commit>>,
    closed: Mutex<bool>,
}

impl Listener for Recorder {
    fn on_commit(&self, commit: &Commit) {
        self.commits.lock().unwrap().push(commit.clone());
    }
    fn on_close(&self) {
        *self.closed.lock().unwrap() = true;
    }
}

#[test]
fn the_listener_gets_every_commit_in_revision_order_with_its_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let recorder = Arc::new(Recorder::default());
    store.set_listener(Some(recorder.clone()));
    let batch = (0..50u64)
        .map(|id| (id, Command::Txn(create(&format!("/k/{}", id % 40), "v"))))
        .collect();
    assert!(store.propose_batch(batch).unwrap().is_empty());
    store
        .propose(99, Command::Compact { revision: 1000 })
        .unwrap();
    store.close().unwrap();

    let commits = recorder.commits.lock().unwrap();
    let revisions: Vec<u64> = commits
        .iter()
        .flat_map(|c| c.events.iter().map(|e| e.revision))
        .collect();
    assert_eq!(
        revisions,
        (2..42).collect::<Vec<_>>(),
        "40 creates, in order, each its own revision"
    );
    let mut outcomes: Vec<_> = commits
        .iter()
        .flat_map(|c| c.outcomes.iter().cloned())
        .collect();
    outcomes.sort_by_key(|o| o.id);
    assert_eq!(outcomes.len(), 51);
    let succeeded = outcomes
        .iter()
        .filter(|o| matches!(&o.result, Ok(Outcome::Txn(r)) if r.succeeded))
        .count();
    assert_eq!(succeeded, 40, "the last 10 creates find their key taken");
    assert!(matches!(
        outcomes[50].result,
        Err(StoreError::FutureRevision { .. })
    ));
    for commit in commits.iter() {
        assert!(commit.events.iter().all(|e| e.revision <= commit.revision));
    }
    assert!(*recorder.closed.lock().unwrap());
}
