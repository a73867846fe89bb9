//! The iptables-restore input kube-proxy's iptables mode writes for a ClusterView: the
//! filter and nat tables, top-level chains, per service port KUBE-SVC/SVL/EXT/FW chains and per
//! endpoint KUBE-SEP chains, in kube-proxy's order (service ports sorted by name here, where
//! kube-proxy walks a map). A partial sync (kube-proxy's MinimizeIPTablesRestore) leaves out the
//! chains of services that did not change.

use rustc_hash::FxHashSet as HashSet;
use std::sync::Arc;

use crate::addr::Family;
use crate::model::{LocalDetect, NodeSettings};
use crate::names::{is_service_chain, ChainNames};
use crate::view::{ClusterView, EndpointInfo, ServicePortView};

const KUBE_SERVICES: &str = "KUBE-SERVICES";
const KUBE_EXTERNAL_SERVICES: &str = "KUBE-EXTERNAL-SERVICES";
const KUBE_NODEPORTS: &str = "KUBE-NODEPORTS";
const KUBE_POSTROUTING: &str = "KUBE-POSTROUTING";
const KUBE_MARK_MASQ: &str = "KUBE-MARK-MASQ";
const KUBE_FORWARD: &str = "KUBE-FORWARD";
const KUBE_PROXY_FIREWALL: &str = "KUBE-PROXY-FIREWALL";
const KUBE_FIREWALL: &str = "KUBE-FIREWALL";
/// Above this many endpoints kube-proxy leaves comments out of endpoint rules.
pub const LARGE_CLUSTER_ENDPOINTS_THRESHOLD: usize = 1000;
pub const LOCALHOST_NODEPORT_ACCEPTED_COUNTER: &str = "localhost_nps_accepted_pkts";
pub const CT_STATE_INVALID_DROPPED_COUNTER: &str = "ct_state_invalid_dropped_pkts";

/// What a sync writes besides the full picture.
#[derive(Debug, Clone, Default)]
pub struct SyncRequest {
    /// Write every chain. Otherwise only the chains of `changed_services` are written.
    pub full: bool,
    /// Services ("namespace/name") whose Service or EndpointSlices changed since the last sync.
    pub changed_services: HashSet<String>,
    /// The nat table's chains now in the kernel; service chains among them that are no longer
    /// used are deleted. None: nothing is deleted.
    pub existing_nat_chains: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct Ruleset {
    pub text: String,
    pub filter_chains: usize,
    pub filter_rules: usize,
    pub nat_chains: usize,
    /// nat rules written by this sync (kube-proxy's iptables_last_sync gauge, less deleted chains).
    pub nat_rules: usize,
    /// nat rules in the kernel after this sync (kube-proxy's iptables_total gauge).
    pub nat_rules_total: usize,
    pub deleted_chains: usize,
    /// The nat chains of service ports and endpoints this ruleset uses.
    pub active_nat_chains: Vec<Arc<str>>,
    pub large_cluster: bool,
    pub no_local_endpoints_internal: usize,
    pub no_local_endpoints_external: usize,
}

/// Lines of iptables-restore input; a discarding buffer only counts.
struct Lines {
    text: String,
    count: usize,
    discard: bool,
}

impl Lines {
    fn new() -> Lines {
        Lines { text: String::new(), count: 0, discard: false }
    }

    /// Room for `bytes` up front, so a large ruleset is not copied as it grows.
    fn with_capacity(bytes: usize) -> Lines {
        Lines { text: String::with_capacity(bytes), count: 0, discard: false }
    }

    /// Lines written after `gap` bytes of room for what must precede them in the output (see
    /// `write_ports`), with room for `bytes` more.
    /// `text` is a buffer to reuse (its content is dropped, its memory kept).
    fn after_gap(mut text: String, gap: usize, bytes: usize) -> Lines {
        text.clear();
        text.reserve(gap + bytes);
        text.extend(std::iter::repeat(' ').take(gap));
        Lines { text, count: 0, discard: false }
    }

    fn discarding() -> Lines {
        Lines { text: String::new(), count: 0, discard: true }
    }

