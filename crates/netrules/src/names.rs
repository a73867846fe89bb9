//! kube-proxy's chain names: a prefix and the first 16 characters of the base32 encoding of
//! the sha256 of the service port name and protocol (and, for an endpoint, its "ip:port").

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use data_encoding::BASE32;
use sha2::{Digest, Sha256};

/// `prefix` followed by the first 16 characters of the base32 sha256 of `parts` concatenated.
/// Sixteen base32 characters are exactly the first ten bytes of the digest, so only those are
/// encoded, into a stack buffer.
fn hashed_name(prefix: &str, parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let mut encoded = [0u8; 16];
    BASE32.encode_mut(&digest[..10], &mut encoded);
    let mut name = String::with_capacity(prefix.len() + 16);
    name.push_str(prefix);
    // Base32 output is ASCII.
    name.extend(encoded.iter().map(|&b| b as char));
    name
}

/// The chains of one service port. Names are shared (`Arc<str>`): a ruleset lists every chain
/// it uses, and a kept name is listed again at each sync without being copied.
#[derive(Debug, Clone, Default)]
pub struct ServiceChains {
    pub cluster: Arc<str>,
    pub local: Arc<str>,
    pub firewall: Arc<str>,
    pub external: Arc<str>,
}

pub fn service_chains(service_port_name: &str, protocol: &str) -> ServiceChains {
    let cluster = hashed_name("KUBE-SVC-", &[service_port_name, protocol]);
    let hash = &cluster["KUBE-SVC-".len()..];
    ServiceChains {
        local: format!("KUBE-SVL-{hash}").into(),
        firewall: format!("KUBE-FW-{hash}").into(),
        external: format!("KUBE-EXT-{hash}").into(),
        cluster: cluster.into(),
    }
}

pub fn endpoint_chain(service_port_name: &str, protocol: &str, endpoint: &str) -> String {
    hashed_name("KUBE-SEP-", &[service_port_name, protocol, endpoint])
}

/// The chain names of one service port and of its endpoints.
#[derive(Debug, Clone, Default)]
pub struct PortChains {
    pub chains: ServiceChains,
    /// (endpoint "ip:port", its KUBE-SEP chain), in the order the names were asked for.
    pub endpoints: Vec<(String, Arc<str>)>,
    protocol: String,
    generation: u64,
}

/// Chain names kept from one sync to the next, so the names of a service port whose endpoints
/// did not change are not hashed again. An entry is checked against the endpoints it is asked
/// for, so it never needs to be told what changed.
#[derive(Debug, Default)]
pub struct ChainNames {
    /// By service port name; a name has one entry per protocol.
    ports: HashMap<String, Vec<PortChains>>,
    generation: u64,
}

impl ChainNames {
    /// Starts a sync: entries not taken before `finish_sync` are dropped then.
    pub fn begin_sync(&mut self) {
        self.generation += 1;
    }

    pub fn finish_sync(&mut self) {
        let generation = self.generation;
        self.ports.retain(|_, entries| {
            entries.retain(|entry| entry.generation == generation);
            !entries.is_empty()
        });
    }

    /// The names of a service port with these endpoints, taken out of the cache (hashing only
    /// when the endpoints differ from last time); hand them back with `put`.
    pub fn take<'e>(
        &mut self,
        name: &str,
        protocol: &str,
        endpoints: impl ExactSizeIterator<Item = &'e str> + Clone,
    ) -> PortChains {
        let cached = self
            .ports
            .get_mut(name)
            .and_then(|entries| entries.iter_mut().find(|entry| entry.protocol == protocol))
            .map(std::mem::take);
        let mut port = cached.unwrap_or_else(|| PortChains {
            chains: service_chains(name, protocol),
            protocol: protocol.to_string(),
            ..Default::default()
        });
        let same = port.endpoints.len() == endpoints.len()
            && port.endpoints.iter().zip(endpoints.clone()).all(|((known, _), endpoint)| known == endpoint);
        if !same {
            port.endpoints =
                endpoints.map(|endpoint| (endpoint.to_string(), endpoint_chain(name, protocol, endpoint).into())).collect();
        }
        port.generation = self.generation;
        port
    }

    /// Gives back what `take` returned.
    pub fn put(&mut self, name: &str, port: PortChains) {
        match self.ports.get_mut(name) {
            Some(entries) => match entries.iter_mut().find(|entry| entry.protocol.is_empty()) {
                Some(slot) => *slot = port,
                None => entries.push(port),
            },
            None => {
                self.ports.insert(name.to_string(), vec![port]);
            }
        }
    }
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
        assert_eq!(&*service_chains("ns1/svc1:p80", "tcp").cluster, "KUBE-SVC-XPGD46QRK7WJZT7O");
        assert_eq!(&*service_chains("ns5/svc5:p80", "tcp").firewall, "KUBE-FW-NUKIZ6OKUXPJNT4C");
        assert_eq!(endpoint_chain("ns1/svc1:p80", "tcp", "10.180.0.1:80"), "KUBE-SEP-SXIVWICOYRO3J4NJ");
    }

    #[test]
    fn kept_names_follow_the_endpoints_asked_for() {
        let mut names = ChainNames::default();
        names.begin_sync();
        let first = names.take("ns1/svc1:p80", "tcp", ["10.180.0.1:80"].into_iter());
        assert_eq!(&*first.endpoints[0].1, "KUBE-SEP-SXIVWICOYRO3J4NJ");
        names.put("ns1/svc1:p80", first);
        names.finish_sync();

        names.begin_sync();
        let udp = names.take("ns1/svc1:p80", "udp", ["10.180.0.1:80"].into_iter());
        assert_eq!(*udp.endpoints[0].1, endpoint_chain("ns1/svc1:p80", "udp", "10.180.0.1:80"));
        names.put("ns1/svc1:p80", udp);
        let moved = names.take("ns1/svc1:p80", "tcp", ["10.180.0.2:80"].into_iter());
        assert_eq!(*moved.endpoints[0].1, endpoint_chain("ns1/svc1:p80", "tcp", "10.180.0.2:80"));
        assert_eq!(&*moved.chains.cluster, "KUBE-SVC-XPGD46QRK7WJZT7O");
        names.put("ns1/svc1:p80", moved);
        names.finish_sync();

        // A sync that asks for nothing forgets everything.
        names.begin_sync();
        names.finish_sync();
        assert!(names.ports.is_empty());
    }
}
