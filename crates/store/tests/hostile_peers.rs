//! What a replica does with hostile input on its Raft port: strangers (no TLS, no certificate, a
//! certificate from another CA, a CA certificate for a non-member, a certificate naming another
//! replica than the hello) are refused before they can send a message; a member's malformed
//! frames drop its connection; messages that lie about their sender or would make Raft panic are
//! refused. Through all of it every replica keeps serving, at the same term, under the same
//! leader.

mod common;

use std::io::Write;
use std::time::Duration;

use common::cluster::*;
use common::peer_client::{self, batch, closed_by_peer, frame, PeerClient};
use common::pki::TestCa;
use protobuf::Message as _;
use raft::prelude::{ConfChange, ConfChangeType, Entry, EntryType, Message, MessageType};

/// Leader and term of a settled cluster.
fn settled(cluster: &Cluster) -> (u64, u64) {
    let leader = cluster.leader(Duration::from_secs(10));
    // Every replica must know the leader before a baseline is taken.
    wait_for(
        "all replicas follow one leader",
        Duration::from_secs(10),
        || (1..=3).all(|id| cluster.store(id).replica_status().unwrap().leader == leader),
    );
    (leader, cluster.store(leader).replica_status().unwrap().term)
}

/// No replica stopped, changed term or leader, and each still takes a write.
fn unharmed(cluster: &Cluster, leader: u64, term: u64, key: &str) {
    for id in 1..=3 {
        let status = cluster.store(id).replica_status().unwrap();
        assert_eq!(status.term, term, "replica {id}'s term moved: {status:?}");
        assert_eq!(
            status.leader, leader,
            "replica {id}'s leader changed: {status:?}"
        );
        write_through(cluster.store(id), &format!("{key}/{id}"))
            .unwrap_or_else(|error| panic!("replica {id} stopped serving: {error}"));
    }
}

fn message(kind: MessageType, from: u64, to: u64, term: u64) -> Message {
    let mut message = Message::default();
    message.set_msg_type(kind);
    message.from = from;
    message.to = to;
    message.term = term;
    message
}

fn others(leader: u64) -> (u64, u64) {
    let mut followers = (1..=3).filter(|id| *id != leader);
    (followers.next().unwrap(), followers.next().unwrap())
}

#[test]
fn malformed_frames_from_a_member_drop_its_connection_and_nothing_else() {
    // 1. three replicas settle under a leader
    let cluster = Cluster::start(3, 100_000);
    let (leader, term) = settled(&cluster);
    let (sender, target) = others(leader);
    let identity = cluster.ca.peer_pem(sender);
    let address = cluster.peers[&target].clone();
    let authenticated = || {
        let mut client =
            peer_client::connect(&address, target, &cluster.ca.ca_pem(), Some(&identity)).unwrap();
        assert!(client.hello(sender), "a member's hello is acknowledged");
        client
    };

    // 2. a batch claiming 4 billion messages, a frame declaring 4 GiB, random bytes, a frame cut
    //    short, a message length past its batch, a batch of non-protobuf messages
    let mut random = 0x2545_f491_4f6c_dd1du64;
    let noise: Vec<u8> = (0..100)
        .map(|_| {
            random ^= random << 13;
            random ^= random >> 7;
            random ^= random << 17;
            random as u8
        })
        .collect();
    // Those the replica can judge at once are refused at once; for a plausible declared length
    // it waits (the buffer grows only with what arrives) until the sender stops mid-frame.
    let attacks: Vec<(&str, Vec<u8>, bool)> = vec![
        (
            "a count of 0xFFFFFFFF",
            frame(&u32::MAX.to_le_bytes()),
            true,
        ),
        (
            "a declared length of 4 GiB",
            u32::MAX.to_le_bytes().to_vec(),
            true,
        ),
        (
            "a message longer than its batch",
            frame(&[1, 0, 0, 0, 200, 0, 0, 0, 1, 2]),
            true,
        ),
        (
            "a message that is not protobuf",
            frame(&[1, 0, 0, 0, 3, 0, 0, 0, 0xff, 0xff, 0xff]),
            true,
        ),
        ("100 random bytes", noise, false),
        (
            "a truncated frame",
            frame(&[1, 0, 0, 0, 5, 0, 0, 0, 1, 2])[..9].to_vec(),
            false,
        ),
    ];
    for (what, bytes, at_once) in attacks {
        let mut client = authenticated();
        client.send(&bytes).unwrap();
        if !at_once {
            client.finish();
        }
        assert!(client.dropped(), "{what}: the connection is dropped");
    }

    // 3. a hello with the wrong magic is refused
    let mut client =
        peer_client::connect(&address, target, &cluster.ca.ca_pem(), Some(&identity)).unwrap();
    let mut wrong = peer_client::hello(sender, "127.0.0.1:1");
    wrong[4..12].copy_from_slice(b"RDRRAFT1");
    client.send(&wrong).unwrap();
    assert!(client.dropped(), "a hello with the wrong magic is refused");

    // 4. nothing else happened
    unharmed(&cluster, leader, term, "/malformed");
}

