//! The proxy's view of the cluster for one IP family, as kube-proxy's service and endpoint
//! change trackers build it: one `ServicePortInfo` per service port that is proxied, with its
//! endpoints (deduplicated, sorted) and their categories for Cluster and Local traffic policy.
//! Output formats (iptables here, nftables later) are written from this view only.

use rustc_hash::FxHashMap as HashMap;
use std::net::IpAddr;

use crate::addr::{join_host_port, parse_ip, Cidr, Family};
use crate::model::{EndpointSlice, Input, NodeSettings, Service};

const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";
const DEFAULT_STICKY_SECONDS: i64 = 10800;

#[derive(Debug, Clone)]
pub struct ServicePortInfo {
    /// "namespace/name", the key of partial syncs.
    pub service: String,
    /// "namespace/name:port" (or "namespace/name" for an unnamed port).
    pub name: String,
    pub port_name: String,
    /// Lower case: "tcp", "udp", "sctp".
    pub protocol: String,
    pub cluster_ip: IpAddr,
    pub port: i64,
    pub node_port: i64,
    pub external_ips: Vec<IpAddr>,
    pub load_balancer_vips: Vec<IpAddr>,
    pub load_balancer_source_ranges: Vec<Cidr>,
    /// ClientIP affinity's timeout; None without affinity.
    pub sticky_seconds: Option<i64>,
    pub external_policy_local: bool,
    pub internal_policy_local: bool,
    pub health_check_node_port: i64,
}

impl ServicePortInfo {
    pub fn externally_accessible(&self) -> bool {
        self.node_port != 0 || !self.load_balancer_vips.is_empty() || !self.external_ips.is_empty()
    }

    pub fn uses_cluster_endpoints(&self) -> bool {
        !self.internal_policy_local || self.externally_accessible()
    }

    pub fn uses_local_endpoints(&self) -> bool {
        self.internal_policy_local || (self.external_policy_local && self.externally_accessible())
    }
}

#[derive(Debug, Clone)]
pub struct EndpointInfo {
    pub ip: IpAddr,
    pub port: i64,
    /// "ip:port" as kube-proxy writes it (its chain name hashes this).
    pub endpoint: String,
    pub is_local: bool,
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
    pub zone_hints: Vec<String>,
}

impl EndpointInfo {
    /// The address as `endpoint` prints it (without port or brackets).
    pub fn ip_text(&self) -> &str {
        let host = self.endpoint.rsplit_once(':').map_or(self.endpoint.as_str(), |(host, _)| host);
        host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host)
    }
}

/// One service port with all its endpoints and their categories.
#[derive(Debug, Clone)]
pub struct ServicePortView {
    pub info: ServicePortInfo,
    /// Every endpoint, sorted by "ip:port".
    pub endpoints: Vec<EndpointInfo>,
    pub categories: Categories,
}

/// kube-proxy's CategorizeEndpoints: indexes into `ServicePortView::endpoints`.
#[derive(Debug, Clone, Default)]
pub struct Categories {
    pub cluster: Vec<usize>,
    pub local: Vec<usize>,
    pub all_reachable: Vec<usize>,
    pub has_any: bool,
}

#[derive(Debug, Clone)]
pub struct ClusterView {
    pub family: Family,
    /// Sorted by (name, protocol).
    pub ports: Vec<ServicePortView>,
    /// Endpoints of all proxied service ports (kube-proxy's measure of a large cluster).
    pub total_endpoints: usize,
}

fn policy_local(service: &Service) -> (bool, bool) {
    let spec = &service.spec;
    let service_type = spec.service_type.as_deref().unwrap_or("ClusterIP");
    let externally_accessible = service_type == "LoadBalancer"
        || service_type == "NodePort"
        || (service_type == "ClusterIP" && !spec.external_ips.is_empty());
    let external = externally_accessible && spec.external_traffic_policy.as_deref() == Some("Local");
    let internal = spec.internal_traffic_policy.as_deref() == Some("Local");
    (external, internal)
}

