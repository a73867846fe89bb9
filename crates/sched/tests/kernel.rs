//! Hand-checked kube-scheduler cases: filter verdicts with Kubernetes' reasons, the rotation
//! and early stop of the filter loop, and every score plugin's formula and normalisation.

use rudder_sched::*;

fn node(name: &str, cpu: i64, memory: i64) -> NodeSpec {
    NodeSpec {
        name: name.into(),
        allocatable: Resources {
            milli_cpu: cpu,
            memory,
            ephemeral_storage: 0,
            pods: 110,
            scalar: vec![],
        },
        ..NodeSpec::default()
    }
}

fn pod(cpu: i64, memory: i64) -> PodQuery {
    PodQuery {
        requests: Resources {
            milli_cpu: cpu,
            memory,
            ..Resources::default()
        },
        non_zero_milli_cpu: if cpu == 0 { 100 } else { cpu },
        non_zero_memory: if memory == 0 {
            200 * 1024 * 1024
        } else {
            memory
        },
        containers: 1,
        ..PodQuery::default()
    }
}

fn cpu_memory() -> Vec<ResourceSpec> {
    vec![
        ResourceSpec {
            name: "cpu".into(),
            weight: 1,
        },
        ResourceSpec {
            name: "memory".into(),
            weight: 1,
        },
    ]
}

fn all_filters() -> Vec<FilterPlugin> {
    vec![
        FilterPlugin::NodeUnschedulable,
        FilterPlugin::NodeName,
        FilterPlugin::TaintToleration,
        FilterPlugin::NodeAffinity,
        FilterPlugin::NodePorts,
        FilterPlugin::NodeResourcesFit,
    ]
}

fn only_score(plugin: ScorePlugin) -> Profile {
    Profile {
        filters: all_filters(),
        scores: vec![(plugin, 1)],
        ..Profile::default()
    }
}

fn everything() -> Request {
    Request {
        start: 0,
        feasible_to_find: 0,
        score: true,
        plugin_scores: true,
    }
}

fn cluster(nodes: &[NodeSpec]) -> Cluster {
    let mut cluster = Cluster::new();
    for spec in nodes {
        cluster.upsert_node(spec).unwrap();
    }
    cluster
}

/// Node name → total score.
fn scores(cluster: &Cluster, outcome: &Outcome) -> Vec<(String, i64)> {
    let mut named: Vec<(String, i64)> = outcome
        .ranked()
        .into_iter()
        .map(|(slot, score)| (cluster.node_name(slot).to_string(), score))
        .collect();
    named.sort();
    named
}

fn pairs(expected: &[(&str, i64)]) -> Vec<(String, i64)> {
    expected
        .iter()
        .map(|(name, score)| (name.to_string(), *score))
        .collect()
}

