//! The scheduling kernel's argument objects (nodes, pod usage, the pod to schedule, profiles),
//! checked and converted into crates/sched's types.

use std::collections::HashMap;

use napi_derive::napi;
use rudder_sched::{
    registry, FilterPlugin, FitFilterArgs, HostPort, NodeSpec, PodQuery, PodUsage, Profile,
    Requirement, ResourceSpec, Resources, ScorePlugin, ScoringStrategy, SelectorTerm, ShapePoint,
    Taint, Toleration,
};
use serde::Deserialize;

use crate::error::{invalid, Code};

type Converted<T> = Result<T, napi::Error<Code>>;

/// A JavaScript number that must be a whole number within ±(2^53-1).
fn integer(value: f64, name: &str) -> Converted<i64> {
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    if value.is_finite() && value.fract() == 0.0 && value.abs() <= MAX_SAFE {
        // Checked above: a whole number within ±(2^53-1) converts exactly.
        Ok(value as i64)
    } else {
        Err(invalid(format!("{name} must be an integer, got {value}")))
    }
}

fn amount(value: f64, name: &str) -> Converted<i64> {
    let whole = integer(value, name)?;
    if whole < 0 {
        return Err(invalid(format!("{name} must not be negative, got {value}")));
    }
    Ok(whole)
}

/// Sorted by key, so the kernel's reason order does not depend on hashing.
fn sorted<V>(map: Option<HashMap<String, V>>) -> Vec<(String, V)> {
    let mut entries: Vec<(String, V)> = map.unwrap_or_default().into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries
}

#[napi(object)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KernelResources {
    pub milli_cpu: f64,
    pub memory: f64,
    pub ephemeral_storage: f64,
    /// Only meaningful as allocatable ("pods").
    pub allowed_pod_number: Option<f64>,
    pub scalar: Option<HashMap<String, f64>>,
}

impl TryFrom<KernelResources> for Resources {
    type Error = napi::Error<Code>;

    fn try_from(value: KernelResources) -> Converted<Self> {
        Ok(Resources {
            milli_cpu: amount(value.milli_cpu, "milliCpu")?,
            memory: amount(value.memory, "memory")?,
            ephemeral_storage: amount(value.ephemeral_storage, "ephemeralStorage")?,
            pods: amount(value.allowed_pod_number.unwrap_or(0.0), "allowedPodNumber")?,
            scalar: sorted(value.scalar)
                .into_iter()
                .map(|(name, quantity)| Ok((name.clone(), amount(quantity, &name)?)))
                .collect::<Converted<_>>()?,
        })
    }
}

#[napi(object)]
pub struct KernelTaint {
    pub key: String,
    pub value: Option<String>,
    pub effect: String,
}

/// A node's object; the pods on it arrive with `addPods`.
#[napi(object)]
pub struct KernelNode {
    pub name: String,
    pub unschedulable: Option<bool>,
    pub allocatable: KernelResources,
    pub taints: Option<Vec<KernelTaint>>,
    pub labels: Option<HashMap<String, String>>,
    /// Normalized image name → size in bytes.
    pub images: Option<HashMap<String, f64>>,
}

impl TryFrom<KernelNode> for NodeSpec {
    type Error = napi::Error<Code>;

    fn try_from(value: KernelNode) -> Converted<Self> {
        Ok(NodeSpec {
            name: value.name,
            unschedulable: value.unschedulable.unwrap_or(false),
            allocatable: value.allocatable.try_into()?,
            taints: value
                .taints
                .unwrap_or_default()
                .into_iter()
                .map(|taint| Taint {
                    key: taint.key,
                    value: taint.value.unwrap_or_default(),
                    effect: taint.effect,
                })
                .collect(),
            labels: sorted(value.labels),
            images: sorted(value.images)
                .into_iter()
                .map(|(image, size)| Ok((image, amount(size, "image size")?)))
                .collect::<Converted<_>>()?,
        })
    }
}

#[napi(object)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KernelHostPort {
    pub ip: Option<String>,
    pub protocol: Option<String>,
    pub port: f64,
}