#[test]
fn strangers_are_refused_before_they_can_speak() {
    // 1. three replicas settle under a leader
    let cluster = Cluster::start(3, 100_000);
    let (leader, term) = settled(&cluster);
    let (follower, _) = others(leader);
    let ca = cluster.ca.ca_pem();
    let attack = |target: u64| cluster.peers[&target].clone();

    for target in [leader, follower] {
        let address = attack(target);
        // 2. plain TCP: a batch claiming 4 billion messages, then silence
        let mut plain = peer_client::plain(&address).unwrap();
        plain
            .write_all(&[peer_client::hello(1, "x"), frame(&u32::MAX.to_le_bytes())].concat())
            .unwrap();
        assert!(closed_by_peer(&mut plain), "plain TCP is dropped");

        // 3. TLS without a client certificate
        let mut anonymous = peer_client::connect(&address, target, &ca, None).unwrap();
        assert!(!anonymous.hello(follower), "no certificate: no hello");

        // 4. a certificate from another CA naming a member
        let root = tempfile::tempdir().unwrap();
        let other_ca = TestCa::new(root.path());
        let stranger = other_ca.peer_pem(follower);
        let mut outsider = peer_client::connect(&address, target, &ca, Some(&stranger)).unwrap();
        assert!(
            !outsider.hello(follower),
            "another CA's certificate: no hello"
        );

        // 5. the cluster CA's certificate for replica 99, which is no member, with a heartbeat
        //    at term 1000 and a MsgTimeoutNow claiming to come from the leader
        let ninety_nine = cluster.ca.peer_pem(99);
        let mut non_member =
            peer_client::connect(&address, target, &ca, Some(&ninety_nine)).unwrap();
        assert!(!non_member.hello(99), "a non-member's hello is refused");
        drop(non_member.send(&batch(&[
            message(MessageType::MsgHeartbeat, 99, target, 1000),
            message(MessageType::MsgTimeoutNow, leader, target, term),
        ])));
        assert!(non_member.dropped());

        // 6. a member's certificate with a hello naming another member
        let sender = if target == leader { follower } else { leader };
        let other = (1..=3).find(|id| *id != target && *id != sender).unwrap();
        let wrong_name = cluster.ca.peer_pem(other);
        let mut impostor = peer_client::connect(&address, target, &ca, Some(&wrong_name)).unwrap();
        assert!(
            !impostor.hello(sender),
            "a hello must name the certificate's replica"
        );

        // 7. the control: the same replica acknowledges the certificate's own replica
        let mut member = peer_client::connect(&address, target, &ca, Some(&wrong_name)).unwrap();
        assert!(member.hello(other), "a member's own hello is acknowledged");
    }

    // 8. a connection that never speaks is closed after the handshake timeout
    let mut silent = peer_client::plain(&attack(leader)).unwrap();
    silent
        .set_read_timeout(Some(Duration::from_secs(8)))
        .unwrap();
    assert!(closed_by_peer(&mut silent), "a silent connection is closed");

    // 9. nothing else happened
    unharmed(&cluster, leader, term, "/strangers");
}

