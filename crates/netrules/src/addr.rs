//! Addresses as kube-proxy prints them: parsed, then written in canonical form (IPv6 per
//! RFC 5952, as Go's net.IP prints it); CIDRs masked to their network.

use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    pub fn of(ip: &IpAddr) -> Family {
        match ip {
            IpAddr::V4(_) => Family::V4,
            IpAddr::V6(_) => Family::V6,
        }
    }

    pub fn parse(name: &str) -> Option<Family> {
        match name {
            "IPv4" => Some(Family::V4),
            "IPv6" => Some(Family::V6),
            _ => None,
        }
    }
}

pub fn parse_ip(text: &str) -> Option<IpAddr> {
    let ip: IpAddr = text.parse().ok()?;
    // An IPv4-mapped IPv6 address is an IPv4 address to Go, and printed as one; such
    // addresses are refused by validation, so they are left out here rather than guessed at.
    if let IpAddr::V6(v6) = ip {
        if v6.to_ipv4_mapped().is_some() {
            return None;
        }
    }
    Some(ip)
}

/// A CIDR masked to its network, printed as Go's net.IPNet prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cidr {
    pub network: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Option<Cidr> {
        let (ip_text, prefix_text) = text.split_once('/')?;
        if prefix_text.is_empty()
            || prefix_text.len() > 3
            || !prefix_text.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let prefix: u8 = prefix_text.parse().ok()?;
        let ip = parse_ip(ip_text)?;
        let network = match ip {
            IpAddr::V4(v4) => {
                if prefix > 32 {
                    return None;
                }
                let bits = u32::from(v4);
                let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - prefix) };
                IpAddr::V4((bits & mask).into())
            }
            IpAddr::V6(v6) => {
                if prefix > 128 {
                    return None;
                }
                let bits = u128::from(v6);
                let mask = if prefix == 0 { 0 } else { u128::MAX << (128 - prefix) };
                IpAddr::V6((bits & mask).into())
            }
        };
        Some(Cidr { network, prefix })
    }

    pub fn family(&self) -> Family {
        Family::of(&self.network)
    }

    pub fn contains(&self, ip: &IpAddr) -> bool {
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = if self.prefix == 0 { 0 } else { u32::MAX << (32 - self.prefix) };
                u32::from(*ip) & mask == u32::from(net)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = if self.prefix == 0 { 0 } else { u128::MAX << (128 - self.prefix) };
                u128::from(*ip) & mask == u128::from(net)
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// "ip:port", with brackets around an IPv6 address (Go's net.JoinHostPort).
pub fn join_host_port(ip: &IpAddr, port: i64) -> String {
    match ip {
        IpAddr::V4(_) => format!("{ip}:{port}"),
        IpAddr::V6(_) => format!("[{ip}]:{port}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_is_printed_canonically() {
        assert_eq!(parse_ip("FD00:0:0:0:0:0:0:1").unwrap().to_string(), "fd00::1");
        assert_eq!(parse_ip("2001:db8:0:0:1:0:0:1").unwrap().to_string(), "2001:db8::1:0:0:1");
        assert!(parse_ip("::ffff:1.2.3.4").is_none());
    }

    #[test]
    fn cidrs_are_masked() {
        assert_eq!(Cidr::parse("203.0.113.7/25").unwrap().to_string(), "203.0.113.0/25");
        assert_eq!(Cidr::parse("fd00:10::5/64").unwrap().to_string(), "fd00:10::/64");
        assert!(Cidr::parse("1.2.3.4/33").is_none());
        assert!(Cidr::parse("1.2.3.4").is_none());
        assert!(Cidr::parse("10.0.0.0/8").unwrap().contains(&parse_ip("10.1.2.3").unwrap()));
    }

    #[test]
    fn host_ports_bracket_ipv6() {
        assert_eq!(join_host_port(&parse_ip("fd00::2").unwrap(), 80), "[fd00::2]:80");
    }
}
