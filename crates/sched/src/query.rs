//! A pod's features resolved against the cluster's interned strings once per scheduling call,
//! so the per-node loops only compare integers.

use crate::cluster::{Cluster, PortKey};
use crate::intern::Sym;
use crate::model::{FitFilterArgs, PodQuery, Requirement, SelectorTerm, Toleration};

#[derive(Debug, Clone)]
pub struct ScalarRequest {
    pub resource: Sym,
    pub name: String,
    pub amount: i64,
    /// NodeResourcesFit's filter skips it (ignoredResources / ignoredResourceGroups).
    pub ignored_by_filter: bool,
}

#[derive(Debug, Clone, Copy)]
pub enum TolerationOperator {
    Equal,
    Exists,
    /// An operator Kubernetes does not know tolerates nothing.
    Invalid,
}

#[derive(Debug, Clone, Copy)]
pub struct CompiledToleration {
    /// None: empty key (matches every key).
    pub key: Option<Sym>,
    pub operator: TolerationOperator,
    pub value: Sym,
    /// None: empty effect (matches every effect).
    pub effect: Option<Sym>,
}

#[derive(Debug, Clone)]
pub enum LabelTest {
    In(Vec<Sym>),
    NotIn(Vec<Sym>),
    Exists,
    DoesNotExist,
    Gt(i64),
    Lt(i64),
}

#[derive(Debug, Clone)]
pub enum Clause {
    Label { key: Sym, test: LabelTest },
    NameIs(Sym),
    NameIsNot(Sym),
}

/// The AND of its clauses; `never` for an empty or invalid term.
#[derive(Debug, Clone)]
pub struct CompiledTerm {
    pub clauses: Vec<Clause>,
    pub never: bool,
}

#[derive(Debug, Clone)]
pub struct CompiledPod {
    pub milli_cpu: i64,
    pub memory: i64,
    pub ephemeral_storage: i64,
    pub scalar: Vec<ScalarRequest>,
    pub non_zero_milli_cpu: i64,
    pub non_zero_memory: i64,
    pub node_name: Option<Sym>,
    pub tolerations: Vec<CompiledToleration>,
    pub node_selector: Vec<(Sym, Sym)>,
    pub required: Option<Vec<CompiledTerm>>,
    pub preferred: Vec<(i64, CompiledTerm)>,
    pub host_ports: Vec<PortKey>,
    pub images: Vec<Sym>,
    pub containers: i64,
}

/// Kubernetes' IsExtendedResourceName: with a domain prefix outside kubernetes.io, and not a
/// quota `requests.` name.
pub fn is_extended_resource(name: &str) -> bool {
    name.contains('/')
        && !name.starts_with("kubernetes.io/")
        && !name.contains(".kubernetes.io/")
        && !name.starts_with("requests.")
}

