//! `SchedKernel`: the scheduling kernel's node state (mirrored incrementally from the
//! scheduler cache) and one `scheduleEncoded` call per pod. Arguments are converted in
//! sched_convert.rs. A pod crosses as one JSON string (one string read instead of a property
//! read per field) and a call's result is written into typed arrays the caller owns and
//! reuses, so no JavaScript object is created per call.

use napi::bindgen_prelude::{Float64ArraySlice, Uint32Array, Uint32ArraySlice};
use napi_derive::napi;
use rudder_sched::{registry, Cluster, NodeSpec, Output, PodQuery, PodUsage, Profile, Request};

use crate::error::{guard, invalid, sched_error, Code, JsResult};
use crate::sched_convert::{decode_pod, usage_of_pod, KernelNode, KernelPodUsage, KernelProfile};

#[napi(object)]
pub struct ExtensionPlugins {
    pub filters: Vec<String>,
    pub scores: Vec<String>,
}

#[napi]
pub struct SchedKernel {
    cluster: Cluster,
    profiles: Vec<Profile>,
    /// The last call's result buffers, reused so a call allocates (almost) nothing.
    output: Output,
    /// The last scheduled pod (as encoded) and its usage: assuming it then decodes nothing.
    last_scheduled: Option<(String, PodUsage)>,
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

    /// The usage of an encoded pod; the pod just scheduled is not decoded again.
    fn usage(&self, pod: &str) -> JsResult<PodUsage> {
        match &self.last_scheduled {
            Some((last, usage)) if last == pod => Ok(usage.clone()),
            _ => usage_of_pod(decode_pod(pod)?),
        }
    }

    /// A profile `defineProfile` returned.
    fn profile(profiles: &[Profile], id: u32) -> JsResult<&Profile> {
        profiles
            .get(id as usize)
            .ok_or_else(|| invalid(format!("no profile {id} was defined")))
    }

    fn convert_usages(pods: Vec<KernelPodUsage>) -> JsResult<Vec<(String, PodUsage)>> {
        pods.into_iter()
            .map(<(String, PodUsage)>::try_from)
            .collect()
    }

    /// Converts and checks every usage first, so a bad batch changes nothing, then applies each.
    fn apply_usages(
        &mut self,
        pods: Vec<KernelPodUsage>,
        apply: fn(&mut Cluster, &str, &PodUsage) -> Result<(), rudder_sched::SchedError>,
    ) -> napi::Result<(), Code> {
        guard(|| {
            let usages = Self::convert_usages(pods)?;
            self.check_known(usages.iter().map(|(node, _)| node))?;
            for (node, usage) in &usages {
                apply(&mut self.cluster, node, usage).map_err(sched_error)?;
            }
            Ok(())
        })
    }
}

