//! The kernel's inputs in plain Rust: a node's object (as the scheduler cache sees it), a pod's
//! contribution to a node's usage, the features of the pod being scheduled, and the enabled
//! plugins with their weights and arguments.

use crate::extension::{Extension, FilterExtension, ScoreExtension};

/// Resource amounts as kube-scheduler's `framework.Resource`: milli-CPU, bytes, and named
/// scalar resources (extended resources, hugepages, ...). `pods` only means something as
/// allocatable.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resources {
    pub milli_cpu: i64,
    pub memory: i64,
    pub ephemeral_storage: i64,
    pub pods: i64,
    pub scalar: Vec<(String, i64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Taint {
    pub key: String,
    pub value: String,
    /// NoSchedule, PreferNoSchedule or NoExecute.
    pub effect: String,
}

/// A node's object: everything but the pods on it, which arrive with `add_pod`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodeSpec {
    pub name: String,
    pub unschedulable: bool,
    pub allocatable: Resources,
    pub taints: Vec<Taint>,
    pub labels: Vec<(String, String)>,
    /// Every name of every image in node.status.images (normalized as kube-scheduler does,
    /// `name:latest` when untagged) with the image's size in bytes.
    pub images: Vec<(String, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HostPort {
    /// Empty means 0.0.0.0.
    pub ip: String,
    /// Empty means TCP.
    pub protocol: String,
    pub port: i32,
}

/// What one pod adds to its node: requests (Kubernetes' PodRequests), the non-zero requests
/// used for scoring, and its host ports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PodUsage {
    pub requests: Resources,
    pub non_zero_milli_cpu: i64,
    pub non_zero_memory: i64,
    pub host_ports: Vec<HostPort>,
}

impl PodUsage {
    /// What the pod being scheduled adds to the node it is assumed onto.
    pub fn of(pod: &PodQuery) -> PodUsage {
        PodUsage {
            requests: pod.requests.clone(),
            non_zero_milli_cpu: pod.non_zero_milli_cpu,
            non_zero_memory: pod.non_zero_memory,
            host_ports: pod.host_ports.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Toleration {
    /// Empty matches every key (with operator Exists).
    pub key: String,
    /// "Equal" (or empty) or "Exists"; anything else tolerates nothing.
    pub operator: String,
    pub value: String,
    /// Empty matches every effect.
    pub effect: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    pub key: String,
    /// In, NotIn, Exists, DoesNotExist, Gt, Lt.
    pub operator: String,
    pub values: Vec<String>,
}

/// One nodeSelectorTerm: the AND of its label expressions and its field expressions (only
/// `metadata.name` with In/NotIn and one value is a valid field expression). An empty term,
/// or one with an invalid requirement, matches no node, as in Kubernetes' nodeaffinity helper.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SelectorTerm {
    pub match_expressions: Vec<Requirement>,
    pub match_fields: Vec<Requirement>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PodQuery {
    /// PodRequests (max of the containers' sum and each init container, plus overhead).
    pub requests: Resources,
    /// Requests with kube-scheduler's defaults for unset cpu (100m) and memory (200Mi).
    pub non_zero_milli_cpu: i64,
    pub non_zero_memory: i64,
    /// spec.nodeName, when set.
    pub node_name: Option<String>,
    pub tolerations: Vec<Toleration>,
    /// spec.nodeSelector.
    pub node_selector: Vec<(String, String)>,
    /// requiredDuringSchedulingIgnoredDuringExecution's terms (OR), when present.
    pub required_terms: Option<Vec<SelectorTerm>>,
    /// preferredDuringSchedulingIgnoredDuringExecution: (weight, preference).
    pub preferred_terms: Vec<(i64, SelectorTerm)>,
    /// Ports with hostPort > 0.
    pub host_ports: Vec<HostPort>,
    /// The normalized image of every init and regular container.
    pub images: Vec<String>,
    /// Number of init and regular containers.
    pub containers: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterPlugin {
    NodeUnschedulable,
    NodeName,
    TaintToleration,
    NodeAffinity,
    NodePorts,
    NodeResourcesFit,
    /// A Rust plugin: index into `Profile::filter_extensions`.
    Extension(u16),
}

impl FilterPlugin {
    pub fn name(self) -> &'static str {
        match self {
            FilterPlugin::NodeUnschedulable => "NodeUnschedulable",
            FilterPlugin::NodeName => "NodeName",
            FilterPlugin::TaintToleration => "TaintToleration",
            FilterPlugin::NodeAffinity => "NodeAffinity",
            FilterPlugin::NodePorts => "NodePorts",
            FilterPlugin::NodeResourcesFit => "NodeResourcesFit",
            FilterPlugin::Extension(_) => "Extension",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "NodeUnschedulable" => FilterPlugin::NodeUnschedulable,
            "NodeName" => FilterPlugin::NodeName,
            "TaintToleration" => FilterPlugin::TaintToleration,
            "NodeAffinity" => FilterPlugin::NodeAffinity,
            "NodePorts" => FilterPlugin::NodePorts,
            "NodeResourcesFit" => FilterPlugin::NodeResourcesFit,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResourceSpec {
    pub name: String,
    pub weight: i64,
}

/// One point of RequestedToCapacityRatio's shape: utilization 0..=100, score 0..=10.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShapePoint {
    pub utilization: i64,
    pub score: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ScoringStrategy {
    LeastAllocated,
    MostAllocated,
    RequestedToCapacityRatio(Vec<ShapePoint>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ScorePlugin {
    /// NodeResourcesFit's score with its strategy and resources.
    NodeResourcesFit {
        strategy: ScoringStrategy,
        resources: Vec<ResourceSpec>,
    },
    NodeResourcesBalancedAllocation {
        resources: Vec<ResourceSpec>,
    },
    TaintToleration,
    NodeAffinity,
    ImageLocality,
    /// A Rust plugin from the extension registry.
    Extension(Extension<dyn ScoreExtension>),
}

impl ScorePlugin {
    pub fn name(&self) -> &str {
        match self {
            ScorePlugin::NodeResourcesFit { .. } => "NodeResourcesFit",
            ScorePlugin::NodeResourcesBalancedAllocation { .. } => {
                "NodeResourcesBalancedAllocation"
            }
            ScorePlugin::TaintToleration => "TaintToleration",
            ScorePlugin::NodeAffinity => "NodeAffinity",
            ScorePlugin::ImageLocality => "ImageLocality",
            ScorePlugin::Extension(extension) => &extension.name,
        }
    }
}

/// NodeResourcesFitArgs' filter side: extended resources the filter does not check.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FitFilterArgs {
    pub ignored_resources: Vec<String>,
    pub ignored_resource_groups: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    /// Filters in the order they run; the first that rejects a node decides its status.
    pub filters: Vec<FilterPlugin>,
    /// The Rust filter plugins `FilterPlugin::Extension` points at.
    pub filter_extensions: Vec<Extension<dyn FilterExtension>>,
    pub fit: FitFilterArgs,
    /// Score plugins with their weights.
    pub scores: Vec<(ScorePlugin, i64)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    /// Position in the node order where filtering starts (taken modulo the node count).
    pub start: usize,
    /// Stop filtering once this many feasible nodes are found (numFeasibleNodesToFind).
    pub feasible_to_find: usize,
    /// Score the feasible nodes (false when more filters run elsewhere before scoring).
    pub score: bool,
    /// Return each score plugin's weighted score per feasible node.
    pub plugin_scores: bool,
}
