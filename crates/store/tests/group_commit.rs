mod common;

use common::*;

#[test]
fn many_concurrent_proposers_share_commits() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let proposers = 64;
    let each = 20;
    std::thread::scope(|scope| {
        for thread in 0..proposers {
            let store = &store;
            scope.spawn(move || {
                for i in 0..each {
                    let result = store
                        .txn(create(&format!("/g/{thread}/{i}"), "value"))
                        .unwrap();
                    assert!(result.succeeded);
                }
            });
        }
    });
    let status = store.status().unwrap();
    let txns = (proposers * each) as u64;
    assert_eq!(status.proposals, txns);
    assert_eq!(
        status.revision,
        1 + txns,
        "every create got its own revision"
    );
    assert!(
        status.commits * 4 <= txns,
        "{} commits for {txns} transactions: proposals were not batched",
        status.commits
    );
    eprintln!("{txns} transactions in {} durable commits", status.commits);
}

#[test]
fn a_large_batch_is_split_at_max_batch() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_with(
        dir.path(),
        rudder_store::Options {
            max_batch: 10,
            ..rudder_store::Options::default()
        },
    );
    let batch = (0..95u64)
        .map(|id| {
            (
                id,
                rudder_store::Command::Txn(create(&format!("/s/{id}"), "v")),
            )
        })
        .collect();
    assert!(store.propose_batch(batch).unwrap().is_empty());
    // A blocking txn queued behind the batch returns once everything before it is applied.
    assert_eq!(store.txn(create("/s/last", "v")).unwrap().revision, 97);
    let status = store.status().unwrap();
    assert_eq!(status.proposals, 96);
    assert!(
        status.commits >= 10,
        "{} commits for 96 proposals with max_batch 10",
        status.commits
    );
}
