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

    /// (requested with the pod, allocated without it, allocatable) on the node at `slot`.
    #[inline]
    fn balance_values(&self, slot: usize) -> (i64, i64, i64) {
        match self.allocatable {
            Some(allocatable) => {
                let used = self.used.map_or(0, |used| used.get(slot));
                (used + self.pod_request, used, allocatable.get(slot))
            }
            None => (0, 0, 0),
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

/// (1 − standard deviation of the utilisation fractions) · 100, truncated: balancedResourceScore.
fn balance(values: &[(i64, i64)]) -> i64 {
    let mut inline = [0f64; INLINE_RESOURCES];
    let mut spilled = Vec::new();
    let fractions: &mut [f64] = if values.len() <= INLINE_RESOURCES {
        &mut inline[..]
    } else {
        spilled.resize(values.len(), 0.0);
        &mut spilled[..]
    };
    let mut count = 0;
    for &(amount, allocatable) in values {
        if allocatable != 0 {
            fractions[count] = (amount as f64 / allocatable as f64).min(1.0);
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

/// Kubernetes 1.36's balancedResourceScorer: the change in balance that placing the pod makes,
/// centred on 50 (a pod that keeps the node's balance scores 75). `values` holds, per resource,
/// (requested with the pod, allocated without it, allocatable).
fn balanced(values: &[(i64, i64, i64)]) -> i64 {
    let mut with_pod = [(0i64, 0i64); INLINE_RESOURCES];
    let mut without_pod = [(0i64, 0i64); INLINE_RESOURCES];
    let (with_score, without_score) = if values.len() <= INLINE_RESOURCES {
        for (index, &(requested, allocated, allocatable)) in values.iter().enumerate() {
            with_pod[index] = (requested, allocatable);
            without_pod[index] = (allocated, allocatable);
        }
        (
            balance(&with_pod[..values.len()]),
            balance(&without_pod[..values.len()]),
        )
    } else {
        let with: Vec<(i64, i64)> = values.iter().map(|&(r, _, a)| (r, a)).collect();
        let without: Vec<(i64, i64)> = values.iter().map(|&(_, u, a)| (u, a)).collect();
        (balance(&with), balance(&without))
    };
    change_in_balance(with_score, without_score)
}

/// MaxNodeScore/2 + (MaxNodeScore/2 + with − without)/2 in Go's int64 arithmetic (division
/// truncates toward zero, as Rust's does).
#[inline(always)]
fn change_in_balance(with_pod: i64, without_pod: i64) -> i64 {
    MAX_NODE_SCORE / 2 + (MAX_NODE_SCORE / 2 + with_pod - without_pod) / 2
}

/// ImageLocality scores by table when the pod has at most this many images on some node.
const IMAGE_TABLE_BITS: usize = 8;

/// Scores up to this normalize through a table.
const NORMALIZE_TABLE: usize = 256;

/// helper.DefaultNormalizeScore.
#[inline(always)]
pub fn default_normalize(scores: &mut [i64], reverse: bool) {
    let max = scores.iter().copied().fold(0, i64::max);
    if max == 0 {
        if reverse {
            scores.iter_mut().for_each(|score| *score = MAX_NODE_SCORE);
        }
        return;
    }
    let negative = scores.iter().fold(0, |any, score| any | score) < 0;
    // Small non-negative scores (counts, weights): each quotient once, then a table lookup.
    if !negative && max < NORMALIZE_TABLE as i64 {
        let mut table = [0i64; NORMALIZE_TABLE];
        for (value, entry) in table.iter_mut().enumerate().take(max as usize + 1) {
            let normalized = MAX_NODE_SCORE * value as i64 / max;
            *entry = if reverse {
                MAX_NODE_SCORE - normalized
            } else {
                normalized
            };
        }
        for score in scores.iter_mut() {
            *score = table[*score as usize];
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

/// Values (allocatable, requested) below this convert to f64 exactly, and for `a` and `b` below
/// it `100 * a + b < 2^53`: then `100 * a / b` in f64, truncated, is the int64 quotient (the
/// exact quotient is at least `1 / b` from the next integer, more than half an ulp of it).
const EXACT_BELOW: u64 = 1 << 45;
/// Resource weights summing (in absolute value) below this keep weighted totals exact in f64.
const EXACT_WEIGHTS_BELOW: i64 = 1 << 20;
// (weights are at most 2^20 and scores at most 100: weighted totals stay far below 2^51.)

/// floor(q) for 0 <= q < 2^51 in operations that vectorise (no rounding instruction needed):
/// adding and taking away 2^52 rounds to the nearest integer, then one step down if above.
#[inline(always)]
fn floor_small(q: f64) -> f64 {
    const SHIFT: f64 = (1u64 << 52) as f64;
    let nearest = (q + SHIFT) - SHIFT;
    nearest - select(nearest > q, 1.0, 0.0)
}

/// `if condition { yes } else { no }` as a bit mask, so loops over it stay branch-free.
#[inline(always)]
fn select(condition: bool, yes: f64, no: f64) -> f64 {
    let mask = u64::from(condition).wrapping_neg();
    f64::from_bits((yes.to_bits() & mask) | (no.to_bits() & !mask))
}

/// Buffers a score pass reuses from call to call: per scored resource, the feasible nodes'
/// requested (with the pod) and allocatable amounts side by side, so the loops over them
/// compile to vector instructions.
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    requested: Vec<Vec<f64>>,
    allocatable: Vec<Vec<f64>>,
    total: Vec<f64>,
    weights: Vec<f64>,
    matched: Vec<bool>,
    subsets: Vec<u8>,
}

impl Scratch {
    /// Gathers each resource's (requested, allocatable) over the slots; false when a value is
    /// negative or not below EXACT_BELOW (then the integer path must decide).
    #[inline(always)]
    fn gather(&mut self, resources: &[&ScoredResource<'_>], slots: &[u32]) -> bool {
        if self.requested.len() < resources.len() {
            self.requested.resize(resources.len(), Vec::new());
            self.allocatable.resize(resources.len(), Vec::new());
        }
        let mut bits = 0u64;
        for (index, resource) in resources.iter().enumerate() {
            let (requested, allocatable) =
                (&mut self.requested[index], &mut self.allocatable[index]);
            requested.clear();
            requested.resize(slots.len(), 0.0);
            allocatable.clear();
            allocatable.resize(slots.len(), 0.0);
            let Some(column) = resource.allocatable else {
                return false;
            };
            let pod_request = resource.pod_request;
            bits |= pod_request as u64;
            let (capacities, no_capacity) = (column.as_slice(), column.default_value());
            let (used, unused) = match resource.used {
                Some(used) => (used.as_slice(), used.default_value()),
                None => (&[][..], 0),
            };
            for ((&slot, requested), allocatable) in slots
                .iter()
                .zip(requested.iter_mut())
                .zip(allocatable.iter_mut())
            {
                let slot = slot as usize;
                let used = used.get(slot).copied().unwrap_or(unused);
                let capacity = capacities.get(slot).copied().unwrap_or(no_capacity);
                bits |= used as u64 | capacity as u64;
                *requested = (used + pod_request) as f64;
                *allocatable = capacity as f64;
            }
        }
        // used and the pod's request each below 2^45: their sum is below 2^46, still exact.
        bits < EXACT_BELOW
    }
}

/// LeastAllocated (or MostAllocated) over gathered columns in f64, exact (see EXACT_BELOW).
/// False when the values are out of that range: the caller falls back to int64.
#[inline(always)]
fn fit_gathered(
    scratch: &mut Scratch,
    resources: &[ScoredResource<'_>],
    most: bool,
    slots: &[u32],
    out: &mut [i64],
) -> bool {
    // A resource without an allocatable column counts on no node (allocatable 0).
    let counted: Vec<&ScoredResource<'_>> = resources
        .iter()
        .filter(|resource| resource.allocatable.is_some())
        .collect();
    // Non-negative weights keep every quotient non-negative, where floor is truncation.
    let weights_fit = counted.iter().all(|resource| resource.weight >= 0)
        && counted.iter().map(|resource| resource.weight).sum::<i64>() < EXACT_WEIGHTS_BELOW;
    if !weights_fit || !scratch.gather(&counted, slots) {
        return false;
    }
    let n = slots.len();
    scratch.total.clear();
    scratch.total.resize(n, 0.0);
    scratch.weights.clear();
    scratch.weights.resize(n, 0.0);
    for (index, resource) in counted.iter().enumerate() {
        let weight = resource.weight as f64;
        let requested = &scratch.requested[index][..n];
        let allocatable = &scratch.allocatable[index][..n];
        let total = &mut scratch.total[..n];
        let weights = &mut scratch.weights[..n];
        let nodes = requested
            .iter()
            .zip(allocatable)
            .zip(total.iter_mut().zip(weights.iter_mut()));
        for ((&r, &a), (total, weights)) in nodes {
            let numerator = if most { r.min(a) } else { a - r };
            // Dividing by at least 1 keeps lanes that do not count finite; they add 0.
            let quotient = floor_small(numerator * MAX_NODE_SCORE as f64 / a.max(1.0));
            let counted = select(a != 0.0, weight, 0.0);
            *total += quotient * select(most || r <= a, counted, 0.0);
            *weights += counted;
        }
    }
    let (total, weights) = (&mut scratch.total[..n], &scratch.weights[..n]);
    for (total, &weights) in total.iter_mut().zip(weights) {
        let average = floor_small(*total / weights.max(1.0));
        *total = select(weights == 0.0, 0.0, average);
    }
    for (out, &total) in out.iter_mut().zip(total.iter()) {
        *out = total as i64;
    }
    true
}

/// BalancedAllocation over two gathered resources, in the same f64 operations as `balanced`.
/// False when not exactly two resources have an allocatable column, or when the amounts are
/// too large for the allocated amount (requested − the pod's request) to be exact in f64.
#[inline(always)]
fn balanced_gathered(
    scratch: &mut Scratch,
    resources: &[ScoredResource<'_>],
    slots: &[u32],
    out: &mut [i64],
) -> bool {
    let counted: Vec<&ScoredResource<'_>> = resources
        .iter()
        .filter(|resource| resource.allocatable.is_some())
        .collect();
    if counted.len() != 2 || !scratch.gather(&counted, slots) {
        return false;
    }
    let n = slots.len();
    let (p0, p1) = (counted[0].pod_request as f64, counted[1].pod_request as f64);
    let (r0, a0) = (&scratch.requested[0][..n], &scratch.allocatable[0][..n]);
    let (r1, a1) = (&scratch.requested[1][..n], &scratch.allocatable[1][..n]);
    scratch.total.clear();
    scratch.total.resize(n, 0.0);
    scratch.weights.clear();
    scratch.weights.resize(n, 0.0);
    let (with_pod, without_pod) = (&mut scratch.total[..n], &mut scratch.weights[..n]);
    for i in 0..n {
        let both = a0[i] != 0.0 && a1[i] != 0.0;
        let spread = |f0: f64, f1: f64| if both { ((f0 - f1) / 2.0).abs() } else { 0.0 };
        let std_with = spread((r0[i] / a0[i]).min(1.0), (r1[i] / a1[i]).min(1.0));
        let std_without = spread(
            ((r0[i] - p0) / a0[i]).min(1.0),
            ((r1[i] - p1) / a1[i]).min(1.0),
        );
        with_pod[i] = (1.0 - std_with) * MAX_NODE_SCORE as f64;
        without_pod[i] = (1.0 - std_without) * MAX_NODE_SCORE as f64;
    }
    for ((out, &with), &without) in out.iter_mut().zip(with_pod.iter()).zip(without_pod.iter()) {
        *out = change_in_balance(with as i64, without as i64);
    }
    true
}

/// BalancedAllocation per node through the int64 formula.
fn balanced_scores_of(scored: &[ScoredResource<'_>], slots: &[u32], out: &mut [i64]) {
    let mut values = vec![(0i64, 0i64, 0i64); scored.len()];
    for (slot, out) in slots.iter().zip(out.iter_mut()) {
        for (value, resource) in values.iter_mut().zip(scored) {
            *value = resource.balance_values(*slot as usize);
        }
        *out = balanced(&values);
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
    resource_scores_of(&scored, slots, out, score);
}

fn resource_scores_of(
    scored: &[ScoredResource<'_>],
    slots: &[u32],
    out: &mut [i64],
    score: impl Fn(&[(i64, i64, i64)]) -> i64,
) {
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
        for (value, resource) in values.iter_mut().zip(scored) {
            *value = resource.values(slot);
        }
        *out = score(values);
    }
}

/// Each feasible node's normalized score from one plugin (before its weight).
#[inline(always)]
pub fn score(
    plugin: &ScorePlugin,
    plan: &Plan<'_>,
    slots: &[u32],
    out: &mut [i64],
    scratch: &mut Scratch,
) {
    let cluster = plan.cluster;
    let pod = plan.pod;
    match plugin {
        ScorePlugin::NodeResourcesFit {
            strategy,
            resources,
        } => match strategy {
            ScoringStrategy::LeastAllocated | ScoringStrategy::MostAllocated => {
                let most = matches!(strategy, ScoringStrategy::MostAllocated);
                let scored = scored_resources(cluster, pod, resources, true);
                if !fit_gathered(scratch, &scored, most, slots, out) {
                    let per_resource = if most {
                        most_requested
                    } else {
                        least_requested
                    };
                    resource_scores_of(&scored, slots, out, |values| {
                        weighted_average(values, per_resource)
                    })
                }
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
            let scored = scored_resources(cluster, pod, resources, false);
            let best_effort = scored.iter().all(|resource| resource.pod_request == 0);
            if best_effort {
                out.iter_mut().for_each(|score| *score = 0);
            } else if !balanced_gathered(scratch, &scored, slots, out) {
                balanced_scores_of(&scored, slots, out)
            }
        }
        ScorePlugin::TaintToleration => {
            let untolerated = &plan.untolerated_prefer;
            if !untolerated.contains(&true) {
                // No node has a taint to count: every count is 0, reversed to the maximum.
                out.fill(MAX_NODE_SCORE);
                return;
            }
            // Counted from the mask bits; nodes whose mask says to read their list are
            // counted again from it afterwards (rare: more than 63 distinct taints).
            let prefer = plan.prefer_mask & !TAINT_OVERFLOW;
            let (masks, no_mask) = (
                cluster.taint_mask.as_slice(),
                cluster.taint_mask.default_value(),
            );
            let mut overflow = 0u64;
            for (&slot, out) in slots.iter().zip(out.iter_mut()) {
                let mask = masks.get(slot as usize).copied().unwrap_or(no_mask);
                overflow |= mask;
                *out = i64::from((mask & prefer).count_ones());
            }
            if overflow & TAINT_OVERFLOW != 0 {
                for (&slot, out) in slots.iter().zip(out.iter_mut()) {
                    let slot = slot as usize;
                    if cluster.taint_mask.get(slot) & TAINT_OVERFLOW != 0 {
                        *out = cluster.taints[slot]
                            .iter()
                            .filter(|&&id| untolerated[id as usize])
                            .count() as i64;
                    }
                }
            }
            default_normalize(out, true);
        }
        ScorePlugin::NodeAffinity => {
            if plan.preferred.is_empty() {
                out.fill(0);
                return;
            }
            out.fill(0);
            let matched = &mut scratch.matched;
            matched.clear();
            matched.resize(slots.len(), false);
            for (weight, term) in &plan.preferred {
                plan.term_matches_all(term, slots, matched);
                for (out, &matched) in out.iter_mut().zip(matched.iter()) {
                    *out += weight * i64::from(matched);
                }
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
            let image_score = |sum: i64| {
                if sum <= MIN_IMAGE_THRESHOLD {
                    0
                } else {
                    MAX_NODE_SCORE * (sum.min(max_threshold) - MIN_IMAGE_THRESHOLD)
                        / (max_threshold - MIN_IMAGE_THRESHOLD)
                }
            };
            if scaled.len() <= IMAGE_TABLE_BITS {
                // A node's score depends only on which of the pod's images it has: the score
                // of each such subset once, then per node its subset's bits and a lookup.
                let mut table = [0i64; 1 << IMAGE_TABLE_BITS];
                for (subset, entry) in table.iter_mut().enumerate().take(1 << scaled.len()) {
                    let sum = scaled
                        .iter()
                        .enumerate()
                        .filter(|(bit, _)| subset & (1 << bit) != 0)
                        .map(|(_, (_, score))| score)
                        .sum();
                    *entry = image_score(sum);
                }
                let subsets = &mut scratch.subsets;
                subsets.clear();
                subsets.resize(slots.len(), 0);
                for (bit, (present, _)) in scaled.iter().enumerate() {
                    let (present, absent) = (present.as_slice(), present.default_value());
                    for (&slot, subset) in slots.iter().zip(subsets.iter_mut()) {
                        let here = present.get(slot as usize).copied().unwrap_or(absent);
                        *subset |= u8::from(here) << bit;
                    }
                }
                for (out, &subset) in out.iter_mut().zip(subsets.iter()) {
                    *out = table[usize::from(subset)];
                }
                return;
            }
            for (slot, out) in slots.iter().zip(out.iter_mut()) {
                let sum = scaled
                    .iter()
                    .filter(|(present, _)| present.get(*slot as usize))
                    .map(|(_, score)| score)
                    .sum();
                *out = image_score(sum);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small xorshift: the same cases on every run.
    fn random(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    fn column(values: &[i64]) -> Column<i64> {
        let mut column = Column::new(0);
        for (slot, &value) in values.iter().enumerate() {
            column.set(slot, value);
        }
        column
    }

    /// Amounts around the edges: 0, equal to capacity, just over it, and up to 2^44.
    fn amount(state: &mut u64) -> i64 {
        match random(state) % 6 {
            0 => 0,
            1 => (random(state) % 8) as i64,
            2 => (random(state) % 100_000) as i64,
            3 => (random(state) % (1 << 40)) as i64,
            4 => (random(state) % (1 << 44)) as i64,
            _ => (random(state) % 1000 + 1) as i64 * 1024 * 1024,
        }
    }

    #[test]
    fn gathered_fit_and_balance_match_the_int64_formulas() {
        let mut state = 0x9e37_79b9_7f4a_7c15;
        let mut scratch = Scratch::default();
        for _ in 0..200 {
            let n = 1 + (random(&mut state) % 300) as usize;
            let columns: Vec<Column<i64>> = (0..4)
                .map(|_| column(&(0..n).map(|_| amount(&mut state)).collect::<Vec<_>>()))
                .collect();
            let resources: Vec<ScoredResource<'_>> = (0..2)
                .map(|index| ScoredResource {
                    allocatable: Some(&columns[2 * index]),
                    used: Some(&columns[2 * index + 1]),
                    weight: (random(&mut state) % 5) as i64,
                    pod_request: amount(&mut state) % 5000,
                })
                .collect();
            // Slots in a shuffled order, some past the columns' end (reading as 0).
            let slots: Vec<u32> = (0..n)
                .map(|_| (random(&mut state) % (n as u64 + 3)) as u32)
                .collect();
            let mut gathered = vec![0; n];
            let mut expected = vec![0; n];
            for (most, per_resource) in [
                (false, least_requested as fn(i64, i64) -> i64),
                (true, most_requested),
            ] {
                assert!(fit_gathered(
                    &mut scratch,
                    &resources,
                    most,
                    &slots,
                    &mut gathered
                ));
                resource_scores_of(&resources, &slots, &mut expected, |values| {
                    weighted_average(values, per_resource)
                });
                assert_eq!(gathered, expected, "most: {most}");
            }
            assert!(balanced_gathered(
                &mut scratch,
                &resources,
                &slots,
                &mut gathered
            ));
            balanced_scores_of(&resources, &slots, &mut expected);
            assert_eq!(gathered, expected);
        }
    }

    #[test]
    fn gathered_fit_declines_amounts_f64_cannot_divide_exactly() {
        let mut scratch = Scratch::default();
        let (allocatable, used) = (column(&[1 << 50]), column(&[3]));
        let resources = [ScoredResource {
            allocatable: Some(&allocatable),
            used: Some(&used),
            weight: 1,
            pod_request: 1,
        }];
        assert!(!fit_gathered(
            &mut scratch,
            &resources,
            false,
            &[0],
            &mut [0]
        ));
    }

    #[test]
    fn floor_small_is_floor() {
        for q in [
            0.0,
            0.25,
            0.5,
            0.999_999_999,
            1.0,
            1.5,
            2.5,
            99.999_999_999_99,
            100.0,
        ] {
            assert_eq!(floor_small(q), q.floor(), "{q}");
        }
    }
}