fn cluster_ip_for(service: &Service, family: Family) -> Option<IpAddr> {
    let spec = &service.spec;
    let text = if spec.ip_families.is_empty() {
        let ip = spec.cluster_ip.as_deref().unwrap_or("");
        if ip.is_empty() || ip == "None" {
            return None;
        }
        ip.to_string()
    } else {
        let wanted = match family {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        };
        let index = spec.ip_families.iter().position(|f| f == wanted)?;
        spec.cluster_ips.get(index)?.clone()
    };
    let ip = parse_ip(&text)?;
    (Family::of(&ip) == family).then_some(ip)
}

fn service_ports(service: &Service, family: Family) -> Vec<ServicePortInfo> {
    let spec = &service.spec;
    let cluster_ip_set = matches!(spec.cluster_ip.as_deref(), Some(ip) if !ip.is_empty() && ip != "None");
    if !cluster_ip_set || spec.service_type.as_deref() == Some("ExternalName") {
        return Vec::new();
    }
    let Some(cluster_ip) = cluster_ip_for(service, family) else {
        return Vec::new();
    };
    let (external_policy_local, internal_policy_local) = policy_local(service);
    let sticky_seconds = (spec.session_affinity.as_deref() == Some("ClientIP")).then(|| {
        spec.session_affinity_config
            .as_ref()
            .and_then(|c| c.client_ip.as_ref())
            .and_then(|c| c.timeout_seconds)
            .unwrap_or(DEFAULT_STICKY_SECONDS)
    });
    let external_ips: Vec<IpAddr> = spec
        .external_ips
        .iter()
        .filter_map(|ip| parse_ip(ip))
        .filter(|ip| Family::of(ip) == family)
        .collect();
    let mut source_ranges: Vec<Cidr> = spec
        .load_balancer_source_ranges
        .iter()
        .filter_map(|range| Cidr::parse(range.trim()))
        .filter(|cidr| cidr.family() == family)
        .collect();
    if source_ranges.iter().any(|cidr| cidr.prefix == 0) {
        source_ranges.clear();
    }
    let load_balancer_vips: Vec<IpAddr> = service
        .status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .map(|lb| {
            lb.ingress
                .iter()
                .filter(|ing| ing.ip_mode.as_deref().map_or(true, |mode| mode == "VIP"))
                .filter_map(|ing| ing.ip.as_deref().filter(|ip| !ip.is_empty()).and_then(parse_ip))
                .filter(|ip| Family::of(ip) == family)
                .collect()
        })
        .unwrap_or_default();
    let needs_health_check =
        spec.service_type.as_deref() == Some("LoadBalancer") && external_policy_local;
    let health_check_node_port = if needs_health_check { spec.health_check_node_port.unwrap_or(0) } else { 0 };

    let service_name = format!("{}/{}", service.metadata.namespace, service.metadata.name);
    spec.ports
        .iter()
        .map(|port| {
            let port_name = port.name.clone().unwrap_or_default();
            let name = if port_name.is_empty() {
                service_name.clone()
            } else {
                format!("{service_name}:{port_name}")
            };
            ServicePortInfo {
                service: service_name.clone(),
                name,
                port_name,
                protocol: port.protocol.as_deref().unwrap_or("TCP").to_ascii_lowercase(),
                cluster_ip,
                port: port.port,
                node_port: port.node_port.unwrap_or(0),
                external_ips: external_ips.clone(),
                load_balancer_vips: load_balancer_vips.clone(),
                load_balancer_source_ranges: source_ranges.clone(),
                sticky_seconds,
                external_policy_local,
                internal_policy_local,
                health_check_node_port,
            }
        })
        .collect()
}

/// The service ("namespace/name") an EndpointSlice belongs to, from its service-name label.
pub fn service_of_slice(slice: &EndpointSlice) -> Option<String> {
    let name = slice.metadata.labels.get(SERVICE_NAME_LABEL).filter(|s| !s.is_empty())?;
    Some(format!("{}/{}", slice.metadata.namespace, name))
}

/// Key of a service port: (service "ns/name", port name, lower-case protocol).
type PortKey = (String, String, String);