    fn write(&mut self, parts: &[&str]) {
        self.count += 1;
        if self.discard {
            return;
        }
        let mut first = true;
        for part in parts {
            if !first {
                self.text.push(' ');
            }
            first = false;
            self.text.push_str(part);
        }
        self.text.push('\n');
    }

    fn chain(&mut self, name: &str) {
        self.count += 1;
        if self.discard {
            return;
        }
        self.text.push(':');
        self.text.push_str(name);
        self.text.push_str(" - [0:0]\n");
    }

    /// Starts a rule written argument by argument straight into the text (no list of
    /// arguments is built); the line ends when the `Rule` is dropped.
    fn rule(&mut self) -> Rule<'_> {
        self.count += 1;
        Rule { lines: self, first: true }
    }
}

/// One line of `Lines` being written.
struct Rule<'l> {
    lines: &'l mut Lines,
    first: bool,
}

impl Rule<'_> {
    fn args(&mut self, parts: &[&str]) -> &mut Self {
        if self.lines.discard {
            return self;
        }
        for part in parts {
            if !self.first {
                self.lines.text.push(' ');
            }
            self.first = false;
            self.lines.text.push_str(part);
        }
        self
    }

    /// One argument made of several pieces (a quoted comment), without a formatted copy.
    fn joined(&mut self, pieces: &[&str]) -> &mut Self {
        if self.lines.discard {
            return self;
        }
        if !self.first {
            self.lines.text.push(' ');
        }
        self.first = false;
        for piece in pieces {
            self.lines.text.push_str(piece);
        }
        self
    }
}

impl Drop for Rule<'_> {
    fn drop(&mut self) {
        if !self.lines.discard {
            self.lines.text.push('\n');
        }
    }
}

/// kube-proxy's probability for the i-th of n remaining endpoints: 1/n with ten decimals.
pub fn probability(n: usize) -> String {
    format!("{:.10}", 1.0 / n as f64)
}

fn local_detect_args(detect: &LocalDetect, local: bool) -> Vec<String> {
    let (flag, value) = match detect {
        LocalDetect::None => return Vec::new(),
        LocalDetect::ClusterCidr { cidr } => ("-s", cidr.clone()),
        LocalDetect::BridgeInterface { interface_name } => ("-i", interface_name.clone()),
        LocalDetect::InterfaceNamePrefix { prefix } => ("-i", format!("{prefix}+")),
    };
    if local {
        vec![flag.to_string(), value]
    } else {
        vec!["!".to_string(), flag.to_string(), value]
    }
}

struct Writer<'a> {
    settings: &'a NodeSettings,
    names: &'a mut ChainNames,
    family: Family,
    mark: String,
    mark_match: String,
    if_local: Vec<String>,
    if_not_local: Vec<String>,
    large_cluster: bool,
    node_ip: Option<std::net::IpAddr>,
    filter_chains: Lines,
    filter_rules: Lines,
    nat_chains: Lines,
    nat_rules: Lines,
    skipped_chains: Lines,
    skipped_rules: Lines,
    active: Vec<Arc<str>>,
    no_local_internal: usize,
    no_local_external: usize,
    /// probability(n) at index n, filled as needed.
    probabilities: Vec<String>,
}

fn s(parts: &[String]) -> Vec<&str> {
    parts.iter().map(String::as_str).collect()
}

