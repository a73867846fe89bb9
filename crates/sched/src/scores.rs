//! The score plugins over the feasible nodes, with their NormalizeScore, in kube-scheduler's
//! integer (and, where Kubernetes uses it, float64) arithmetic.

use crate::cluster::Cluster;
use crate::filters::{term_matches, tolerated};
use crate::intern::Sym;
use crate::model::{ResourceSpec, ScorePlugin, ScoringStrategy, ShapePoint};
use crate::query::{CompiledPod, CompiledToleration};

pub const MAX_NODE_SCORE: i64 = 100;
const MAX_CUSTOM_PRIORITY_SCORE: i64 = 10;
const MAX_UTILIZATION: i64 = 100;
const MB: i64 = 1024 * 1024;
const MIN_IMAGE_THRESHOLD: i64 = 23 * MB;
const MAX_CONTAINER_IMAGE_THRESHOLD: i64 = 1000 * MB;

#[derive(Debug, Clone, Copy)]
enum ResourceKind {
    Cpu,
    Memory,
    Ephemeral,
    Scalar(Sym),
}

#[derive(Debug, Clone, Copy)]
struct ScoredResource {
    kind: ResourceKind,
    weight: i64,
    /// The pod's request of it as this scorer counts it.
    pod_request: i64,
}

fn scored_resources(
    cluster: &Cluster,
    pod: &CompiledPod,
    resources: &[ResourceSpec],
    non_zero: bool,
) -> Vec<ScoredResource> {
    resources
        .iter()
        .map(|spec| {
            let (kind, pod_request) = match spec.name.as_str() {
                "cpu" => (
                    ResourceKind::Cpu,
                    if non_zero {
                        pod.non_zero_milli_cpu
                    } else {
                        pod.milli_cpu
                    },
                ),
                "memory" => (
                    ResourceKind::Memory,
                    if non_zero {
                        pod.non_zero_memory
                    } else {
                        pod.memory
                    },
                ),
                "ephemeral-storage" => (ResourceKind::Ephemeral, pod.ephemeral_storage),
                name => (
                    ResourceKind::Scalar(cluster.strings.lookup(name)),
                    pod.scalar
                        .iter()
                        .find(|request| request.name == name)
                        .map_or(0, |request| request.amount),
                ),
            };
            ScoredResource {
                kind,
                weight: spec.weight,
                pod_request,
            }
        })
        .collect()
}

/// calculateResourceAllocatableRequest: (allocatable, requested with the pod) of one resource,
/// (0, 0) when the resource is not scored on this node.
#[inline]
fn allocatable_and_requested(
    cluster: &Cluster,
    resource: &ScoredResource,
    slot: usize,
    non_zero: bool,
) -> (i64, i64) {
    let request = resource.pod_request;
    match resource.kind {
        ResourceKind::Cpu => {
            let used = if non_zero {
                cluster.non_zero_cpu.get(slot)
            } else {
                cluster.req_cpu.get(slot)
            };
            (cluster.alloc_cpu.get(slot), used + request)
        }
        ResourceKind::Memory => {
            let used = if non_zero {
                cluster.non_zero_memory.get(slot)
            } else {
                cluster.req_memory.get(slot)
            };
            (cluster.alloc_memory.get(slot), used + request)
        }
        ResourceKind::Ephemeral => (
            cluster.alloc_ephemeral.get(slot),
            cluster.req_ephemeral.get(slot) + request,
        ),
        ResourceKind::Scalar(name) => {
            if request == 0 {
                return (0, 0);
            }
            match cluster.scalar_alloc.get(&name) {
                Some(column) => {
                    let used = cluster
                        .scalar_req
                        .get(&name)
                        .map_or(0, |column| column.get(slot));
                    (column.get(slot), used + request)
                }
                None => (0, 0),
            }
        }
    }
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

fn balanced(values: &[(i64, i64, i64)]) -> i64 {
    let fraction = |&(requested, allocatable, _): &(i64, i64, i64)| {
        (requested as f64 / allocatable as f64).min(1.0)
    };
    let scored = || {
        values
            .iter()
            .filter(|(_, allocatable, _)| *allocatable != 0)
            .map(fraction)
    };
    let count = scored().count();
    let std = match count {
        2 => {
            let mut pair = scored();
            let (first, second) = (pair.next().unwrap_or(0.0), pair.next().unwrap_or(0.0));
            ((first - second) / 2.0).abs()
        }
        n if n > 2 => {
            let mean = scored().fold(0.0, |total, f| total + f) / n as f64;
            let sum = scored().fold(0.0, |sum, f| sum + (f - mean) * (f - mean));
            (sum / n as f64).sqrt()
        }
        _ => 0.0,
    };
    ((1.0 - std) * MAX_NODE_SCORE as f64) as i64
}

fn count_intolerable_prefer_no_schedule(
    cluster: &Cluster,
    tolerations: &[CompiledToleration],
    slot: usize,
) -> i64 {
    cluster.taints[slot]
        .iter()
        .filter(|taint| {
            taint.effect == cluster.known.prefer_no_schedule && !tolerated(tolerations, taint)
        })
        .count() as i64
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
        let normalized = MAX_NODE_SCORE * *score / max;
        *score = if reverse {
            MAX_NODE_SCORE - normalized
        } else {
            normalized
        };
    }
}

