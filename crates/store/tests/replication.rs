//! Three replicas in one process, talking over loopback (mutual TLS): writes through any replica reach
//! all of them in the same order, a leader's loss is survived, a cut-off replica refuses work
//! within the timeout and catches up when healed, and a wiped replica rejoins from a snapshot.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::cluster::*;
use common::*;
use rudder_store::{MemberChange, ReplicationOptions, StoreError};

#[test]
fn writes_through_any_replica_reach_all_and_a_leader_loss_is_survived() {
    // 1. three replicas elect a leader
    let mut cluster = Cluster::start(3, 100_000);
    let leader = cluster.leader(Duration::from_secs(10));
    let follower = (1..=3).find(|id| *id != leader).unwrap();

    // 2. writes through a follower are forwarded, committed and visible everywhere
    let mut revisions = Vec::new();
    for i in 0..50 {
        revisions.push(write_through(cluster.store(follower), &format!("/a/{i:03}")).unwrap());
    }
    assert!(
        revisions.windows(2).all(|pair| pair[0] < pair[1]),
        "revisions increase"
    );
    cluster.store(follower).linearizable_read().unwrap();
    let expected = keys(cluster.store(follower), "/a/");
    assert_eq!(expected.len(), 50);
    for id in 1..=3 {
        wait_for("replication", Duration::from_secs(5), || {
            keys(cluster.store(id), "/a/") == expected
        });
    }

    // 3. the leader stops; the others elect a new one and keep taking writes
    cluster.stop(leader);
    let started = Instant::now();
    let new_leader = cluster.leader(Duration::from_secs(5));
    assert_ne!(new_leader, leader);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "a new leader within 3 s"
    );
    let survivor = (1..=3)
        .find(|id| *id != leader && *id != new_leader)
        .unwrap();
    let revision = write_through(cluster.store(survivor), "/b/after").unwrap();
    assert!(revision > *revisions.last().unwrap());

    // 4. the old leader comes back and catches up from the log
    cluster.stores[(leader - 1) as usize] = Some(cluster.open(leader, false));
    let expected = keys(cluster.store(new_leader), "/");
    wait_for("catch-up", Duration::from_secs(10), || {
        keys(cluster.store(leader), "/") == expected
    });

    // 5. a replica that joins knowing no one replays the whole log, members included
    let root = tempfile::tempdir().unwrap();
    let address = format!("127.0.0.1:{}", free_port());
    let joiner = open_replica(
        &root.path().join("r4"),
        ReplicationOptions {
            listen: address.clone(),
            peers: BTreeMap::new(),
            ..cluster.options(4, true)
        },
    );
    cluster
        .store(new_leader)
        .change_member(MemberChange::Add { id: 4, address })
        .unwrap();
    wait_for("the joiner catches up", Duration::from_secs(10), || {
        keys(&joiner, "/") == expected
    });
    assert_eq!(joiner.replica_status().unwrap().members.len(), 4);
    joiner.txn(create("/b/from-the-joiner", "v")).unwrap();
}

#[test]
fn a_cut_off_replica_refuses_work_in_bounded_time_and_converges_when_healed() {
    // 1. three replicas; one follower is cut off with the fault hook
    let cluster = Cluster::start(3, 100_000);
    let leader = cluster.leader(Duration::from_secs(10));
    let isolated = (1..=3).find(|id| *id != leader).unwrap();
    let others: Vec<u64> = (1..=3).filter(|id| *id != isolated).collect();
    cluster.store(isolated).set_blocked_peers(&others);
    for id in &others {
        cluster.store(*id).set_blocked_peers(&[isolated]);
    }

    // 2. the isolated replica refuses writes and linearizable reads within the timeout
    let started = Instant::now();
    let refused = cluster.store(isolated).txn(create("/c/isolated", "v"));
    assert!(
        matches!(refused, Err(StoreError::Unavailable(_))),
        "{refused:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(matches!(
        cluster.store(isolated).linearizable_read(),
        Err(StoreError::Unavailable(_))
    ));

    // 3. the majority keeps serving
    for i in 0..20 {
        write_through(cluster.store(leader), &format!("/c/{i:02}")).unwrap();
    }

    // 4. healed, it converges
    for id in 1..=3 {
        cluster.store(id).set_blocked_peers(&[]);
    }
    let expected = keys(cluster.store(leader), "/c/");
    wait_for("convergence", Duration::from_secs(10), || {
        keys(cluster.store(isolated), "/c/") == expected
    });
    cluster.store(isolated).linearizable_read().unwrap();
}

