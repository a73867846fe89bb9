//! The Raft log of one replica, durable: entries, hard state, conf state, peer addresses and
//! the compaction point live in `raft.log`, an append-only file of checksummed records. Raft
//! reads them from memory (`MemStorage`); one `sync` per Ready makes a batch of records durable
//! with one fdatasync. Compacting rewrites the file with what is left.
//!
//! record := length:u32 crc32(payload):u32 payload      payload := kind:u8 body
//!
//! Reading stops at the first damaged or incomplete record (a torn tail that was never
//! acknowledged) and the file is cut there, so later appends follow good records.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use raft::prelude::{ConfState, Entry, HardState, Snapshot, SnapshotMetadata};
use raft::storage::MemStorage;
use raft::{GetEntriesContext, RaftState, Storage};

use crate::codec::Decoder;
use crate::replica::snapshot;
use crate::store::Shared;
use crate::{Result, StoreError};

pub const FILE_NAME: &str = "raft.log";
const SNAPSHOT_FILE: &str = "raft.snapshot";
const HEADER: usize = 8;

const ENTRIES: u8 = 1;
const HARD_STATE: u8 = 2;
const CONF_STATE: u8 = 3;
const COMPACTED: u8 = 4;
const PEERS: u8 = 5;

pub type Peers = BTreeMap<u64, String>;

/// The log as Raft sees it, plus the state machine handle it needs to cut snapshots.
pub struct RaftStorage {
    pub mem: MemStorage,
    file: File,
    dir: PathBuf,
    pending: Vec<u8>,
    pub peers: Peers,
    shared: Arc<Shared>,
}

fn io(error: impl std::fmt::Display) -> StoreError {
    StoreError::Io(error.to_string())
}

fn encode(message: &impl protobuf::Message) -> Vec<u8> {
    // Encoding a well-formed in-memory message into a Vec cannot fail.
    message.write_to_bytes().unwrap_or_default()
}

fn frame(out: &mut Vec<u8>, kind: u8, body: &[u8]) {
    let mut payload = Vec::with_capacity(1 + body.len());
    payload.push(kind);
    payload.extend_from_slice(body);
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
}

fn entries_body(entries: &[Entry]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    for entry in entries {
        let bytes = encode(entry);
        body.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        body.extend_from_slice(&bytes);
    }
    body
}

fn peers_body(peers: &Peers) -> Vec<u8> {
    let mut body = Vec::new();
    snapshot::write_peers(&mut body, peers);
    body
}

fn parse<M: protobuf::Message>(bytes: &[u8]) -> Option<M> {
    M::parse_from_bytes(bytes).ok()
}

fn parse_entries(body: &[u8]) -> Option<Vec<Entry>> {
    let mut decoder = Decoder::new(body);
    let count = decoder.u32()?;
    let mut entries = Vec::with_capacity(count as usize);
    for _ in 0..count {
        entries.push(parse(decoder.bytes()?)?);
    }
    Some(entries)
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)?.sync_all()?;
    Ok(())
}

impl RaftStorage {
    /// Opens (or creates) the log under `dir`, replaying every good record into memory.
    pub fn open(dir: &Path, shared: Arc<Shared>) -> Result<RaftStorage> {
        fs::create_dir_all(dir)?;
        let path = dir.join(FILE_NAME);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        let mem = MemStorage::new();
        let mut peers = Peers::new();
        let mut offset = 0usize;
        while offset + HEADER <= bytes.len() {
            let length =
                u32::from_le_bytes(bytes[offset..offset + 4].try_into().unwrap_or_default())
                    as usize;
            let crc =
                u32::from_le_bytes(bytes[offset + 4..offset + 8].try_into().unwrap_or_default());
            let start = offset + HEADER;
            if length == 0 || start + length > bytes.len() {
                break;
            }
            let payload = &bytes[start..start + length];
            if crc32fast::hash(payload) != crc {
                break;
            }
            if !replay(&mem, &mut peers, payload[0], &payload[1..]) {
                break;
            }
            offset = start + length;
        }
        if offset < bytes.len() {
            file.set_len(offset as u64)?;
            file.sync_all()?;
        }
        Ok(RaftStorage {
            mem,
            file,
            dir: dir.to_path_buf(),
            pending: Vec::new(),
            peers,
            shared,
        })
    }

