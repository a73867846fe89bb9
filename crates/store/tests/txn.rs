mod common;

use common::*;
use rudder_store::{CompareOp, CompareTarget, EventKind, StoreError, Txn, TxnOp, Value};

#[test]
fn create_if_absent_then_cas_update_then_delete() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    assert_eq!(
        store.revision().unwrap(),
        1,
        "an empty store is at revision 1"
    );

    // 1. create-if-absent succeeds on an empty key
    let created = store
        .txn(create("/registry/pods/default/web", "v1"))
        .unwrap();
    assert!(created.succeeded);
    assert_eq!(created.revision, 2);
    assert_eq!(created.prev, vec![None]);
    let kv = store.get("/registry/pods/default/web", 0).unwrap().unwrap();
    assert_eq!((kv.create_revision, kv.mod_revision, kv.version), (2, 2, 1));
    assert_eq!(text(&kv.value), "v1");

    // 2. a second create fails and shows the current value, without writing
    let again = store
        .txn(create("/registry/pods/default/web", "other"))
        .unwrap();
    assert!(!again.succeeded);
    assert_eq!(again.revision, 2);
    assert_eq!(again.current, vec![Some(kv.clone())]);
    assert_eq!(store.revision().unwrap(), 2);

    // 3. CAS update on the right mod revision succeeds and returns the previous value
    let updated = store
        .txn(update("/registry/pods/default/web", 2, "v2"))
        .unwrap();
    assert!(updated.succeeded);
    assert_eq!(updated.revision, 3);
    assert_eq!(updated.prev, vec![Some(kv)]);
    let kv = store.get("/registry/pods/default/web", 0).unwrap().unwrap();
    assert_eq!((kv.create_revision, kv.mod_revision, kv.version), (2, 3, 2));

    // 4. CAS on a stale revision fails with the current key-value
    let stale = store
        .txn(update("/registry/pods/default/web", 2, "v3"))
        .unwrap();
    assert!(!stale.succeeded);
    assert_eq!(stale.current, vec![Some(kv.clone())]);
    assert_eq!(
        text(
            &store
                .get("/registry/pods/default/web", 0)
                .unwrap()
                .unwrap()
                .value
        ),
        "v2"
    );

    // 5. delete guarded by mod revision
    let deleted = store
        .txn(Txn {
            compare: vec![compare(
                "/registry/pods/default/web",
                CompareTarget::Mod,
                CompareOp::Equal,
                3,
            )],
            success: vec![delete("/registry/pods/default/web")],
            failure: vec![],
        })
        .unwrap();
    assert!(deleted.succeeded);
    assert_eq!(deleted.revision, 4);
    assert_eq!(deleted.prev, vec![Some(kv)]);
    assert_eq!(store.get("/registry/pods/default/web", 0).unwrap(), None);

    // 6. re-creating starts a new life: version 1, new create revision
    store
        .txn(create("/registry/pods/default/web", "v4"))
        .unwrap();
    let kv = store.get("/registry/pods/default/web", 0).unwrap().unwrap();
    assert_eq!((kv.create_revision, kv.mod_revision, kv.version), (5, 5, 1));
}

#[test]
fn writes_of_one_txn_share_a_revision_and_no_op_txns_do_not_advance_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let result = store
        .txn(plain(vec![put("/a", "1"), put("/b", "2"), put("/c", "3")]))
        .unwrap();
    assert_eq!(result.revision, 2);
    for key in ["/a", "/b", "/c"] {
        assert_eq!(store.get(key, 0).unwrap().unwrap().mod_revision, 2);
    }
    let events = store.events_since("", 1, 0).unwrap();
    assert_eq!(
        events
            .iter()
            .map(|e| (e.revision, &*e.key))
            .collect::<Vec<_>>(),
        vec![(2, "/a"), (2, "/b"), (2, "/c")]
    );

    // Deleting an absent key and a txn without ops write nothing.
    let nothing = store.txn(plain(vec![delete("/missing")])).unwrap();
    assert_eq!((nothing.revision, nothing.prev.clone()), (2, vec![None]));
    store.txn(plain(vec![])).unwrap();
    assert_eq!(store.revision().unwrap(), 2);

    // Mixed put and delete in one txn: one revision, version arithmetic per key.
    let mixed = store
        .txn(plain(vec![put("/a", "1b"), delete("/b"), put("/d", "4")]))
        .unwrap();
    assert_eq!(mixed.revision, 3);
    assert_eq!(
        mixed
            .prev
            .iter()
            .map(|kv| kv.as_ref().map(|kv| kv.version))
            .collect::<Vec<_>>(),
        vec![Some(1), Some(1), None]
    );
    let a = store.get("/a", 0).unwrap().unwrap();
    assert_eq!((a.create_revision, a.mod_revision, a.version), (2, 3, 2));
    let events = store.events_since("", 2, 0).unwrap();
    assert_eq!(
        events.iter().map(|e| (e.kind, &*e.key)).collect::<Vec<_>>(),
        vec![
            (EventKind::Put, "/a"),
            (EventKind::Delete, "/b"),
            (EventKind::Put, "/d")
        ]
    );
    assert_eq!(
        events[1].prev_value.as_deref().map(text),
        Some("2".to_string())
    );
}