fn resource_scores(
    cluster: &Cluster,
    pod: &CompiledPod,
    resources: &[ResourceSpec],
    non_zero: bool,
    slots: &[u32],
    out: &mut [i64],
    score: impl Fn(&[(i64, i64, i64)]) -> i64,
) {
    let scored = scored_resources(cluster, pod, resources, non_zero);
    let mut values = Vec::with_capacity(scored.len());
    for (slot, out) in slots.iter().zip(out.iter_mut()) {
        values.clear();
        for resource in &scored {
            let (allocatable, requested) =
                allocatable_and_requested(cluster, resource, *slot as usize, non_zero);
            values.push((requested, allocatable, resource.weight));
        }
        *out = score(&values);
    }
}

/// Each feasible node's normalized score from one plugin (before its weight).
pub fn score(
    plugin: &ScorePlugin,
    cluster: &Cluster,
    pod: &CompiledPod,
    slots: &[u32],
    out: &mut [i64],
) {
    match plugin {
        ScorePlugin::NodeResourcesFit {
            strategy,
            resources,
        } => match strategy {
            ScoringStrategy::LeastAllocated => {
                resource_scores(cluster, pod, resources, true, slots, out, |values| {
                    weighted_average(values, least_requested)
                })
            }
            ScoringStrategy::MostAllocated => {
                resource_scores(cluster, pod, resources, true, slots, out, |values| {
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
                resource_scores(cluster, pod, resources, true, slots, out, |values| {
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
                resource_scores(cluster, pod, resources, false, slots, out, balanced)
            }
        }
        ScorePlugin::TaintToleration => {
            let prefer = cluster.known.prefer_no_schedule;
            let tolerations: Vec<CompiledToleration> = pod
                .tolerations
                .iter()
                .filter(|toleration| toleration.effect.is_none_or(|effect| effect == prefer))
                .copied()
                .collect();
            for (slot, out) in slots.iter().zip(out.iter_mut()) {
                *out = count_intolerable_prefer_no_schedule(cluster, &tolerations, *slot as usize);
            }
            default_normalize(out, true);
        }
        ScorePlugin::NodeAffinity => {
            for (slot, out) in slots.iter().zip(out.iter_mut()) {
                *out = pod
                    .preferred
                    .iter()
                    .filter(|(_, term)| term_matches(cluster, term, *slot as usize))
                    .map(|(weight, _)| *weight)
                    .sum();
            }
            default_normalize(out, false);
        }
        ScorePlugin::ImageLocality => {
            let total_nodes = cluster.len() as f64;
            // Each image's contribution where present: size scaled by its spread.
            let scaled: Vec<(Sym, i64)> = pod
                .images
                .iter()
                .filter_map(|image| {
                    let state = cluster.image_states.get(image)?;
                    Some((
                        *image,
                        (state.size as f64 * (state.nodes as f64 / total_nodes)) as i64,
                    ))
                })
                .collect();
            let max_threshold = MAX_CONTAINER_IMAGE_THRESHOLD * pod.containers;
            for (slot, out) in slots.iter().zip(out.iter_mut()) {
                let images = &cluster.images[*slot as usize];
                let mut sum = 0i64;
                for (image, score) in &scaled {
                    if images.binary_search(image).is_ok() {
                        sum += score;
                    }
                }
                let clamped = if sum < MIN_IMAGE_THRESHOLD {
                    MIN_IMAGE_THRESHOLD
                } else if sum > max_threshold {
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
