//! `compileProxyRules`: Services, EndpointSlices and node settings (one JSON document, crossing
//! the boundary in one string) compiled by crates/netrules into iptables-restore input; one
//! call per sync. The async variant compiles on the libuv pool so a proxy's event loop keeps
//! serving while a large ruleset is written.

use napi::bindgen_prelude::{AsyncTask, Env, Task};
use napi_derive::napi;
use rudder_netrules::{compile, parse_input, Ruleset, SyncRequest};

use crate::error::{guard, invalid, Code, JsResult};

/// Which chains a sync writes.
#[napi(object)]
pub struct ProxySyncRequest {
    /// Write every chain; otherwise only those of `changedServices`.
    pub full: bool,
    /// Services ("namespace/name") whose Service or EndpointSlices changed since the last sync.
    pub changed_services: Option<Vec<String>>,
    /// The nat table's chains in the kernel now (from iptables-save); unused service chains
    /// among them are deleted. Absent: none are deleted.
    pub existing_nat_chains: Option<Vec<String>>,
}

/// A compiled ruleset and the counts kube-proxy reports as metrics.
#[napi(object)]
pub struct ProxyRuleset {
    /// iptables-restore input (filter and nat tables).
    pub text: String,
    pub filter_chains: u32,
    pub filter_rules: u32,
    pub nat_chains: u32,
    /// nat rules this sync writes.
    pub nat_rules: u32,
    /// nat rules in the kernel after this sync, unchanged chains included.
    pub nat_rules_total: u32,
    pub deleted_chains: u32,
    /// Service and endpoint chains the ruleset uses, one per line (one string crosses the
    /// boundary instead of an array of 100,000).
    pub active_nat_chains: String,
    /// More than 1,000 endpoints: endpoint rules carry no comments.
    pub large_cluster: bool,
    pub no_local_endpoints_internal: u32,
    pub no_local_endpoints_external: u32,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl From<Ruleset> for ProxyRuleset {
    fn from(r: Ruleset) -> Self {
        ProxyRuleset {
            text: r.text,
            filter_chains: count(r.filter_chains),
            filter_rules: count(r.filter_rules),
            nat_chains: count(r.nat_chains),
            nat_rules: count(r.nat_rules),
            nat_rules_total: count(r.nat_rules_total),
            deleted_chains: count(r.deleted_chains),
            active_nat_chains: r.active_nat_chains.join("\n"),
            large_cluster: r.large_cluster,
            no_local_endpoints_internal: count(r.no_local_endpoints_internal),
            no_local_endpoints_external: count(r.no_local_endpoints_external),
        }
    }
}

fn to_request(request: ProxySyncRequest) -> SyncRequest {
    SyncRequest {
        full: request.full,
        changed_services: request.changed_services.unwrap_or_default().into_iter().collect(),
        existing_nat_chains: request.existing_nat_chains,
    }
}

fn run(input: &str, request: &SyncRequest) -> JsResult<ProxyRuleset> {
    let input = parse_input(input).map_err(|e| invalid(e.to_string()))?;
    compile(&input, request).map(ProxyRuleset::from).map_err(|e| invalid(e.to_string()))
}

/// Compiles `input` (JSON: {services, endpointSlices, settings}); throws an Error with code
/// "InvalidArgument" for input that is not of that shape or settings out of range.
#[napi]
pub fn compile_proxy_rules(input: String, request: ProxySyncRequest) -> napi::Result<ProxyRuleset, Code> {
    let request = to_request(request);
    guard(|| run(&input, &request))
}

pub struct CompileProxyRules {
    input: String,
    request: SyncRequest,
}

impl Task for CompileProxyRules {
    type Output = ProxyRuleset;
    type JsValue = ProxyRuleset;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        guard(|| run(&self.input, &self.request)).map_err(|e| napi::Error::new(napi::Status::InvalidArg, e.reason.clone()))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        Ok(output)
    }
}

/// `compileProxyRules` on the libuv thread pool.
#[napi(ts_return_type = "Promise<ProxyRuleset>")]
pub fn compile_proxy_rules_async(input: String, request: ProxySyncRequest) -> AsyncTask<CompileProxyRules> {
    AsyncTask::new(CompileProxyRules { input, request: to_request(request) })
}