impl Default for SchedKernel {
    fn default() -> Self {
        SchedKernel {
            cluster: Cluster::new(),
            profiles: Vec::new(),
            output: Output::default(),
            last_scheduled: None,
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
        self.apply_usages(pods, Cluster::add_pod)
    }

    /// Takes back usage added with `addPods` (pass the same usage).
    #[napi]
    pub fn remove_pods(&mut self, pods: Vec<KernelPodUsage>) -> napi::Result<(), Code> {
        self.apply_usages(pods, Cluster::remove_pod)
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

    /// The Rust extension plugins compiled into the kernel (crates/sched/src/plugins).
    #[napi]
    pub fn extension_plugins(&self) -> ExtensionPlugins {
        ExtensionPlugins {
            filters: registry()
                .filter_names()
                .into_iter()
                .map(String::from)
                .collect(),
            scores: registry()
                .score_names()
                .into_iter()
                .map(String::from)
                .collect(),
        }
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

    /// Filters and scores the nodes for one pod given as JSON (the shape of `KernelPod`).
    /// `flags`: 1 scores the feasible nodes, 2 adds per-plugin scores. The result goes into
    /// the caller's buffers (see `write_outcome`); returns the reason texts of the call.
    #[napi]
    #[allow(clippy::too_many_arguments)]
    pub fn schedule_encoded(
        &mut self,
        pod: String,
        profile: u32,
        start: u32,
        feasible_to_find: u32,
        flags: u32,
        mut ints: Uint32ArraySlice,
        mut floats: Float64ArraySlice,
    ) -> napi::Result<Vec<String>, Code> {
        // SAFETY: the call is synchronous on the JavaScript thread, which cannot touch the
        // arrays until it returns; lib/native/sched.ts allocates them on plain (unshared)
        // ArrayBuffers that no worker sees, and they do not overlap (two separate arrays).
        let (ints, floats) = unsafe { (ints.as_mut(), floats.as_mut()) };
        guard(|| {
            let query = PodQuery::try_from(decode_pod(&pod)?)?;
            let profile = Self::profile(&self.profiles, profile)?;
            let request = Request {
                start: start as usize,
                feasible_to_find: feasible_to_find as usize,
                score: flags & FLAG_SCORE != 0,
                plugin_scores: flags & FLAG_SCORE != 0 && flags & FLAG_PLUGIN_SCORES != 0,
            };
            self.cluster
                .schedule_into(&query, profile, &request, &mut self.output);
            let usage = PodUsage::of(&query);
            self.last_scheduled = Some((pod, usage));
            Ok(write_outcome(&mut self.output, ints, floats))
        })
    }

    /// Scores nodes (by slot) already known to be feasible for the pod (JSON), in the given
    /// order: totals into `floats[0..n]`, then per-plugin scores when `plugin_scores`.
    #[napi]
    pub fn score_nodes_encoded(
        &mut self,
        pod: String,
        profile: u32,
        nodes: Uint32ArraySlice,
        plugin_scores: bool,
        mut floats: Float64ArraySlice,
    ) -> napi::Result<(), Code> {
        // SAFETY: as in `schedule_encoded`: a synchronous call, and the output array is a plain
        // ArrayBuffer of lib/native/sched.ts that `nodes` does not share.
        let floats = unsafe { floats.as_mut() };
        let nodes: &[u32] = &nodes;
        guard(|| {
            let query = PodQuery::try_from(decode_pod(&pod)?)?;
            let profile = Self::profile(&self.profiles, profile)?;
            if let Some(slot) = nodes.iter().find(|&&slot| !self.cluster.is_live(slot)) {
                return Err(invalid(format!("slot {slot} holds no node")));
            }
            let needed = nodes.len()
                * (1 + if plugin_scores {
                    profile.scores.len()
                } else {
                    0
                });
            if floats.len() < needed {
                return Err(invalid(format!(
                    "the score buffer holds {} numbers but {needed} are needed",
                    floats.len()
                )));
            }
            self.cluster
                .score_nodes_into(&query, profile, nodes, plugin_scores, &mut self.output);
            let output = &self.output;
            let totals = output.scores.iter().chain(output.plugin_scores.iter());
            for (target, &score) in floats.iter_mut().zip(totals) {
                *target = score as f64;
            }
            Ok(())
        })
    }

    /// Adds the usage of a pod (JSON, the shape of `KernelPod`) to its node.
    #[napi]
    pub fn add_pod_encoded(&mut self, node: String, pod: String) -> napi::Result<(), Code> {
        guard(|| {
            let usage = self.usage(&pod)?;
            self.cluster.add_pod(&node, &usage).map_err(sched_error)
        })
    }

    /// Adds the usage of the pod the last `scheduleEncoded` call scheduled to the node, without
    /// passing the pod again.
    #[napi]
    pub fn add_scheduled_pod(&mut self, node: String) -> napi::Result<(), Code> {
        guard(|| {
            let Some((_, usage)) = &self.last_scheduled else {
                return Err(invalid("no pod was scheduled"));
            };
            self.cluster.add_pod(&node, usage).map_err(sched_error)
        })
    }

    /// Takes back what `addPodEncoded` added for the same pod.
    #[napi]
    pub fn remove_pod_encoded(&mut self, node: String, pod: String) -> napi::Result<(), Code> {
        guard(|| {
            let usage = self.usage(&pod)?;
            self.cluster.remove_pod(&node, &usage).map_err(sched_error)
        })
    }
}

const FLAG_SCORE: u32 = 1;
const FLAG_PLUGIN_SCORES: u32 = 2;
/// `ints[0]` when the buffers are too small; `ints[1]` and `ints[2]` then say what is needed.
const TOO_SMALL: u32 = u32::MAX;

/// Writes one call's result into the caller's buffers:
/// ints = [evaluated, feasible F, failed R, reason ids K, F feasible slots, R failed slots,
/// R filter indexes, R+1 reason offsets, K reason ids]; floats = [F scores, F*P plugin scores].
/// When they are too small, `ints[0..3]` = [TOO_SMALL, ints needed, floats needed] instead.
fn write_outcome(output: &mut Output, ints: &mut [u32], floats: &mut [f64]) -> Vec<String> {
    let feasible = output.feasible.len();
    let failed = output.failed.len();
    let reason_ids = output.reason_ids.len();
    let ints_needed = 4 + feasible + 3 * failed + 1 + reason_ids;
    let floats_needed = output.scores.len() + output.plugin_scores.len();
    if ints.len() < ints_needed || floats.len() < floats_needed {
        if ints.len() >= 3 {
            ints[0] = TOO_SMALL;
            ints[1] = ints_needed as u32;
            ints[2] = floats_needed as u32;
        }
        return Vec::new();
    }
    ints[0] = output.evaluated as u32;
    ints[1] = feasible as u32;
    ints[2] = failed as u32;
    ints[3] = reason_ids as u32;
    let mut at = 4;
    for part in [&output.feasible, &output.failed] {
        ints[at..at + part.len()].copy_from_slice(part);
        at += part.len();
    }
    for (target, &filter) in ints[at..at + failed].iter_mut().zip(&output.failed_filter) {
        *target = u32::from(filter);
    }
    at += failed;
    for part in [&output.reason_offsets, &output.reason_ids] {
        ints[at..at + part.len()].copy_from_slice(part);
        at += part.len();
    }
    let scores = output.scores.iter().chain(output.plugin_scores.iter());
    for (target, &score) in floats.iter_mut().zip(scores) {
        *target = score as f64;
    }
    std::mem::take(&mut output.reasons)
}