fn collect_endpoints<'a>(
    slices: impl Iterator<Item = &'a EndpointSlice>,
    family: Family,
    node_name: &str,
) -> HashMap<PortKey, Vec<EndpointInfo>> {
    let wanted = match family {
        Family::V4 => "IPv4",
        Family::V6 => "IPv6",
    };
    let mut by_port: HashMap<PortKey, Vec<EndpointInfo>> = HashMap::default();
    for slice in slices {
        if slice.address_type != wanted {
            continue;
        }
        let Some(service) = service_of_slice(slice) else {
            continue;
        };
        for port in &slice.ports {
            let (Some(port_name), Some(port_number)) = (&port.name, port.port) else {
                continue;
            };
            if port_number == 0 {
                continue;
            }
            let protocol = port.protocol.as_deref().unwrap_or("TCP").to_ascii_lowercase();
            let set = by_port
                .entry((service.clone(), port_name.clone(), protocol))
                .or_default();
            for endpoint in &slice.endpoints {
                let Some(address) = endpoint.addresses.first() else {
                    continue;
                };
                let Some(ip) = parse_ip(address) else {
                    continue;
                };
                let terminating = endpoint.conditions.terminating == Some(true);
                let info = EndpointInfo {
                    ip,
                    port: port_number,
                    endpoint: join_host_port(&ip, port_number),
                    is_local: !node_name.is_empty() && endpoint.node_name.as_deref() == Some(node_name),
                    ready: endpoint.conditions.ready.unwrap_or(true),
                    serving: endpoint.conditions.serving.unwrap_or(true),
                    terminating,
                    zone_hints: endpoint
                        .hints
                        .as_ref()
                        .map(|h| h.for_zones.iter().map(|z| z.name.clone()).collect())
                        .unwrap_or_default(),
                };
                set.push(info);
            }
        }
    }
    by_port
}

/// Endpoints sorted by "ip:port", one per address: a later duplicate replaces an earlier one
/// unless it is terminating.
fn distinct_endpoints(mut endpoints: Vec<EndpointInfo>) -> Vec<EndpointInfo> {
    // A stable sort keeps duplicates in the order they were seen.
    endpoints.sort_by(|a, b| a.endpoint.cmp(&b.endpoint));
    let mut distinct: Vec<EndpointInfo> = Vec::with_capacity(endpoints.len());
    for endpoint in endpoints {
        match distinct.last_mut() {
            Some(last) if last.endpoint == endpoint.endpoint => {
                if !endpoint.terminating {
                    *last = endpoint;
                }
            }
            _ => distinct.push(endpoint),
        }
    }
    distinct
}

fn topology_zone_mode(endpoints: &[EndpointInfo], zone: Option<&str>) -> bool {
    let mut has_ready = false;
    let mut all_have_hints = true;
    let mut has_for_zone = false;
    for ep in endpoints.iter().filter(|ep| ep.ready) {
        has_ready = true;
        if ep.zone_hints.is_empty() {
            all_have_hints = false;
        } else if zone.is_some_and(|z| ep.zone_hints.iter().any(|h| h == z)) {
            has_for_zone = true;
        }
    }
    has_ready && all_have_hints && has_for_zone
}

/// kube-proxy's CategorizeEndpoints.
pub fn categorize(info: &ServicePortInfo, endpoints: &[EndpointInfo], zone: Option<&str>) -> Categories {
    let mut result = Categories::default();
    if endpoints.is_empty() {
        return result;
    }
    let mut zone_mode = false;
    if info.uses_cluster_endpoints() {
        zone_mode = topology_zone_mode(endpoints, zone);
        result.cluster = (0..endpoints.len())
            .filter(|&i| {
                let ep = &endpoints[i];
                ep.ready && (!zone_mode || zone.is_some_and(|z| ep.zone_hints.iter().any(|h| h == z)))
            })
            .collect();
        if result.cluster.is_empty() {
            result.cluster = (0..endpoints.len())
                .filter(|&i| endpoints[i].serving && endpoints[i].terminating)
                .collect();
        }
        result.has_any = !result.cluster.is_empty();
    }
    if !info.uses_local_endpoints() {
        result.all_reachable = result.cluster.clone();
        return result;
    }
    let mut local_ready = false;
    let mut local_serving_terminating = false;
    for ep in endpoints {
        if ep.ready {
            result.has_any = true;
            local_ready |= ep.is_local;
        } else if ep.serving && ep.terminating {
            result.has_any = true;
            local_serving_terminating |= ep.is_local;
        }
    }
    let mut use_serving_terminating = false;
    if local_ready {
        result.local = (0..endpoints.len()).filter(|&i| endpoints[i].is_local && endpoints[i].ready).collect();
    } else if local_serving_terminating {
        use_serving_terminating = true;
        result.local = (0..endpoints.len())
            .filter(|&i| endpoints[i].is_local && endpoints[i].serving && endpoints[i].terminating)
            .collect();
    }
    if !info.uses_cluster_endpoints() {
        result.all_reachable = result.local.clone();
        return result;
    }
    if !zone_mode && !use_serving_terminating {
        result.all_reachable = result.cluster.clone();
        return result;
    }
    // The union of both, in endpoint order (kube-proxy's is a map's order).
    let mut union: Vec<usize> = result.cluster.iter().chain(result.local.iter()).copied().collect();
    union.sort_unstable();
    union.dedup();
    result.all_reachable = union;
    result
}