impl CompiledPod {
    pub fn new(cluster: &Cluster, pod: &PodQuery, fit: &FitFilterArgs) -> CompiledPod {
        let strings = &cluster.strings;
        let scalar = pod
            .requests
            .scalar
            .iter()
            .map(|(name, amount)| {
                let group = name.split('/').next().unwrap_or("");
                let ignored_by_filter = is_extended_resource(name)
                    && (fit.ignored_resources.iter().any(|ignored| ignored == name)
                        || fit
                            .ignored_resource_groups
                            .iter()
                            .any(|ignored| ignored == group));
                ScalarRequest {
                    resource: strings.lookup(name),
                    name: name.clone(),
                    amount: *amount,
                    ignored_by_filter,
                }
            })
            .collect();
        CompiledPod {
            milli_cpu: pod.requests.milli_cpu,
            memory: pod.requests.memory,
            ephemeral_storage: pod.requests.ephemeral_storage,
            scalar,
            non_zero_milli_cpu: pod.non_zero_milli_cpu,
            non_zero_memory: pod.non_zero_memory,
            node_name: pod
                .node_name
                .as_deref()
                .filter(|name| !name.is_empty())
                .map(|name| strings.lookup(name)),
            tolerations: pod
                .tolerations
                .iter()
                .map(|toleration| compile_toleration(cluster, toleration))
                .collect(),
            node_selector: pod
                .node_selector
                .iter()
                .map(|(key, value)| (strings.lookup(key), strings.lookup(value)))
                .collect(),
            required: pod.required_terms.as_ref().map(|terms| {
                terms
                    .iter()
                    .map(|term| compile_term(cluster, term))
                    .collect()
            }),
            preferred: pod
                .preferred_terms
                .iter()
                .filter(|(weight, _)| *weight != 0)
                .map(|(weight, term)| (*weight, compile_term(cluster, term)))
                .collect(),
            host_ports: pod
                .host_ports
                .iter()
                .filter(|port| port.port > 0)
                .map(|port| PortKey {
                    ip: if port.ip.is_empty() {
                        cluster.known.any_ip
                    } else {
                        strings.lookup(&port.ip)
                    },
                    protocol: if port.protocol.is_empty() {
                        cluster.known.tcp
                    } else {
                        strings.lookup(&port.protocol)
                    },
                    port: port.port,
                })
                .collect(),
            images: pod
                .images
                .iter()
                .map(|image| strings.lookup(image))
                .collect(),
            containers: pod.containers,
        }
    }
}

fn compile_toleration(cluster: &Cluster, toleration: &Toleration) -> CompiledToleration {
    let strings = &cluster.strings;
    CompiledToleration {
        key: (!toleration.key.is_empty()).then(|| strings.lookup(&toleration.key)),
        operator: match toleration.operator.as_str() {
            "" | "Equal" => TolerationOperator::Equal,
            "Exists" => TolerationOperator::Exists,
            _ => TolerationOperator::Invalid,
        },
        value: strings.lookup(&toleration.value),
        effect: (!toleration.effect.is_empty()).then(|| strings.lookup(&toleration.effect)),
    }
}

fn single_int(values: &[String]) -> Option<i64> {
    match values {
        [value] => crate::intern::parse_int64(value),
        _ => None,
    }
}

fn compile_label(cluster: &Cluster, requirement: &Requirement) -> Option<Clause> {
    let values = &requirement.values;
    let syms = || {
        values
            .iter()
            .map(|value| cluster.strings.lookup(value))
            .collect::<Vec<Sym>>()
    };
    let test = match requirement.operator.as_str() {
        "In" if !values.is_empty() => LabelTest::In(syms()),
        "NotIn" if !values.is_empty() => LabelTest::NotIn(syms()),
        "Exists" if values.is_empty() => LabelTest::Exists,
        "DoesNotExist" if values.is_empty() => LabelTest::DoesNotExist,
        "Gt" => LabelTest::Gt(single_int(values)?),
        "Lt" => LabelTest::Lt(single_int(values)?),
        _ => return None,
    };
    Some(Clause::Label {
        key: cluster.strings.lookup(&requirement.key),
        test,
    })
}

fn compile_field(cluster: &Cluster, requirement: &Requirement) -> Option<Clause> {
    if requirement.key != "metadata.name" || requirement.values.len() != 1 {
        return None;
    }
    let name = cluster.strings.lookup(&requirement.values[0]);
    match requirement.operator.as_str() {
        "In" => Some(Clause::NameIs(name)),
        "NotIn" => Some(Clause::NameIsNot(name)),
        _ => None,
    }
}

pub fn compile_term(cluster: &Cluster, term: &SelectorTerm) -> CompiledTerm {
    let empty = term.match_expressions.is_empty() && term.match_fields.is_empty();
    let clauses: Option<Vec<Clause>> = term
        .match_expressions
        .iter()
        .map(|requirement| compile_label(cluster, requirement))
        .chain(
            term.match_fields
                .iter()
                .map(|requirement| compile_field(cluster, requirement)),
        )
        .collect();
    match clauses {
        Some(clauses) if !empty => CompiledTerm {
            clauses,
            never: false,
        },
        _ => CompiledTerm {
            clauses: Vec::new(),
            never: true,
        },
    }
}
