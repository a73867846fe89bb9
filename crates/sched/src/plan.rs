//! A pod's features resolved against the node columns once per scheduling call: which of the
//! cluster's distinct taints it leaves untolerated, the label column each affinity clause
//! reads, the scalar resource columns its requests are checked against. The per-node loops
//! then only index slices and compare integers.

use crate::cluster::{taint_bit, Cluster, NodeTaint, TAINT_OVERFLOW};
use crate::columns::Column;
use crate::extension::{Extension, FilterExtension};
use crate::filters::tolerated;
use crate::intern::{Sym, UNKNOWN};
use crate::model::{PodQuery, Profile};
use crate::query::{Clause, CompiledPod, CompiledTerm, CompiledToleration, LabelTest};

#[derive(Debug, Clone, Copy)]
pub enum Check<'a> {
    NameIs(Sym),
    NameIsNot(Sym),
    Label {
        /// None: no node has ever carried the key.
        column: Option<&'a Column<Sym>>,
        test: &'a LabelTest,
    },
}

/// A node selector term (AND of its checks); `never` for an empty or invalid term.
#[derive(Debug, Clone)]
pub struct Term<'a> {
    pub checks: Vec<Check<'a>>,
    pub never: bool,
}

/// One scalar request NodeResourcesFit's filter checks, with its columns.
#[derive(Debug, Clone, Copy)]
pub struct ScalarCheck<'a> {
    /// Index into the pod's scalar requests (for the reason text).
    pub index: usize,
    pub amount: i64,
    pub allocatable: Option<&'a Column<i64>>,
    pub requested: Option<&'a Column<i64>>,
}

