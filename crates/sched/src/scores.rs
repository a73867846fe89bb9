//! The score plugins over the feasible nodes, with their NormalizeScore, in kube-scheduler's
//! integer (and, where Kubernetes uses it, float64) arithmetic.

use crate::cluster::{Cluster, TAINT_OVERFLOW};
use crate::columns::Column;
use crate::extension::NodeView;
use crate::model::{ResourceSpec, ScorePlugin, ScoringStrategy, ShapePoint};
use crate::plan::Plan;
use crate::query::CompiledPod;

pub const MAX_NODE_SCORE: i64 = 100;
const MAX_CUSTOM_PRIORITY_SCORE: i64 = 10;
const MAX_UTILIZATION: i64 = 100;
const MB: i64 = 1024 * 1024;
const MIN_IMAGE_THRESHOLD: i64 = 23 * MB;
const MAX_CONTAINER_IMAGE_THRESHOLD: i64 = 1000 * MB;

/// One scored resource resolved to its columns: (allocatable, requested with the pod) of a
/// node is `(allocatable[slot], used[slot] + pod_request)`, or (0, 0) when `allocatable` is
/// None (kube-scheduler's calculateResourceAllocatableRequest for a resource not scored here).
#[derive(Debug, Clone, Copy)]
struct ScoredResource<'a> {
    allocatable: Option<&'a Column<i64>>,
    used: Option<&'a Column<i64>>,
    weight: i64,
    /// The pod's request of it as this scorer counts it.
    pod_request: i64,
}

impl ScoredResource<'_> {
    /// (requested, allocatable, weight) on the node at `slot`.
    #[inline]
    fn values(&self, slot: usize) -> (i64, i64, i64) {
        match self.allocatable {
            Some(allocatable) => (
                self.used.map_or(0, |used| used.get(slot)) + self.pod_request,
                allocatable.get(slot),
                self.weight,
            ),
            None => (0, 0, self.weight),
        }
    }
}

fn pod_scalar(pod: &CompiledPod, name: &str) -> i64 {
    pod.scalar
        .iter()
        .find(|request| request.name == name)
        .map_or(0, |request| request.amount)
}

fn scored_resources<'a>(
    cluster: &'a Cluster,
    pod: &CompiledPod,
    resources: &[ResourceSpec],
    non_zero: bool,
) -> Vec<ScoredResource<'a>> {
    resources
        .iter()
        .map(|spec| {
            let (allocatable, used, pod_request) = match spec.name.as_str() {
                "cpu" if non_zero => (
                    Some(&cluster.alloc_cpu),
                    Some(&cluster.non_zero_cpu),
                    pod.non_zero_milli_cpu,
                ),
                "cpu" => (
                    Some(&cluster.alloc_cpu),
                    Some(&cluster.req_cpu),
                    pod.milli_cpu,
                ),
                "memory" if non_zero => (
                    Some(&cluster.alloc_memory),
                    Some(&cluster.non_zero_memory),
                    pod.non_zero_memory,
                ),
                "memory" => (
                    Some(&cluster.alloc_memory),
                    Some(&cluster.req_memory),
                    pod.memory,
                ),
                "ephemeral-storage" => (
                    Some(&cluster.alloc_ephemeral),
                    Some(&cluster.req_ephemeral),
                    pod.ephemeral_storage,
                ),
                name => {
                    let request = pod_scalar(pod, name);
                    let resource = cluster.strings.lookup(name);
                    let allocatable = if request == 0 {
                        None
                    } else {
                        cluster.scalar_alloc.get(&resource)
                    };
                    (allocatable, cluster.scalar_req.get(&resource), request)
                }
            };
            ScoredResource {
                allocatable,
                used,
                weight: spec.weight,
                pod_request,
            }
        })
        .collect()
}

fn least_requested(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 || requested > capacity {
        return 0;
    }
    (capacity - requested) * MAX_NODE_SCORE / capacity
}

fn most_requested(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 {
        return 0;
    }
    requested.min(capacity) * MAX_NODE_SCORE / capacity
}

/// helper.BuildBrokenLinearFunction over the shape scaled to MaxNodeScore.
fn broken_linear(shape: &[ShapePoint], utilization: i64) -> i64 {
    for (index, point) in shape.iter().enumerate() {
        if utilization <= point.utilization {
            if index == 0 {
                return point.score;
            }
            let previous = shape[index - 1];
            return previous.score
                + (point.score - previous.score) * (utilization - previous.utilization)
                    / (point.utilization - previous.utilization);
        }
    }
    shape.last().map_or(0, |point| point.score)
}

