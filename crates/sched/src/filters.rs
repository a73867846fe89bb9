//! The filter plugins over one node: each returns whether the node passes and, when it does
//! not, pushes Kubernetes' reason strings (as `Reason`s, turned into text once per call).

use crate::cluster::{Cluster, NodeTaint, PortKey, TAINT_OVERFLOW};
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

/// A reason whose text never varies (compared as a number while a call collects reasons).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fixed {
    Unschedulable,
    NodeName,
    NodeAffinity,
    NodePorts,
    TooManyPods,
    InsufficientCpu,
    InsufficientMemory,
    InsufficientEphemeral,
}

impl Fixed {
    pub fn text(self) -> &'static str {
        match self {
            Fixed::Unschedulable => UNSCHEDULABLE,
            Fixed::NodeName => NODE_NAME,
            Fixed::NodeAffinity => NODE_AFFINITY,
            Fixed::NodePorts => NODE_PORTS,
            Fixed::TooManyPods => TOO_MANY_PODS,
            Fixed::InsufficientCpu => INSUFFICIENT_CPU,
            Fixed::InsufficientMemory => INSUFFICIENT_MEMORY,
            Fixed::InsufficientEphemeral => INSUFFICIENT_EPHEMERAL,
        }
    }
}

/// One reason a node failed a filter, kept symbolic until the call's reasons are rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    Fixed(Fixed),
    /// "node(s) had untolerated taint(s)"; the taint is kept for explanations.
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

/// The profile's filters that can reject some node for this pod, in profile order, each with
/// its index in the profile: a filter that passes every node for this pod (no nodeName, no
/// required affinity, no host ports, no untolerated NoSchedule/NoExecute taint, the
/// unschedulable taint tolerated) is left out of the per-node loop.
pub fn active(filters: &[FilterPlugin], plan: &Plan<'_>) -> Vec<(u8, FilterPlugin)> {
    filters
        .iter()
        .enumerate()
        .filter(|(_, plugin)| match plugin {
            FilterPlugin::NodeUnschedulable => !plan.tolerates_unschedulable,
            FilterPlugin::NodeName => plan.pod.node_name.is_some(),
            FilterPlugin::TaintToleration => plan.untolerated_hard.contains(&true),
            FilterPlugin::NodeAffinity => !plan.affinity_free,
            FilterPlugin::NodePorts => !plan.pod.host_ports.is_empty(),
            FilterPlugin::NodeResourcesFit | FilterPlugin::Extension(_) => true,
        })
        .map(|(position, plugin)| (position as u8, *plugin))
        .collect()
}

#[inline(always)]
fn taint_ok(plan: &Plan<'_>, slot: usize) -> bool {
    let mask = plan.cluster.taint_mask.get(slot);
    if mask & plan.hard_mask == 0 {
        return true;
    }
    // Without the overflow bit the mask lists every taint of the node: one is untolerated.
    mask & TAINT_OVERFLOW != 0 && untolerated_taint(plan, slot).is_none()
}

/// Bit i set when the filter passes `block[i]`; only the nodes in `candidates` (still passing
/// the filters before it) need a correct bit.
#[inline(always)]
pub fn pass_bits(plugin: FilterPlugin, plan: &Plan<'_>, block: &[u32], candidates: u64) -> u64 {
    let cluster = plan.cluster;
    let mut bits = 0u64;
    match plugin {
        FilterPlugin::NodeResourcesFit => {
            for (at, &slot) in block.iter().enumerate() {
                bits |= u64::from(fit_ok(plan, slot as usize)) << at;
            }
        }
        FilterPlugin::NodeUnschedulable => {
            for (at, &slot) in block.iter().enumerate() {
                bits |= u64::from(!cluster.unschedulable.get(slot as usize)) << at;
            }
        }
        FilterPlugin::TaintToleration => {
            for (at, &slot) in block.iter().enumerate() {
                let mask = cluster.taint_mask.get(slot as usize);
                bits |= u64::from(mask & plan.hard_mask == 0) << at;
            }
            // A node past the mask's 63 taint ids: its list decides.
            let mut overflow = candidates & !bits;
            while overflow != 0 {
                let at = overflow.trailing_zeros() as usize;
                overflow &= overflow - 1;
                if taint_ok(plan, block[at] as usize) {
                    bits |= 1 << at;
                }
            }
        }
        FilterPlugin::NodeAffinity => {
            for (at, &slot) in block.iter().enumerate() {
                bits |= u64::from(plan.required_affinity_matches(slot as usize)) << at;
            }
        }
        plugin => {
            // The rest are rarely active (a nodeName, host ports, Rust filters): only the
            // candidates are checked.
            let mut left = candidates;
            while left != 0 {
                let at = left.trailing_zeros() as usize;
                left &= left - 1;
                if passes(plugin, plan, block[at] as usize) {
                    bits |= 1 << at;
                }
            }
        }
    }
    bits
}

