//! One call per pod: the enabled filters over the nodes from the start index in rotation until
//! enough feasible nodes are found (kube-scheduler's findNodesThatPassFilters, run in order),
//! then the enabled scores over the feasible nodes, weighted and summed as int64.
//!
//! The pod is resolved against the node columns once (`Plan`); the filter pass is one loop
//! over the nodes and each score plugin one loop over the feasible nodes, writing into an
//! `Output` whose buffers a caller keeps from call to call.

use crate::cluster::{Cluster, Slot};
use crate::cpu;
use crate::filters::{self, Reason};
use crate::model::{FilterPlugin, PodQuery, Profile, Request};
use crate::plan::Plan;
use crate::query::CompiledPod;
use crate::scores;

/// Nodes the filter pass checks together (one bit each in a u64).
const BLOCK: usize = 64;

/// A node the filters rejected: the first rejecting plugin and its reasons (indexes into
/// `Outcome::reasons`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub slot: Slot,
    pub plugin: FilterPlugin,
    pub unresolvable: bool,
    pub reasons: Vec<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Nodes the filters looked at (feasible + rejected).
    pub evaluated: usize,
    /// Feasible nodes in the order they were found.
    pub feasible: Vec<Slot>,
    /// Each feasible node's total (weighted, summed) score; zeros when not scored.
    pub scores: Vec<i64>,
    /// When asked: per feasible node (same order), each score plugin's weighted score.
    pub plugin_scores: Vec<i64>,
    /// Rejected nodes in the order they were evaluated.
    pub failures: Vec<Failure>,
    /// The distinct reason texts of this call.
    pub reasons: Vec<String>,
}

impl Outcome {
    pub fn reason_texts(&self, failure: &Failure) -> Vec<&str> {
        failure
            .reasons
            .iter()
            .map(|&index| self.reasons[index as usize].as_str())
            .collect()
    }

    /// Feasible nodes best score first; equal scores keep the order they were found in.
    pub fn ranked(&self) -> Vec<(Slot, i64)> {
        let mut positions: Vec<usize> = (0..self.feasible.len()).collect();
        positions.sort_by(|&a, &b| self.scores[b].cmp(&self.scores[a]).then(a.cmp(&b)));
        positions
            .into_iter()
            .map(|position| (self.feasible[position], self.scores[position]))
            .collect()
    }
}

/// Weighted totals and (when asked) per-plugin weighted scores of some nodes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scores {
    pub totals: Vec<i64>,
    pub per_plugin: Vec<i64>,
}

/// One call's result in flat buffers, reused from call to call.
#[derive(Debug, Clone, Default)]
pub struct Output {
    /// Nodes the filters looked at (feasible + rejected).
    pub evaluated: usize,
    /// Feasible nodes in the order they were found.
    pub feasible: Vec<Slot>,
    /// Each feasible node's total score; zeros when not scored.
    pub scores: Vec<i64>,
    /// When asked: row per feasible node, column per score plugin (weighted).
    pub plugin_scores: Vec<i64>,
    /// Rejected nodes in the order they were evaluated.
    pub failed: Vec<Slot>,
    /// Index into the profile's filters of the filter that rejected each failed node.
    pub failed_filter: Vec<u8>,
    /// Failure i's reasons are `reasons[reason_ids[k]]` for k in
    /// `reason_offsets[i]..reason_offsets[i + 1]`.
    pub reason_offsets: Vec<u32>,
    pub reason_ids: Vec<u32>,
    /// The distinct reason texts of this call.
    pub reasons: Vec<String>,
    reason_keys: Vec<Reason>,
    pending: Vec<Reason>,
    column: Vec<i64>,
    scratch: scores::Scratch,
}

impl Output {
    fn clear(&mut self) {
        self.evaluated = 0;
        self.feasible.clear();
        self.scores.clear();
        self.plugin_scores.clear();
        self.failed.clear();
        self.failed_filter.clear();
        self.reason_offsets.clear();
        self.reason_offsets.push(0);
        self.reason_ids.clear();
        self.reasons.clear();
        self.reason_keys.clear();
        self.pending.clear();
    }

    /// Records (and clears) the reasons in `pending` for the failure just pushed; a filter
    /// pushes reasons only when it rejects.
    fn take_reasons(&mut self, plan: &Plan<'_>) {
        for index in 0..self.pending.len() {
            let id = self.reason_id(plan, self.pending[index]);
            self.reason_ids.push(id);
        }
        self.pending.clear();
        self.reason_offsets.push(self.reason_ids.len() as u32);
    }

