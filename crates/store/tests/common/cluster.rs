//! Replicas of one cluster in this process, on free loopback ports, each with its own data
//! directory and a peer certificate from one test CA.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rudder_store::{Options, RangeRequest, ReplicationOptions, Role, Store};

use super::create;
use super::pki::TestCa;

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub struct Cluster {
    pub dirs: Vec<PathBuf>,
    pub peers: BTreeMap<u64, String>,
    pub stores: Vec<Option<Store>>,
    pub snapshot_writes: u64,
    pub ca: TestCa,
    pub root: tempfile::TempDir,
}

impl Cluster {
    pub fn start(size: u64, snapshot_writes: u64) -> Cluster {
        let root = tempfile::tempdir().unwrap();
        let peers: BTreeMap<u64, String> = (1..=size)
            .map(|id| (id, format!("127.0.0.1:{}", free_port())))
            .collect();
        let dirs: Vec<PathBuf> = (1..=size)
            .map(|id| root.path().join(format!("r{id}")))
            .collect();
        let ca = TestCa::new(&root.path().join("pki"));
        let mut cluster = Cluster {
            dirs,
            peers,
            stores: Vec::new(),
            snapshot_writes,
            ca,
            root,
        };
        for id in 1..=size {
            let store = cluster.open(id, false);
            cluster.stores.push(Some(store));
        }
        cluster
    }

    pub fn options(&self, id: u64, join: bool) -> ReplicationOptions {
        ReplicationOptions {
            id,
            listen: self.peers.get(&id).cloned().unwrap_or_default(),
            peers: self.peers.clone(),
            join,
            tick: Duration::from_millis(50),
            election_ticks: 10,
            heartbeat_ticks: 1,
            request_timeout: Duration::from_millis(1500),
            snapshot_writes: self.snapshot_writes,
            catch_up_entries: 5,
            tls: self.ca.peer(id),
        }
    }

    pub fn open(&self, id: u64, join: bool) -> Store {
        open_replica(&self.dirs[(id - 1) as usize], self.options(id, join))
    }

    pub fn store(&self, id: u64) -> &Store {
        self.stores[(id - 1) as usize].as_ref().unwrap()
    }

    pub fn leader(&self, timeout: Duration) -> u64 {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            for store in self.stores.iter().flatten() {
                let status = store.replica_status().unwrap();
                if status.role == Role::Leader {
                    return status.id;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("no leader within {timeout:?}");
    }

    pub fn stop(&mut self, id: u64) {
        if let Some(store) = self.stores[(id - 1) as usize].take() {
            store.close().unwrap();
        }
    }
}

pub fn open_replica(dir: &Path, options: ReplicationOptions) -> Store {
    // A port just released by a stopped replica may take a moment to be free again.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match Store::open_replicated(dir, Options::default(), options.clone()) {
            Ok(store) => return store,
            Err(error) if Instant::now() < deadline => {
                let _ = error;
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(error) => panic!("opening replica {}: {error}", options.id),
        }
    }
}

pub fn keys(store: &Store, prefix: &str) -> Vec<(String, u64)> {
    store
        .range(&RangeRequest {
            prefix: prefix.into(),
            ..Default::default()
        })
        .unwrap()
        .kvs
        .iter()
        .map(|kv| (kv.key.to_string(), kv.mod_revision))
        .collect()
}

pub fn wait_for(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("{what} did not happen within {timeout:?}");
}

pub fn write_through(store: &Store, key: &str) -> rudder_store::Result<u64> {
    // A write can land while a new leader takes over; retrying a create is safe to check.
    store.txn(create(key, "v")).map(|result| result.revision)
}