fn host_ports(ports: Option<Vec<KernelHostPort>>) -> Converted<Vec<HostPort>> {
    ports
        .unwrap_or_default()
        .into_iter()
        .map(|port| {
            let number = integer(port.port, "hostPort")?;
            Ok(HostPort {
                ip: port.ip.unwrap_or_default(),
                protocol: port.protocol.unwrap_or_default(),
                port: i32::try_from(number).map_err(|_| invalid("hostPort is out of range"))?,
            })
        })
        .collect()
}

/// One pod bound (or assumed) to `node`.
/// One pod's contribution to its node's usage; `removePods` takes back the same amounts.
#[napi(object)]
pub struct KernelPodUsage {
    pub node: String,
    pub requests: KernelResources,
    pub non_zero_milli_cpu: f64,
    pub non_zero_memory: f64,
    pub host_ports: Option<Vec<KernelHostPort>>,
}

impl TryFrom<KernelPodUsage> for (String, PodUsage) {
    type Error = napi::Error<Code>;

    fn try_from(value: KernelPodUsage) -> Converted<Self> {
        Ok((
            value.node,
            PodUsage {
                requests: value.requests.try_into()?,
                non_zero_milli_cpu: amount(value.non_zero_milli_cpu, "nonZeroMilliCpu")?,
                non_zero_memory: amount(value.non_zero_memory, "nonZeroMemory")?,
                host_ports: host_ports(value.host_ports)?,
            },
        ))
    }
}

/// The usage a pod adds to its node, read from the pod's own description.
pub fn usage_of_pod(pod: KernelPod) -> Converted<PodUsage> {
    Ok(PodUsage {
        requests: pod.requests.try_into()?,
        non_zero_milli_cpu: amount(pod.non_zero_milli_cpu, "nonZeroMilliCpu")?,
        non_zero_memory: amount(pod.non_zero_memory, "nonZeroMemory")?,
        host_ports: host_ports(pod.host_ports)?,
    })
}

/// A pod encoded as JSON (the shape of `KernelPod`).
pub fn decode_pod(json: &str) -> Converted<KernelPod> {
    serde_json::from_str(json).map_err(|error| invalid(format!("a malformed pod: {error}")))
}

#[napi(object)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KernelToleration {
    pub key: Option<String>,
    pub operator: Option<String>,
    pub value: Option<String>,
    pub effect: Option<String>,
}

#[napi(object)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KernelRequirement {
    pub key: String,
    pub operator: String,
    pub values: Option<Vec<String>>,
}

/// ANDed expressions and fields; an empty or invalid term matches no node.
#[napi(object)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KernelSelectorTerm {
    pub match_expressions: Option<Vec<KernelRequirement>>,
    pub match_fields: Option<Vec<KernelRequirement>>,
}

#[napi(object)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KernelPreferredTerm {
    pub weight: f64,
    pub preference: KernelSelectorTerm,
}

fn requirements(list: Option<Vec<KernelRequirement>>) -> Vec<Requirement> {
    list.unwrap_or_default()
        .into_iter()
        .map(|requirement| Requirement {
            key: requirement.key,
            operator: requirement.operator,
            values: requirement.values.unwrap_or_default(),
        })
        .collect()
}

impl From<KernelSelectorTerm> for SelectorTerm {
    fn from(value: KernelSelectorTerm) -> Self {
        SelectorTerm {
            match_expressions: requirements(value.match_expressions),
            match_fields: requirements(value.match_fields),
        }
    }
}

/// The pod being scheduled.
#[napi(object)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KernelPod {
    pub requests: KernelResources,
    pub non_zero_milli_cpu: f64,
    pub non_zero_memory: f64,
    pub node_name: Option<String>,
    pub tolerations: Option<Vec<KernelToleration>>,
    pub node_selector: Option<HashMap<String, String>>,
    /// requiredDuringScheduling's nodeSelectorTerms; absent when there is no required affinity.
    pub required_terms: Option<Vec<KernelSelectorTerm>>,
    pub preferred_terms: Option<Vec<KernelPreferredTerm>>,
    pub host_ports: Option<Vec<KernelHostPort>>,
    /// Normalized images of the init and regular containers.
    pub images: Option<Vec<String>>,
    /// Number of init and regular containers (ImageLocality's threshold).
    pub containers: f64,
}