fn weighted_average(values: &[(i64, i64, i64)], score: impl Fn(i64, i64) -> i64) -> i64 {
    let (mut total, mut weights) = (0i64, 0i64);
    for &(requested, allocatable, weight) in values {
        if allocatable == 0 {
            continue;
        }
        total += score(requested, allocatable) * weight;
        weights += weight;
    }
    if weights == 0 {
        0
    } else {
        total / weights
    }
}

fn ratio_score(shape: &[ShapePoint], values: &[(i64, i64, i64)]) -> i64 {
    let (mut total, mut weights) = (0i64, 0i64);
    for &(requested, capacity, weight) in values {
        if capacity == 0 {
            continue;
        }
        let utilization = if requested > capacity {
            MAX_UTILIZATION
        } else {
            requested * MAX_UTILIZATION / capacity
        };
        let score = broken_linear(shape, utilization);
        if score > 0 {
            total += score * weight;
            weights += weight;
        }
    }
    if weights == 0 {
        return 0;
    }
    // Go's math.Round: half away from zero (the quotient is never negative here).
    (total as f64 / weights as f64).round() as i64
}

/// Resources a node is scored on without a heap buffer (profiles rarely list more).
const INLINE_RESOURCES: usize = 8;

fn balanced(values: &[(i64, i64, i64)]) -> i64 {
    let mut inline = [0f64; INLINE_RESOURCES];
    let mut spilled = Vec::new();
    let fractions: &mut [f64] = if values.len() <= INLINE_RESOURCES {
        &mut inline[..]
    } else {
        spilled.resize(values.len(), 0.0);
        &mut spilled[..]
    };
    let mut count = 0;
    for &(requested, allocatable, _) in values {
        if allocatable != 0 {
            fractions[count] = (requested as f64 / allocatable as f64).min(1.0);
            count += 1;
        }
    }
    let fractions = &fractions[..count];
    let std = match count {
        2 => ((fractions[0] - fractions[1]) / 2.0).abs(),
        n if n > 2 => {
            let mean = fractions.iter().fold(0.0, |total, f| total + f) / n as f64;
            let sum = fractions
                .iter()
                .fold(0.0, |sum, f| sum + (f - mean) * (f - mean));
            (sum / n as f64).sqrt()
        }
        _ => 0.0,
    };
    ((1.0 - std) * MAX_NODE_SCORE as f64) as i64
}

/// helper.DefaultNormalizeScore.
pub fn default_normalize(scores: &mut [i64], reverse: bool) {
    let max = scores.iter().copied().fold(0, i64::max);
    if max == 0 {
        if reverse {
            scores.iter_mut().for_each(|score| *score = MAX_NODE_SCORE);
        }
        return;
    }
    for score in scores.iter_mut() {
        // 0 and the maximum (most scores of a count-like plugin) need no division.
        let normalized = match *score {
            0 => 0,
            value if value == max => MAX_NODE_SCORE,
            value => MAX_NODE_SCORE * value / max,
        };
        *score = if reverse {
            MAX_NODE_SCORE - normalized
        } else {
            normalized
        };
    }
}

fn resource_scores(
    plan: &Plan<'_>,
    resources: &[ResourceSpec],
    non_zero: bool,
    slots: &[u32],
    out: &mut [i64],
    score: impl Fn(&[(i64, i64, i64)]) -> i64,
) {
    let scored = scored_resources(plan.cluster, plan.pod, resources, non_zero);
    let mut inline = [(0i64, 0i64, 0i64); INLINE_RESOURCES];
    let mut spilled = Vec::new();
    let values: &mut [(i64, i64, i64)] = if scored.len() <= INLINE_RESOURCES {
        &mut inline[..scored.len()]
    } else {
        spilled.resize(scored.len(), (0, 0, 0));
        &mut spilled[..]
    };
    for (slot, out) in slots.iter().zip(out.iter_mut()) {
        let slot = *slot as usize;
        for (value, resource) in values.iter_mut().zip(&scored) {
            *value = resource.values(slot);
        }
        *out = score(values);
    }
}