/// Whether one filter passes the node, without its reasons.
#[inline(always)]
pub fn passes(plugin: FilterPlugin, plan: &Plan<'_>, slot: usize) -> bool {
    match plugin {
        FilterPlugin::NodeUnschedulable => unschedulable_ok(plan, slot),
        FilterPlugin::NodeName => node_name_ok(plan, slot),
        FilterPlugin::TaintToleration => taint_ok(plan, slot),
        FilterPlugin::NodeAffinity => plan.required_affinity_matches(slot),
        FilterPlugin::NodePorts => ports_ok(plan, slot),
        FilterPlugin::NodeResourcesFit => fit_ok(plan, slot),
        FilterPlugin::Extension(index) => extension_ok(plan, index, slot),
    }
}

fn extension_ok(plan: &Plan<'_>, index: u16, slot: usize) -> bool {
    let node = NodeView::new(plan.cluster, slot);
    plan.filter_extensions[usize::from(index)]
        .plugin
        .filter(plan.query, &node)
}

/// The one reason the filter gives every node it rejects, when it has one.
pub fn fixed_reason(plugin: FilterPlugin) -> Option<Reason> {
    match plugin {
        FilterPlugin::NodeUnschedulable => Some(Reason::Fixed(Fixed::Unschedulable)),
        FilterPlugin::NodeName => Some(Reason::Fixed(Fixed::NodeName)),
        FilterPlugin::NodeAffinity => Some(Reason::Fixed(Fixed::NodeAffinity)),
        FilterPlugin::NodePorts => Some(Reason::Fixed(Fixed::NodePorts)),
        FilterPlugin::Extension(index) => Some(Reason::Extension(index)),
        FilterPlugin::TaintToleration | FilterPlugin::NodeResourcesFit => None,
    }
}

/// Runs one filter on the node at `slot`; false (with reasons pushed) when it rejects.
pub fn run(plugin: FilterPlugin, plan: &Plan<'_>, slot: usize, reasons: &mut Vec<Reason>) -> bool {
    let cluster = plan.cluster;
    let (passes, reason) = match plugin {
        FilterPlugin::NodeUnschedulable => (
            unschedulable_ok(plan, slot),
            Reason::Fixed(Fixed::Unschedulable),
        ),
        FilterPlugin::NodeName => (node_name_ok(plan, slot), Reason::Fixed(Fixed::NodeName)),
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
            None => (true, Reason::Fixed(Fixed::Unschedulable)),
        },
        FilterPlugin::NodeAffinity => (
            plan.required_affinity_matches(slot),
            Reason::Fixed(Fixed::NodeAffinity),
        ),
        FilterPlugin::NodePorts => (ports_ok(plan, slot), Reason::Fixed(Fixed::NodePorts)),
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
    // Without short-circuits (see `Plan::term_matches`).
    let cluster = plan.cluster;
    let pod = plan.pod;
    let pods_ok = cluster.pod_count.get(slot) < cluster.alloc_pods.get(slot);
    if plan.requests_nothing {
        return pods_ok;
    }
    let cpu_short = (pod.milli_cpu > 0)
        & (pod.milli_cpu > cluster.alloc_cpu.get(slot) - cluster.req_cpu.get(slot));
    let memory_short = (pod.memory > 0)
        & (pod.memory > cluster.alloc_memory.get(slot) - cluster.req_memory.get(slot));
    let ephemeral_short = (pod.ephemeral_storage > 0)
        & (pod.ephemeral_storage
            > cluster.alloc_ephemeral.get(slot) - cluster.req_ephemeral.get(slot));
    let scalar_ok = plan.scalar_checks.iter().fold(true, |all, check| {
        let allocatable = check.allocatable.map_or(0, |column| column.get(slot));
        let requested = check.requested.map_or(0, |column| column.get(slot));
        all & (check.amount <= allocatable - requested)
    });
    pods_ok & !(cpu_short | memory_short | ephemeral_short) & scalar_ok
}

fn fits(plan: &Plan<'_>, slot: usize, reasons: &mut Vec<Reason>) -> bool {
    let cluster = plan.cluster;
    let pod = plan.pod;
    let before = reasons.len();
    if cluster.pod_count.get(slot) + 1 > cluster.alloc_pods.get(slot) {
        reasons.push(Reason::Fixed(Fixed::TooManyPods));
    }
    if plan.requests_nothing {
        return reasons.len() == before;
    }
    if pod.milli_cpu > 0 && pod.milli_cpu > cluster.alloc_cpu.get(slot) - cluster.req_cpu.get(slot)
    {
        reasons.push(Reason::Fixed(Fixed::InsufficientCpu));
    }
    if pod.memory > 0 && pod.memory > cluster.alloc_memory.get(slot) - cluster.req_memory.get(slot)
    {
        reasons.push(Reason::Fixed(Fixed::InsufficientMemory));
    }
    if pod.ephemeral_storage > 0
        && pod.ephemeral_storage
            > cluster.alloc_ephemeral.get(slot) - cluster.req_ephemeral.get(slot)
    {
        reasons.push(Reason::Fixed(Fixed::InsufficientEphemeral));
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
