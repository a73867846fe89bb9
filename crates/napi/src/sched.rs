//! `SchedKernel`: the scheduling kernel's node state (mirrored incrementally from the
//! scheduler cache) and one `schedule` call per pod. Arguments are converted in
//! sched_convert.rs; results come back as typed arrays indexed by node slot.

use napi::bindgen_prelude::{Float64Array, Uint32Array, Uint8Array};
use napi_derive::napi;
use rudder_sched::{Cluster, NodeSpec, PodQuery, PodUsage, Profile, Request};

use crate::error::{guard, invalid, sched_error, whole_number, Code, JsResult};
use crate::sched_convert::{KernelNode, KernelPod, KernelPodUsage, KernelProfile};

#[napi(object)]
pub struct ScheduleRequest {
    /// A handle from `defineProfile`.
    pub profile: f64,
    /// Index into the node order where filtering starts (taken modulo the node count).
    pub start: f64,
    /// numFeasibleNodesToFind; 0 means every node.
    pub feasible_to_find: f64,
    /// Score the feasible nodes (default true; false when more filters run before scoring).
    pub score: Option<bool>,
    /// Also return each score plugin's weighted score per feasible node.
    pub plugin_scores: Option<bool>,
}

#[napi(object)]
pub struct NodeScores {
    pub scores: Float64Array,
    /// Row per node, column per score plugin (weighted); empty unless asked.
    pub plugin_scores: Float64Array,
}

/// Feasible nodes in the order they were found with their scores, and the rejected nodes with
/// the index of the filter (in the profile's `filters`) that rejected them and their reasons.
#[napi(object)]
pub struct ScheduleOutcome {
    pub evaluated: u32,
    /// Slots of the feasible nodes, in evaluation order.
    pub nodes: Uint32Array,
    pub scores: Float64Array,
    /// Row per feasible node, column per score plugin (weighted); empty unless asked.
    pub plugin_scores: Float64Array,
    pub failed_nodes: Uint32Array,
    pub failed_plugins: Uint8Array,
    /// Failure i's reasons are `reasons[reasonIds[k]]` for k in reasonOffsets[i]..reasonOffsets[i+1].
    pub reason_offsets: Uint32Array,
    pub reason_ids: Uint32Array,
    pub reasons: Vec<String>,
}

#[napi]
pub struct SchedKernel {
    cluster: Cluster,
    profiles: Vec<Profile>,
}

impl SchedKernel {
    fn check_known<'a>(&self, names: impl IntoIterator<Item = &'a String>) -> JsResult<()> {
        for name in names {
            if self.cluster.slot(name).is_none() {
                return Err(sched_error(rudder_sched::SchedError::UnknownNode(
                    name.clone(),
                )));
            }
        }
        Ok(())
    }

    fn profile(&self, handle: f64) -> JsResult<&Profile> {
        let handle = whole_number(handle, "profile")?;
        self.profiles
            .get(handle as usize)
            .ok_or_else(|| invalid(format!("no profile {handle} was defined")))
    }

    fn convert_usages(pods: Vec<KernelPodUsage>) -> JsResult<Vec<(String, PodUsage)>> {
        pods.into_iter()
            .map(<(String, PodUsage)>::try_from)
            .collect()
    }
}

impl Default for SchedKernel {
    fn default() -> Self {
        SchedKernel {
            cluster: Cluster::new(),
            profiles: Vec::new(),
        }
    }
}

#[napi]
impl SchedKernel {
    #[napi(constructor)]
    pub fn new() -> Self {
        SchedKernel::default()
    }

    /// Adds nodes (at the end of the node order) or replaces their objects, keeping the pods
    /// on them. Returns each node's slot. Nothing changes when any node is malformed.
    #[napi]
    pub fn upsert_nodes(&mut self, nodes: Vec<KernelNode>) -> napi::Result<Uint32Array, Code> {
        guard(|| {
            let specs = nodes
                .into_iter()
                .map(NodeSpec::try_from)
                .collect::<JsResult<Vec<NodeSpec>>>()?;
            if specs.iter().any(|spec| spec.name.is_empty()) {
                return Err(invalid("every node needs a name"));
            }
            let slots = specs
                .iter()
                .map(|spec| self.cluster.upsert_node(spec).map_err(sched_error))
                .collect::<JsResult<Vec<u32>>>()?;
            Ok(Uint32Array::new(slots))
        })
    }

    /// Removes nodes with the pods on them; the others keep their order.
    #[napi]
    pub fn remove_nodes(&mut self, names: Vec<String>) -> napi::Result<(), Code> {
        guard(|| {
            self.check_known(&names)?;
            for name in &names {
                if self.cluster.slot(name).is_some() {
                    self.cluster.remove_node(name).map_err(sched_error)?;
                }
            }
            Ok(())
        })
    }

    /// Puts the nodes in this order (a permutation of the known nodes).
    #[napi]
    pub fn set_order(&mut self, names: Vec<String>) -> napi::Result<(), Code> {
        guard(|| self.cluster.set_order(&names).map_err(sched_error))
    }

