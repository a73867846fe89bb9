//! kube-proxy's chain names: a prefix and the first 16 characters of the base32 encoding of
//! the sha256 of the service port name and protocol (and, for an endpoint, its "ip:port").

use data_encoding::BASE32;
use sha2::{Digest, Sha256};

fn hash16(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
    }
    let mut encoded = BASE32.encode(&hasher.finalize());
    encoded.truncate(16);
    encoded
}

/// The chains of one service port.
#[derive(Debug, Clone)]
pub struct ServiceChains {
    pub cluster: String,
    pub local: String,
    pub firewall: String,
    pub external: String,
}

pub fn service_chains(service_port_name: &str, protocol: &str) -> ServiceChains {
    let hash = hash16(&[service_port_name, protocol]);
    ServiceChains {
        cluster: format!("KUBE-SVC-{hash}"),
        local: format!("KUBE-SVL-{hash}"),
        firewall: format!("KUBE-FW-{hash}"),
        external: format!("KUBE-EXT-{hash}"),
    }
}

pub fn endpoint_chain(service_port_name: &str, protocol: &str, endpoint: &str) -> String {
    format!("KUBE-SEP-{}", hash16(&[service_port_name, protocol, endpoint]))
}

/// A chain of a service port or endpoint, the only chains a sync deletes.
pub fn is_service_chain(name: &str) -> bool {
    ["KUBE-SVC-", "KUBE-SVL-", "KUBE-SEP-", "KUBE-FW-", "KUBE-EXT-"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_kube_proxy() {
        // Names from kube-proxy's own tests.
        assert_eq!(service_chains("ns1/svc1:p80", "tcp").cluster, "KUBE-SVC-XPGD46QRK7WJZT7O");
        assert_eq!(service_chains("ns5/svc5:p80", "tcp").firewall, "KUBE-FW-NUKIZ6OKUXPJNT4C");
        assert_eq!(endpoint_chain("ns1/svc1:p80", "tcp", "10.180.0.1:80"), "KUBE-SEP-SXIVWICOYRO3J4NJ");
    }
}
