//! Times the kernel on a cluster shaped like bench/lib/scheduler-kernel.ts's (5,000 nodes,
//! 10,000 pods): the whole schedule call per pod, and each score plugin alone over the
//! feasible nodes. `cargo run -p rudder-sched --release --example kernel_timing`.

use std::time::Instant;

use rudder_sched::*;

struct Random(u64);

impl Random {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<T: Clone>(&mut self, list: &[T]) -> T {
        list[(self.next() * list.len() as f64) as usize].clone()
    }
}

const ZONES: [&str; 3] = ["zone-a", "zone-b", "zone-c"];
const GI: i64 = 1 << 30;
const MI: i64 = 1 << 20;

fn image(i: usize) -> String {
    format!("registry.example/app-{i}:v1")
}

fn nodes(n: usize, random: &mut Random) -> Vec<NodeSpec> {
    (0..n)
        .map(|i| {
            let cores: i64 = random.pick(&[4, 8, 16, 32, 64]);
            let mut taints = vec![];
            if random.next() < 0.1 {
                taints.push(Taint {
                    key: "dedicated".into(),
                    value: random.pick(&["gpu", "db"]).into(),
                    effect: "NoSchedule".into(),
                });
            }
            if random.next() < 0.2 {
                taints.push(Taint {
                    key: "spot".into(),
                    value: "true".into(),
                    effect: "PreferNoSchedule".into(),
                });
            }
            NodeSpec {
                name: format!("node-{i}"),
                unschedulable: random.next() < 0.01,
                allocatable: Resources {
                    milli_cpu: cores * 1000,
                    memory: cores * 4 * GI,
                    ephemeral_storage: 100 * GI,
                    pods: 110,
                    scalar: vec![],
                },
                taints,
                labels: vec![
                    ("kubernetes.io/hostname".into(), format!("node-{i}")),
                    (
                        "topology.kubernetes.io/zone".into(),
                        random.pick(&ZONES).into(),
                    ),
                    ("disktype".into(), random.pick(&["ssd", "hdd"]).into()),
                ],
                images: (0..10)
                    .filter(|_| random.next() < 0.2)
                    .map(|j| (image(j), (j as i64 + 1) * 100 * MI))
                    .collect(),
            }
        })
        .collect()
}

fn requirement(key: &str, values: &[&str]) -> SelectorTerm {
    SelectorTerm {
        match_expressions: vec![Requirement {
            key: key.into(),
            operator: "In".into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }],
        match_fields: vec![],
    }
}

fn pods(n: usize, random: &mut Random) -> Vec<PodQuery> {
    (0..n)
        .map(|_| {
            let mut tolerations = vec![];
            if random.next() < 0.3 {
                tolerations.push(Toleration {
                    key: "spot".into(),
                    operator: "Exists".into(),
                    value: String::new(),
                    effect: String::new(),
                });
            }
            if random.next() < 0.05 {
                tolerations.push(Toleration {
                    key: "dedicated".into(),
                    operator: "Equal".into(),
                    value: "gpu".into(),
                    effect: "NoSchedule".into(),
                });
            }
            let preferred = if random.next() < 0.3 {
                vec![(50, requirement("disktype", &["ssd"]))]
            } else {
                vec![]
            };
            let required = if random.next() < 0.1 {
                Some(vec![requirement(
                    "topology.kubernetes.io/zone",
                    &[random.pick(&ZONES)],
                )])
            } else {
                None
            };
            let best_effort = random.next() < 0.1;
            let cpu = random.pick(&[100, 250, 500, 1000, 2000]);
            let memory = random.pick(&[128, 256, 512, 1024, 4096]) * MI;
            let (cpu, memory) = if best_effort { (0, 0) } else { (cpu, memory) };
            PodQuery {
                requests: Resources {
                    milli_cpu: cpu,
                    memory,
                    ..Resources::default()
                },
                non_zero_milli_cpu: if cpu == 0 { 100 } else { cpu },
                non_zero_memory: if memory == 0 { 200 * MI } else { memory },
                tolerations,
                required_terms: required,
                preferred_terms: preferred,
                images: vec![image((random.next() * 10.0) as usize)],
                containers: 1,
                ..PodQuery::default()
            }
        })
        .collect()
}

fn resources() -> Vec<ResourceSpec> {
    ["cpu", "memory"]
        .iter()
        .map(|name| ResourceSpec {
            name: name.to_string(),
            weight: 1,
        })
        .collect()
}

