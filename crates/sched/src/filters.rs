//! The filter plugins over one node: each returns whether the node passes and, when it does
//! not, pushes Kubernetes' reason strings (as `Reason`s, turned into text once per call).

use crate::cluster::{Cluster, NodeTaint, PortKey};
use crate::extension::NodeView;
use crate::intern::Sym;
use crate::model::FilterPlugin;
use crate::plan::Plan;
use crate::query::{CompiledToleration, TolerationOperator};

pub const UNSCHEDULABLE: &str = "node(s) were unschedulable";
pub const NODE_NAME: &str = "node(s) didn't match the requested node name";
pub const NODE_AFFINITY: &str = "node(s) didn't match Pod's node affinity/selector";
pub const NODE_PORTS: &str = "node(s) didn't have free ports for the requested pod ports";
pub const TOO_MANY_PODS: &str = "Too many pods";
pub const INSUFFICIENT_CPU: &str = "Insufficient cpu";
pub const INSUFFICIENT_MEMORY: &str = "Insufficient memory";
pub const INSUFFICIENT_EPHEMERAL: &str = "Insufficient ephemeral-storage";

/// One reason a node failed a filter, kept symbolic until the call's reasons are rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    Fixed(&'static str),
    /// "node(s) had untolerated taint {key: value}".
    Taint {
        key: Sym,
        value: Sym,
    },
    /// "Insufficient <resource>", by index into the pod's scalar requests.
    InsufficientScalar(usize),
    /// A Rust filter plugin's reason, by index into the profile's filter extensions.
    Extension(u16),
}

/// Whether the plugin's rejection is UnschedulableAndUnresolvable (preemption cannot help).
pub fn unresolvable(plugin: FilterPlugin) -> bool {
    !matches!(
        plugin,
        FilterPlugin::NodePorts | FilterPlugin::NodeResourcesFit | FilterPlugin::Extension(_)
    )
}

pub fn tolerates(toleration: &CompiledToleration, taint: &NodeTaint) -> bool {
    if toleration
        .effect
        .is_some_and(|effect| effect != taint.effect)
    {
        return false;
    }
    if toleration.key.is_some_and(|key| key != taint.key) {
        return false;
    }
    match toleration.operator {
        TolerationOperator::Equal => toleration.value == taint.value,
        TolerationOperator::Exists => true,
        TolerationOperator::Invalid => false,
    }
}

pub fn tolerated(tolerations: &[CompiledToleration], taint: &NodeTaint) -> bool {
    tolerations
        .iter()
        .any(|toleration| tolerates(toleration, taint))
}

/// Which filters a profile enables, for the fused pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Enabled {
    pub node_unschedulable: bool,
    pub node_name: bool,
    pub taint_toleration: bool,
    pub node_affinity: bool,
    pub node_ports: bool,
    pub node_resources_fit: bool,
    pub extensions: bool,
}

impl Enabled {
    pub fn of(filters: &[FilterPlugin]) -> Enabled {
        let mut enabled = Enabled::default();
        for plugin in filters {
            match plugin {
                FilterPlugin::NodeUnschedulable => enabled.node_unschedulable = true,
                FilterPlugin::NodeName => enabled.node_name = true,
                FilterPlugin::TaintToleration => enabled.taint_toleration = true,
                FilterPlugin::NodeAffinity => enabled.node_affinity = true,
                FilterPlugin::NodePorts => enabled.node_ports = true,
                FilterPlugin::NodeResourcesFit => enabled.node_resources_fit = true,
                FilterPlugin::Extension(_) => enabled.extensions = true,
            }
        }
        enabled
    }
}

#[inline(always)]
fn unschedulable_ok(plan: &Plan<'_>, slot: usize) -> bool {
    plan.tolerates_unschedulable || !plan.cluster.unschedulable.get(slot)
}

#[inline(always)]
fn node_name_ok(plan: &Plan<'_>, slot: usize) -> bool {
    plan.pod
        .node_name
        .is_none_or(|name| name == plan.cluster.name.get(slot))
}

/// The first of the node's NoSchedule/NoExecute taints the pod does not tolerate.
#[inline(always)]
fn untolerated_taint(plan: &Plan<'_>, slot: usize) -> Option<u32> {
    let cluster = plan.cluster;
    if cluster.taint_mask.get(slot) & plan.hard_mask == 0 {
        return None;
    }
    cluster.taints[slot]
        .iter()
        .copied()
        .find(|&id| plan.untolerated_hard[id as usize])
}

#[inline(always)]
fn ports_ok(plan: &Plan<'_>, slot: usize) -> bool {
    let cluster = plan.cluster;
    plan.pod.host_ports.is_empty()
        || cluster.ports[slot].is_empty()
        || !plan
            .pod
            .host_ports
            .iter()
            .any(|port| port_conflicts(cluster, slot, port))
}

/// Whether every enabled filter passes the node: one fused check per node, without reasons
/// (a rejected node goes through `run` in profile order for its verdict).
#[inline(always)]
pub fn all_pass(enabled: &Enabled, plan: &Plan<'_>, slot: usize) -> bool {
    (!enabled.node_resources_fit || fit_ok(plan, slot))
        && (!enabled.node_unschedulable || unschedulable_ok(plan, slot))
        && (!enabled.taint_toleration || untolerated_taint(plan, slot).is_none())
        && (!enabled.node_name || node_name_ok(plan, slot))
        && (!enabled.node_affinity || plan.affinity_free || plan.required_affinity_matches(slot))
        && (!enabled.node_ports || ports_ok(plan, slot))
        && (!enabled.extensions || extensions_ok(plan, slot))
}