    /// Whether the log holds a cluster configuration (false: a new replica waiting to join).
    pub fn initialized(&self) -> bool {
        self.conf_state().voters.len() + self.conf_state().learners.len() > 0
    }

    pub fn conf_state(&self) -> ConfState {
        self.mem
            .initial_state()
            .map(|state| state.conf_state)
            .unwrap_or_default()
    }

    pub fn hard_state(&self) -> HardState {
        self.mem.rl().hard_state().clone()
    }

    pub fn append(&mut self, entries: &[Entry]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        self.mem.wl().append(entries).map_err(io)?;
        frame(&mut self.pending, ENTRIES, &entries_body(entries));
        Ok(())
    }

    pub fn set_hard_state(&mut self, hard_state: &HardState) {
        self.mem.wl().set_hardstate(hard_state.clone());
        frame(&mut self.pending, HARD_STATE, &encode(hard_state));
    }

    pub fn set_commit(&mut self, commit: u64) {
        let mut hard_state = self.mem.rl().hard_state().clone();
        hard_state.commit = commit;
        self.set_hard_state(&hard_state);
    }

    pub fn set_conf_state(&mut self, conf_state: &ConfState) {
        self.mem.wl().set_conf_state(conf_state.clone());
        frame(&mut self.pending, CONF_STATE, &encode(conf_state));
    }

    pub fn set_peers(&mut self, peers: Peers) {
        frame(&mut self.pending, PEERS, &peers_body(&peers));
        self.peers = peers;
    }

    /// Writes the records queued since the last call; with `durable`, returns once they are on
    /// disk (one fdatasync).
    pub fn sync(&mut self, durable: bool) -> Result<()> {
        if !self.pending.is_empty() {
            self.file.write_all(&self.pending)?;
            self.pending.clear();
        }
        if durable {
            self.file.sync_data()?;
        }
        Ok(())
    }

    pub fn first_index(&self) -> u64 {
        self.mem.first_index().unwrap_or(1)
    }

    pub fn last_index(&self) -> u64 {
        self.mem.last_index().unwrap_or(0)
    }

    /// Drops entries before `index` (keeping the term of `index - 1` known) and rewrites the
    /// file with what is left. The state machine must hold everything up to `index - 1`
    /// durably: a replica that needs older entries gets a snapshot instead.
    pub fn compact(&mut self, index: u64) -> Result<()> {
        if index <= self.first_index() {
            return Ok(());
        }
        let term = self.mem.term(index - 1).map_err(io)?;
        let conf_state = self.conf_state();
        let remaining = if index <= self.last_index() {
            self.mem
                .entries(
                    index,
                    self.last_index() + 1,
                    None,
                    GetEntriesContext::empty(false),
                )
                .map_err(io)?
        } else {
            Vec::new()
        };
        let mut metadata = SnapshotMetadata::default();
        metadata.index = index - 1;
        metadata.term = term;
        metadata.set_conf_state(conf_state);
        {
            let mut core = self.mem.wl();
            let hard_state = core.hard_state().clone();
            let mut snapshot = Snapshot::default();
            snapshot.set_metadata(metadata.clone());
            // Resetting to the compaction point and appending the rest keeps the term of the
            // point, which plain compaction forgets.
            core.apply_snapshot(snapshot).map_err(io)?;
            core.append(&remaining).map_err(io)?;
            core.set_hardstate(hard_state);
        }
        self.rewrite(&metadata, &remaining)
    }

    /// A snapshot from the leader replaces the whole log. Its data is kept in its own file
    /// first, so a crash before the state machine holds it can install it again on restart.
    pub fn apply_snapshot(&mut self, snapshot: Snapshot, peers: Peers) -> Result<()> {
        let snapshot_path = self.dir.join(SNAPSHOT_FILE);
        let temporary = self.dir.join(format!("{SNAPSHOT_FILE}.tmp"));
        {
            let mut file = File::create(&temporary)?;
            file.write_all(&encode(&snapshot))?;
            file.sync_all()?;
        }
        fs::rename(&temporary, &snapshot_path)?;
        let metadata = snapshot.get_metadata().clone();
        self.mem.wl().apply_snapshot(snapshot).map_err(io)?;
        self.peers = peers;
        self.rewrite(&metadata, &[])
    }