/// The family the settings ask for, None for an unknown one.
pub fn family_of(settings: &NodeSettings) -> Option<Family> {
    Family::parse(&settings.ip_family)
}

/// The views of one service's ports from the service and its EndpointSlices (kube-proxy's maps
/// are per service too: a change to one service never touches another's view).
pub fn service_view<'a>(
    service: &Service,
    slices: impl Iterator<Item = &'a EndpointSlice>,
    family: Family,
    settings: &NodeSettings,
) -> Vec<ServicePortView> {
    let infos = service_ports(service, family);
    if infos.is_empty() {
        return Vec::new();
    }
    let mut endpoints = collect_endpoints(slices, family, &settings.node_name);
    let zone = settings.zone.as_deref();
    infos
        .into_iter()
        .map(|info| {
            let key = (info.service.clone(), info.port_name.clone(), info.protocol.clone());
            let eps = endpoints.remove(&key).map(distinct_endpoints).unwrap_or_default();
            let categories = categorize(&info, &eps, zone);
            ServicePortView { info, endpoints: eps, categories }
        })
        .collect()
}

/// The writers' order of service ports: by (name, protocol).
fn port_order(a: &ServicePortView, b: &ServicePortView) -> std::cmp::Ordering {
    (a.info.name.as_str(), a.info.protocol.as_str()).cmp(&(b.info.name.as_str(), b.info.protocol.as_str()))
}

fn same_port(a: &ServicePortView, b: &ServicePortView) -> bool {
    a.info.name == b.info.name && a.info.protocol == b.info.protocol
}

/// Service port views in the writers' order; of two with the same name and protocol the first
/// is kept.
pub fn sorted_ports<'v>(ports: impl Iterator<Item = &'v ServicePortView>) -> Vec<&'v ServicePortView> {
    let mut ports: Vec<&ServicePortView> = ports.collect();
    ports.sort_by(|a, b| port_order(a, b));
    ports.dedup_by(|a, b| same_port(a, b));
    ports
}

impl ClusterView {
    pub fn build(input: &Input) -> Result<ClusterView, crate::Error> {
        ClusterView::build_from(input.services.iter(), input.endpoint_slices.iter(), &input.settings)
    }

    /// The view of `services` and `slices` (an endpoint seen in two slices is taken from the
    /// later one unless that one is terminating, so the slices' order matters).
    pub fn build_from<'a>(
        services: impl Iterator<Item = &'a Service>,
        slices: impl Iterator<Item = &'a EndpointSlice>,
        settings: &NodeSettings,
    ) -> Result<ClusterView, crate::Error> {
        let family = family_of(settings)
            .ok_or_else(|| crate::Error::Settings(format!("unknown IP family {:?}", settings.ip_family)))?;
        let mut by_service: HashMap<String, Vec<&EndpointSlice>> = HashMap::default();
        for slice in slices {
            if let Some(service) = service_of_slice(slice) {
                by_service.entry(service).or_default().push(slice);
            }
        }
        let views: Vec<ServicePortView> = services
            .flat_map(|service| {
                let key = format!("{}/{}", service.metadata.namespace, service.metadata.name);
                let slices = by_service.get(&key).map(Vec::as_slice).unwrap_or_default();
                service_view(service, slices.iter().copied(), family, settings)
            })
            .collect();
        let mut ports = views;
        ports.sort_by(port_order);
        ports.dedup_by(|a, b| same_port(a, b));
        let total_endpoints = ports.iter().map(|p| p.endpoints.len()).sum();
        Ok(ClusterView { family, ports, total_endpoints })
    }
}