impl TryFrom<KernelPod> for PodQuery {
    type Error = napi::Error<Code>;

    fn try_from(value: KernelPod) -> Converted<Self> {
        Ok(PodQuery {
            requests: value.requests.try_into()?,
            non_zero_milli_cpu: amount(value.non_zero_milli_cpu, "nonZeroMilliCpu")?,
            non_zero_memory: amount(value.non_zero_memory, "nonZeroMemory")?,
            node_name: value.node_name,
            tolerations: value
                .tolerations
                .unwrap_or_default()
                .into_iter()
                .map(|toleration| Toleration {
                    key: toleration.key.unwrap_or_default(),
                    operator: toleration.operator.unwrap_or_default(),
                    value: toleration.value.unwrap_or_default(),
                    effect: toleration.effect.unwrap_or_default(),
                })
                .collect(),
            node_selector: sorted(value.node_selector),
            required_terms: value
                .required_terms
                .map(|terms| terms.into_iter().map(SelectorTerm::from).collect()),
            preferred_terms: value
                .preferred_terms
                .unwrap_or_default()
                .into_iter()
                .map(|term| Ok((integer(term.weight, "weight")?, term.preference.into())))
                .collect::<Converted<_>>()?,
            host_ports: host_ports(value.host_ports)?,
            images: value.images.unwrap_or_default(),
            containers: amount(value.containers, "containers")?,
        })
    }
}

#[napi(object)]
pub struct KernelResourceSpec {
    pub name: String,
    pub weight: f64,
}

#[napi(object)]
pub struct KernelShapePoint {
    pub utilization: f64,
    pub score: f64,
}

/// A score plugin with its weight; NodeResourcesFit takes a strategy (LeastAllocated,
/// MostAllocated, RequestedToCapacityRatio with `shape`), it and BalancedAllocation resources.
#[napi(object)]
pub struct KernelScorePlugin {
    pub name: String,
    pub weight: f64,
    /// NodeResourcesFit only.
    #[napi(ts_type = "'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio'")]
    pub strategy: Option<String>,
    pub resources: Option<Vec<KernelResourceSpec>>,
    /// RequestedToCapacityRatio: utilization 0..100, score 0..10.
    pub shape: Option<Vec<KernelShapePoint>>,
}

#[napi(object)]
pub struct KernelProfile {
    /// Filter plugin names in the order they run (built-in or Rust extension plugins).
    pub filters: Vec<String>,
    /// A Rust extension plugin's args as JSON, by plugin name (absent: no args).
    pub extension_args: Option<HashMap<String, String>>,
    pub ignored_resources: Option<Vec<String>>,
    pub ignored_resource_groups: Option<Vec<String>>,
    pub scores: Vec<KernelScorePlugin>,
}

fn resource_specs(list: Option<Vec<KernelResourceSpec>>) -> Converted<Vec<ResourceSpec>> {
    let specs = match list {
        Some(list) if !list.is_empty() => list,
        _ => {
            return Ok(vec![
                ResourceSpec {
                    name: "cpu".into(),
                    weight: 1,
                },
                ResourceSpec {
                    name: "memory".into(),
                    weight: 1,
                },
            ])
        }
    };
    specs
        .into_iter()
        .map(|spec| {
            Ok(ResourceSpec {
                weight: integer(spec.weight, "resource weight")?,
                name: spec.name,
            })
        })
        .collect()
}

/// A Rust extension plugin's args: JSON `null` when the profile gives none.
fn extension_args(args: &HashMap<String, String>, name: &str) -> Converted<serde_json::Value> {
    match args.get(name) {
        None => Ok(serde_json::Value::Null),
        Some(json) => serde_json::from_str(json)
            .map_err(|error| invalid(format!("{name}'s args are not JSON: {error}"))),
    }
}

