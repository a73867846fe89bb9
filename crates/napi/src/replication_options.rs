//! The replication options object of `NativeStore.openReplicated`, checked and converted into
//! the store's `ReplicationOptions`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use napi_derive::napi;
use rudder_store::{PeerTls, ReplicationOptions};

use crate::error::{invalid, whole_number, Code};

#[napi(object)]
pub struct PeerAddress {
    pub id: f64,
    /// host:port where that replica listens for its peers.
    pub address: String,
}

#[napi(object)]
pub struct ReplicationConfig {
    /// This replica's id (at least 1).
    pub id: f64,
    /// host:port to listen on for peers.
    pub listen: String,
    /// The cluster's replicas, this one included (empty with `join`).
    pub peers: Vec<PeerAddress>,
    /// Wait to be added to an existing cluster instead of starting one.
    pub join: Option<bool>,
    /// One Raft clock tick (default 100 ms).
    pub tick_ms: Option<f64>,
    /// Ticks without a leader before an election (default 10).
    pub election_ticks: Option<f64>,
    /// Ticks between heartbeats (default 1).
    pub heartbeat_ticks: Option<f64>,
    /// Writes, linearizable reads and membership changes fail with 'Unavailable' after this
    /// (default 5000).
    pub request_timeout_ms: Option<f64>,
    /// Compact the log once this many writes were applied since the last compaction
    /// (default 100000).
    pub snapshot_writes: Option<f64>,
    /// Entries kept behind a compaction point for slightly lagging replicas (default 100).
    pub catch_up_entries: Option<f64>,
    /// Mutual TLS between replicas (PEM files): the cluster CA, and this replica's peer
    /// certificate (naming raft-peer-<id>.rudder.internal) and key. Peers without such a
    /// certificate are refused.
    pub tls: PeerTlsFiles,
}

#[napi(object)]
pub struct PeerTlsFiles {
    pub ca_file: String,
    pub cert_file: String,
    pub key_file: String,
}

impl TryFrom<PeerTlsFiles> for PeerTls {
    type Error = napi::Error<Code>;

    fn try_from(value: PeerTlsFiles) -> Result<Self, Self::Error> {
        if value.ca_file.is_empty() || value.cert_file.is_empty() || value.key_file.is_empty() {
            return Err(invalid(
                "tls needs caFile, certFile and keyFile: replicas talk mutual TLS",
            ));
        }
        Ok(PeerTls {
            ca_cert: PathBuf::from(value.ca_file),
            cert: PathBuf::from(value.cert_file),
            key: PathBuf::from(value.key_file),
        })
    }
}

fn positive(value: Option<f64>, name: &str, default: u64) -> Result<u64, napi::Error<Code>> {
    match value {
        None => Ok(default),
        Some(number) => {
            let whole = whole_number(number, name)?;
            if whole == 0 {
                return Err(invalid(format!("{name} must be at least 1")));
            }
            Ok(whole)
        }
    }
}

impl TryFrom<ReplicationConfig> for ReplicationOptions {
    type Error = napi::Error<Code>;

    fn try_from(value: ReplicationConfig) -> Result<Self, Self::Error> {
        let defaults = ReplicationOptions::default();
        let id = whole_number(value.id, "id")?;
        if id == 0 {
            return Err(invalid("a replica's id must be at least 1"));
        }
        let mut peers = BTreeMap::new();
        for peer in value.peers {
            let peer_id = whole_number(peer.id, "peers[].id")?;
            if peer_id == 0 || peer.address.is_empty() {
                return Err(invalid(
                    "every peer needs an id of at least 1 and an address",
                ));
            }
            peers.insert(peer_id, peer.address);
        }
        let tls = PeerTls::try_from(value.tls)?;
        let join = value.join.unwrap_or(false);
        if !join && !peers.contains_key(&id) {
            return Err(invalid(format!(
                "the peers of a new cluster must include this replica ({id})"
            )));
        }
        let election_ticks = positive(
            value.election_ticks,
            "electionTicks",
            defaults.election_ticks as u64,
        )?;
        let heartbeat_ticks = positive(
            value.heartbeat_ticks,
            "heartbeatTicks",
            defaults.heartbeat_ticks as u64,
        )?;
        if heartbeat_ticks >= election_ticks {
            return Err(invalid("heartbeatTicks must be fewer than electionTicks"));
        }
        Ok(ReplicationOptions {
            id,
            listen: value.listen,
            peers,
            join,
            tick: Duration::from_millis(positive(
                value.tick_ms,
                "tickMs",
                defaults.tick.as_millis() as u64,
            )?),
            election_ticks: election_ticks as usize,
            heartbeat_ticks: heartbeat_ticks as usize,
            request_timeout: Duration::from_millis(positive(
                value.request_timeout_ms,
                "requestTimeoutMs",
                defaults.request_timeout.as_millis() as u64,
            )?),
            snapshot_writes: positive(
                value.snapshot_writes,
                "snapshotWrites",
                defaults.snapshot_writes,
            )?,
            catch_up_entries: match value.catch_up_entries {
                Some(number) => whole_number(number, "catchUpEntries")?,
                None => defaults.catch_up_entries,
            },
            tls,
        })
    }
}
