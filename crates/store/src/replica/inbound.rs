//! Connections other replicas make to this one. Nothing from the network reaches the writer
//! until the connection has proved who it is:
//!
//! 1. at most `MAX_PENDING` connections may be unauthenticated at once; each gets
//!    `HANDSHAKE_TIMEOUT` for its TLS handshake and hello, so one that never speaks costs a
//!    thread for seconds, not forever;
//! 2. TLS needs a client certificate from the cluster CA (see `tls`);
//! 3. the hello's sender must be the replica that certificate names, a current member (or the
//!    first contact of a replica that knows no members yet), connecting from an address its
//!    configured host resolves to — then it is acknowledged with one byte;
//! 4. every batch must decode within its frame, each message must come from that sender, be
//!    addressed to this replica and pass `guard::check`, and the sender must still be a member.
//!
//! Anything else drops the connection (one rate-limited line in the log). A peer has one live
//! connection: a newer authenticated one replaces it, so a peer that reconnects after a silent
//! network failure does not leave threads behind; an idle one ends after `IDLE_TIMEOUT`
//! (the sender keeps its connection alive well within it).

use std::io::{self, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::thread;
use std::time::{Duration, Instant};

use rustls::{ServerConnection, StreamOwned};

use crate::replica::frame::{self, ACK, MAX_FRAME_BYTES, MAX_HELLO_BYTES};
use crate::replica::guard;
use crate::replica::membership::Membership;
use crate::replica::tls;
use crate::replica::transport::{DeadlineStream, Transport, HANDSHAKE_TIMEOUT, WRITE_TIMEOUT};
use crate::writer::Request;

/// Unauthenticated connections held at once; more are closed on arrival.
pub const MAX_PENDING: usize = 32;
/// An authenticated connection that sends nothing (not even a keepalive) for this long is dead.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Buffers the decrypted stream so small reads (frame lengths) do not each cross into rustls.
const READ_BUFFER: usize = 256 << 10;

pub fn accept(listener: TcpListener, transport: Weak<Transport>) {
    for stream in listener.incoming() {
        let Some(live) = transport.upgrade() else {
            break;
        };
        if live.stopped.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let Ok(from) = stream.peer_addr() else {
            continue;
        };
        let Some(slot) = Pending::take(&live) else {
            live.notices.note(|| {
                format!("refused a Raft connection from {from}: {MAX_PENDING} connections are already authenticating")
            });
            drop(stream.shutdown(Shutdown::Both));
            continue;
        };
        drop(live);
        let transport = transport.clone();
        drop(
            thread::Builder::new()
                .name("rudder-raft-inbound".into())
                .spawn(move || serve(stream, from, slot, transport)),
        );
    }
}

/// One of the `MAX_PENDING` places for a connection that has not authenticated yet; given back
/// when it authenticates or ends.
struct Pending(Option<Arc<Transport>>);

impl Pending {
    fn take(transport: &Arc<Transport>) -> Option<Pending> {
        transport
            .pending
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |held| {
                (held < MAX_PENDING).then_some(held + 1)
            })
            .ok()
            .map(|_| Pending(Some(transport.clone())))
    }

    fn release(&mut self) {
        if let Some(transport) = self.0.take() {
            transport.pending.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        self.release();
    }
}

/// Why a connection ended; `None` for an orderly or uninteresting end (the peer closed it, the
/// replica stopped).
type Ended = Option<String>;

fn serve(stream: TcpStream, from: SocketAddr, mut slot: Pending, transport: Weak<Transport>) {
    let notices = match transport.upgrade() {
        Some(live) => live.notices.clone(),
        None => return,
    };
    let outcome = authenticate(&stream, from, &transport).and_then(|(sender, tls)| {
        slot.release();
        receive(sender, tls, &stream, &transport)
    });
    if let Err(Some(why)) = outcome {
        notices.note(|| format!("dropped a Raft connection from {from}: {why}"));
    }
    drop(stream.shutdown(Shutdown::Both));
}

type Tls = StreamOwned<ServerConnection, DeadlineStream>;

/// Steps 2 and 3: TLS, the hello, the checks; returns the authenticated sender.
fn authenticate(
    stream: &TcpStream,
    from: SocketAddr,
    transport: &Weak<Transport>,
) -> Result<(u64, Tls), Ended> {
    let (config, id) = {
        let live = transport.upgrade().ok_or(None)?;
        (live.tls.server.clone(), live.id)
    };
    let io_error = |what: &str, error: io::Error| Some(format!("{what}: {error}"));
    drop(stream.set_nodelay(true));
    stream
        .set_write_timeout(Some(WRITE_TIMEOUT))
        .map_err(|error| io_error("socket", error))?;
    let socket = stream
        .try_clone()
        .map_err(|error| io_error("socket", error))?;
    let mut connection =
        ServerConnection::new(config).map_err(|error| Some(format!("TLS: {error}")))?;
    let mut socket = DeadlineStream {
        stream: socket,
        deadline: Some(Instant::now() + HANDSHAKE_TIMEOUT),
    };
    while connection.is_handshaking() {
        connection
            .complete_io(&mut socket)
            .map_err(|error| io_error("TLS handshake", error))?;
    }
    let certificate = connection
        .peer_certificates()
        .and_then(|chain| chain.first())
        .cloned()
        .ok_or_else(|| Some("no client certificate".to_string()))?;
    let mut tls = StreamOwned::new(connection, socket);
    let hello = frame::read_frame(&mut tls, MAX_HELLO_BYTES)
        .map_err(|error| io_error("reading the hello", error))?;
    let hello = frame::decode_hello(&hello).map_err(|why| Some(why.to_string()))?;
    let sender = hello.sender;
    if sender == id {
        return Err(Some(format!("the hello claims this replica's own id {id}")));
    }
    tls::check_names(&certificate, sender)
        .map_err(|why| Some(format!("the hello says replica {sender} but {why}")))?;
    let live = transport.upgrade().ok_or(None)?;
    let membership = live.membership.read().clone();
    membership
        .admits(sender, from.ip())
        .map_err(|why| Some(format!("refused replica {sender}: {why}")))?;
    tls.write_all(&[ACK])
        .and_then(|()| tls.flush())
        .map_err(|error| io_error("acknowledging the hello", error))?;
    if membership == Membership::Joining {
        live.learn(sender, &hello.address);
    }
    Ok((sender, tls))
}

/// Step 4: batches until the connection ends or misbehaves.
fn receive(
    sender: u64,
    mut tls: Tls,
    stream: &TcpStream,
    transport: &Weak<Transport>,
) -> Result<(), Ended> {
    let live = transport.upgrade().ok_or(None)?;
    let serial = register(&live, sender, stream)?;
    let (id, requests, membership, blocked, stopped) = (
        live.id,
        live.requests.clone(),
        live.membership.clone(),
        live.blocked.clone(),
        live.stopped.clone(),
    );
    drop(live);
    tls.sock.deadline = None;
    let outcome = (|| {
        stream
            .set_read_timeout(Some(IDLE_TIMEOUT))
            .map_err(|error| Some(format!("socket: {error}")))?;
        let mut reader = BufReader::with_capacity(READ_BUFFER, tls);
        loop {
            let payload = frame::read_frame(&mut reader, MAX_FRAME_BYTES).map_err(|error| {
                match error.kind() {
                    io::ErrorKind::InvalidData => Some(format!("replica {sender}: {error}")),
                    _ => None,
                }
            })?;
            if stopped.load(Ordering::SeqCst) {
                return Err(None);
            }
            if !membership.read().keeps(sender) {
                return Err(Some(format!("replica {sender} is no longer a member")));
            }
            if blocked.read().contains(&sender) {
                continue;
            }
            let messages = frame::decode_batch(&payload)
                .map_err(|why| Some(format!("replica {sender}: {why}")))?;
            if messages.is_empty() {
                continue;
            }
            let checked = guard::check_batch(messages, sender, id)
                .map_err(|why| Some(format!("replica {sender}: {why}")))?;
            if requests.send(Request::Raft(checked)).is_err() {
                return Err(None);
            }
        }
    })();
    if let Some(live) = transport.upgrade() {
        let mut connections = live.connections.lock();
        if connections
            .get(&sender)
            .is_some_and(|(current, _)| *current == serial)
        {
            connections.remove(&sender);
        }
    }
    outcome
}

/// Makes this the live connection of `sender`, closing the one it replaces.
fn register(live: &Transport, sender: u64, stream: &TcpStream) -> Result<u64, Ended> {
    let handle = stream
        .try_clone()
        .map_err(|error| Some(format!("socket: {error}")))?;
    let serial = SERIALS.fetch_add(1, Ordering::SeqCst);
    let replaced = live.connections.lock().insert(sender, (serial, handle));
    if let Some((_, old)) = replaced {
        drop(old.shutdown(Shutdown::Both));
    }
    Ok(serial)
}

static SERIALS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
