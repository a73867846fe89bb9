//! Mutual TLS between replicas (rustls, TLS 1.3 only, the aws-lc-rs provider). Both ends present a
//! peer certificate signed by the cluster CA; nothing else is trusted, so a process without one
//! cannot complete a handshake.
//!
//! A replica's identity is the DNS name `raft-peer-<id>.rudder.internal` in its certificate's
//! subject alternative names (a private name, never looked up). The standard checks carry it both
//! ways: a connecting replica verifies that the server's certificate names the replica it meant
//! to reach, and the receiving replica checks that the client's certificate names the replica
//! its hello claims to be (see `inbound`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::verify_server_name;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::server::{ParsedCertificate, WebPkiClientVerifier};
use rustls::{ClientConfig, RootCertStore, ServerConfig};

use crate::{Result, StoreError};

/// Where a replica's TLS material lives (PEM files).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerTls {
    /// The cluster CA certificate: the only issuer trusted for peers.
    pub ca_cert: PathBuf,
    /// This replica's peer certificate (client and server auth), naming its id.
    pub cert: PathBuf,
    /// Its private key (PKCS#8, SEC1 or PKCS#1).
    pub key: PathBuf,
}

/// The name a replica's peer certificate carries.
pub fn peer_name(id: u64) -> String {
    format!("raft-peer-{id}.rudder.internal")
}

/// The rustls configurations of one replica, made once at start.
pub struct TlsContext {
    pub server: Arc<ServerConfig>,
    pub client: Arc<ClientConfig>,
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

fn invalid(path: &Path, what: &str, error: impl std::fmt::Display) -> StoreError {
    StoreError::invalid(format!(
        "replica TLS: cannot use {what} {}: {error}",
        path.display()
    ))
}

impl TlsContext {
    /// Loads the CA, certificate and key of replica `id`; refuses a certificate that does not
    /// name `id`, so a mix-up is reported at start rather than as refused connections.
    pub fn load(id: u64, files: &PeerTls) -> Result<TlsContext> {
        let mut roots = RootCertStore::empty();
        let cas = CertificateDer::pem_file_iter(&files.ca_cert)
            .map_err(|error| invalid(&files.ca_cert, "the CA certificate", error))?;
        for ca in cas {
            let ca = ca.map_err(|error| invalid(&files.ca_cert, "the CA certificate", error))?;
            roots
                .add(ca)
                .map_err(|error| invalid(&files.ca_cert, "the CA certificate", error))?;
        }
        if roots.is_empty() {
            return Err(invalid(
                &files.ca_cert,
                "the CA certificate",
                "no certificate in it",
            ));
        }
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert)
            .and_then(|certs| certs.collect())
            .map_err(|error| invalid(&files.cert, "the peer certificate", error))?;
        let Some(own) = chain.first() else {
            return Err(invalid(
                &files.cert,
                "the peer certificate",
                "no certificate in it",
            ));
        };
        check_names(own, id)
            .map_err(|error| invalid(&files.cert, "the peer certificate", error))?;
        let key = PrivateKeyDer::from_pem_file(&files.key)
            .map_err(|error| invalid(&files.key, "the peer key", error))?;

        let roots = Arc::new(roots);
        let verifier = WebPkiClientVerifier::builder_with_provider(roots.clone(), provider())
            .build()
            .map_err(|error| invalid(&files.ca_cert, "the CA certificate", error))?;
        let mut server = ServerConfig::builder_with_provider(provider())
            .with_protocol_versions(&[&rustls::version::TLS13])
            .map_err(|error| StoreError::invalid(format!("replica TLS: {error}")))?
            .with_client_cert_verifier(verifier)
            .with_single_cert(chain.clone(), key.clone_key())
            .map_err(|error| invalid(&files.key, "the peer certificate and key", error))?;
        // Connections are one-way streams of frames; the client never reads tickets.
        server.send_tls13_tickets = 0;
        let client = ClientConfig::builder_with_provider(provider())
            .with_protocol_versions(&[&rustls::version::TLS13])
            .map_err(|error| StoreError::invalid(format!("replica TLS: {error}")))?
            .with_root_certificates(roots)
            .with_client_auth_cert(chain, key)
            .map_err(|error| invalid(&files.key, "the peer certificate and key", error))?;
        Ok(TlsContext {
            server: Arc::new(server),
            client: Arc::new(client),
        })
    }
}

/// The server name to verify when connecting to replica `id` (always valid: fixed labels and
/// digits).
pub fn server_name(id: u64) -> Option<ServerName<'static>> {
    ServerName::try_from(peer_name(id)).ok()
}

/// Whether an (already chain-verified) certificate names replica `id`.
pub fn check_names(cert: &CertificateDer<'_>, id: u64) -> std::result::Result<(), String> {
    let parsed = ParsedCertificate::try_from(cert).map_err(|error| error.to_string())?;
    let name = server_name(id).ok_or("no server name")?;
    verify_server_name(&parsed, &name)
        .map_err(|_| format!("the certificate does not name {}", peer_name(id)))
}
