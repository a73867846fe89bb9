//! Filter and Score plugins written in Rust for the kernel, the way a researcher adds one:
//! implement `FilterExtension` or `ScoreExtension`, write a factory that builds it from the
//! plugin's args (the JSON of its KubeSchedulerConfiguration pluginConfig entry), and list the
//! factory in `plugins::register`. A profile then enables it by name like any other plugin.
//! See crates/sched/README.md.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use crate::cluster::Cluster;
use crate::intern::UNKNOWN;
use crate::model::PodQuery;

/// What a plugin sees of one node. Reads go straight to the kernel's columns.
#[derive(Clone, Copy)]
pub struct NodeView<'a> {
    cluster: &'a Cluster,
    slot: usize,
}

impl<'a> NodeView<'a> {
    pub(crate) fn new(cluster: &'a Cluster, slot: usize) -> NodeView<'a> {
        NodeView { cluster, slot }
    }

    pub fn name(&self) -> &'a str {
        self.cluster.strings.name(self.cluster.name.get(self.slot))
    }

    /// The value of the node's label `key`, if it has it.
    pub fn label(&self, key: &str) -> Option<&'a str> {
        let key = self.cluster.strings.lookup(key);
        let value = self.cluster.label_columns.get(&key)?.get(self.slot);
        (value != UNKNOWN).then(|| self.cluster.strings.name(value))
    }

    pub fn unschedulable(&self) -> bool {
        self.cluster.unschedulable.get(self.slot)
    }

    pub fn allocatable_milli_cpu(&self) -> i64 {
        self.cluster.alloc_cpu.get(self.slot)
    }

    pub fn allocatable_memory(&self) -> i64 {
        self.cluster.alloc_memory.get(self.slot)
    }

    pub fn allowed_pod_number(&self) -> i64 {
        self.cluster.alloc_pods.get(self.slot)
    }

    /// Sum of the requests of the pods on the node (without the pod being scheduled).
    pub fn requested_milli_cpu(&self) -> i64 {
        self.cluster.req_cpu.get(self.slot)
    }

    pub fn requested_memory(&self) -> i64 {
        self.cluster.req_memory.get(self.slot)
    }

    /// Number of pods on the node.
    pub fn pod_count(&self) -> i64 {
        self.cluster.pod_count.get(self.slot)
    }

    /// Whether the node reports the (normalized) image.
    pub fn has_image(&self, image: &str) -> bool {
        let image = self.cluster.strings.lookup(image);
        self.cluster
            .image_nodes
            .get(&image)
            .is_some_and(|column| column.get(self.slot))
    }
}

/// A Filter plugin: whether a node may run the pod. Runs after the built-in filters that come
/// before it in the profile, on every node they pass.
pub trait FilterExtension: Send + Sync {
    /// The reason every node it rejects gets, worded as Kubernetes words reasons
    /// ("node(s) didn't ...").
    fn reason(&self) -> &str;
    /// Whether the node passes. Rejections are Unschedulable (preemption may help).
    fn filter(&self, pod: &PodQuery, node: &NodeView<'_>) -> bool;
}

/// A Score plugin: a score per feasible node, then NormalizeScore over all of them.
pub trait ScoreExtension: Send + Sync {
    fn score(&self, pod: &PodQuery, node: &NodeView<'_>) -> i64;
    /// NormalizeScore over the feasible nodes' scores (in place). Afterwards every score must
    /// be within 0..=100 (MaxNodeScore); the kernel clamps what is not. The default leaves the
    /// scores as they are; `crate::default_normalize` scales them by the highest.
    fn normalize(&self, _scores: &mut [i64]) {}
}

/// Builds a plugin from its args (JSON `null` when the profile gives none); an error says
/// what is wrong with them.
pub type FilterFactory = fn(&Value) -> Result<Box<dyn FilterExtension>, String>;
pub type ScoreFactory = fn(&Value) -> Result<Box<dyn ScoreExtension>, String>;

/// Plugin name → factory.
#[derive(Default)]
pub struct Registry {
    filters: BTreeMap<&'static str, FilterFactory>,
    scores: BTreeMap<&'static str, ScoreFactory>,
}

impl Registry {
    pub fn filter(&mut self, name: &'static str, factory: FilterFactory) -> &mut Self {
        self.filters.insert(name, factory);
        self
    }

    pub fn score(&mut self, name: &'static str, factory: ScoreFactory) -> &mut Self {
        self.scores.insert(name, factory);
        self
    }

    pub fn filter_names(&self) -> Vec<&'static str> {
        self.filters.keys().copied().collect()
    }

    pub fn score_names(&self) -> Vec<&'static str> {
        self.scores.keys().copied().collect()
    }

    pub fn build_filter(
        &self,
        name: &str,
        args: &Value,
    ) -> Result<Extension<dyn FilterExtension>, String> {
        let factory = self
            .filters
            .get(name)
            .ok_or_else(|| format!("the kernel has no filter plugin {name:?}"))?;
        let plugin = factory(args).map_err(|error| format!("{name}: {error}"))?;
        Ok(Extension::new(name, Arc::from(plugin)))
    }

    pub fn build_score(
        &self,
        name: &str,
        args: &Value,
    ) -> Result<Extension<dyn ScoreExtension>, String> {
        let factory = self
            .scores
            .get(name)
            .ok_or_else(|| format!("the kernel has no score plugin {name:?}"))?;
        let plugin = factory(args).map_err(|error| format!("{name}: {error}"))?;
        Ok(Extension::new(name, Arc::from(plugin)))
    }
}

/// The registry of the Rust plugins compiled into the kernel (`plugins::register`).
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut registry = Registry::default();
        crate::plugins::register(&mut registry);
        registry
    })
}

/// A built plugin with its name, as a profile holds it.
pub struct Extension<T: ?Sized> {
    pub name: String,
    pub plugin: Arc<T>,
}

impl<T: ?Sized> Extension<T> {
    pub fn new(name: &str, plugin: Arc<T>) -> Self {
        Extension {
            name: name.to_string(),
            plugin,
        }
    }
}

impl<T: ?Sized> Clone for Extension<T> {
    fn clone(&self) -> Self {
        Extension {
            name: self.name.clone(),
            plugin: Arc::clone(&self.plugin),
        }
    }
}

impl<T: ?Sized> PartialEq for Extension<T> {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && Arc::ptr_eq(&self.plugin, &other.plugin)
    }
}

impl<T: ?Sized> fmt::Debug for Extension<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Extension")
            .field("name", &self.name)
            .finish()
    }
}
