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