fn extension_ok(plan: &Plan<'_>, index: u16, slot: usize) -> bool {
    let node = NodeView::new(plan.cluster, slot);
    plan.filter_extensions[usize::from(index)]
        .plugin
        .filter(plan.query, &node)
}

fn extensions_ok(plan: &Plan<'_>, slot: usize) -> bool {
    (0..plan.filter_extensions.len()).all(|index| extension_ok(plan, index as u16, slot))
}

/// Runs one filter on the node at `slot`; false (with reasons pushed) when it rejects.
pub fn run(plugin: FilterPlugin, plan: &Plan<'_>, slot: usize, reasons: &mut Vec<Reason>) -> bool {
    let cluster = plan.cluster;
    let (passes, reason) = match plugin {
        FilterPlugin::NodeUnschedulable => {
            (unschedulable_ok(plan, slot), Reason::Fixed(UNSCHEDULABLE))
        }
        FilterPlugin::NodeName => (node_name_ok(plan, slot), Reason::Fixed(NODE_NAME)),
        FilterPlugin::TaintToleration => match untolerated_taint(plan, slot) {
            Some(id) => {
                let taint = cluster.taint_table[id as usize];
                (
                    false,
                    Reason::Taint {
                        key: taint.key,
                        value: taint.value,
                    },
                )
            }
            None => (true, Reason::Fixed("")),
        },
        FilterPlugin::NodeAffinity => (
            plan.required_affinity_matches(slot),
            Reason::Fixed(NODE_AFFINITY),
        ),
        FilterPlugin::NodePorts => (ports_ok(plan, slot), Reason::Fixed(NODE_PORTS)),
        FilterPlugin::NodeResourcesFit => return fits(plan, slot, reasons),
        FilterPlugin::Extension(index) => {
            (extension_ok(plan, index, slot), Reason::Extension(index))
        }
    };
    if !passes {
        reasons.push(reason);
    }
    passes
}

/// Kubernetes' HostPortInfo.CheckConflict: 0.0.0.0 conflicts with every ip on the same
/// protocol and port.
fn port_conflicts(cluster: &Cluster, slot: usize, wanted: &PortKey) -> bool {
    let any_ip = cluster.known.any_ip;
    cluster.ports[slot].iter().any(|(used, _)| {
        used.port == wanted.port
            && used.protocol == wanted.protocol
            && (wanted.ip == any_ip || used.ip == any_ip || used.ip == wanted.ip)
    })
}

#[inline(always)]
fn fit_ok(plan: &Plan<'_>, slot: usize) -> bool {
    let cluster = plan.cluster;
    let pod = plan.pod;
    if cluster.pod_count.get(slot) + 1 > cluster.alloc_pods.get(slot) {
        return false;
    }
    if plan.requests_nothing {
        return true;
    }
    !(pod.milli_cpu > 0 && pod.milli_cpu > cluster.alloc_cpu.get(slot) - cluster.req_cpu.get(slot)
        || pod.memory > 0
            && pod.memory > cluster.alloc_memory.get(slot) - cluster.req_memory.get(slot)
        || pod.ephemeral_storage > 0
            && pod.ephemeral_storage
                > cluster.alloc_ephemeral.get(slot) - cluster.req_ephemeral.get(slot))
        && plan.scalar_checks.iter().all(|check| {
            let allocatable = check.allocatable.map_or(0, |column| column.get(slot));
            let requested = check.requested.map_or(0, |column| column.get(slot));
            check.amount <= allocatable - requested
        })
}

fn fits(plan: &Plan<'_>, slot: usize, reasons: &mut Vec<Reason>) -> bool {
    let cluster = plan.cluster;
    let pod = plan.pod;
    let before = reasons.len();
    if cluster.pod_count.get(slot) + 1 > cluster.alloc_pods.get(slot) {
        reasons.push(Reason::Fixed(TOO_MANY_PODS));
    }
    if plan.requests_nothing {
        return reasons.len() == before;
    }
    if pod.milli_cpu > 0 && pod.milli_cpu > cluster.alloc_cpu.get(slot) - cluster.req_cpu.get(slot)
    {
        reasons.push(Reason::Fixed(INSUFFICIENT_CPU));
    }
    if pod.memory > 0 && pod.memory > cluster.alloc_memory.get(slot) - cluster.req_memory.get(slot)
    {
        reasons.push(Reason::Fixed(INSUFFICIENT_MEMORY));
    }
    if pod.ephemeral_storage > 0
        && pod.ephemeral_storage
            > cluster.alloc_ephemeral.get(slot) - cluster.req_ephemeral.get(slot)
    {
        reasons.push(Reason::Fixed(INSUFFICIENT_EPHEMERAL));
    }
    for check in &plan.scalar_checks {
        let allocatable = check.allocatable.map_or(0, |column| column.get(slot));
        let requested = check.requested.map_or(0, |column| column.get(slot));
        if check.amount > allocatable - requested {
            reasons.push(Reason::InsufficientScalar(check.index));
        }
    }
    reasons.len() == before
}
