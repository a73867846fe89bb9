//! Raft traffic between replicas: one persistent mutual-TLS connection per peer and direction,
//! carrying frames (`frame`) that each hold messages queued for that peer since the last write
//! (batching comes from draining the queue). Connections are made lazily and made again with
//! backoff after a failure; messages that cannot be delivered are dropped, which Raft tolerates
//! (it retries), and the writer is told the peer is unreachable. What a replica accepts from
//! others is decided in `inbound`.
//!
//! The fault hook (`set_blocked`) drops all traffic to and from the given peers, so tests can
//! cut one replica off without touching the network.

use std::collections::{HashMap, HashSet};
use std::io::{self, Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use parking_lot::{Mutex, RwLock};
use raft::prelude::{Message, MessageType};
use rustls::{ClientConfig, ClientConnection, StreamOwned};

use crate::replica::frame::{self, ACK, MAX_FRAME_BYTES};
use crate::replica::inbound;
use crate::replica::membership::Membership;
use crate::replica::notices::Notices;
use crate::replica::storage::Peers;
use crate::replica::tls::{self, PeerTls, TlsContext};
use crate::writer::Request;
use crate::{Result, StoreError};

const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);
/// A connection must finish its TLS handshake and hello (or its ack) within this.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);
/// A write that makes no progress for this long means the peer is gone.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// An idle connection sends a keepalive this often, so the receiver's idle timeout
/// (`inbound::IDLE_TIMEOUT`) only ends connections that are really dead.
const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(5);
const MAX_BACKOFF: Duration = Duration::from_secs(1);
const NOTICE_INTERVAL: Duration = Duration::from_secs(10);

struct Link {
    address: String,
    queue: Sender<Vec<Message>>,
}

pub struct Transport {
    pub(super) id: u64,
    links: Mutex<HashMap<u64, Link>>,
    pub(super) blocked: Arc<RwLock<HashSet<u64>>>,
    pub(super) membership: Arc<RwLock<Membership>>,
    pub(super) requests: Sender<Request>,
    pub(super) stopped: Arc<AtomicBool>,
    pub(super) tls: TlsContext,
    pub(super) notices: Arc<Notices>,
    /// Connections that have not authenticated yet (bounded: see `inbound`).
    pub(super) pending: AtomicUsize,
    /// The live inbound connection of each peer, with a serial, so a newer one replaces it.
    pub(super) connections: Mutex<HashMap<u64, (u64, TcpStream)>>,
    local: SocketAddr,
    /// The address peers are told to answer at.
    advertise: String,
}

impl Transport {
    /// Listens on `address` for peers (mutual TLS with `tls`); messages received go to the
    /// writer as requests. Nobody is accepted until the writer publishes the membership.
    pub fn start(
        id: u64,
        address: &str,
        tls: &PeerTls,
        requests: Sender<Request>,
    ) -> Result<Arc<Transport>> {
        let tls = TlsContext::load(id, tls)?;
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
            membership: Arc::new(RwLock::new(Membership::Unknown)),
            requests,
            stopped: Arc::new(AtomicBool::new(false)),
            tls,
            notices: Arc::new(Notices::new(NOTICE_INTERVAL)),
            pending: AtomicUsize::new(0),
            connections: Mutex::new(HashMap::new()),
            local,
            advertise,
        });
        let weak = Arc::downgrade(&transport);
        thread::Builder::new()
            .name("rudder-raft-accept".into())
            .spawn(move || inbound::accept(listener, weak))?;
        Ok(transport)
    }

    /// A peer that contacted us said where it listens; links to unknown peers are made from it.
    pub(super) fn learn(&self, peer: u64, address: &str) {
        if peer == self.id || address.is_empty() || self.links.lock().contains_key(&peer) {
            return;
        }
        self.add_link(peer, address);
    }

    /// Where this replica listens (with the port the system chose for port 0).
    pub fn local_address(&self) -> SocketAddr {
        self.local
    }

    /// Who may connect, as the writer last applied it.
    pub fn set_membership(&self, membership: Membership) {
        *self.membership.write() = membership;
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
            source: self.local.ip(),
            tls: self.tls.client.clone(),
            messages: outbox,
            requests: self.requests.clone(),
            stopped: self.stopped.clone(),
            notices: self.notices.clone(),
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
        for (_, (_, stream)) in self.connections.lock().drain() {
            drop(stream.shutdown(Shutdown::Both));
        }
        // Wakes the accept loop so it sees the flag and releases the port.
        drop(TcpStream::connect_timeout(&self.local, CONNECT_TIMEOUT));
    }
}

impl Drop for Transport {
    fn drop(&mut self) {
        self.stop();
    }
}

fn is_snapshot_in(batch: &[Message]) -> bool {
    batch
        .iter()
        .any(|message| message.get_msg_type() == MessageType::MsgSnapshot)
}

/// Raft must hear that a snapshot did not arrive, or it waits for it forever.
fn report_dropped(requests: &Sender<Request>, peer: u64, batch: &[Message]) {
    drop(requests.send(Request::Unreachable(peer)));
    if is_snapshot_in(batch) {
        drop(requests.send(Request::SnapshotSent(peer, false)));
    }
}

/// A socket whose reads give up at a deadline (the handshake), or not at all once it is cleared.
pub struct DeadlineStream {
    pub stream: TcpStream,
    pub deadline: Option<Instant>,
}