fn filters() -> Vec<FilterPlugin> {
    vec![
        FilterPlugin::NodeUnschedulable,
        FilterPlugin::NodeName,
        FilterPlugin::TaintToleration,
        FilterPlugin::NodeAffinity,
        FilterPlugin::NodePorts,
        FilterPlugin::NodeResourcesFit,
    ]
}

fn score_plugins() -> Vec<(&'static str, ScorePlugin, i64)> {
    vec![
        ("TaintToleration", ScorePlugin::TaintToleration, 3),
        ("NodeAffinity", ScorePlugin::NodeAffinity, 2),
        (
            "NodeResourcesFit",
            ScorePlugin::NodeResourcesFit {
                strategy: ScoringStrategy::LeastAllocated,
                resources: resources(),
            },
            1,
        ),
        (
            "NodeResourcesBalancedAllocation",
            ScorePlugin::NodeResourcesBalancedAllocation {
                resources: resources(),
            },
            1,
        ),
        ("ImageLocality", ScorePlugin::ImageLocality, 1),
    ]
}

fn main() {
    let node_count = 5000;
    let pod_count = 10000;
    let mut random = Random(2024);
    let nodes = nodes(node_count, &mut random);
    let pods = pods(pod_count, &mut random);
    let profile = Profile {
        filters: filters(),
        scores: score_plugins()
            .into_iter()
            .map(|(_, plugin, weight)| (plugin, weight))
            .collect(),
        ..Profile::default()
    };
    let to_find = (node_count * (50 - node_count / 125) / 100).max(100);
    let rounds = 5;
    let mut best = f64::MAX;
    let mut per_plugin_best = vec![f64::MAX; profile.scores.len() + 1];
    let mut checksum = 0i64;
    for _ in 0..rounds {
        let mut cluster = Cluster::new();
        for node in &nodes {
            cluster.upsert_node(node).unwrap();
        }
        let mut output = Output::default();
        let mut scored = Output::default();
        let mut start = 0;
        let mut plugin_seconds = vec![0f64; profile.scores.len() + 1];
        let began = Instant::now();
        for (index, pod) in pods.iter().enumerate() {
            let request = Request {
                start,
                feasible_to_find: to_find,
                score: true,
                plugin_scores: false,
            };
            cluster.schedule_into(pod, &profile, &request, &mut output);
            start = (start + output.evaluated) % node_count;
            let best_at =
                (0..output.scores.len()).max_by_key(|&i| (output.scores[i], std::cmp::Reverse(i)));
            if let Some(at) = best_at {
                checksum = checksum
                    .wrapping_mul(31)
                    .wrapping_add(output.scores[at] + at as i64);
                let slot = output.feasible[at];
                let name = cluster.node_name(slot).to_string();
                // Per-plugin timing on the same feasible nodes every 10th pod.
                if index % 10 == 0 {
                    let feasible = output.feasible.clone();
                    for (plugin, seconds) in plugin_seconds.iter_mut().enumerate() {
                        let single = Profile {
                            filters: filters(),
                            scores: profile.scores.get(plugin).cloned().into_iter().collect(),
                            ..Profile::default()
                        };
                        let t = Instant::now();
                        cluster.score_nodes_into(pod, &single, &feasible, false, &mut scored);
                        *seconds += t.elapsed().as_secs_f64();
                    }
                }
                cluster.add_pod(&name, &PodUsage::of(pod)).unwrap();
            }
        }
        let total = began.elapsed().as_secs_f64();
        let timed: f64 = plugin_seconds.iter().sum::<f64>();
        best = best.min(total - timed);
        for (b, s) in per_plugin_best.iter_mut().zip(&plugin_seconds) {
            *b = b.min(*s);
        }
    }
    let per_pod = best / pod_count as f64 * 1e6;
    println!(
        "schedule_into: {per_pod:.2} µs/pod ({:.0} pods/s) checksum {checksum}",
        1e6 / per_pod
    );
    let sampled = (pod_count / 10) as f64;
    let base = per_plugin_best[profile.scores.len()] / sampled * 1e6;
    println!("  plan only (score_nodes_into, no plugin): {base:.2} µs");
    for (i, (name, _, _)) in score_plugins().iter().enumerate() {
        let t = per_plugin_best[i] / sampled * 1e6;
        println!("  {name}: {:.2} µs (minus plan {:.2})", t, t - base);
    }
}
