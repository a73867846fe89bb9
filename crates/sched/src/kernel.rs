//! One call per pod: the enabled filters over the nodes from the start index in rotation until
//! enough feasible nodes are found (kube-scheduler's findNodesThatPassFilters, run in order),
//! then the enabled scores over the feasible nodes, weighted and summed as int64.

use std::collections::HashMap;

use crate::cluster::{Cluster, Slot};
use crate::filters::{self, Reason};
use crate::model::{FilterPlugin, PodQuery, Profile, Request};
use crate::query::CompiledPod;
use crate::scores;

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

struct ReasonTable<'a> {
    cluster: &'a Cluster,
    pod: &'a CompiledPod,
    ids: HashMap<Reason, u32>,
    texts: Vec<String>,
}

impl ReasonTable<'_> {
    fn id(&mut self, reason: Reason) -> u32 {
        if let Some(&id) = self.ids.get(&reason) {
            return id;
        }
        let text = match reason {
            Reason::Fixed(text) => text.to_string(),
            Reason::Taint { key, value } => format!(
                "node(s) had untolerated taint {{{}: {}}}",
                self.cluster.strings.name(key),
                self.cluster.strings.name(value)
            ),
            Reason::InsufficientScalar(index) => {
                format!("Insufficient {}", self.pod.scalar[index].name)
            }
        };
        let id = self.texts.len() as u32;
        self.texts.push(text);
        self.ids.insert(reason, id);
        id
    }
}

impl Cluster {
    pub fn schedule(&self, pod: &PodQuery, profile: &Profile, request: &Request) -> Outcome {
        let compiled = CompiledPod::new(self, pod, &profile.fit);
        let total = self.order.len();
        if total == 0 {
            return Outcome::default();
        }
        let to_find = match request.feasible_to_find {
            0 => total,
            wanted => wanted.min(total),
        };
        let mut table = ReasonTable {
            cluster: self,
            pod: &compiled,
            ids: HashMap::new(),
            texts: Vec::new(),
        };
        let mut feasible: Vec<Slot> = Vec::with_capacity(to_find);
        let mut failures = Vec::new();
        let mut reasons = Vec::new();
        let mut evaluated = 0;
        let start = request.start % total;
        for offset in 0..total {
            let slot = self.order[(start + offset) % total];
            evaluated += 1;
            let rejected_by = profile.filters.iter().copied().find(|&plugin| {
                reasons.clear();
                !filters::run(plugin, self, &compiled, slot as usize, &mut reasons)
            });
            match rejected_by {
                None => {
                    feasible.push(slot);
                    if feasible.len() == to_find {
                        break;
                    }
                }
                Some(plugin) => failures.push(Failure {
                    slot,
                    plugin,
                    unresolvable: filters::unresolvable(plugin),
                    reasons: reasons.drain(..).map(|reason| table.id(reason)).collect(),
                }),
            }
        }
        let scores = if request.score {
            self.score_compiled(&compiled, profile, &feasible, request.plugin_scores)
        } else {
            Scores {
                totals: vec![0; feasible.len()],
                per_plugin: Vec::new(),
            }
        };
        Outcome {
            evaluated,
            feasible,
            scores: scores.totals,
            plugin_scores: scores.per_plugin,
            failures,
            reasons: table.texts,
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
        let compiled = CompiledPod::new(self, pod, &profile.fit);
        self.score_compiled(&compiled, profile, slots, plugin_scores)
    }

    fn score_compiled(
        &self,
        pod: &CompiledPod,
        profile: &Profile,
        slots: &[Slot],
        plugin_scores: bool,
    ) -> Scores {
        let plugins = profile.scores.len();
        let mut totals = vec![0i64; slots.len()];
        let mut per_plugin = if plugin_scores {
            vec![0i64; slots.len() * plugins]
        } else {
            Vec::new()
        };
        let mut column = vec![0i64; slots.len()];
        for (index, (plugin, weight)) in profile.scores.iter().enumerate() {
            scores::score(plugin, self, pod, slots, &mut column);
            for (node, score) in column.iter().enumerate() {
                let weighted = score * weight;
                totals[node] += weighted;
                if plugin_scores {
                    per_plugin[node * plugins + index] = weighted;
                }
            }
        }
        Scores { totals, per_plugin }
    }
}