    /// Adds pods' usage to their nodes. Nothing changes when any node is unknown.
    #[napi]
    pub fn add_pods(&mut self, pods: Vec<KernelPodUsage>) -> napi::Result<(), Code> {
        guard(|| {
            let usages = Self::convert_usages(pods)?;
            self.check_known(usages.iter().map(|(node, _)| node))?;
            for (node, usage) in &usages {
                self.cluster.add_pod(node, usage).map_err(sched_error)?;
            }
            Ok(())
        })
    }

    /// Takes back usage added with `addPods` (pass the same usage).
    #[napi]
    pub fn remove_pods(&mut self, pods: Vec<KernelPodUsage>) -> napi::Result<(), Code> {
        guard(|| {
            let usages = Self::convert_usages(pods)?;
            self.check_known(usages.iter().map(|(node, _)| node))?;
            for (node, usage) in &usages {
                self.cluster.remove_pod(node, usage).map_err(sched_error)?;
            }
            Ok(())
        })
    }

    /// Checks and keeps a profile (filters in order, score plugins with weights and args);
    /// returns the handle `schedule` takes.
    #[napi]
    pub fn define_profile(&mut self, profile: KernelProfile) -> napi::Result<u32, Code> {
        guard(|| {
            let profile = Profile::try_from(profile)?;
            self.profiles.push(profile);
            Ok((self.profiles.len() - 1) as u32)
        })
    }

    #[napi(getter)]
    pub fn node_count(&self) -> u32 {
        self.cluster.len() as u32
    }

    /// Node names in node order.
    #[napi]
    pub fn node_names(&self) -> Vec<String> {
        self.cluster
            .node_names()
            .into_iter()
            .map(String::from)
            .collect()
    }

    /// Filters and scores every node for one pod.
    #[napi]
    pub fn schedule(
        &self,
        pod: KernelPod,
        request: ScheduleRequest,
    ) -> napi::Result<ScheduleOutcome, Code> {
        guard(|| {
            let query = PodQuery::try_from(pod)?;
            let profile = self.profile(request.profile)?;
            let start = whole_number(request.start, "start")?;
            let feasible_to_find = whole_number(request.feasible_to_find, "feasibleToFind")?;
            let request = Request {
                start: start as usize,
                feasible_to_find: feasible_to_find as usize,
                score: request.score.unwrap_or(true),
                plugin_scores: request.plugin_scores.unwrap_or(false),
            };
            let outcome = self.cluster.schedule(&query, profile, &request);
            let mut reason_offsets = Vec::with_capacity(outcome.failures.len() + 1);
            let mut reason_ids = Vec::new();
            reason_offsets.push(0);
            for failure in &outcome.failures {
                reason_ids.extend_from_slice(&failure.reasons);
                reason_offsets.push(reason_ids.len() as u32);
            }
            let plugin_index = |plugin| {
                profile
                    .filters
                    .iter()
                    .position(|enabled| *enabled == plugin)
                    .unwrap_or(0) as u8
            };
            Ok(ScheduleOutcome {
                evaluated: outcome.evaluated as u32,
                nodes: Uint32Array::new(outcome.feasible),
                scores: Float64Array::new(outcome.scores.iter().map(|&s| s as f64).collect()),
                plugin_scores: Float64Array::new(
                    outcome.plugin_scores.iter().map(|&s| s as f64).collect(),
                ),
                failed_nodes: Uint32Array::new(outcome.failures.iter().map(|f| f.slot).collect()),
                failed_plugins: Uint8Array::new(
                    outcome
                        .failures
                        .iter()
                        .map(|f| plugin_index(f.plugin))
                        .collect(),
                ),
                reason_offsets: Uint32Array::new(reason_offsets),
                reason_ids: Uint32Array::new(reason_ids),
                reasons: outcome.reasons,
            })
        })
    }

    /// Scores nodes (by slot) already known to be feasible for the pod, in the given order.
    #[napi]
    pub fn score_nodes(
        &self,
        pod: KernelPod,
        profile: f64,
        nodes: Uint32Array,
        plugin_scores: Option<bool>,
    ) -> napi::Result<NodeScores, Code> {
        guard(|| {
            let query = PodQuery::try_from(pod)?;
            let profile = self.profile(profile)?;
            let slots: Vec<u32> = nodes.to_vec();
            if let Some(slot) = slots.iter().find(|&&slot| !self.cluster.is_live(slot)) {
                return Err(invalid(format!("slot {slot} holds no node")));
            }
            let scores =
                self.cluster
                    .score_nodes(&query, profile, &slots, plugin_scores.unwrap_or(false));
            Ok(NodeScores {
                scores: Float64Array::new(scores.totals.iter().map(|&s| s as f64).collect()),
                plugin_scores: Float64Array::new(
                    scores.per_plugin.iter().map(|&s| s as f64).collect(),
                ),
            })
        })
    }
}
