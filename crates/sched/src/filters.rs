//! The filter plugins over one node: each returns whether the node passes and, when it does
//! not, pushes Kubernetes' reason strings (as `Reason`s, turned into text once per call).

use crate::cluster::{Cluster, NodeTaint, PortKey};
use crate::intern::{Sym, UNKNOWN};
use crate::model::FilterPlugin;
use crate::query::{
    Clause, CompiledPod, CompiledTerm, CompiledToleration, LabelTest, TolerationOperator,
};

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
}

/// Whether the plugin's rejection is UnschedulableAndUnresolvable (preemption cannot help).
pub fn unresolvable(plugin: FilterPlugin) -> bool {
    !matches!(
        plugin,
        FilterPlugin::NodePorts | FilterPlugin::NodeResourcesFit
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

/// Runs one filter on the node at `slot`; false (with reasons pushed) when it rejects.
pub fn run(
    plugin: FilterPlugin,
    cluster: &Cluster,
    pod: &CompiledPod,
    slot: usize,
    reasons: &mut Vec<Reason>,
) -> bool {
    match plugin {
        FilterPlugin::NodeUnschedulable => node_unschedulable(cluster, pod, slot, reasons),
        FilterPlugin::NodeName => match pod.node_name {
            Some(name) if name != cluster.name.get(slot) => {
                reasons.push(Reason::Fixed(NODE_NAME));
                false
            }
            _ => true,
        },
        FilterPlugin::TaintToleration => taint_toleration(cluster, pod, slot, reasons),
        FilterPlugin::NodeAffinity => {
            if required_affinity_matches(cluster, pod, slot) {
                true
            } else {
                reasons.push(Reason::Fixed(NODE_AFFINITY));
                false
            }
        }
        FilterPlugin::NodePorts => {
            if pod
                .host_ports
                .iter()
                .any(|port| port_conflicts(cluster, slot, port))
            {
                reasons.push(Reason::Fixed(NODE_PORTS));
                false
            } else {
                true
            }
        }
        FilterPlugin::NodeResourcesFit => fits(cluster, pod, slot, reasons),
    }
}

fn node_unschedulable(
    cluster: &Cluster,
    pod: &CompiledPod,
    slot: usize,
    reasons: &mut Vec<Reason>,
) -> bool {
    if !cluster.unschedulable.get(slot) {
        return true;
    }
    let taint = NodeTaint {
        key: cluster.known.unschedulable_taint,
        value: cluster.known.empty,
        effect: cluster.known.no_schedule,
    };
    if tolerated(&pod.tolerations, &taint) {
        return true;
    }
    reasons.push(Reason::Fixed(UNSCHEDULABLE));
    false
}

fn taint_toleration(
    cluster: &Cluster,
    pod: &CompiledPod,
    slot: usize,
    reasons: &mut Vec<Reason>,
) -> bool {
    let known = &cluster.known;
    let untolerated = cluster.taints[slot].iter().find(|taint| {
        (taint.effect == known.no_schedule || taint.effect == known.no_execute)
            && !tolerated(&pod.tolerations, taint)
    });
    match untolerated {
        Some(taint) => {
            reasons.push(Reason::Taint {
                key: taint.key,
                value: taint.value,
            });
            false
        }
        None => true,
    }
}

fn label(cluster: &Cluster, key: Sym, slot: usize) -> Sym {
    match cluster.label_columns.get(&key) {
        Some(column) => column.get(slot),
        None => UNKNOWN,
    }
}

pub fn term_matches(cluster: &Cluster, term: &CompiledTerm, slot: usize) -> bool {
    if term.never {
        return false;
    }
    term.clauses.iter().all(|clause| match clause {
        Clause::NameIs(name) => cluster.name.get(slot) == *name,
        Clause::NameIsNot(name) => cluster.name.get(slot) != *name,
        Clause::Label { key, test } => {
            let value = label(cluster, *key, slot);
            let present = value != UNKNOWN;
            match test {
                LabelTest::In(values) => present && values.contains(&value),
                LabelTest::NotIn(values) => !present || !values.contains(&value),
                LabelTest::Exists => present,
                LabelTest::DoesNotExist => !present,
                LabelTest::Gt(bound) => {
                    present && cluster.strings.int(value).is_some_and(|v| v > *bound)
                }
                LabelTest::Lt(bound) => {
                    present && cluster.strings.int(value).is_some_and(|v| v < *bound)
                }
            }
        }
    })
}

/// spec.nodeSelector and the required node affinity terms (OR) both hold.
pub fn required_affinity_matches(cluster: &Cluster, pod: &CompiledPod, slot: usize) -> bool {
    let selector = pod
        .node_selector
        .iter()
        .all(|(key, value)| *value != UNKNOWN && label(cluster, *key, slot) == *value);
    if !selector {
        return false;
    }
    match &pod.required {
        Some(terms) => terms.iter().any(|term| term_matches(cluster, term, slot)),
        None => true,
    }
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

fn fits(cluster: &Cluster, pod: &CompiledPod, slot: usize, reasons: &mut Vec<Reason>) -> bool {
    let before = reasons.len();
    if cluster.pod_count.get(slot) + 1 > cluster.alloc_pods.get(slot) {
        reasons.push(Reason::Fixed(TOO_MANY_PODS));
    }
    if pod.milli_cpu == 0 && pod.memory == 0 && pod.ephemeral_storage == 0 && pod.scalar.is_empty()
    {
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
    for (index, request) in pod.scalar.iter().enumerate() {
        if request.amount == 0 || request.ignored_by_filter {
            continue;
        }
        let allocatable = cluster
            .scalar_alloc
            .get(&request.resource)
            .map_or(0, |column| column.get(slot));
        let requested = cluster
            .scalar_req
            .get(&request.resource)
            .map_or(0, |column| column.get(slot));
        if request.amount > allocatable - requested {
            reasons.push(Reason::InsufficientScalar(index));
        }
    }
    reasons.len() == before
}
