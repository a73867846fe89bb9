//! Who may talk Raft to this replica: the current members (voters and learners, as the writer
//! last applied them), each only from the addresses its configured host resolves to. A replica
//! that knows no members yet (it is waiting to be added with `--join`) takes its first contact
//! from any replica holding a peer certificate of the cluster.

use std::collections::BTreeMap;
use std::net::{IpAddr, ToSocketAddrs};

use raft::prelude::ConfState;

use crate::replica::storage::Peers;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Membership {
    /// Not published yet by the writer: nobody is accepted.
    #[default]
    Unknown,
    /// The configuration is empty: the first replica to make contact is accepted.
    Joining,
    /// Member id → its configured address (empty when none is known).
    Members(BTreeMap<u64, String>),
}

impl Membership {
    /// The members of a configuration with the addresses this replica knows for them.
    pub fn of(conf_state: &ConfState, peers: &Peers) -> Membership {
        let members: BTreeMap<u64, String> = conf_state
            .voters
            .iter()
            .chain(&conf_state.learners)
            .map(|id| (*id, peers.get(id).cloned().unwrap_or_default()))
            .collect();
        if members.is_empty() {
            Membership::Joining
        } else {
            Membership::Members(members)
        }
    }

    /// Whether replica `id` may talk to this one, connecting from `ip`.
    pub fn admits(&self, id: u64, ip: IpAddr) -> Result<(), String> {
        match self {
            Membership::Unknown => Err("this replica is still starting".into()),
            Membership::Joining => Ok(()),
            Membership::Members(members) => {
                let Some(address) = members.get(&id) else {
                    return Err(format!("replica {id} is not a member"));
                };
                if resolves_to(address, ip) {
                    Ok(())
                } else {
                    Err(format!(
                        "replica {id} connected from {ip}, not from its address {address:?}"
                    ))
                }
            }
        }
    }

    /// Whether replica `id` is still a member (checked again for every batch; a joining replica
    /// keeps the contact it accepted until it knows its members).
    pub fn keeps(&self, id: u64) -> bool {
        match self {
            Membership::Unknown => false,
            Membership::Joining => true,
            Membership::Members(members) => members.contains_key(&id),
        }
    }
}

/// Whether `address` (host:port; the host a name or an IP) resolves to `ip`. Names are resolved
/// on each check, so a container that came back with a new address is recognized.
fn resolves_to(address: &str, ip: IpAddr) -> bool {
    let ip = ip.to_canonical();
    address
        .to_socket_addrs()
        .is_ok_and(|mut resolved| resolved.any(|candidate| candidate.ip().to_canonical() == ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_admitted_only_from_their_addresses() {
        let conf_state = ConfState {
            voters: vec![1, 2],
            learners: vec![3],
            ..Default::default()
        };
        let peers = Peers::from([
            (1, "127.0.0.1:7443".to_string()),
            (2, "localhost:7444".to_string()),
            (3, "127.0.0.3:7445".to_string()),
        ]);
        let membership = Membership::of(&conf_state, &peers);
        let loopback: IpAddr = "127.0.0.1".parse().unwrap();
        assert!(membership.admits(1, loopback).is_ok());
        assert!(
            membership.admits(2, loopback).is_ok(),
            "a host name resolves"
        );
        assert!(membership
            .admits(1, "::ffff:127.0.0.1".parse().unwrap())
            .is_ok());
        assert!(
            membership.admits(3, loopback).is_err(),
            "a learner from elsewhere"
        );
        assert!(membership.admits(3, "127.0.0.3".parse().unwrap()).is_ok());
        assert!(membership.admits(99, loopback).is_err(), "a stranger");
        assert!(membership.keeps(3) && !membership.keeps(99));

        let joining = Membership::of(&ConfState::default(), &peers);
        assert_eq!(joining, Membership::Joining);
        assert!(joining.admits(99, loopback).is_ok());
        assert!(Membership::Unknown.admits(1, loopback).is_err());
    }
}