#[derive(Debug)]
pub struct Plan<'a> {
    pub cluster: &'a Cluster,
    /// The pod as given (what Rust plugins read).
    pub query: &'a PodQuery,
    pub pod: &'a CompiledPod,
    pub filter_extensions: &'a [Extension<dyn FilterExtension>],
    /// The pod tolerates node.kubernetes.io/unschedulable:NoSchedule.
    pub tolerates_unschedulable: bool,
    /// By taint id: a NoSchedule/NoExecute taint the pod does not tolerate.
    pub untolerated_hard: Vec<bool>,
    /// By taint id: a PreferNoSchedule taint none of the pod's PreferNoSchedule (or
    /// effect-less) tolerations tolerates.
    pub untolerated_prefer: Vec<bool>,
    /// `untolerated_hard` and `untolerated_prefer` as taint masks (with TAINT_OVERFLOW).
    pub hard_mask: u64,
    pub prefer_mask: u64,
    /// spec.nodeSelector: each key's column and the value it must hold.
    pub selector: Vec<(Option<&'a Column<Sym>>, Sym)>,
    /// A selector value no node carries: no node matches.
    pub selector_never: bool,
    /// No nodeSelector and no required node affinity: NodeAffinity's filter passes every node.
    pub affinity_free: bool,
    pub required: Option<Vec<Term<'a>>>,
    pub preferred: Vec<(i64, Term<'a>)>,
    pub scalar_checks: Vec<ScalarCheck<'a>>,
    /// The pod requests nothing NodeResourcesFit's filter checks beyond a pod slot.
    pub requests_nothing: bool,
}

fn term<'a>(cluster: &'a Cluster, term: &'a CompiledTerm) -> Term<'a> {
    Term {
        never: term.never,
        checks: term
            .clauses
            .iter()
            .map(|clause| match clause {
                Clause::NameIs(name) => Check::NameIs(*name),
                Clause::NameIsNot(name) => Check::NameIsNot(*name),
                Clause::Label { key, test } => Check::Label {
                    column: cluster.label_columns.get(key),
                    test,
                },
            })
            .collect(),
    }
}

fn mask(untolerated: &[bool]) -> u64 {
    untolerated
        .iter()
        .enumerate()
        .filter(|(_, untolerated)| **untolerated)
        .fold(TAINT_OVERFLOW, |mask, (id, _)| mask | taint_bit(id as u32))
}

fn untolerated(
    table: &[NodeTaint],
    tolerations: &[CompiledToleration],
    applies: impl Fn(Sym) -> bool,
) -> Vec<bool> {
    table
        .iter()
        .map(|taint| applies(taint.effect) && !tolerated(tolerations, taint))
        .collect()
}

impl<'a> Plan<'a> {
    pub fn new(
        cluster: &'a Cluster,
        query: &'a PodQuery,
        pod: &'a CompiledPod,
        profile: &'a Profile,
    ) -> Plan<'a> {
        let known = &cluster.known;
        let unschedulable_taint = NodeTaint {
            key: known.unschedulable_taint,
            value: known.empty,
            effect: known.no_schedule,
        };
        let prefer_tolerations: Vec<CompiledToleration> = pod
            .tolerations
            .iter()
            .filter(|toleration| {
                toleration
                    .effect
                    .is_none_or(|effect| effect == known.prefer_no_schedule)
            })
            .copied()
            .collect();
        let untolerated_hard = untolerated(&cluster.taint_table, &pod.tolerations, |effect| {
            effect == known.no_schedule || effect == known.no_execute
        });
        let untolerated_prefer = untolerated(&cluster.taint_table, &prefer_tolerations, |effect| {
            effect == known.prefer_no_schedule
        });
        Plan {
            cluster,
            query,
            pod,
            filter_extensions: &profile.filter_extensions,
            tolerates_unschedulable: tolerated(&pod.tolerations, &unschedulable_taint),
            hard_mask: mask(&untolerated_hard),
            prefer_mask: mask(&untolerated_prefer),
            untolerated_hard,
            untolerated_prefer,
            selector: pod
                .node_selector
                .iter()
                .map(|(key, value)| (cluster.label_columns.get(key), *value))
                .collect(),
            selector_never: pod.node_selector.iter().any(|(_, value)| *value == UNKNOWN),
            affinity_free: pod.node_selector.is_empty() && pod.required.is_none(),
            required: pod
                .required
                .as_ref()
                .map(|terms| terms.iter().map(|t| term(cluster, t)).collect()),
            preferred: pod
                .preferred
                .iter()
                .map(|(weight, t)| (*weight, term(cluster, t)))
                .collect(),
            scalar_checks: pod
                .scalar
                .iter()
                .enumerate()
                .filter(|(_, request)| request.amount != 0 && !request.ignored_by_filter)
                .map(|(index, request)| ScalarCheck {
                    index,
                    amount: request.amount,
                    allocatable: cluster.scalar_alloc.get(&request.resource),
                    requested: cluster.scalar_req.get(&request.resource),
                })
                .collect(),
            requests_nothing: pod.milli_cpu == 0
                && pod.memory == 0
                && pod.ephemeral_storage == 0
                && pod.scalar.is_empty(),
        }
    }

    #[inline]
    pub fn label(column: Option<&Column<Sym>>, slot: usize) -> Sym {
        match column {
            Some(column) => column.get(slot),
            None => UNKNOWN,
        }
    }

    /// Whether the node matches the term. The checks combine without short-circuits: a
    /// node's verdict is data the loops over nodes turn into bits, not branches.
    #[inline(always)]
    pub fn term_matches(&self, term: &Term<'_>, slot: usize) -> bool {
        if term.never {
            return false;
        }
        let cluster = self.cluster;
        term.checks.iter().fold(true, |all, check| {
            all & match *check {
                Check::NameIs(name) => cluster.name.get(slot) == name,
                Check::NameIsNot(name) => cluster.name.get(slot) != name,
                Check::Label { column, test } => {
                    let value = Plan::label(column, slot);
                    let present = value != UNKNOWN;
                    let listed =
                        |values: &[Sym]| values.iter().fold(false, |any, v| any | (*v == value));
                    match test {
                        LabelTest::In(values) => present & listed(values),
                        LabelTest::NotIn(values) => !present | !listed(values),
                        LabelTest::Exists => present,
                        LabelTest::DoesNotExist => !present,
                        LabelTest::Gt(bound) => {
                            present && cluster.strings.int(value).is_some_and(|v| v > *bound)
                        }
                        LabelTest::Lt(bound) => {
                            present && cluster.strings.int(value).is_some_and(|v| v < *bound)
                        }
                    }
                }
            }
        })
    }

    /// `term_matches` for every slot at once, into `matched`: one loop over the nodes per
    /// check, so the check's kind is decided once, not once per node.
    #[inline(always)]
    pub fn term_matches_all(&self, term: &Term<'_>, slots: &[u32], matched: &mut [bool]) {
        matched.fill(!term.never);
        if term.never {
            return;
        }
        for check in &term.checks {
            let nodes = slots.iter().zip(matched.iter_mut());
            match *check {
                Check::Label {
                    column,
                    test: LabelTest::In(values),
                } => {
                    for (&slot, matched) in nodes {
                        let value = Plan::label(column, slot as usize);
                        let listed = values.iter().fold(false, |any, v| any | (*v == value));
                        *matched &= (value != UNKNOWN) & listed;
                    }
                }
                Check::Label {
                    column,
                    test: LabelTest::Exists,
                } => {
                    for (&slot, matched) in nodes {
                        *matched &= Plan::label(column, slot as usize) != UNKNOWN;
                    }
                }
                _ => {
                    let single = Term {
                        checks: vec![*check],
                        never: false,
                    };
                    for (&slot, matched) in nodes {
                        *matched &= self.term_matches(&single, slot as usize);
                    }
                }
            }
        }
    }

    /// spec.nodeSelector and the required node affinity terms (OR) both hold.
    pub fn required_affinity_matches(&self, slot: usize) -> bool {
        if self.selector_never {
            return false;
        }
        let selected = self.selector.iter().fold(true, |all, (column, value)| {
            all & (Plan::label(*column, slot) == *value)
        });
        selected
            & match &self.required {
                Some(terms) => terms
                    .iter()
                    .fold(false, |any, term| any | self.term_matches(term, slot)),
                None => true,
            }
    }
}
