//! Raft traffic between replicas: one persistent TCP connection per peer and direction,
//! carrying length-prefixed frames that each hold every message queued for that peer since the
//! last write (batching comes from draining the queue). Connections are made lazily and made
//! again with backoff after a failure; messages that cannot be delivered are dropped, which
//! Raft tolerates (it retries), and the writer is told the peer is unreachable.
//!
//! frame := length:u32 payload            hello payload := "RDRRAFT1" sender_id:u64 address
//!
//! The hello names the sender's listen address, so a replica that joined knowing no one learns
//! where to answer the leader that contacted it.
//! batch payload := count:u32 (length:u32 message)*      (a message in Raft's protobuf form)
//!
//! The fault hook (`set_blocked`) drops all traffic to and from the given peers, so tests can
//! cut one replica off without touching the network.

use std::collections::{HashMap, HashSet};
use std::io::{BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use parking_lot::{Mutex, RwLock};
use protobuf::Message as _;
use raft::prelude::{Message, MessageType};

use crate::replica::storage::Peers;
use crate::writer::Request;
use crate::{Result, StoreError};

const MAGIC: &[u8; 8] = b"RDRRAFT1";
const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(1);
/// Largest frame accepted from a peer (a snapshot of a big store is one message).
const MAX_FRAME_BYTES: usize = 1 << 31;

struct Link {
    address: String,
    queue: Sender<Vec<Message>>,
}

pub struct Transport {
    id: u64,
    links: Mutex<HashMap<u64, Link>>,
    blocked: Arc<RwLock<HashSet<u64>>>,
    requests: Sender<Request>,
    stopped: Arc<AtomicBool>,
    local: SocketAddr,
    /// The address peers are told to answer at.
    advertise: String,
}

impl Transport {
    /// Listens on `address` for peers; messages received go to the writer as requests.
    pub fn start(id: u64, address: &str, requests: Sender<Request>) -> Result<Arc<Transport>> {
        let listener = TcpListener::bind(address).map_err(|error| {
            StoreError::Io(format!("cannot listen for replicas on {address}: {error}"))
        })?;
        let local = listener.local_addr()?;
        let advertise = if address.ends_with(":0") {
            local.to_string()
        } else {
            address.to_string()
        };
        let transport = Arc::new(Transport {
            id,
            links: Mutex::new(HashMap::new()),
            blocked: Arc::new(RwLock::new(HashSet::new())),
            requests: requests.clone(),
            stopped: Arc::new(AtomicBool::new(false)),
            local,
            advertise,
        });
        let weak = Arc::downgrade(&transport);
        thread::Builder::new()
            .name("rudder-raft-accept".into())
            .spawn(move || accept(listener, requests, weak))?;
        Ok(transport)
    }

    /// A peer that contacted us said where it listens; links to unknown peers are made from it.
    fn learn(&self, peer: u64, address: &str) {
        if peer == self.id || address.is_empty() || self.links.lock().contains_key(&peer) {
            return;
        }
        self.add_link(peer, address);
    }

    /// Where this replica listens (with the port the system chose for port 0).
    pub fn local_address(&self) -> SocketAddr {
        self.local
    }

    /// Connects to exactly these peers (this replica is skipped); a changed address replaces
    /// its link.
    pub fn set_peers(&self, peers: &Peers) {
        let mut links = self.links.lock();
        links.retain(|id, link| {
            peers
                .get(id)
                .is_some_and(|address| *address == link.address)
        });
        let missing: Vec<(u64, String)> = peers
            .iter()
            .filter(|(id, _)| **id != self.id && !links.contains_key(id))
            .map(|(id, address)| (*id, address.clone()))
            .collect();
        drop(links);
        for (id, address) in missing {
            self.add_link(id, &address);
        }
    }

    fn add_link(&self, id: u64, address: &str) {
        let (queue, outbox) = crossbeam_channel::unbounded();
        let worker = Outbox {
            peer: id,
            self_id: self.id,
            advertise: self.advertise.clone(),
            address: address.to_string(),
            messages: outbox,
            requests: self.requests.clone(),
            stopped: self.stopped.clone(),
        };
        let spawned = thread::Builder::new()
            .name(format!("rudder-raft-peer-{id}"))
            .spawn(move || worker.run());
        if spawned.is_ok() {
            self.links.lock().insert(
                id,
                Link {
                    address: address.to_string(),
                    queue,
                },
            );
        }
    }

    /// Queues messages for their peers; those for blocked or unknown peers are dropped.
    pub fn send(&self, messages: Vec<Message>) {
        if messages.is_empty() {
            return;
        }
        let blocked = self.blocked.read();
        let links = self.links.lock();
        let mut by_peer: HashMap<u64, Vec<Message>> = HashMap::new();
        for message in messages {
            by_peer.entry(message.to).or_default().push(message);
        }
        for (peer, batch) in by_peer {
            let delivered = !blocked.contains(&peer)
                && links
                    .get(&peer)
                    .is_some_and(|link| link.queue.send(batch.clone()).is_ok());
            if !delivered {
                report_dropped(&self.requests, peer, &batch);
            }
        }
    }

    /// The fault hook: drop all traffic to and from these peers (empty: heal).
    pub fn set_blocked(&self, peers: HashSet<u64>) {
        *self.blocked.write() = peers;
    }

    pub fn blocked(&self) -> Vec<u64> {
        let mut peers: Vec<u64> = self.blocked.read().iter().copied().collect();
        peers.sort_unstable();
        peers
    }

    /// Stops listening and drops every link; connections close when their threads notice.
    pub fn stop(&self) {
        if self.stopped.swap(true, Ordering::SeqCst) {
            return;
        }
        self.links.lock().clear();
        // Wakes the accept loop so it sees the flag and releases the port.
        drop(TcpStream::connect_timeout(&self.local, CONNECT_TIMEOUT));
    }
}

impl Drop for Transport {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Raft must hear that a snapshot did not arrive, or it waits for it forever.
fn report_dropped(requests: &Sender<Request>, peer: u64, batch: &[Message]) {
    drop(requests.send(Request::Unreachable(peer)));
    if batch
        .iter()
        .any(|message| message.get_msg_type() == MessageType::MsgSnapshot)
    {
        drop(requests.send(Request::SnapshotSent(peer, false)));
    }
}

fn write_frame(stream: &mut TcpStream, payload: &[u8]) -> std::io::Result<()> {
    let mut frame = Vec::with_capacity(4 + payload.len());
    frame.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    frame.extend_from_slice(payload);
    stream.write_all(&frame)
}

fn read_frame(reader: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut length = [0u8; 4];
    reader.read_exact(&mut length)?;
    let length = u32::from_le_bytes(length) as usize;
    if length > MAX_FRAME_BYTES {
        return Err(std::io::Error::other("frame too large"));
    }
    let mut payload = vec![0u8; length];
    reader.read_exact(&mut payload)?;
    Ok(payload)
}

/// Sends one peer's messages in order over one connection.
struct Outbox {
    peer: u64,
    self_id: u64,
    advertise: String,
    address: String,
    messages: Receiver<Vec<Message>>,
    requests: Sender<Request>,
    stopped: Arc<AtomicBool>,
}

impl Outbox {
    fn run(self) {
        let mut connection: Option<TcpStream> = None;
        let mut backoff = Duration::from_millis(50);
        let mut retry_at = Instant::now();
        while let Ok(first) = self.messages.recv() {
            if self.stopped.load(Ordering::SeqCst) {
                break;
            }
            let mut batch = first;
            while let Ok(more) = self.messages.try_recv() {
                batch.extend(more);
            }
            if connection.is_none() {
                if Instant::now() < retry_at {
                    report_dropped(&self.requests, self.peer, &batch);
                    continue;
                }
                match self.connect() {
                    Ok(stream) => {
                        connection = Some(stream);
                        backoff = Duration::from_millis(50);
                    }
                    Err(_) => {
                        retry_at = Instant::now() + backoff;
                        backoff = (backoff * 2).min(MAX_BACKOFF);
                        report_dropped(&self.requests, self.peer, &batch);
                        continue;
                    }
                }
            }
            let mut payload = Vec::new();
            payload.extend_from_slice(&(batch.len() as u32).to_le_bytes());
            for message in &batch {
                let bytes = message.write_to_bytes().unwrap_or_default();
                payload.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
                payload.extend_from_slice(&bytes);
            }
            let sent = connection
                .as_mut()
                .is_some_and(|stream| write_frame(stream, &payload).is_ok());
            if sent {
                if batch
                    .iter()
                    .any(|message| message.get_msg_type() == MessageType::MsgSnapshot)
                {
                    drop(self.requests.send(Request::SnapshotSent(self.peer, true)));
                }
            } else {
                if let Some(stream) = connection.take() {
                    drop(stream.shutdown(Shutdown::Both));
                }
                report_dropped(&self.requests, self.peer, &batch);
            }
        }
        if let Some(stream) = connection {
            drop(stream.shutdown(Shutdown::Both));
        }
    }

    fn connect(&self) -> std::io::Result<TcpStream> {
        let address = self
            .address
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| std::io::Error::other("no address"))?;
        let mut stream = TcpStream::connect_timeout(&address, CONNECT_TIMEOUT)?;
        stream.set_nodelay(true)?;
        let mut hello = Vec::with_capacity(16);
        hello.extend_from_slice(MAGIC);
        hello.extend_from_slice(&self.self_id.to_le_bytes());
        hello.extend_from_slice(self.advertise.as_bytes());
        write_frame(&mut stream, &hello)?;
        Ok(stream)
    }
}

fn accept(listener: TcpListener, requests: Sender<Request>, transport: Weak<Transport>) {
    for stream in listener.incoming() {
        let Some(live) = transport.upgrade() else {
            break;
        };
        if live.stopped.load(Ordering::SeqCst) {
            break;
        }
        drop(live);
        let Ok(stream) = stream else { continue };
        let requests = requests.clone();
        let transport = transport.clone();
        drop(
            thread::Builder::new()
                .name("rudder-raft-inbound".into())
                .spawn(move || receive(stream, requests, transport)),
        );
    }
}

/// Reads one peer's frames and hands its messages to the writer, unless the peer is blocked.
fn receive(stream: TcpStream, requests: Sender<Request>, transport: Weak<Transport>) {
    drop(stream.set_nodelay(true));
    let mut reader = BufReader::with_capacity(256 << 10, &stream);
    let Ok(hello) = read_frame(&mut reader) else {
        return;
    };
    if hello.len() < 16 || &hello[..8] != MAGIC {
        return;
    }
    let peer = u64::from_le_bytes(hello[8..16].try_into().unwrap_or_default());
    let (blocked, stopped) = {
        let Some(live) = transport.upgrade() else {
            return;
        };
        live.learn(peer, &String::from_utf8_lossy(&hello[16..]));
        (live.blocked.clone(), live.stopped.clone())
    };
    while let Ok(payload) = read_frame(&mut reader) {
        if stopped.load(Ordering::SeqCst) {
            break;
        }
        if blocked.read().contains(&peer) {
            continue;
        }
        let Some(messages) = decode_batch(&payload) else {
            break;
        };
        if requests.send(Request::Raft(messages)).is_err() {
            break;
        }
    }
    drop(stream.shutdown(Shutdown::Both));
}

fn decode_batch(payload: &[u8]) -> Option<Vec<Message>> {
    let mut decoder = crate::codec::Decoder::new(payload);
    let count = decoder.u32()?;
    let mut messages = Vec::with_capacity(count as usize);
    for _ in 0..count {
        messages.push(Message::parse_from_bytes(decoder.bytes()?).ok()?);
    }
    Some(messages)
}
