//! What a replica accepts from the network before Raft sees it. raft-rs trusts its peers: several
//! malformed messages make it panic (a heartbeat committing past the log's end, appended entries
//! that are not contiguous, a read index without its context, a snapshot whose configuration
//! cannot be restored, a forwarded proposal carrying a term), and an entry that does not decode
//! would stop every replica when it is applied. A panic or a fatal error in the writer closes the
//! store, so such messages are refused here instead.
//!
//! `check` needs nothing but the message and runs on the connection's thread; the few checks that
//! depend on the replica's Raft state run on the writer (`admit`).

use protobuf::Message as _;
use raft::prelude::{ConfChange, ConfChangeType, Entry, EntryType, Message, MessageType};
use raft::{Raft, StateRole};

use crate::codec::Decoder;
use crate::replica::snapshot;
use crate::replica::storage::RaftStorage;
use crate::validate;

/// Messages from one peer that passed `check`; only the transport makes them.
pub struct Checked(Vec<Message>);

impl Checked {
    pub fn into_messages(self) -> Vec<Message> {
        self.0
    }
}

/// Checks a batch from `sender` (the replica its connection authenticated as) to `receiver`.
pub fn check_batch(
    messages: Vec<Message>,
    sender: u64,
    receiver: u64,
) -> Result<Checked, &'static str> {
    for message in &messages {
        check(message, sender, receiver)?;
    }
    Ok(Checked(messages))
}

pub fn check(message: &Message, sender: u64, receiver: u64) -> Result<(), &'static str> {
    if message.from != sender {
        return Err("a message's sender is not the replica the connection authenticated as");
    }
    if message.to != receiver {
        return Err("a message is addressed to another replica");
    }
    let kind = message.get_msg_type();
    match kind {
        MessageType::MsgHup
        | MessageType::MsgBeat
        | MessageType::MsgUnreachable
        | MessageType::MsgSnapStatus
        | MessageType::MsgCheckQuorum => return Err("a local message type came from the network"),
        // Raft sends these two without a term (they are forwarded as they are); a term on one
        // would make a follower that forwards it panic.
        MessageType::MsgPropose | MessageType::MsgReadIndex => {
            if message.term != 0 {
                return Err("a forwarded proposal or read carries a term");
            }
        }
        _ => {
            if message.term == 0 {
                return Err("a message without a term");
            }
        }
    }
    match kind {
        MessageType::MsgPropose => {
            if message.entries.is_empty() {
                return Err("a proposal without entries");
            }
            message.entries.iter().try_for_each(check_entry)
        }
        MessageType::MsgReadIndex | MessageType::MsgReadIndexResp => {
            if message.entries.len() != 1 {
                return Err("a read index without exactly one context");
            }
            Ok(())
        }
        MessageType::MsgAppend => check_append(message),
        MessageType::MsgSnapshot => check_snapshot(message),
        _ if !message.entries.is_empty() => Err("entries on a message that carries none"),
        _ => Ok(()),
    }
}

/// Entries follow the message's index one by one, with terms that never go down and never pass
/// the sender's; anything else makes raft-rs slice its log out of range.
fn check_append(message: &Message) -> Result<(), &'static str> {
    let mut index = message.index;
    let mut term = message.log_term;
    for entry in message.entries.iter() {
        index = index.checked_add(1).ok_or("an entry index overflows")?;
        if entry.index != index {
            return Err("appended entries are not contiguous");
        }
        if entry.term < term || entry.term > message.term {
            return Err("an appended entry's term is out of order");
        }
        term = entry.term;
        check_entry(entry)?;
    }
    Ok(())
}

/// An entry must apply on every replica without error: commands decode whole and pass the same
/// checks a local proposal does; membership changes are the single-step kind this store makes.
fn check_entry(entry: &Entry) -> Result<(), &'static str> {
    match entry.get_entry_type() {
        EntryType::EntryNormal if entry.data.is_empty() => Ok(()),
        EntryType::EntryNormal => {
            let mut decoder = Decoder::new(&entry.data);
            let commands = decoder
                .commands()
                .ok_or("an entry's commands do not decode")?;
            if !decoder.is_empty() {
                return Err("bytes after an entry's commands");
            }
            for command in &commands {
                validate::command(command).map_err(|_| "an entry holds an invalid command")?;
            }
            Ok(())
        }
        EntryType::EntryConfChange => {
            let change = ConfChange::parse_from_bytes(&entry.data)
                .map_err(|_| "a membership change does not decode")?;
            if change.node_id == 0 {
                return Err("a membership change names replica 0");
            }
            match change.get_change_type() {
                ConfChangeType::AddNode | ConfChangeType::AddLearnerNode => {
                    std::str::from_utf8(&change.context)
                        .map_err(|_| "a new member's address is not UTF-8")?;
                    Ok(())
                }
                ConfChangeType::RemoveNode => Ok(()),
            }
        }
        EntryType::EntryConfChangeV2 => Err("joint membership changes are not used"),
    }
}

/// A snapshot must restore: a plain (not joint) configuration raft-rs can rebuild, and data that
/// decodes to the state at the snapshot's index.
fn check_snapshot(message: &Message) -> Result<(), &'static str> {
    let snapshot = message.get_snapshot();
    let metadata = snapshot.get_metadata();
    if metadata.index == 0 || metadata.term == 0 || metadata.term > message.term {
        return Err("a snapshot's index or term is out of range");
    }
    let conf = metadata.get_conf_state();
    if conf.voters.is_empty()
        || !conf.voters_outgoing.is_empty()
        || !conf.learners_next.is_empty()
        || conf.auto_leave
    {
        return Err("a snapshot's configuration is not a plain one");
    }
    let mut ids: Vec<u64> = conf.voters.iter().chain(&conf.learners).copied().collect();
    let total = ids.len();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() != total || ids.first() == Some(&0) {
        return Err("a snapshot's configuration repeats a replica or names replica 0");
    }
    match snapshot::decode(&snapshot.data) {
        Some((image, _)) if image.applied_index == metadata.index => Ok(()),
        Some(_) => Err("a snapshot's data is not at its index"),
        None => Err("a snapshot's data does not decode"),
    }
}

/// The checks that depend on this replica's Raft state, made on the writer just before `step`.
/// May adjust the message; false drops it.
pub fn admit(raft: &Raft<RaftStorage>, message: &mut Message) -> bool {
    let log = &raft.raft_log;
    match message.get_msg_type() {
        // A leader that still counts entries this replica lost (its data was wiped without
        // leaving the cluster) would make Raft commit past the log's end.
        MessageType::MsgHeartbeat => {
            message.commit = message.commit.min(log.last_index());
            true
        }
        // A leader would count a follower as holding entries the leader never wrote.
        MessageType::MsgAppendResponse => message.reject || message.index <= log.last_index(),
        // A follower forwards it to the leader with its term set, which raft-rs refuses with a
        // panic; only the leader acts on it.
        MessageType::MsgTransferLeader => raft.state == StateRole::Leader,
        // At or below the commit index a snapshot is only taken as a commit hint; one that
        // disagrees with the committed log would make the store refuse to install it.
        MessageType::MsgSnapshot => {
            let metadata = message.get_snapshot().get_metadata();
            metadata.index > log.committed || log.match_term(metadata.index, metadata.term)
        }
        _ => true,
    }
}
