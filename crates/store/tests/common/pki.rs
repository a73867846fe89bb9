//! A cluster CA for tests, made with rcgen: peer certificates for any replica id, written as
//! the PEM files a replica loads, or kept in memory for a test client.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rudder_store::replica::tls::peer_name;
use rudder_store::PeerTls;

pub struct TestCa {
    issuer: CertifiedIssuer<'static, KeyPair>,
    dir: PathBuf,
}

/// A peer certificate and key in PEM.
pub struct PeerPem {
    pub cert: String,
    pub key: String,
}

impl TestCa {
    /// A new CA whose certificate is written to `dir/ca.crt`.
    pub fn new(dir: &Path) -> TestCa {
        std::fs::create_dir_all(dir).unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "rudder-test-ca");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        std::fs::write(dir.join("ca.crt"), issuer.pem()).unwrap();
        TestCa {
            issuer,
            dir: dir.to_path_buf(),
        }
    }

    pub fn ca_file(&self) -> PathBuf {
        self.dir.join("ca.crt")
    }

    pub fn ca_pem(&self) -> String {
        self.issuer.pem()
    }

    /// A certificate for client and server auth naming `id` the way replicas do.
    pub fn peer_pem(&self, id: u64) -> PeerPem {
        let mut params = CertificateParams::new(vec![peer_name(id)]).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, format!("rudder-raft-peer-{id}"));
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ];
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        PeerPem {
            cert: cert.pem(),
            key: key.serialize_pem(),
        }
    }

    /// Writes replica `id`'s peer certificate and key beside the CA.
    pub fn peer(&self, id: u64) -> PeerTls {
        let pem = self.peer_pem(id);
        let cert = self.dir.join(format!("raft-peer-{id}.crt"));
        let key = self.dir.join(format!("raft-peer-{id}.key"));
        std::fs::write(&cert, pem.cert).unwrap();
        std::fs::write(&key, pem.key).unwrap();
        PeerTls {
            ca_cert: self.ca_file(),
            cert,
            key,
        }
    }
}