impl<'a> Writer<'a> {
    fn service_port(&mut self, view: &ServicePortView, write_chains: bool) {
        let info = &view.info;
        let protocol = info.protocol.as_str();
        let name = info.name.as_str();
        let port_names = self.names.take(name, protocol, view.endpoints.iter().map(|ep| ep.endpoint.as_str()));
        let chains = &port_names.chains;
        let cats = &view.categories;
        let cluster_ip = info.cluster_ip.to_string();
        let port = info.port.to_string();

        let uses_cluster_chain = !cats.cluster.is_empty() && info.uses_cluster_endpoints();
        let uses_local_chain = !cats.local.is_empty() && info.uses_local_endpoints();
        let has_endpoints = cats.has_any;
        let mut internal_chain = &*chains.cluster;
        let mut has_internal = has_endpoints;
        if info.internal_policy_local {
            internal_chain = &*chains.local;
            has_internal = has_internal && !cats.local.is_empty();
        }
        let mut external_policy_chain = &*chains.cluster;
        let mut has_external = has_endpoints;
        if info.external_policy_local {
            external_policy_chain = &*chains.local;
            has_external = has_external && !cats.local.is_empty();
        }
        let external_chain = &*chains.external;
        let uses_external_chain = has_endpoints && info.externally_accessible();
        let uses_fw_chain = has_endpoints
            && !info.load_balancer_vips.is_empty()
            && !info.load_balancer_source_ranges.is_empty();
        let lb_chain = if uses_fw_chain { &*chains.firewall } else { external_chain };

        let (internal_target, internal_comment, external_target, external_comment);
        if !has_endpoints {
            internal_target = "REJECT";
            internal_comment = format!("\"{name} has no endpoints\"");
            external_target = "REJECT";
            external_comment = internal_comment.clone();
        } else {
            internal_target = "DROP";
            internal_comment = format!("\"{name} has no local endpoints\"");
            external_target = "DROP";
            external_comment = internal_comment.clone();
            if !has_internal {
                self.no_local_internal += 1;
            }
            if !has_external {
                self.no_local_external += 1;
            }
        }

        // Capture the cluster IP.
        let cluster_ip_comment = format!("\"{name} cluster IP\"");
        if has_internal {
            self.nat_rules.write(&[
                "-A", KUBE_SERVICES, "-m", "comment", "--comment", &cluster_ip_comment, "-m", protocol, "-p", protocol,
                "-d", &cluster_ip, "--dport", &port, "-j", internal_chain,
            ]);
        } else {
            self.filter_rules.write(&[
                "-A", KUBE_SERVICES, "-m", "comment", "--comment", &internal_comment, "-m", protocol, "-p", protocol,
                "-d", &cluster_ip, "--dport", &port, "-j", internal_target,
            ]);
        }

        // Capture external IPs.
        let external_ip_comment = format!("\"{name} external IP\"");
        for ip in &info.external_ips {
            let ip = ip.to_string();
            if has_endpoints {
                self.nat_rules.write(&[
                    "-A", KUBE_SERVICES, "-m", "comment", "--comment", &external_ip_comment, "-m", protocol, "-p",
                    protocol, "-d", &ip, "--dport", &port, "-j", external_chain,
                ]);
            }
            if !has_external {
                self.filter_rules.write(&[
                    "-A", KUBE_EXTERNAL_SERVICES, "-m", "comment", "--comment", &external_comment, "-m", protocol,
                    "-p", protocol, "-d", &ip, "--dport", &port, "-j", external_target,
                ]);
            }
        }

        // Capture load-balancer ingress.
        let lb_comment = format!("\"{name} loadbalancer IP\"");
        let fw_drop_comment = format!("\"{name} traffic not accepted by {}\"", chains.firewall);
        for ip in &info.load_balancer_vips {
            let ip = ip.to_string();
            if has_endpoints {
                self.nat_rules.write(&[
                    "-A", KUBE_SERVICES, "-m", "comment", "--comment", &lb_comment, "-m", protocol, "-p", protocol,
                    "-d", &ip, "--dport", &port, "-j", lb_chain,
                ]);
            }
            if uses_fw_chain {
                self.filter_rules.write(&[
                    "-A", KUBE_PROXY_FIREWALL, "-m", "comment", "--comment", &fw_drop_comment, "-m", protocol, "-p",
                    protocol, "-d", &ip, "--dport", &port, "-j", "DROP",
                ]);
            }
        }
        if !has_external {
            for ip in &info.load_balancer_vips {
                let ip = ip.to_string();
                self.filter_rules.write(&[
                    "-A", KUBE_EXTERNAL_SERVICES, "-m", "comment", "--comment", &external_comment, "-m", protocol,
                    "-p", protocol, "-d", &ip, "--dport", &port, "-j", external_target,
                ]);
            }
        }

        // Capture node ports.
        if info.node_port != 0 {
            let node_port = info.node_port.to_string();
            if has_endpoints {
                if self.settings.localhost_node_ports && self.family == Family::V4 && self.settings.nfacct {
                    self.nat_rules.write(&[
                        "-A", KUBE_NODEPORTS, "-m", "comment", "--comment", name, "-m", protocol, "-p", protocol,
                        "-d", "127.0.0.0/8", "--dport", &node_port, "-m", "nfacct", "--nfacct-name",
                        LOCALHOST_NODEPORT_ACCEPTED_COUNTER, "-j", external_chain,
                    ]);
                }
                self.nat_rules.write(&[
                    "-A", KUBE_NODEPORTS, "-m", "comment", "--comment", name, "-m", protocol, "-p", protocol,
                    "--dport", &node_port, "-j", external_chain,
                ]);
            }
            if !has_external {
                self.filter_rules.write(&[
                    "-A", KUBE_EXTERNAL_SERVICES, "-m", "comment", "--comment", &external_comment, "-m", "addrtype",
                    "--dst-type", "LOCAL", "-m", protocol, "-p", protocol, "--dport", &node_port, "-j",
                    external_target,
                ]);
            }
        }

        // Health check node ports are accepted whether or not there are local endpoints.
        if info.health_check_node_port != 0 {
            let hc_comment = format!("\"{name} health check node port\"");
            let hc_port = info.health_check_node_port.to_string();
            self.filter_rules.write(&[
                "-A", KUBE_NODEPORTS, "-m", "comment", "--comment", &hc_comment, "-m", "tcp", "-p", "tcp",
                "--dport", &hc_port, "-j", "ACCEPT",
            ]);
        }

        // The service's own chains: left out of a partial sync when it did not change.
        let (mut nat_chains, mut nat_rules) = if write_chains {
            (std::mem::replace(&mut self.nat_chains, Lines::new()), std::mem::replace(&mut self.nat_rules, Lines::new()))
        } else {
            (
                std::mem::replace(&mut self.skipped_chains, Lines::discarding()),
                std::mem::replace(&mut self.skipped_rules, Lines::discarding()),
            )
        };

        if has_internal {
            let mut args: Vec<&str> = vec![
                "-A", internal_chain, "-m", "comment", "--comment", &cluster_ip_comment, "-m", protocol, "-p",
                protocol, "-d", &cluster_ip, "--dport", &port,
            ];
            if self.settings.masquerade_all {
                args.extend(["-j", KUBE_MARK_MASQ]);
                nat_rules.write(&args);
            } else if !self.if_not_local.is_empty() {
                args.extend(s(&self.if_not_local));
                args.extend(["-j", KUBE_MARK_MASQ]);
                nat_rules.write(&args);
            }
        }

        if uses_external_chain {
            nat_chains.chain(external_chain);
            self.active.push(Arc::clone(&chains.external));
            if !info.external_policy_local {
                let comment = format!("\"masquerade traffic for {name} external destinations\"");
                nat_rules.write(&["-A", external_chain, "-m", "comment", "--comment", &comment, "-j", KUBE_MARK_MASQ]);
            } else {
                if !self.if_local.is_empty() {
                    let comment = format!("\"pod traffic for {name} external destinations\"");
                    let mut args: Vec<&str> = vec!["-A", external_chain, "-m", "comment", "--comment", &comment];
                    args.extend(s(&self.if_local));
                    args.extend(["-j", &*chains.cluster]);
                    nat_rules.write(&args);
                }
                let comment = format!("\"masquerade LOCAL traffic for {name} external destinations\"");
                nat_rules.write(&[
                    "-A", external_chain, "-m", "comment", "--comment", &comment, "-m", "addrtype", "--src-type",
                    "LOCAL", "-j", KUBE_MARK_MASQ,
                ]);
                let comment = format!("\"route LOCAL traffic for {name} external destinations\"");
                nat_rules.write(&[
                    "-A", external_chain, "-m", "comment", "--comment", &comment, "-m", "addrtype", "--src-type",
                    "LOCAL", "-j", &chains.cluster,
                ]);
            }
            if has_external {
                nat_rules.write(&["-A", external_chain, "-j", external_policy_chain]);
            }
        }

        if uses_fw_chain {
            let fw = &*chains.firewall;
            nat_chains.chain(fw);
            self.active.push(Arc::clone(&chains.firewall));
            let mut allow_from_node = false;
            for cidr in &info.load_balancer_source_ranges {
                let range = cidr.to_string();
                nat_rules.write(&["-A", fw, "-m", "comment", "--comment", &lb_comment, "-s", &range, "-j", external_chain]);
                if self.node_ip.is_some_and(|ip| cidr.contains(&ip)) {
                    allow_from_node = true;
                }
            }
            if allow_from_node {
                for ip in &info.load_balancer_vips {
                    let ip = ip.to_string();
                    nat_rules.write(&["-A", fw, "-m", "comment", "--comment", &lb_comment, "-s", &ip, "-j", external_chain]);
                }
            }
            let comment = format!("\"other traffic to {name} will be dropped by KUBE-PROXY-FIREWALL\"");
            nat_rules.write(&["-A", fw, "-m", "comment", "--comment", &comment]);
        }

        let endpoint_chains = &port_names.endpoints;

        if uses_cluster_chain {
            nat_chains.chain(&chains.cluster);
            self.active.push(Arc::clone(&chains.cluster));
            self.service_to_endpoints(&mut nat_rules, view, &chains.cluster, &view.categories.cluster, endpoint_chains);
        }
        if uses_local_chain {
            nat_chains.chain(&chains.local);
            self.active.push(Arc::clone(&chains.local));
            self.service_to_endpoints(&mut nat_rules, view, &chains.local, &view.categories.local, endpoint_chains);
        }

        for &index in &view.categories.all_reachable {
            let ep: &EndpointInfo = &view.endpoints[index];
            let chain = &*endpoint_chains[index].1;
            nat_chains.chain(chain);
            {
                let mut rule = nat_rules.rule();
                rule.args(&["-A", chain]);
                if !self.large_cluster {
                    rule.args(&["-m", "comment", "--comment", name]);
                }
                rule.args(&["-s", ep.ip_text(), "-j", KUBE_MARK_MASQ]);
            }
            {
                let mut rule = nat_rules.rule();
                rule.args(&["-A", chain]);
                if !self.large_cluster {
                    rule.args(&["-m", "comment", "--comment", name]);
                }
                if info.sticky_seconds.is_some() {
                    rule.args(&["-m", "recent", "--name", chain, "--set"]);
                }
                rule.args(&["-m", protocol, "-p", protocol, "-j", "DNAT", "--to-destination", &ep.endpoint]);
            }
            self.active.push(Arc::clone(&endpoint_chains[index].1));
        }

        if write_chains {
            self.nat_chains = nat_chains;
            self.nat_rules = nat_rules;
        } else {
            self.skipped_chains = nat_chains;
            self.skipped_rules = nat_rules;
        }
        self.names.put(name, port_names);
    }