    /// The reason's index in `reasons`, its text rendered the first time.
    fn reason_id(&mut self, plan: &Plan<'_>, reason: Reason) -> u32 {
        let id = match self.reason_keys.iter().position(|known| *known == reason) {
            Some(id) => id,
            None => {
                self.reasons.push(reason_text(plan, reason));
                self.reason_keys.push(reason);
                self.reason_keys.len() - 1
            }
        };
        id as u32
    }

    /// A failure with a single reason already in `reasons`.
    fn push_failure(&mut self, slot: Slot, filter: u8, reason: u32) {
        self.failed.push(slot);
        self.failed_filter.push(filter);
        self.reason_ids.push(reason);
        self.reason_offsets.push(self.reason_ids.len() as u32);
    }
}

/// TaintToleration's Filter reason (kube-scheduler 1.36).
pub const UNTOLERATED_TAINT: &str = "node(s) had untolerated taint(s)";

fn reason_text(plan: &Plan<'_>, reason: Reason) -> String {
    match reason {
        Reason::Fixed(fixed) => fixed.text().to_string(),
        // Kubernetes 1.36 no longer names the taint in the reason.
        Reason::Taint { .. } => UNTOLERATED_TAINT.to_string(),
        Reason::InsufficientScalar(index) => {
            format!("Insufficient {}", plan.pod.scalar[index].name)
        }
        Reason::Extension(index) => plan.filter_extensions[usize::from(index)]
            .plugin
            .reason()
            .to_string(),
    }
}

impl Cluster {
    pub fn schedule(&self, pod: &PodQuery, profile: &Profile, request: &Request) -> Outcome {
        let mut output = Output::default();
        self.schedule_into(pod, profile, request, &mut output);
        let failures = (0..output.failed.len())
            .map(|index| {
                let plugin = profile.filters[output.failed_filter[index] as usize];
                let reasons = output.reason_offsets[index] as usize
                    ..output.reason_offsets[index + 1] as usize;
                Failure {
                    slot: output.failed[index],
                    plugin,
                    unresolvable: filters::unresolvable(plugin),
                    reasons: output.reason_ids[reasons].to_vec(),
                }
            })
            .collect();
        Outcome {
            evaluated: output.evaluated,
            feasible: output.feasible,
            scores: output.scores,
            plugin_scores: output.plugin_scores,
            failures,
            reasons: output.reasons,
        }
    }

    /// `schedule` into buffers the caller keeps between calls.
    pub fn schedule_into(
        &self,
        pod: &PodQuery,
        profile: &Profile,
        request: &Request,
        output: &mut Output,
    ) {
        cpu::with_wide_instructions(
            #[inline(always)]
            || self.schedule_body(pod, profile, request, output),
        )
    }