#[test]
fn forged_and_raft_crashing_messages_from_a_member_are_refused() {
    // 1. three replicas settle; a test client authenticates as one follower towards the other
    let cluster = Cluster::start(3, 100_000);
    let (leader, term) = settled(&cluster);
    let (sender, target) = others(leader);
    let identity = cluster.ca.peer_pem(sender);
    let address = cluster.peers[&target].clone();
    let last_index = cluster.store(target).replica_status().unwrap().last_index;
    let connect = || -> PeerClient {
        let mut client =
            peer_client::connect(&address, target, &cluster.ca.ca_pem(), Some(&identity)).unwrap();
        assert!(client.hello(sender), "a member's hello is acknowledged");
        client
    };
    let refused = |what: &str, messages: &[Message]| {
        let mut client = connect();
        drop(client.send(&batch(messages)));
        assert!(client.dropped(), "{what}: the connection is dropped");
    };

    // 2. a MsgTimeoutNow claiming to come from the leader, and one addressed to someone else
    refused(
        "from is not the hello's replica",
        &[message(MessageType::MsgTimeoutNow, leader, target, term)],
    );
    refused(
        "to is not this replica",
        &[message(MessageType::MsgTimeoutNow, sender, leader, term)],
    );

    // 3. messages raft-rs would panic on, or that would stop the store when applied
    let mut gap = message(MessageType::MsgAppend, sender, target, term);
    gap.index = last_index;
    gap.log_term = term;
    let stray = Entry {
        index: 1,
        term,
        ..Default::default()
    };
    gap.entries = vec![stray].into();
    refused("appended entries that are not contiguous", &[gap]);

    refused(
        "a read index without its context",
        &[message(MessageType::MsgReadIndex, sender, target, 0)],
    );

    let mut garbage = message(MessageType::MsgPropose, sender, target, 0);
    let entry = Entry {
        data: vec![0xde, 0xad, 0xbe, 0xef].into(),
        ..Default::default()
    };
    garbage.entries = vec![entry].into();
    refused("a proposal whose commands do not decode", &[garbage]);

    let mut with_term = message(MessageType::MsgPropose, sender, target, term);
    with_term.entries = vec![Entry::default()].into();
    refused("a forwarded proposal carrying a term", &[with_term]);

    let mut change = ConfChange::default();
    change.set_change_type(ConfChangeType::AddNode);
    let mut zero = message(MessageType::MsgPropose, sender, target, 0);
    let mut entry = Entry::default();
    entry.set_entry_type(EntryType::EntryConfChange);
    entry.data = change.write_to_bytes().unwrap().into();
    zero.entries = vec![entry].into();
    refused("a membership change naming replica 0", &[zero]);

    let mut snapshot = message(MessageType::MsgSnapshot, sender, target, term);
    let metadata = snapshot.mut_snapshot().mut_metadata();
    metadata.index = last_index + 100;
    metadata.term = term;
    metadata.mut_conf_state().voters = vec![1, 2, 3];
    snapshot.mut_snapshot().data = b"not a snapshot".to_vec().into();
    refused("a snapshot whose data does not decode", &[snapshot]);

    // 4. a leadership transfer sent to a follower is ignored (raft-rs would forward it to the
    //    leader with its term set, which it refuses with a panic); the connection stays
    let mut client = connect();
    client
        .send(&batch(&[message(
            MessageType::MsgTransferLeader,
            sender,
            target,
            term,
        )]))
        .unwrap();
    assert!(
        !client.dropped(),
        "a well-formed message keeps the connection"
    );

    // 5. nothing else happened
    unharmed(&cluster, leader, term, "/forged");
}