/// Each feasible node's normalized score from one plugin (before its weight).
pub fn score(plugin: &ScorePlugin, plan: &Plan<'_>, slots: &[u32], out: &mut [i64]) {
    let cluster = plan.cluster;
    let pod = plan.pod;
    match plugin {
        ScorePlugin::NodeResourcesFit {
            strategy,
            resources,
        } => match strategy {
            ScoringStrategy::LeastAllocated => {
                resource_scores(plan, resources, true, slots, out, |values| {
                    weighted_average(values, least_requested)
                })
            }
            ScoringStrategy::MostAllocated => {
                resource_scores(plan, resources, true, slots, out, |values| {
                    weighted_average(values, most_requested)
                })
            }
            ScoringStrategy::RequestedToCapacityRatio(shape) => {
                let scaled: Vec<ShapePoint> = shape
                    .iter()
                    .map(|point| ShapePoint {
                        utilization: point.utilization,
                        score: point.score * (MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE),
                    })
                    .collect();
                resource_scores(plan, resources, true, slots, out, |values| {
                    ratio_score(&scaled, values)
                })
            }
        },
        ScorePlugin::NodeResourcesBalancedAllocation { resources } => {
            // PreScore skips best-effort pods (kubernetes#129138): they score 0 everywhere.
            let best_effort = scored_resources(cluster, pod, resources, false)
                .iter()
                .all(|resource| resource.pod_request == 0);
            if best_effort {
                out.iter_mut().for_each(|score| *score = 0);
            } else {
                resource_scores(plan, resources, false, slots, out, balanced)
            }
        }
        ScorePlugin::TaintToleration => {
            let untolerated = &plan.untolerated_prefer;
            if !untolerated.contains(&true) {
                // No node has a taint to count: every count is 0, reversed to the maximum.
                out.fill(MAX_NODE_SCORE);
                return;
            }
            for (slot, out) in slots.iter().zip(out.iter_mut()) {
                let slot = *slot as usize;
                let mask = cluster.taint_mask.get(slot);
                *out = if mask & TAINT_OVERFLOW == 0 {
                    i64::from((mask & plan.prefer_mask).count_ones())
                } else {
                    cluster.taints[slot]
                        .iter()
                        .filter(|&&id| untolerated[id as usize])
                        .count() as i64
                };
            }
            default_normalize(out, true);
        }
        ScorePlugin::NodeAffinity => {
            if plan.preferred.is_empty() {
                out.fill(0);
                return;
            }
            for (slot, out) in slots.iter().zip(out.iter_mut()) {
                let mut sum = 0;
                for (weight, term) in &plan.preferred {
                    if plan.term_matches(term, *slot as usize) {
                        sum += weight;
                    }
                }
                *out = sum;
            }
            default_normalize(out, false);
        }
        ScorePlugin::Extension(extension) => {
            let plugin = &extension.plugin;
            for (slot, out) in slots.iter().zip(out.iter_mut()) {
                *out = plugin.score(plan.query, &NodeView::new(cluster, *slot as usize));
            }
            plugin.normalize(out);
            for score in out.iter_mut() {
                *score = (*score).clamp(0, MAX_NODE_SCORE);
            }
        }
        ScorePlugin::ImageLocality => {
            let total_nodes = cluster.len() as f64;
            // Each image's contribution where present: size scaled by its spread.
            let scaled: Vec<(&Column<bool>, i64)> = pod
                .images
                .iter()
                .filter_map(|image| {
                    let state = cluster.image_states.get(image)?;
                    Some((
                        cluster.image_nodes.get(image)?,
                        (state.size as f64 * (state.nodes as f64 / total_nodes)) as i64,
                    ))
                })
                .collect();
            let max_threshold = MAX_CONTAINER_IMAGE_THRESHOLD * pod.containers;
            if scaled.iter().map(|(_, score)| score).sum::<i64>() <= MIN_IMAGE_THRESHOLD {
                // Below the threshold on every node, even one with all the images: 0 everywhere.
                out.fill(0);
                return;
            }
            for (slot, out) in slots.iter().zip(out.iter_mut()) {
                let mut sum = 0i64;
                for (present, score) in &scaled {
                    if present.get(*slot as usize) {
                        sum += score;
                    }
                }
                if sum <= MIN_IMAGE_THRESHOLD {
                    *out = 0;
                    continue;
                }
                let clamped = if sum > max_threshold {
                    max_threshold
                } else {
                    sum
                };
                *out = MAX_NODE_SCORE * (clamped - MIN_IMAGE_THRESHOLD)
                    / (max_threshold - MIN_IMAGE_THRESHOLD);
            }
        }
    }
}