#[test]
fn compares_on_version_create_and_absent_keys() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.txn(plain(vec![put("/k", "1")])).unwrap();
    store.txn(plain(vec![put("/k", "2")])).unwrap();
    let check = |target, op, value| {
        store
            .txn(Txn {
                compare: vec![compare("/k", target, op, value)],
                success: vec![],
                failure: vec![],
            })
            .unwrap()
            .succeeded
    };
    assert!(check(CompareTarget::Version, CompareOp::Equal, 2));
    assert!(check(CompareTarget::Version, CompareOp::Greater, 1));
    assert!(check(CompareTarget::Version, CompareOp::Less, 3));
    assert!(check(CompareTarget::Create, CompareOp::Equal, 2));
    assert!(check(CompareTarget::Mod, CompareOp::NotEqual, 2));
    assert!(!check(CompareTarget::Mod, CompareOp::Less, 3));

    // An absent key compares as 0 on every target; the failure branch runs when a compare fails.
    let result = store
        .txn(Txn {
            compare: vec![
                compare("/absent", CompareTarget::Mod, CompareOp::Equal, 0),
                compare("/k", CompareTarget::Version, CompareOp::Equal, 1),
            ],
            success: vec![put("/ok", "x")],
            failure: vec![put("/failed", "y")],
        })
        .unwrap();
    assert!(!result.succeeded);
    assert_eq!(result.current.len(), 2);
    assert_eq!(result.current[0], None);
    assert_eq!(result.current[1].as_ref().map(|kv| kv.version), Some(2));
    assert!(store.get("/failed", 0).unwrap().is_some());
    assert!(store.get("/ok", 0).unwrap().is_none());
}

#[test]
fn invalid_input_is_rejected_before_it_is_applied() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let bad_values: [&[u8]; 4] = [&[], &[0xc1], &[0x92, 0x01], &[0x01, 0x02]];
    for bytes in bad_values {
        let error = store
            .txn(plain(vec![TxnOp::Put {
                key: "/k".into(),
                value: Value::from(bytes),
            }]))
            .unwrap_err();
        assert!(
            matches!(&error, StoreError::InvalidArgument(message) if message.contains("msgpack")),
            "{error}"
        );
        assert_eq!(error.code(), "InvalidArgument");
    }
    let empty_key = store.txn(plain(vec![put("", "x")])).unwrap_err();
    assert_eq!(empty_key.code(), "InvalidArgument");
    let duplicate = store
        .txn(plain(vec![put("/k", "1"), delete("/k")]))
        .unwrap_err();
    assert!(duplicate.to_string().contains("duplicate"));
    let megabyte = Value::from({
        let mut bytes = vec![0xc6, 0x00, 0x10, 0x00, 0x00];
        bytes.resize(5 + (1 << 20), 0);
        bytes
    });
    let huge = (0..17)
        .map(|i| TxnOp::Put {
            key: format!("/big/{i}"),
            value: megabyte.clone(),
        })
        .collect();
    let too_big = store.txn(plain(huge)).unwrap_err();
    assert!(too_big.to_string().contains("limit"), "{too_big}");
    assert_eq!(store.revision().unwrap(), 1, "nothing was written");

    // A batch keeps its valid proposals and reports the invalid ones.
    let refused = store
        .propose_batch(vec![
            (1, rudder_store::Command::Txn(plain(vec![put("/ok", "1")]))),
            (
                2,
                rudder_store::Command::Txn(plain(vec![TxnOp::Put {
                    key: "/bad".into(),
                    value: Value::from(&[0xc1u8][..]),
                }])),
            ),
        ])
        .unwrap();
    assert_eq!(
        refused
            .iter()
            .map(|(id, e)| (*id, e.code()))
            .collect::<Vec<_>>(),
        vec![(2, "InvalidArgument")]
    );
    store.close().unwrap();
    assert_eq!(
        store.txn(plain(vec![put("/x", "1")])),
        Err(StoreError::Closed)
    );
    assert_eq!(store.get("/ok", 0), Err(StoreError::Closed));
}
