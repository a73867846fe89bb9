mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use rudder_store::{Options, RangeRequest, Store, StoreError};

const CRASH_DIR: &str = "RUDDER_STORE_CRASH_DIR";
const CRASH_ROUND: &str = "RUDDER_STORE_CRASH_ROUND";

#[test]
fn reopen_after_clean_close_keeps_data_revisions_and_history() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open(dir.path());
        store.txn(create("/a", "1")).unwrap();
        store.txn(update("/a", 2, "2")).unwrap();
        store
            .txn(plain(vec![put("/b", "x"), put("/c", "y")]))
            .unwrap();
        store.txn(plain(vec![delete("/c")])).unwrap();
        store.close().unwrap();
    }
    let store = open(dir.path());
    assert_eq!(store.revision().unwrap(), 5);
    let a = store.get("/a", 0).unwrap().unwrap();
    assert_eq!(
        (a.create_revision, a.mod_revision, a.version, text(&a.value)),
        (2, 3, 2, "2".into())
    );
    assert_eq!(store.get("/c", 0).unwrap(), None);
    assert_eq!(text(&store.get("/c", 4).unwrap().unwrap().value), "y");
    assert_eq!(store.events_since("", 1, 0).unwrap().len(), 5);
    // Writing continues from the stored revision.
    assert_eq!(store.txn(create("/d", "z")).unwrap().revision, 6);
}

#[test]
fn dropping_without_close_still_keeps_everything_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open(dir.path());
        for i in 0..20 {
            store.txn(create(&format!("/k/{i}"), "v")).unwrap();
        }
    }
    let store = open(dir.path());
    assert_eq!(
        store
            .range(&RangeRequest {
                prefix: "/k/".into(),
                ..Default::default()
            })
            .unwrap()
            .count,
        20
    );
}

#[test]
fn a_directory_is_opened_by_one_store_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let _first = open(dir.path());
    let second = Store::open(dir.path(), Options::default());
    assert!(matches!(second, Err(StoreError::Io(message)) if message.contains("already open")));
}

/// Child half of the crash test: writes from several threads until killed, printing each key
/// only after its transaction was acknowledged. Does nothing when run as an ordinary test.
#[test]
fn crash_child_writes_until_killed() {
    let Ok(dir) = std::env::var(CRASH_DIR) else {
        return;
    };
    let round = std::env::var(CRASH_ROUND).unwrap_or_default();
    // Round 0 keeps everything in the command log; later rounds checkpoint every few batches,
    // so the kill also lands around checkpoints and restarts of the log.
    let checkpoint_bytes = if round == "0" {
        Options::default().checkpoint_bytes
    } else {
        32 << 10
    };
    let store = open_with(
        std::path::Path::new(&dir),
        Options {
            checkpoint_bytes,
            ..Options::default()
        },
    );
    std::thread::scope(|scope| {
        for thread in 0..8 {
            let store = &store;
            let round = &round;
            scope.spawn(move || {
                for i in 0.. {
                    let key = format!("/crash/{round}/{thread}/{i}");
                    let result = store.txn(create(&key, &"x".repeat(200))).expect("txn");
                    assert!(result.succeeded);
                    // One write per line keeps lines whole across threads.
                    println!("ack {key} {}", result.revision);
                }
            });
        }
    });
}

#[test]
fn everything_acknowledged_survives_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let mut acknowledged: BTreeMap<String, u64> = BTreeMap::new();
    for round in 0..3 {
        // 1. run a writer process and kill it with SIGKILL in the middle of its writes
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "crash_child_writes_until_killed",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CRASH_DIR, dir.path())
            .env(CRASH_ROUND, round.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let started = Instant::now();
        let mut this_round = 0;
        while this_round < 150 + round * 100 {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the child wrote too slowly"
            );
            let Some(Ok(line)) = lines.next() else {
                panic!("the child stopped early")
            };
            if let Some(rest) = line.strip_prefix("ack ") {
                let (key, revision) = rest.split_once(' ').unwrap();
                acknowledged.insert(key.to_string(), revision.parse().unwrap());
                this_round += 1;
            }
        }
        child.kill().unwrap();
        // Acks printed before the kill are acknowledged too.
        for line in lines.map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("ack ") {
                if let Some((key, revision)) = rest.split_once(' ') {
                    if let Ok(revision) = revision.parse() {
                        acknowledged.insert(key.to_string(), revision);
                    }
                }
            }
        }
        child.wait().unwrap();

        // 2. reopen: every acknowledged key is there at its revision, and nothing is half-written
        let store = open(dir.path());
        let all = store
            .range(&RangeRequest {
                prefix: "/crash/".into(),
                ..Default::default()
            })
            .unwrap();
        let stored: BTreeMap<String, u64> = all
            .kvs
            .iter()
            .map(|kv| (kv.key.to_string(), kv.mod_revision))
            .collect();
        for (key, revision) in &acknowledged {
            assert_eq!(
                stored.get(key),
                Some(revision),
                "acknowledged {key} at {revision} is missing after the crash"
            );
        }
        // Each create was its own transaction: the stored revisions are exactly 2..=revision.
        let mut revisions: Vec<u64> = stored.values().copied().collect();
        revisions.sort_unstable();
        let current = store.revision().unwrap();
        assert_eq!(
            revisions,
            (2..=current).collect::<Vec<_>>(),
            "round {round}: revisions have a gap or a duplicate"
        );
        assert!(all.kvs.iter().all(|kv| kv.version == 1
            && kv.create_revision == kv.mod_revision
            && text(&kv.value).len() == 200));
        assert_eq!(
            store.events_since("", 1, 0).unwrap().len() as u64,
            current - 1
        );
        store.close().unwrap();
    }
}
