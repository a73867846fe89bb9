//! The compiler's input: Services (with status) and EndpointSlices in their Kubernetes JSON
//! shape (only the fields a service proxy reads), and the node's settings. Independent of any
//! output format: the iptables writer and later backends read the same view (see view.rs).

use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub namespace: String,
    #[serde(default)]
    pub labels: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: ServiceSpec,
    #[serde(default)]
    pub status: Option<ServiceStatus>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceSpec {
    #[serde(default, rename = "type")]
    pub service_type: Option<String>,
    #[serde(default, rename = "clusterIP")]
    pub cluster_ip: Option<String>,
    #[serde(default, rename = "clusterIPs")]
    pub cluster_ips: Vec<String>,
    #[serde(default)]
    pub ip_families: Vec<String>,
    #[serde(default)]
    pub ports: Vec<ServicePort>,
    #[serde(default, rename = "externalIPs")]
    pub external_ips: Vec<String>,
    #[serde(default)]
    pub session_affinity: Option<String>,
    #[serde(default)]
    pub session_affinity_config: Option<SessionAffinityConfig>,
    #[serde(default)]
    pub external_traffic_policy: Option<String>,
    #[serde(default)]
    pub internal_traffic_policy: Option<String>,
    #[serde(default)]
    pub load_balancer_source_ranges: Vec<String>,
    #[serde(default)]
    pub health_check_node_port: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePort {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub protocol: Option<String>,
    #[serde(default)]
    pub port: i64,
    #[serde(default)]
    pub node_port: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionAffinityConfig {
    #[serde(default, rename = "clientIP")]
    pub client_ip: Option<ClientIpConfig>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientIpConfig {
    #[serde(default)]
    pub timeout_seconds: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceStatus {
    #[serde(default)]
    pub load_balancer: Option<LoadBalancerStatus>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadBalancerStatus {
    #[serde(default)]
    pub ingress: Vec<LoadBalancerIngress>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadBalancerIngress {
    #[serde(default)]
    pub ip: Option<String>,
    #[serde(default)]
    pub ip_mode: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointSlice {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub address_type: String,
    #[serde(default)]
    pub endpoints: Vec<Endpoint>,
    #[serde(default)]
    pub ports: Vec<EndpointPort>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    #[serde(default)]
    pub addresses: Vec<String>,
    #[serde(default)]
    pub conditions: EndpointConditions,
    #[serde(default)]
    pub node_name: Option<String>,
    #[serde(default)]
    pub hints: Option<EndpointHints>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointConditions {
    #[serde(default)]
    pub ready: Option<bool>,
    #[serde(default)]
    pub serving: Option<bool>,
    #[serde(default)]
    pub terminating: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointHints {
    #[serde(default)]
    pub for_zones: Vec<ForZone>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ForZone {
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointPort {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub port: Option<i64>,
    #[serde(default)]
    pub protocol: Option<String>,
}

/// How traffic from this node's pods is told from other traffic (kube-proxy's
/// --detect-local-mode).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(tag = "mode")]
pub enum LocalDetect {
    #[default]
    None,
    #[serde(rename = "ClusterCIDR")]
    ClusterCidr { cidr: String },
    BridgeInterface {
        #[serde(rename = "interface")]
        interface_name: String,
    },
    InterfaceNamePrefix { prefix: String },
}

/// The node's settings: everything host-specific the rules depend on.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSettings {
    #[serde(default)]
    pub node_name: String,
    /// "IPv4" or "IPv6": one ruleset is for one family, as one kube-proxy proxier is.
    #[serde(default = "default_family")]
    pub ip_family: String,
    #[serde(default)]
    pub local_detect: LocalDetect,
    #[serde(default = "default_masquerade_bit")]
    pub masquerade_bit: u32,
    #[serde(default)]
    pub masquerade_all: bool,
    /// The node's addresses; the first of the ruleset's family is the node IP.
    #[serde(default, rename = "nodeIPs")]
    pub node_ips: Vec<String>,
    /// NodePorts answer only on these addresses; absent means every local address.
    #[serde(default, rename = "nodePortIPs")]
    pub node_port_ips: Option<Vec<String>>,
    #[serde(default = "default_true")]
    pub localhost_node_ports: bool,
    /// nfacct counters exist (kube-proxy adds `-m nfacct` matches only then).
    #[serde(default)]
    pub nfacct: bool,
    #[serde(default)]
    pub random_fully: bool,
    /// nf_conntrack_tcp_be_liberal is set: no rule drops INVALID packets.
    #[serde(default, rename = "conntrackTCPLiberal")]
    pub conntrack_tcp_liberal: bool,
    /// The node's topology.kubernetes.io/zone label, for same-zone hints.
    #[serde(default)]
    pub zone: Option<String>,
}

fn default_family() -> String {
    "IPv4".to_string()
}
fn default_masquerade_bit() -> u32 {
    14
}
fn default_true() -> bool {
    true
}

impl Default for NodeSettings {
    fn default() -> Self {
        NodeSettings {
            node_name: String::new(),
            ip_family: default_family(),
            local_detect: LocalDetect::None,
            masquerade_bit: default_masquerade_bit(),
            masquerade_all: false,
            node_ips: Vec::new(),
            node_port_ips: None,
            localhost_node_ports: true,
            nfacct: false,
            random_fully: false,
            conntrack_tcp_liberal: false,
            zone: None,
        }
    }
}

/// Everything one compilation reads.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Input {
    #[serde(default)]
    pub services: Vec<Service>,
    #[serde(default)]
    pub endpoint_slices: Vec<EndpointSlice>,
    #[serde(default)]
    pub settings: NodeSettings,
}