fn rejections(cluster: &Cluster, outcome: &Outcome) -> Vec<(String, Vec<String>)> {
    outcome
        .failures
        .iter()
        .map(|failure| {
            (
                cluster.node_name(failure.slot).to_string(),
                outcome
                    .reason_texts(failure)
                    .into_iter()
                    .map(String::from)
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn least_allocated_on_differently_sized_nodes() {
    // (4000-3000)*100/4000 = 25 and (10000-5000)*100/10000 = 50 → 75/2 = 37; 50 and 50 → 50.
    let cluster = cluster(&[node("node1", 4000, 10000), node("node2", 6000, 10000)]);
    let profile = only_score(ScorePlugin::NodeResourcesFit {
        strategy: ScoringStrategy::LeastAllocated,
        resources: cpu_memory(),
    });
    let outcome = cluster.schedule(&pod(3000, 5000), &profile, &everything());
    assert_eq!(
        scores(&cluster, &outcome),
        pairs(&[("node1", 37), ("node2", 50)])
    );
    assert_eq!(cluster.node_name(outcome.ranked()[0].0), "node2");
}

#[test]
fn most_allocated_counts_the_pod_and_existing_non_zero_requests() {
    let mut cluster = cluster(&[node("node1", 4000, 10000), node("node2", 6000, 10000)]);
    // An existing pod without requests counts 100m / 200Mi toward non-zero requests only.
    cluster
        .add_pod(
            "node2",
            &PodUsage {
                non_zero_milli_cpu: 100,
                non_zero_memory: 0,
                ..PodUsage::default()
            },
        )
        .unwrap();
    let profile = only_score(ScorePlugin::NodeResourcesFit {
        strategy: ScoringStrategy::MostAllocated,
        resources: cpu_memory(),
    });
    let outcome = cluster.schedule(&pod(3000, 5000), &profile, &everything());
    // node1: 3000*100/4000 = 75, 50 → 62. node2: 3100*100/6000 = 51, 50 → 50.
    assert_eq!(
        scores(&cluster, &outcome),
        pairs(&[("node1", 62), ("node2", 50)])
    );
}

#[test]
fn requested_to_capacity_ratio_rounds_the_weighted_mean() {
    let cluster = cluster(&[node("node1", 4000, 10000), node("node2", 6000, 10000)]);
    let shape = vec![
        ShapePoint {
            utilization: 0,
            score: 10,
        },
        ShapePoint {
            utilization: 100,
            score: 0,
        },
    ];
    let profile = only_score(ScorePlugin::NodeResourcesFit {
        strategy: ScoringStrategy::RequestedToCapacityRatio(shape),
        resources: cpu_memory(),
    });
    let outcome = cluster.schedule(&pod(3000, 5000), &profile, &everything());
    // node1: utilization 75 → 25, 50 → 50, round(75/2) = 38.
    assert_eq!(
        scores(&cluster, &outcome),
        pairs(&[("node1", 38), ("node2", 50)])
    );
}

#[test]
fn balanced_allocation_scores_the_change_in_balance() {
    let cluster = cluster(&[node("node1", 4000, 10000), node("node2", 6000, 10000)]);
    let profile = only_score(ScorePlugin::NodeResourcesBalancedAllocation {
        resources: cpu_memory(),
    });
    let outcome = cluster.schedule(&pod(3000, 5000), &profile, &everything());
    // Kubernetes 1.36: 50 + (50 + with − without) / 2. node1: |0.75-0.5|/2 = 0.125 → 87 with
    // the pod, 100 without → 68; node2: 0.5 and 0.5 → 100 both ways → 75.
    assert_eq!(
        scores(&cluster, &outcome),
        pairs(&[("node1", 68), ("node2", 75)])
    );
}

fn tainted(name: &str, taints: &[(&str, &str, &str)]) -> NodeSpec {
    NodeSpec {
        taints: taints
            .iter()
            .map(|(key, value, effect)| Taint {
                key: (*key).into(),
                value: (*value).into(),
                effect: (*effect).into(),
            })
            .collect(),
        ..node(name, 4000, 10000)
    }
}

#[test]
fn taint_toleration_score_is_reverse_normalised() {
    let cluster = cluster(&[
        tainted("clean", &[]),
        tainted("one", &[("a", "1", "PreferNoSchedule")]),
        tainted(
            "two",
            &[
                ("a", "1", "PreferNoSchedule"),
                ("b", "", "PreferNoSchedule"),
                ("c", "x", "PreferNoSchedule"),
            ],
        ),
    ]);
    let mut query = pod(100, 100);
    // Tolerates c=x for every effect; a NoSchedule toleration of b does not count for scoring.
    query.tolerations = vec![
        Toleration {
            key: "c".into(),
            operator: "Equal".into(),
            value: "x".into(),
            effect: String::new(),
        },
        Toleration {
            key: "b".into(),
            operator: "Exists".into(),
            value: String::new(),
            effect: "NoSchedule".into(),
        },
    ];
    let outcome = cluster.schedule(
        &query,
        &only_score(ScorePlugin::TaintToleration),
        &everything(),
    );
    // Intolerable counts 0, 1, 2 → 100, 50, 0.
    assert_eq!(
        scores(&cluster, &outcome),
        pairs(&[("clean", 100), ("one", 50), ("two", 0)])
    );
}

fn labelled(name: &str, labels: &[(&str, &str)]) -> NodeSpec {
    NodeSpec {
        labels: labels
            .iter()
            .map(|(key, value)| ((*key).into(), (*value).into()))
            .collect(),
        ..node(name, 4000, 10000)
    }
}

fn requirement(key: &str, operator: &str, values: &[&str]) -> Requirement {
    Requirement {
        key: key.into(),
        operator: operator.into(),
        values: values.iter().map(|v| (*v).into()).collect(),
    }
}

fn term(expressions: Vec<Requirement>) -> SelectorTerm {
    SelectorTerm {
        match_expressions: expressions,
        match_fields: vec![],
    }
}

#[test]
fn node_affinity_score_sums_matching_weights_and_normalises() {
    let cluster = cluster(&[
        labelled("a", &[("zone", "a")]),
        labelled("b", &[("zone", "a"), ("disk", "ssd")]),
        labelled("c", &[]),
    ]);
    let mut query = pod(100, 100);
    query.preferred_terms = vec![
        (2, term(vec![requirement("zone", "In", &["a"])])),
        (5, term(vec![requirement("disk", "Exists", &[])])),
        // An empty preference is a no-op.
        (50, term(vec![])),
    ];
    let outcome = cluster.schedule(
        &query,
        &only_score(ScorePlugin::NodeAffinity),
        &everything(),
    );
    // Raw 2, 7, 0 → 100*2/7 = 28, 100, 0.
    assert_eq!(
        scores(&cluster, &outcome),
        pairs(&[("a", 28), ("b", 100), ("c", 0)])
    );
}

#[test]
fn image_locality_scales_by_spread() {
    let mb = 1024 * 1024;
    let mut with_image = node("node1", 4000, 10000);
    with_image.images = vec![("nginx:1.25".into(), 500 * mb)];
    let cluster = cluster(&[
        with_image,
        node("node2", 4000, 10000),
        node("node3", 4000, 10000),
    ]);
    let mut query = pod(100, 100);
    query.images = vec!["nginx:1.25".into()];
    let outcome = cluster.schedule(
        &query,
        &only_score(ScorePlugin::ImageLocality),
        &everything(),
    );
    // 500MiB * 1/3 = 174762666; 100*(174762666-23MiB)/(1000MiB-23MiB) = 14.
    assert_eq!(
        scores(&cluster, &outcome),
        pairs(&[("node1", 14), ("node2", 0), ("node3", 0)])
    );
}

#[test]
fn weights_multiply_normalised_scores() {
    let cluster = cluster(&[
        tainted("clean", &[]),
        tainted("one", &[("a", "1", "PreferNoSchedule")]),
    ]);
    let profile = Profile {
        filters: all_filters(),
        scores: vec![
            (ScorePlugin::TaintToleration, 3),
            (
                ScorePlugin::NodeResourcesFit {
                    strategy: ScoringStrategy::LeastAllocated,
                    resources: cpu_memory(),
                },
                1,
            ),
        ],
        ..Profile::default()
    };
    let outcome = cluster.schedule(&pod(1000, 5000), &profile, &everything());
    // Fit: (75 + 50)/2 = 62 on both; taints: 100*3 and 0*3.
    assert_eq!(
        scores(&cluster, &outcome),
        pairs(&[("clean", 362), ("one", 62)])
    );
    assert_eq!(outcome.plugin_scores, vec![300, 62, 0, 62]);
}

#[test]
fn filters_report_kubernetes_reasons() {
    let mut full = node("full", 1000, 1000);
    full.allocatable.pods = 1;
    let mut closed = node("closed", 8000, 8000);
    closed.unschedulable = true;
    let mut cluster = cluster(&[
        node("small", 1000, 1000),
        full,
        tainted(
            "tainted",
            &[
                ("soft", "x", "PreferNoSchedule"),
                ("dedicated", "gpu", "NoSchedule"),
            ],
        ),
        closed,
        labelled("labelled", &[("zone", "b")]),
        node("ported", 8000, 8000),
        node("fits", 8000, 8000),
    ]);
    cluster.add_pod("full", &PodUsage::default()).unwrap();
    cluster
        .add_pod(
            "ported",
            &PodUsage {
                host_ports: vec![HostPort {
                    ip: "10.0.0.1".into(),
                    protocol: String::new(),
                    port: 8080,
                }],
                ..PodUsage::default()
            },
        )
        .unwrap();
    let mut query = pod(2000, 2000);
    query.host_ports = vec![HostPort {
        ip: String::new(),
        protocol: "TCP".into(),
        port: 8080,
    }];
    query.node_selector = vec![];
    query.required_terms = Some(vec![term(vec![requirement("zone", "NotIn", &["b"])])]);
    let profile = Profile {
        filters: all_filters(),
        ..Profile::default()
    };
    let outcome = cluster.schedule(&query, &profile, &everything());
    assert_eq!(outcome.evaluated, 7);
    assert_eq!(outcome.feasible.len(), 1);
    assert_eq!(cluster.node_name(outcome.ranked()[0].0), "fits");
    let expected: Vec<(String, Vec<String>)> = vec![
        ("small", vec!["Insufficient cpu", "Insufficient memory"]),
        (
            "full",
            vec!["Too many pods", "Insufficient cpu", "Insufficient memory"],
        ),
        (
            "tainted",
            vec!["node(s) had untolerated taint(s)"],
        ),
        ("closed", vec!["node(s) were unschedulable"]),
        (
            "labelled",
            vec!["node(s) didn't match Pod's node affinity/selector"],
        ),
        (
            "ported",
            vec!["node(s) didn't have free ports for the requested pod ports"],
        ),
    ]
    .into_iter()
    .map(|(name, reasons)| {
        (
            name.to_string(),
            reasons.into_iter().map(String::from).collect(),
        )
    })
    .collect();
    assert_eq!(rejections(&cluster, &outcome), expected);
    let unresolvable: Vec<bool> = outcome.failures.iter().map(|f| f.unresolvable).collect();
    assert_eq!(unresolvable, vec![false, false, true, true, true, false]);
}

#[test]
fn tolerations_and_node_name() {
    let mut closed = tainted("closed", &[("dedicated", "gpu", "NoExecute")]);
    closed.unschedulable = true;
    let cluster = cluster(&[closed, node("other", 4000, 4000)]);
    let mut query = pod(100, 100);
    query.tolerations = vec![
        Toleration {
            key: "node.kubernetes.io/unschedulable".into(),
            operator: "Exists".into(),
            value: String::new(),
            effect: "NoSchedule".into(),
        },
        Toleration {
            key: "dedicated".into(),
            operator: String::new(),
            value: "gpu".into(),
            effect: String::new(),
        },
    ];
    query.node_name = Some("closed".into());
    let outcome = cluster.schedule(
        &query,
        &Profile {
            filters: all_filters(),
            ..Profile::default()
        },
        &everything(),
    );
    assert_eq!(cluster.node_name(outcome.ranked()[0].0), "closed");
    assert_eq!(
        rejections(&cluster, &outcome),
        vec![(
            "other".to_string(),
            vec!["node(s) didn't match the requested node name".to_string()]
        )]
    );
}

#[test]
fn affinity_operators_and_fields() {
    let cluster = cluster(&[
        labelled("n1", &[("cores", "8")]),
        labelled("n2", &[("cores", "32")]),
        labelled("n3", &[("cores", "many")]),
    ]);
    let mut query = pod(100, 100);
    query.required_terms = Some(vec![
        term(vec![requirement("cores", "Gt", &["10"])]),
        SelectorTerm {
            match_expressions: vec![],
            match_fields: vec![requirement("metadata.name", "In", &["n1"])],
        },
        // Invalid (Gt needs one integer): matches nothing.
        term(vec![requirement("cores", "Gt", &["many"])]),
    ]);
    let outcome = cluster.schedule(
        &query,
        &Profile {
            filters: all_filters(),
            ..Profile::default()
        },
        &everything(),
    );
    let mut feasible: Vec<&str> = outcome
        .feasible
        .iter()
        .map(|&slot| cluster.node_name(slot))
        .collect();
    feasible.sort();
    assert_eq!(feasible, vec!["n1", "n2"]);
}

#[test]
fn filtering_rotates_from_the_start_and_stops_when_enough_are_found() {
    let mut cluster = cluster(&[
        node("n0", 1000, 1000),
        node("n1", 100, 100),
        node("n2", 1000, 1000),
        node("n3", 1000, 1000),
        node("n4", 1000, 1000),
    ]);
    let profile = Profile {
        filters: all_filters(),
        ..Profile::default()
    };
    let request = Request {
        start: 6,
        feasible_to_find: 2,
        score: true,
        plugin_scores: false,
    };
    let outcome = cluster.schedule(&pod(500, 500), &profile, &request);
    // Starts at 6 % 5 = 1: n1 fails, n2 and n3 pass, then it stops.
    assert_eq!(outcome.evaluated, 3);
    let found: Vec<&str> = outcome
        .feasible
        .iter()
        .map(|&slot| cluster.node_name(slot))
        .collect();
    assert_eq!(found, vec!["n2", "n3"]);
    assert_eq!(rejections(&cluster, &outcome).len(), 1);
    // Removing a node keeps the others' order; an upsert keeps a node's usage.
    cluster.remove_node("n2").unwrap();
    cluster
        .add_pod(
            "n3",
            &PodUsage {
                requests: Resources {
                    milli_cpu: 600,
                    ..Resources::default()
                },
                ..PodUsage::default()
            },
        )
        .unwrap();
    cluster.upsert_node(&node("n3", 1000, 1000)).unwrap();
    let outcome = cluster.schedule(&pod(500, 500), &profile, &request);
    let found: Vec<&str> = outcome
        .feasible
        .iter()
        .map(|&slot| cluster.node_name(slot))
        .collect();
    assert_eq!(found, vec!["n4", "n0"]);
    assert_eq!(cluster.node_names(), vec!["n0", "n1", "n3", "n4"]);
    assert!(matches!(
        cluster.remove_node("n2"),
        Err(SchedError::UnknownNode(_))
    ));
}

#[test]
fn scalar_resources_filter_and_ignored_groups() {
    let mut gpu = node("gpu", 4000, 4000);
    gpu.allocatable.scalar = vec![("example.com/gpu".into(), 1)];
    let cluster = cluster(&[gpu, node("plain", 4000, 4000)]);
    let mut query = pod(100, 100);
    query.requests.scalar = vec![("example.com/gpu".into(), 1)];
    let mut profile = Profile {
        filters: all_filters(),
        ..Profile::default()
    };
    let outcome = cluster.schedule(&query, &profile, &everything());
    assert_eq!(
        rejections(&cluster, &outcome),
        vec![(
            "plain".to_string(),
            vec!["Insufficient example.com/gpu".to_string()]
        )]
    );
    profile.fit.ignored_resource_groups = vec!["example.com".into()];
    assert_eq!(
        cluster
            .schedule(&query, &profile, &everything())
            .feasible
            .len(),
        2
    );
}

/// Over several 64-node blocks: any start and any number to find gives the verdicts of the
/// pass over every node, in rotation order, up to the last feasible node wanted.
#[test]
fn a_partial_pass_is_a_prefix_of_the_full_pass_in_rotation_order() {
    let zones = ["a", "b", "c"];
    let nodes: Vec<NodeSpec> = (0..300)
        .map(|i| {
            let mut spec = labelled(&format!("n{i}"), &[("zone", zones[i % 3])]);
            spec.allocatable = node("", if i % 7 == 0 { 100 } else { 4000 }, 1 << 30).allocatable;
            spec.unschedulable = i % 11 == 0;
            if i % 5 == 0 {
                spec.taints = tainted("", &[("dedicated", "gpu", "NoSchedule")]).taints;
            }
            spec
        })
        .collect();
    let cluster = cluster(&nodes);
    let mut query = pod(500, 1 << 20);
    query.required_terms = Some(vec![term(vec![requirement("zone", "In", &["a", "b"])])]);
    let profile = Profile {
        filters: all_filters(),
        scores: vec![(
            ScorePlugin::NodeResourcesFit {
                strategy: ScoringStrategy::LeastAllocated,
                resources: cpu_memory(),
            },
            1,
        )],
        ..Profile::default()
    };
    let full = cluster.schedule(&query, &profile, &everything());
    assert_eq!(full.evaluated, 300);
    // Each node's verdict in node order: None when feasible, else its reasons.
    let mut verdicts: Vec<Option<Vec<String>>> = vec![None; 300];
    for failure in &full.failures {
        let texts = full
            .reason_texts(failure)
            .iter()
            .map(|t| t.to_string())
            .collect();
        verdicts[failure.slot as usize] = Some(texts);
    }
    assert!(verdicts.iter().filter(|v| v.is_some()).count() > 100);
    for start in [0, 1, 63, 64, 65, 130, 299, 317] {
        for to_find in [1, 2, 40, 64, 65, 100, 150, 1000] {
            let request = Request {
                start,
                feasible_to_find: to_find,
                ..everything()
            };
            let outcome = cluster.schedule(&query, &profile, &request);
            let mut feasible = vec![];
            let mut failed = vec![];
            let mut evaluated = 0;
            for offset in 0..300 {
                let slot = ((start + offset) % 300) as u32;
                evaluated += 1;
                match &verdicts[slot as usize] {
                    None => feasible.push(slot),
                    Some(reasons) => failed.push((slot, reasons.clone())),
                }
                if feasible.len() == to_find {
                    break;
                }
            }
            let got: Vec<(u32, Vec<String>)> = outcome
                .failures
                .iter()
                .map(|f| {
                    let texts = outcome.reason_texts(f);
                    (f.slot, texts.iter().map(|t| t.to_string()).collect())
                })
                .collect();
            assert_eq!(
                outcome.evaluated, evaluated,
                "start {start}, to find {to_find}"
            );
            assert_eq!(
                outcome.feasible, feasible,
                "start {start}, to find {to_find}"
            );
            assert_eq!(got, failed, "start {start}, to find {to_find}");
        }
    }
}
