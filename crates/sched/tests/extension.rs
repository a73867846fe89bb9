//! Rust plugins through the extension registry: the example NodeLabelScore scores nodes by a
//! label's integer value, and a Filter written here rejects nodes with Kubernetes-style reasons.

use std::sync::Arc;

use rudder_sched::*;
use serde_json::json;

fn node(name: &str, labels: &[(&str, &str)]) -> NodeSpec {
    NodeSpec {
        name: name.into(),
        allocatable: Resources {
            milli_cpu: 4000,
            memory: 8 << 30,
            ephemeral_storage: 0,
            pods: 110,
            scalar: vec![],
        },
        labels: labels
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect(),
        ..NodeSpec::default()
    }
}

fn cluster() -> Cluster {
    let mut cluster = Cluster::new();
    for spec in [
        node("low", &[("tier", "1")]),
        node("high", &[("tier", "4")]),
        node("unlabelled", &[]),
        node("odd", &[("tier", "fast")]),
        node("mid", &[("tier", "2")]),
    ] {
        cluster.upsert_node(&spec).unwrap();
    }
    cluster
}

fn pod() -> PodQuery {
    PodQuery {
        non_zero_milli_cpu: 100,
        non_zero_memory: 200 << 20,
        containers: 1,
        ..PodQuery::default()
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

fn label_score(args: serde_json::Value, weight: i64) -> Profile {
    let extension = registry().build_score("NodeLabelScore", &args).unwrap();
    Profile {
        scores: vec![(ScorePlugin::Extension(extension), weight)],
        ..Profile::default()
    }
}

fn scores_by_name(cluster: &Cluster, outcome: &Outcome) -> Vec<(String, i64)> {
    outcome
        .feasible
        .iter()
        .zip(&outcome.scores)
        .map(|(slot, score)| (cluster.node_name(*slot).to_string(), *score))
        .collect()
}

#[test]
fn the_registry_lists_the_example_plugin() {
    assert!(registry().score_names().contains(&"NodeLabelScore"));
    assert!(registry()
        .build_score("NoSuchPlugin", &json!(null))
        .is_err());
}

#[test]
fn node_label_score_scales_the_label_value_by_the_highest() {
    let cluster = cluster();
    let outcome = cluster.schedule(
        &pod(),
        &label_score(json!({"label": "tier"}), 2),
        &everything(),
    );
    // 100 * tier / 4, times the weight 2; no label or a non-integer value scores 0.
    assert_eq!(
        scores_by_name(&cluster, &outcome),
        vec![
            ("low".to_string(), 50),
            ("high".to_string(), 200),
            ("unlabelled".to_string(), 0),
            ("odd".to_string(), 0),
            ("mid".to_string(), 100),
        ]
    );
    assert_eq!(cluster.node_name(outcome.ranked()[0].0), "high");
}

#[test]
fn node_label_score_reversed_prefers_low_values() {
    let cluster = cluster();
    let profile = label_score(json!({"label": "tier", "reverse": true}), 1);
    let outcome = cluster.schedule(&pod(), &profile, &everything());
    assert_eq!(
        scores_by_name(&cluster, &outcome),
        vec![
            ("low".to_string(), 75),
            ("high".to_string(), 0),
            ("unlabelled".to_string(), 0),
            ("odd".to_string(), 0),
            ("mid".to_string(), 50),
        ]
    );
}

#[test]
fn node_label_score_refuses_bad_args() {
    let error = registry()
        .build_score("NodeLabelScore", &json!({"reverse": true}))
        .unwrap_err();
    assert_eq!(error, "NodeLabelScore: args.label must name a node label");
    assert!(registry()
        .build_score(
            "NodeLabelScore",
            &json!({"label": "tier", "reverse": "yes"})
        )
        .is_err());
}

/// A filter a researcher might write: only nodes whose name starts with a prefix.
struct NamePrefix(String);

impl FilterExtension for NamePrefix {
    fn reason(&self) -> &str {
        "node(s) didn't have the wanted name prefix"
    }

    fn filter(&self, _pod: &PodQuery, node: &NodeView<'_>) -> bool {
        node.name().starts_with(&self.0)
    }
}

#[test]
fn a_filter_extension_rejects_with_its_reason_after_the_filters_before_it() {
    let cluster = cluster();
    let prefix: Arc<dyn FilterExtension> = Arc::new(NamePrefix("m".into()));
    let profile = Profile {
        filters: vec![FilterPlugin::NodeUnschedulable, FilterPlugin::Extension(0)],
        filter_extensions: vec![Extension::new("NamePrefix", prefix)],
        ..Profile::default()
    };
    let outcome = cluster.schedule(&pod(), &profile, &everything());
    let feasible: Vec<&str> = outcome
        .feasible
        .iter()
        .map(|slot| cluster.node_name(*slot))
        .collect();
    assert_eq!(feasible, vec!["mid"]);
    assert_eq!(outcome.failures.len(), 4);
    for failure in &outcome.failures {
        assert_eq!(failure.plugin, FilterPlugin::Extension(0));
        assert!(!failure.unresolvable, "preemption may help: Unschedulable");
        assert_eq!(
            outcome.reason_texts(failure),
            vec!["node(s) didn't have the wanted name prefix"]
        );
    }
}