impl Read for DeadlineStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(deadline) = self.deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "handshake timed out",
                ));
            }
            self.stream.set_read_timeout(Some(left))?;
        }
        self.stream.read(buf)
    }
}

impl Write for DeadlineStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

type Connection = StreamOwned<ClientConnection, DeadlineStream>;

/// Sends one peer's messages in order over one connection.
struct Outbox {
    peer: u64,
    self_id: u64,
    advertise: String,
    address: String,
    /// This replica's listen IP: connections leave from it, so the peer sees the address it
    /// knows this replica by.
    source: IpAddr,
    tls: Arc<ClientConfig>,
    messages: Receiver<Vec<Message>>,
    requests: Sender<Request>,
    stopped: Arc<AtomicBool>,
    notices: Arc<Notices>,
}

impl Outbox {
    fn run(self) {
        let mut connection: Option<Connection> = None;
        let mut backoff = Duration::from_millis(50);
        let mut retry_at = Instant::now();
        loop {
            let first = match self.messages.recv_timeout(KEEPALIVE_INTERVAL) {
                Ok(first) => first,
                Err(RecvTimeoutError::Timeout) => {
                    if let Some(stream) = connection.as_mut() {
                        if send_frame(stream, &frame::keepalive()).is_err() {
                            close(connection.take());
                        }
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            };
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
            let (frames, oversized) = frame::encode_batches(&batch, MAX_FRAME_BYTES);
            let oversized: Vec<Message> = oversized.into_iter().cloned().collect();
            if !oversized.is_empty() {
                self.notices.note(|| {
                    format!(
                        "a Raft message for replica {} is larger than a frame ({MAX_FRAME_BYTES} bytes) and was dropped",
                        self.peer
                    )
                });
                report_dropped(&self.requests, self.peer, &oversized);
            }
            let sent = connection.as_mut().is_some_and(|stream| {
                frames
                    .iter()
                    .try_for_each(|payload| frame::write_frame(stream, payload))
                    .and_then(|()| stream.flush())
                    .is_ok()
            });
            if !sent {
                close(connection.take());
                report_dropped(&self.requests, self.peer, &batch);
            } else if is_snapshot_in(&batch) && !is_snapshot_in(&oversized) {
                drop(self.requests.send(Request::SnapshotSent(self.peer, true)));
            }
        }
        close(connection);
    }

    /// Connects, proves who this replica is (TLS with its peer certificate), checks the peer is
    /// the replica it should be, says hello and waits for the peer to accept it.
    fn connect(&self) -> io::Result<Connection> {
        let address = self
            .address
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| io::Error::other("no address"))?;
        let stream = connect_from(self.source, address)?;
        stream.set_nodelay(true)?;
        stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
        let name = tls::server_name(self.peer).ok_or_else(|| io::Error::other("no server name"))?;
        let mut connection =
            ClientConnection::new(self.tls.clone(), name).map_err(io::Error::other)?;
        let mut socket = DeadlineStream {
            stream,
            deadline: Some(Instant::now() + HANDSHAKE_TIMEOUT),
        };
        while connection.is_handshaking() {
            if let Err(error) = connection.complete_io(&mut socket) {
                if error.kind() == io::ErrorKind::InvalidData {
                    self.notices.note(|| {
                        format!(
                            "TLS with replica {} at {} failed: {error}",
                            self.peer, self.address
                        )
                    });
                }
                return Err(error);
            }
        }
        let mut stream = StreamOwned::new(connection, socket);
        send_frame(
            &mut stream,
            &frame::encode_hello(self.self_id, &self.advertise),
        )?;
        let mut ack = [0u8; 1];
        if stream.read_exact(&mut ack).is_err() || ack[0] != ACK {
            self.notices.note(|| {
                format!(
                    "replica {} at {} refused this replica's connection (see its log)",
                    self.peer, self.address
                )
            });
            return Err(io::Error::other("the peer refused the hello"));
        }
        stream.sock.deadline = None;
        Ok(stream)
    }
}

fn send_frame(stream: &mut Connection, payload: &[u8]) -> io::Result<()> {
    frame::write_frame(stream, payload)?;
    stream.flush()
}

fn close(connection: Option<Connection>) {
    if let Some(mut stream) = connection {
        stream.conn.send_close_notify();
        drop(stream.flush());
        drop(stream.sock.stream.shutdown(Shutdown::Both));
    }
}

/// Connects to `to`, leaving from `source` when that is a specific address of the same kind (a
/// replica listening on 127.0.0.2 must not appear to its peers as 127.0.0.1).
fn connect_from(source: IpAddr, to: SocketAddr) -> io::Result<TcpStream> {
    let bind = !source.is_unspecified()
        && source.is_ipv4() == to.is_ipv4()
        && source.is_loopback() == to.ip().is_loopback();
    if !bind {
        return TcpStream::connect_timeout(&to, CONNECT_TIMEOUT);
    }
    let socket = socket2::Socket::new(
        socket2::Domain::for_address(to),
        socket2::Type::STREAM,
        Some(socket2::Protocol::TCP),
    )?;
    socket.bind(&SocketAddr::new(source, 0).into())?;
    socket.connect_timeout(&to.into(), CONNECT_TIMEOUT)?;
    Ok(socket.into())
}