    /// The snapshot saved by the last `apply_snapshot`, if any.
    pub fn saved_snapshot(&self) -> Option<Snapshot> {
        let bytes = fs::read(self.dir.join(SNAPSHOT_FILE)).ok()?;
        parse(&bytes)
    }

    fn rewrite(&mut self, metadata: &SnapshotMetadata, entries: &[Entry]) -> Result<()> {
        let mut bytes = Vec::new();
        frame(&mut bytes, COMPACTED, &encode(metadata));
        frame(&mut bytes, HARD_STATE, &encode(self.mem.rl().hard_state()));
        frame(&mut bytes, CONF_STATE, &encode(&self.conf_state()));
        frame(&mut bytes, PEERS, &peers_body(&self.peers));
        if !entries.is_empty() {
            frame(&mut bytes, ENTRIES, &entries_body(entries));
        }
        self.sync(false)?;
        let path = self.dir.join(FILE_NAME);
        let temporary = self.dir.join(format!("{FILE_NAME}.tmp"));
        {
            let mut file = File::create(&temporary)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
        }
        fs::rename(&temporary, &path)?;
        sync_dir(&self.dir)?;
        self.file = OpenOptions::new().append(true).open(&path)?;
        self.pending.clear();
        Ok(())
    }
}

/// Applies one record read back from the file; false when it cannot be read (stop there).
fn replay(mem: &MemStorage, peers: &mut Peers, kind: u8, body: &[u8]) -> bool {
    match kind {
        ENTRIES => {
            let Some(entries) = parse_entries(body) else {
                return false;
            };
            mem.wl().append(&entries).is_ok()
        }
        HARD_STATE => match parse::<HardState>(body) {
            Some(hard_state) => {
                mem.wl().set_hardstate(hard_state);
                true
            }
            None => false,
        },
        CONF_STATE => match parse::<ConfState>(body) {
            Some(conf_state) => {
                mem.wl().set_conf_state(conf_state);
                true
            }
            None => false,
        },
        COMPACTED => match parse::<SnapshotMetadata>(body) {
            Some(metadata) => {
                let mut snapshot = Snapshot::default();
                snapshot.set_metadata(metadata);
                let mut core = mem.wl();
                let hard_state = core.hard_state().clone();
                let applied = core.apply_snapshot(snapshot).is_ok();
                core.set_hardstate(hard_state);
                applied
            }
            None => false,
        },
        PEERS => match snapshot::read_peers(&mut Decoder::new(body)) {
            Some(read) => {
                *peers = read;
                true
            }
            None => false,
        },
        _ => false,
    }
}

impl Storage for RaftStorage {
    fn initial_state(&self) -> raft::Result<RaftState> {
        self.mem.initial_state()
    }

    fn entries(
        &self,
        low: u64,
        high: u64,
        max_size: impl Into<Option<u64>>,
        context: GetEntriesContext,
    ) -> raft::Result<Vec<Entry>> {
        self.mem.entries(low, high, max_size, context)
    }

    fn term(&self, idx: u64) -> raft::Result<u64> {
        self.mem.term(idx)
    }

    fn first_index(&self) -> raft::Result<u64> {
        self.mem.first_index()
    }

    fn last_index(&self) -> raft::Result<u64> {
        self.mem.last_index()
    }

    /// The state machine as of its last applied entry: every live key and the revision, with
    /// the peers' addresses, so a new or wiped replica starts from it.
    fn snapshot(&self, _request_index: u64, _to: u64) -> raft::Result<Snapshot> {
        let image = {
            let index = self.shared.index.read();
            let applied_index = self
                .shared
                .applied_index
                .load(std::sync::atomic::Ordering::Acquire);
            crate::state_machine::StateImage {
                applied_index,
                revision: index.revision(),
                records: index.live_records(),
            }
        };
        let term = self.mem.term(image.applied_index)?;
        let mut metadata = SnapshotMetadata::default();
        metadata.index = image.applied_index;
        metadata.term = term;
        metadata.set_conf_state(self.conf_state());
        let mut snapshot = Snapshot::default();
        snapshot.set_metadata(metadata);
        snapshot.data = snapshot::encode(&image, &self.peers).into();
        Ok(snapshot)
    }
}