    #[inline(always)]
    fn schedule_body(
        &self,
        pod: &PodQuery,
        profile: &Profile,
        request: &Request,
        output: &mut Output,
    ) {
        output.clear();
        let total = self.order.len();
        if total == 0 {
            return;
        }
        let compiled = CompiledPod::new(self, pod, &profile.fit);
        let plan = Plan::new(self, pod, &compiled, profile);
        let to_find = match request.feasible_to_find {
            0 => total,
            wanted => wanted.min(total),
        };
        let start = request.start % total;
        let (tail, head) = self.order.split_at(start);
        let filters = &profile.filters[..];
        let active = filters::active(filters, &plan);
        let mut evaluated = 0;
        // Blocks of up to 64 nodes in rotation order: each active filter marks the block's
        // nodes it passes in one loop (`filters::pass_bits`), then the nodes are taken in order
        // until enough are feasible. Nodes after the last one taken were checked for nothing.
        let mut first_failing = vec![0u64; active.len()];
        let mut reason_of: Vec<Option<u32>> = vec![None; active.len()];
        for block in head.chunks(BLOCK).chain(tail.chunks(BLOCK)) {
            let in_block = if block.len() == BLOCK {
                u64::MAX
            } else {
                (1u64 << block.len()) - 1
            };
            let mut passing = in_block;
            for (failing, &(_, plugin)) in first_failing.iter_mut().zip(&active) {
                let bits = filters::pass_bits(plugin, &plan, block, passing);
                *failing = passing & !bits;
                passing &= bits;
            }
            // The nodes taken: all of the block, or up to the last feasible node wanted.
            let wanted = to_find - output.feasible.len();
            let (taken, done) = if passing.count_ones() as usize >= wanted {
                let mut rest = passing;
                for _ in 1..wanted {
                    rest &= rest - 1;
                }
                let last = rest.trailing_zeros();
                (u64::MAX >> (63 - last), true)
            } else {
                (in_block, false)
            };
            evaluated += taken.count_ones() as usize;
            let mut feasible = passing & taken;
            while feasible != 0 {
                output
                    .feasible
                    .push(block[feasible.trailing_zeros() as usize]);
                feasible &= feasible - 1;
            }
            let mut failed = !passing & taken & in_block;
            while failed != 0 {
                let at = failed.trailing_zeros() as usize;
                failed &= failed - 1;
                let slot = block[at];
                let bit = 1u64 << at;
                let rejecting = first_failing.iter().position(|failing| failing & bit != 0);
                if let Some(rejecting) = rejecting {
                    let (position, plugin) = active[rejecting];
                    if let Some(reason) = filters::fixed_reason(plugin) {
                        // A filter with one reason for every node: its id once per call.
                        let id = match reason_of[rejecting] {
                            Some(id) => id,
                            None => *reason_of[rejecting].insert(output.reason_id(&plan, reason)),
                        };
                        output.push_failure(slot, position, id);
                        continue;
                    }
                    if !filters::run(plugin, &plan, slot as usize, &mut output.pending) {
                        output.failed.push(slot);
                        output.failed_filter.push(position);
                        output.take_reasons(&plan);
                        continue;
                    }
                }
                // The block check and the filter one by one disagree (they never should):
                // the filters one by one decide.
                output.pending.clear();
                let rejected_by = filters.iter().position(|&plugin| {
                    !filters::run(plugin, &plan, slot as usize, &mut output.pending)
                });
                if let Some(position) = rejected_by {
                    output.failed.push(slot);
                    output.failed_filter.push(position as u8);
                    output.take_reasons(&plan);
                    continue;
                }
                // No filter rejects it after all.
                output.feasible.push(slot);
            }
            if done {
                break;
            }
        }
        output.evaluated = evaluated;
        if request.score {
            let feasible = std::mem::take(&mut output.feasible);
            self.score_plan(&plan, profile, &feasible, request.plugin_scores, output);
            output.feasible = feasible;
        } else {
            output.scores.resize(output.feasible.len(), 0);
        }
    }

    /// Scores the given nodes (feasible for the pod) with the profile's score plugins.
    pub fn score_nodes(
        &self,
        pod: &PodQuery,
        profile: &Profile,
        slots: &[Slot],
        plugin_scores: bool,
    ) -> Scores {
        let mut output = Output::default();
        self.score_nodes_into(pod, profile, slots, plugin_scores, &mut output);
        Scores {
            totals: output.scores,
            per_plugin: output.plugin_scores,
        }
    }

    /// `score_nodes` into `output.scores` and `output.plugin_scores`.
    pub fn score_nodes_into(
        &self,
        pod: &PodQuery,
        profile: &Profile,
        slots: &[Slot],
        plugin_scores: bool,
        output: &mut Output,
    ) {
        cpu::with_wide_instructions(
            #[inline(always)]
            || {
                output.clear();
                let compiled = CompiledPod::new(self, pod, &profile.fit);
                let plan = Plan::new(self, pod, &compiled, profile);
                self.score_plan(&plan, profile, slots, plugin_scores, output);
            },
        )
    }

    #[inline(always)]
    fn score_plan(
        &self,
        plan: &Plan<'_>,
        profile: &Profile,
        slots: &[Slot],
        plugin_scores: bool,
        output: &mut Output,
    ) {
        let plugins = profile.scores.len();
        output.scores.clear();
        output.scores.resize(slots.len(), 0);
        output.plugin_scores.clear();
        if plugin_scores {
            output.plugin_scores.resize(slots.len() * plugins, 0);
        }
        output.column.clear();
        output.column.resize(slots.len(), 0);
        for (index, (plugin, weight)) in profile.scores.iter().enumerate() {
            scores::score(plugin, plan, slots, &mut output.column, &mut output.scratch);
            for (total, score) in output.scores.iter_mut().zip(&output.column) {
                *total += score * weight;
            }
            if plugin_scores {
                let rows = output.plugin_scores.chunks_exact_mut(plugins);
                for (row, score) in rows.zip(&output.column) {
                    row[index] = score * weight;
                }
            }
        }
    }
}