    fn probability(&mut self, n: usize) -> &str {
        while self.probabilities.len() <= n {
            let next = self.probabilities.len();
            self.probabilities.push(if next == 0 { String::new() } else { probability(next) });
        }
        &self.probabilities[n]
    }

    fn service_to_endpoints(
        &mut self,
        rules: &mut Lines,
        view: &ServicePortView,
        chain: &str,
        endpoints: &[usize],
        endpoint_chains: &[(String, Arc<str>)],
    ) {
        let name = view.info.name.as_str();
        if let Some(seconds) = view.info.sticky_seconds {
            let seconds = seconds.to_string();
            for &index in endpoints {
                let ep_chain = &*endpoint_chains[index].1;
                let mut rule = rules.rule();
                rule.args(&["-A", chain]);
                if !self.large_cluster {
                    rule.args(&["-m", "comment", "--comment"]).joined(&["\"", name, " -> ", &view.endpoints[index].endpoint, "\""]);
                }
                rule.args(&["-m", "recent", "--name", ep_chain, "--rcheck", "--seconds", &seconds, "--reap", "-j", ep_chain]);
            }
        }
        let count = endpoints.len();
        if count > 1 {
            self.probability(count);
        }
        for (i, &index) in endpoints.iter().enumerate() {
            let mut rule = rules.rule();
            rule.args(&["-A", chain]);
            if !self.large_cluster {
                rule.args(&["-m", "comment", "--comment"]).joined(&["\"", name, " -> ", &view.endpoints[index].endpoint, "\""]);
            }
            if i < count - 1 {
                rule.args(&["-m", "statistic", "--mode", "random", "--probability", &self.probabilities[count - i]]);
            }
            rule.args(&["-j", &endpoint_chains[index].1]);
        }
    }
}