#[test]
fn a_wiped_replica_rejoins_from_a_snapshot_and_members_change_at_run_time() {
    // 1. three replicas compact their log every 200 writes
    let mut cluster = Cluster::start(3, 200);
    let leader = cluster.leader(Duration::from_secs(10));
    for i in 0..600 {
        write_through(cluster.store(leader), &format!("/d/{i:04}")).unwrap();
    }
    wait_for("log compaction", Duration::from_secs(10), || {
        cluster.store(leader).replica_status().unwrap().first_index > 1
    });

    // 2. a follower's data is wiped; like an etcd member it is removed, then added back empty
    //    (a replica that lost its log must not answer for what it once acknowledged), and it
    //    catches up from a snapshot
    let wiped = (1..=3).find(|id| *id != leader).unwrap();
    cluster.stop(wiped);
    std::fs::remove_dir_all(&cluster.dirs[(wiped - 1) as usize]).unwrap();
    cluster
        .store(leader)
        .change_member(MemberChange::Remove { id: wiped })
        .unwrap();
    cluster.stores[(wiped - 1) as usize] = Some(cluster.open(wiped, true));
    cluster
        .store(leader)
        .change_member(MemberChange::Add {
            id: wiped,
            address: cluster.peers[&wiped].clone(),
        })
        .unwrap();
    let expected = keys(cluster.store(leader), "/d/");
    wait_for("snapshot catch-up", Duration::from_secs(15), || {
        keys(cluster.store(wiped), "/d/") == expected
    });
    let status = cluster.store(wiped).replica_status().unwrap();
    assert!(status.snapshot_index > 0, "{status:?}");
    assert_eq!(
        cluster.store(wiped).revision().unwrap(),
        cluster.store(leader).revision().unwrap()
    );

    // 3. a fourth replica joins at run time, then is removed again
    let root = tempfile::tempdir().unwrap();
    let address = format!("127.0.0.1:{}", free_port());
    let joiner = open_replica(
        &root.path().join("r4"),
        ReplicationOptions {
            listen: address.clone(),
            join: true,
            ..cluster.options(4, true)
        },
    );
    cluster
        .store(leader)
        .change_member(MemberChange::Add { id: 4, address })
        .unwrap();
    wait_for(
        "the new replica catches up",
        Duration::from_secs(15),
        || keys(&joiner, "/d/") == expected,
    );
    assert_eq!(
        cluster
            .store(leader)
            .replica_status()
            .unwrap()
            .members
            .len(),
        4
    );
    cluster
        .store(leader)
        .change_member(MemberChange::Remove { id: 4 })
        .unwrap();
    wait_for("removal", Duration::from_secs(5), || {
        joiner.replica_status().unwrap().removed
    });
    // The leader publishes its status once per turn of its loop: wait for it rather than race it.
    wait_for(
        "the leader counts three members",
        Duration::from_secs(5),
        || {
            cluster
                .store(leader)
                .replica_status()
                .unwrap()
                .members
                .len()
                == 3
        },
    );
    write_through(cluster.store(leader), "/d/after-removal").unwrap();
}

#[test]
fn removing_the_leader_leaves_a_working_cluster() {
    // 1. three replicas
    let mut cluster = Cluster::start(3, 100_000);
    let leader = cluster.leader(Duration::from_secs(10));
    let other = (1..=3).find(|id| *id != leader).unwrap();
    write_through(cluster.store(other), "/e/before").unwrap();

    // 2. the leader is removed through another replica, then stopped
    cluster
        .store(other)
        .change_member(MemberChange::Remove { id: leader })
        .unwrap();
    cluster.stop(leader);

    // 3. the two left elect a leader among themselves and take writes
    let deadline = Instant::now() + Duration::from_secs(10);
    let written = loop {
        match write_through(cluster.store(other), "/e/after") {
            Ok(revision) => break revision,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            Err(error) => panic!("no write after removing the leader: {error}"),
        }
    };
    assert!(written > 0);
    let status = cluster.store(other).replica_status().unwrap();
    assert_eq!(status.members.len(), 2, "{status:?}");
    assert_ne!(status.leader, leader);
}
