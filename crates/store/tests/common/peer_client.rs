//! A client that speaks the replicas' wire protocol by hand (see `replica::frame`), with any
//! identity a test wants: no certificate, one from another CA, one naming any replica id. It
//! sends whatever bytes it is given, well-formed or not.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use protobuf::Message as _;
use raft::prelude::Message;
use rudder_store::replica::tls::server_name;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

use super::pki::PeerPem;

pub struct PeerClient {
    stream: StreamOwned<ClientConnection, TcpStream>,
}

/// A TLS connection to replica `server` at `address`, trusting `ca_pem` for the server and
/// presenting `identity` (or no certificate).
pub fn connect(
    address: &str,
    server: u64,
    ca_pem: &str,
    identity: Option<&PeerPem>,
) -> io::Result<PeerClient> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(ca_pem.as_bytes()).map_err(io::Error::other)?)
        .map_err(io::Error::other)?;
    let builder = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(io::Error::other)?
        .with_root_certificates(roots);
    let config = match identity {
        Some(pem) => builder
            .with_client_auth_cert(
                vec![CertificateDer::from_pem_slice(pem.cert.as_bytes())
                    .map_err(io::Error::other)?],
                PrivateKeyDer::from_pem_slice(pem.key.as_bytes()).map_err(io::Error::other)?,
            )
            .map_err(io::Error::other)?,
        None => builder.with_no_client_auth(),
    };
    let mut socket = plain(address)?;
    let mut connection = ClientConnection::new(Arc::new(config), server_name(server).unwrap())
        .map_err(io::Error::other)?;
    while connection.is_handshaking() {
        connection.complete_io(&mut socket)?;
    }
    Ok(PeerClient {
        stream: StreamOwned::new(connection, socket),
    })
}

/// A plain TCP connection (no TLS) with a read timeout.
pub fn plain(address: &str) -> io::Result<TcpStream> {
    let address: SocketAddr = address.parse().map_err(io::Error::other)?;
    let stream = TcpStream::connect_timeout(&address, Duration::from_secs(2))?;
    stream.set_read_timeout(Some(Duration::from_secs(3)))?;
    Ok(stream)
}

pub fn frame(payload: &[u8]) -> Vec<u8> {
    let mut bytes = (payload.len() as u32).to_le_bytes().to_vec();
    bytes.extend_from_slice(payload);
    bytes
}

pub fn hello(sender: u64, address: &str) -> Vec<u8> {
    let mut payload = b"RDRRAFT2".to_vec();
    payload.extend_from_slice(&sender.to_le_bytes());
    payload.extend_from_slice(address.as_bytes());
    frame(&payload)
}

pub fn batch(messages: &[Message]) -> Vec<u8> {
    let mut payload = (messages.len() as u32).to_le_bytes().to_vec();
    for message in messages {
        let bytes = message.write_to_bytes().unwrap();
        payload.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        payload.extend_from_slice(&bytes);
    }
    frame(&payload)
}

/// Whether the other end closed (or reset) the connection within the read timeout, reading and
/// discarding anything it sent first.
pub fn closed_by_peer(reader: &mut impl Read) -> bool {
    let mut buffer = [0u8; 256];
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(error) => {
                return !matches!(
                    error.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                )
            }
        }
    }
}

impl PeerClient {
    /// Sends the hello of `sender` and says whether the replica acknowledged it.
    pub fn hello(&mut self, sender: u64) -> bool {
        if self.send(&hello(sender, "127.0.0.1:1")).is_err() {
            return false;
        }
        let mut ack = [0u8; 1];
        self.stream.read_exact(&mut ack).is_ok() && ack[0] == 1
    }

    pub fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream.write_all(bytes)?;
        self.stream.flush()
    }

    /// Ends this side of the stream (close_notify, then half-close), as a sender that stops
    /// in the middle of a frame would.
    pub fn finish(&mut self) {
        self.stream.conn.send_close_notify();
        drop(self.stream.flush());
        drop(self.stream.sock.shutdown(std::net::Shutdown::Write));
    }

    /// Whether the replica dropped this connection (after what was sent so far).
    pub fn dropped(&mut self) -> bool {
        closed_by_peer(&mut self.stream)
    }
}
