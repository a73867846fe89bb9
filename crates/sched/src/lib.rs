//! Rudder's scheduling kernel: node state as struct-of-arrays, updated incrementally, and
//! kube-scheduler's filter and score plugins run over it in one call per pod.
//!
//! Supported natively: NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts,
//! NodeResourcesFit (filter; LeastAllocated, MostAllocated and RequestedToCapacityRatio
//! scores), NodeResourcesBalancedAllocation, TaintToleration and NodeAffinity scores, and
//! ImageLocality. PodTopologySpread and InterPodAffinity run in the TypeScript framework.
//! Filter and Score plugins written in Rust plug in through `extension` (see README.md).

mod cluster;
mod columns;
mod cpu;
mod error;
mod extension;
mod filters;
mod intern;
mod kernel;
mod model;
mod plan;
pub mod plugins;
mod query;
mod scores;

pub use cluster::{Cluster, Slot};
pub use error::SchedError;
pub use extension::{
    registry, Extension, FilterExtension, FilterFactory, NodeView, Registry, ScoreExtension,
    ScoreFactory,
};
pub use filters::{
    INSUFFICIENT_CPU, INSUFFICIENT_EPHEMERAL, INSUFFICIENT_MEMORY, NODE_AFFINITY, NODE_NAME,
    NODE_PORTS, TOO_MANY_PODS, UNSCHEDULABLE,
};
pub use intern::parse_int64;
pub use kernel::{Failure, Outcome, Output, Scores};
pub use model::{
    FilterPlugin, FitFilterArgs, HostPort, NodeSpec, PodQuery, PodUsage, Profile, Request,
    Requirement, ResourceSpec, Resources, ScorePlugin, ScoringStrategy, SelectorTerm, ShapePoint,
    Taint, Toleration,
};
pub use scores::{default_normalize, MAX_NODE_SCORE};