fn score_plugin(
    value: KernelScorePlugin,
    args: &HashMap<String, String>,
) -> Converted<(ScorePlugin, i64)> {
    if !BUILT_IN_SCORES.contains(&value.name.as_str()) {
        let weight = integer(value.weight, "score weight")?;
        let extension = registry()
            .build_score(&value.name, &extension_args(args, &value.name)?)
            .map_err(invalid)?;
        return Ok((ScorePlugin::Extension(extension), weight));
    }
    value.try_into()
}

const BUILT_IN_SCORES: [&str; 5] = [
    "NodeResourcesFit",
    "NodeResourcesBalancedAllocation",
    "TaintToleration",
    "NodeAffinity",
    "ImageLocality",
];

impl TryFrom<KernelScorePlugin> for (ScorePlugin, i64) {
    type Error = napi::Error<Code>;

    fn try_from(value: KernelScorePlugin) -> Converted<Self> {
        let weight = integer(value.weight, "score weight")?;
        let plugin = match value.name.as_str() {
            "NodeResourcesFit" => {
                let strategy = match value.strategy.as_deref().unwrap_or("LeastAllocated") {
                    "LeastAllocated" => ScoringStrategy::LeastAllocated,
                    "MostAllocated" => ScoringStrategy::MostAllocated,
                    "RequestedToCapacityRatio" => {
                        let shape = value
                            .shape
                            .unwrap_or_default()
                            .into_iter()
                            .map(|point| {
                                Ok(ShapePoint {
                                    utilization: integer(point.utilization, "shape utilization")?,
                                    score: integer(point.score, "shape score")?,
                                })
                            })
                            .collect::<Converted<Vec<_>>>()?;
                        if shape.is_empty() {
                            return Err(invalid("RequestedToCapacityRatio needs a shape"));
                        }
                        ScoringStrategy::RequestedToCapacityRatio(shape)
                    }
                    other => return Err(invalid(format!("unknown scoring strategy {other:?}"))),
                };
                ScorePlugin::NodeResourcesFit {
                    strategy,
                    resources: resource_specs(value.resources)?,
                }
            }
            "NodeResourcesBalancedAllocation" => ScorePlugin::NodeResourcesBalancedAllocation {
                resources: resource_specs(value.resources)?,
            },
            "TaintToleration" => ScorePlugin::TaintToleration,
            "NodeAffinity" => ScorePlugin::NodeAffinity,
            "ImageLocality" => ScorePlugin::ImageLocality,
            other => return Err(invalid(format!("the kernel has no score plugin {other:?}"))),
        };
        Ok((plugin, weight))
    }
}

impl TryFrom<KernelProfile> for Profile {
    type Error = napi::Error<Code>;

    fn try_from(value: KernelProfile) -> Converted<Self> {
        let args = value.extension_args.unwrap_or_default();
        let mut filter_extensions = Vec::new();
        let mut filters = Vec::with_capacity(value.filters.len());
        for name in &value.filters {
            let plugin = match FilterPlugin::parse(name) {
                Some(plugin) => plugin,
                None => {
                    let extension = registry()
                        .build_filter(name, &extension_args(&args, name)?)
                        .map_err(invalid)?;
                    let index = u16::try_from(filter_extensions.len())
                        .map_err(|_| invalid("too many filter plugins"))?;
                    filter_extensions.push(extension);
                    FilterPlugin::Extension(index)
                }
            };
            filters.push(plugin);
        }
        Ok(Profile {
            filters,
            filter_extensions,
            fit: FitFilterArgs {
                ignored_resources: value.ignored_resources.unwrap_or_default(),
                ignored_resource_groups: value.ignored_resource_groups.unwrap_or_default(),
            },
            scores: value
                .scores
                .into_iter()
                .map(|plugin| score_plugin(plugin, &args))
                .collect::<Converted<_>>()?,
        })
    }
}