/// Writes the ruleset for `view` under `settings`.
pub fn write_ruleset(view: &ClusterView, settings: &NodeSettings, request: &SyncRequest) -> Ruleset {
    let ports: Vec<&ServicePortView> = view.ports.iter().collect();
    write_ports(view.family, &ports, view.total_endpoints, settings, request, &mut ChainNames::default(), String::new())
}

/// Writes the ruleset of `family` for service ports in the writers' order (see
/// `view::sorted_ports`), `total_endpoints` being their endpoints in all; chain names come from
/// `names` where it has them, and the text is written into `output`'s memory (a buffer from an
/// earlier sync, so a large ruleset does not need fresh memory each time).
pub fn write_ports(
    family: Family,
    ports: &[&ServicePortView],
    total_endpoints: usize,
    settings: &NodeSettings,
    request: &SyncRequest,
    names: &mut ChainNames,
    output: String,
) -> Ruleset {
    names.begin_sync();
    let mark = format!("{:#010x}", 1u64 << settings.masquerade_bit.min(31));
    let node_ip = settings
        .node_ips
        .iter()
        .filter_map(|ip| crate::addr::parse_ip(ip))
        .find(|ip| Family::of(ip) == family);
    // The nat rules, the bulk of the output, are written into the output's own buffer after a
    // gap for the tables' start (filter table, nat chains), which is known only at the end:
    // filled then, shifting the rules once within memory already written instead of copying
    // them into a new buffer (fresh memory is what a large ruleset costs most here).
    let gap = 2048 + ports.len() * 96 + total_endpoints * 36;
    let mut w = Writer {
        settings,
        names,
        family,
        mark_match: format!("{mark}/{mark}"),
        mark,
        if_local: local_detect_args(&settings.local_detect, true),
        if_not_local: local_detect_args(&settings.local_detect, false),
        large_cluster: total_endpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD,
        node_ip,
        filter_chains: Lines::new(),
        filter_rules: Lines::new(),
        // About what kube-proxy-shaped rules take per service port and endpoint.
        nat_chains: Lines::with_capacity(ports.len() * 64 + total_endpoints * 32),
        nat_rules: Lines::after_gap(output, gap, ports.len() * 400 + total_endpoints * 360),
        skipped_chains: Lines::discarding(),
        skipped_rules: Lines::discarding(),
        active: Vec::with_capacity(ports.len() * 2 + total_endpoints),
        no_local_internal: 0,
        no_local_external: 0,
        probabilities: Vec::new(),
    };

    for chain in [KUBE_SERVICES, KUBE_EXTERNAL_SERVICES, KUBE_FORWARD, KUBE_NODEPORTS, KUBE_PROXY_FIREWALL] {
        w.filter_chains.chain(chain);
    }
    for chain in [KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ] {
        w.nat_chains.chain(chain);
    }
    let mark = w.mark.clone();
    let mark_match = w.mark_match.clone();
    w.nat_rules.write(&["-A", KUBE_POSTROUTING, "-m", "mark", "!", "--mark", &mark_match, "-j", "RETURN"]);
    w.nat_rules.write(&["-A", KUBE_POSTROUTING, "-j", "MARK", "--xor-mark", &mark]);
    let mut masq = vec![
        "-A", KUBE_POSTROUTING, "-m", "comment", "--comment", "\"kubernetes service traffic requiring SNAT\"", "-j",
        "MASQUERADE",
    ];
    if settings.random_fully {
        masq.push("--random-fully");
    }
    w.nat_rules.write(&masq);
    w.nat_rules.write(&["-A", KUBE_MARK_MASQ, "-j", "MARK", "--or-mark", &mark]);

    let is_ipv6 = family == Family::V6;
    if !is_ipv6 && settings.localhost_node_ports {
        w.filter_chains.chain(KUBE_FIREWALL);
        w.filter_rules.write(&[
            "-A", KUBE_FIREWALL, "-m", "comment", "--comment", "\"block incoming localnet connections\"", "-d",
            "127.0.0.0/8", "!", "-s", "127.0.0.0/8", "-m", "conntrack", "!", "--ctstate", "RELATED,ESTABLISHED,DNAT",
            "-j", "DROP",
        ]);
    }

    for port in ports {
        let write_chains = request.full || request.changed_services.contains(&port.info.service);
        w.service_port(port, write_chains);
    }

    let mut deleted = 0;
    if let Some(existing) = &request.existing_nat_chains {
        let active: HashSet<&str> = w.active.iter().map(|chain| &**chain).collect();
        let mut stale: Vec<&String> =
            existing.iter().filter(|c| is_service_chain(c) && !active.contains(c.as_str())).collect();
        stale.sort();
        stale.dedup();
        for chain in stale {
            w.nat_chains.chain(chain);
            w.nat_rules.write(&["-X", chain]);
            deleted += 1;
        }
    }

    let comment = "\"kubernetes service nodeports; NOTE: this must be the last rule in this chain\"";
    match &settings.node_port_ips {
        None => {
            let mut args = vec!["-A", KUBE_SERVICES, "-m", "comment", "--comment", comment, "-m", "addrtype", "--dst-type", "LOCAL"];
            if is_ipv6 {
                args.extend(["!", "-d", "::1/128"]);
            } else if !settings.localhost_node_ports {
                args.extend(["!", "-d", "127.0.0.0/8"]);
            }
            args.extend(["-j", KUBE_NODEPORTS]);
            w.nat_rules.write(&args);
        }
        Some(ips) => {
            for ip in ips.iter().filter_map(|ip| crate::addr::parse_ip(ip)) {
                if Family::of(&ip) != family {
                    continue;
                }
                if ip.is_loopback() && (is_ipv6 || !settings.localhost_node_ports) {
                    continue;
                }
                let ip = ip.to_string();
                w.nat_rules.write(&["-A", KUBE_SERVICES, "-m", "comment", "--comment", comment, "-d", &ip, "-j", KUBE_NODEPORTS]);
            }
        }
    }

    if !settings.conntrack_tcp_liberal {
        let mut rule = vec!["-A", KUBE_FORWARD, "-m", "conntrack", "--ctstate", "INVALID"];
        if settings.nfacct {
            rule.extend(["-m", "nfacct", "--nfacct-name", CT_STATE_INVALID_DROPPED_COUNTER]);
        }
        rule.extend(["-j", "DROP"]);
        w.filter_rules.write(&rule);
    }
    w.filter_rules.write(&[
        "-A", KUBE_FORWARD, "-m", "comment", "--comment", "\"kubernetes forwarding rules\"", "-m", "mark", "--mark",
        &mark_match, "-j", "ACCEPT",
    ]);
    w.filter_rules.write(&[
        "-A", KUBE_FORWARD, "-m", "comment", "--comment", "\"kubernetes forwarding conntrack rule\"", "-m",
        "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT",
    ]);

    let mut start = String::with_capacity(w.filter_chains.text.len() + w.filter_rules.text.len() + w.nat_chains.text.len() + 32);
    start.push_str("*filter\n");
    start.push_str(&w.filter_chains.text);
    start.push_str(&w.filter_rules.text);
    start.push_str("COMMIT\n*nat\n");
    start.push_str(&w.nat_chains.text);
    let mut text = std::mem::take(&mut w.nat_rules.text);
    text.push_str("COMMIT\n");
    // The gap is spaces, so `gap` is a character boundary.
    text.replace_range(..gap, &start);
    w.names.finish_sync();

    Ruleset {
        text,
        filter_chains: w.filter_chains.count,
        filter_rules: w.filter_rules.count,
        nat_chains: w.nat_chains.count,
        nat_rules: w.nat_rules.count - deleted,
        nat_rules_total: w.nat_rules.count + w.skipped_rules.count - deleted,
        deleted_chains: deleted,
        active_nat_chains: w.active,
        large_cluster: w.large_cluster,
        no_local_endpoints_internal: w.no_local_internal,
        no_local_endpoints_external: w.no_local_external,
    }
}
