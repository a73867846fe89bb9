//! The proxy rules compiler (crates/netrules). Input crosses as msgpack (the objects' own JSON
//! shape, decoded by serde straight into the compiler's model) and the iptables-restore text
//! comes back as one Buffer, never as a string or a list of lines.
//!
//! `ProxyRulesState` is what a proxy uses: it holds the cluster between syncs, so a sync hands
//! over only the Services and EndpointSlices changed since the last one. `compileProxyRules` is
//! the one-shot form for a whole input (the `proxy-rules` command, golden tests). The async
//! variants run on the libuv pool so a proxy's event loop keeps serving while a large ruleset
//! is written.

use std::sync::{Arc, Mutex, PoisonError};

use napi::bindgen_prelude::{AsyncTask, Buffer, Env, Task};
use napi_derive::napi;
use rudder_netrules::{compile, Changes, ClusterState, Input, IptablesProxier, NodeSettings, Ruleset, SyncRequest};

use crate::error::{guard, invalid, Code, JsResult};

/// Which chains a one-shot compile writes.
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

/// Which chains a sync of a `ProxyRulesState` writes.
#[napi(object)]
pub struct ProxyStateSyncRequest {
    /// Write every chain; otherwise only those of services changed since the last sync.
    pub full: bool,
    /// The nat table's chains in the kernel now, one per line (one string crosses the boundary
    /// instead of an array of 100,000); unused service chains among them are deleted. Absent: a
    /// full sync deletes those the last sync used, a partial one none.
    pub existing_nat_chains: Option<String>,
}

fn chain_lines(chains: Option<String>) -> Option<Vec<String>> {
    chains.map(|text| text.lines().filter(|line| !line.is_empty()).map(str::to_string).collect())
}

/// A compiled ruleset and the counts kube-proxy reports as metrics.
#[napi(object)]
pub struct ProxyRuleset {
    /// iptables-restore input (filter and nat tables), ASCII (one-shot compiles; a
    /// `ProxyRulesState` keeps it for `copyRules`).
    pub rules: Option<Buffer>,
    /// Bytes of the iptables-restore input.
    pub byte_length: u32,
    pub filter_chains: u32,
    pub filter_rules: u32,
    pub nat_chains: u32,
    /// nat rules this sync writes.
    pub nat_rules: u32,
    /// nat rules in the kernel after this sync, unchanged chains included.
    pub nat_rules_total: u32,
    pub deleted_chains: u32,
    /// Service and endpoint chains the ruleset uses, one per line (one-shot compiles only; a
    /// `ProxyRulesState` keeps them, see its `activeNatChains`).
    pub active_nat_chains: Option<String>,
    /// More than 1,000 endpoints: endpoint rules carry no comments.
    pub large_cluster: bool,
    pub no_local_endpoints_internal: u32,
    pub no_local_endpoints_external: u32,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The ruleset's counts and its text of `byte_length` bytes; the text itself and the active
/// chains only for a one-shot compile (`one_shot`).
fn to_js(r: Ruleset, one_shot: bool, byte_length: usize) -> ProxyRuleset {
    ProxyRuleset {
        active_nat_chains: one_shot.then(|| r.active_nat_chains.join("\n")),
        rules: one_shot.then(|| Buffer::from(r.text.into_bytes())),
        byte_length: count(byte_length),
        filter_chains: count(r.filter_chains),
        filter_rules: count(r.filter_rules),
        nat_chains: count(r.nat_chains),
        nat_rules: count(r.nat_rules),
        nat_rules_total: count(r.nat_rules_total),
        deleted_chains: count(r.deleted_chains),
        large_cluster: r.large_cluster,
        no_local_endpoints_internal: count(r.no_local_endpoints_internal),
        no_local_endpoints_external: count(r.no_local_endpoints_external),
    }
}

fn to_request(request: ProxySyncRequest) -> SyncRequest {
    SyncRequest {
        full: request.full,
        changed_services: request.changed_services.unwrap_or_default().into_iter().collect(),
        existing_nat_chains: request.existing_nat_chains,
    }
}

fn decode<'a, T: serde::Deserialize<'a>>(bytes: &'a [u8], what: &str) -> JsResult<T> {
    rmp_serde::from_slice(bytes).map_err(|e| invalid(format!("invalid {what}: {e}")))
}

fn run(input: &[u8], request: &SyncRequest) -> JsResult<Ruleset> {
    let input: Input = decode(input, "input")?;
    compile(&input, request).map_err(|e| invalid(e.to_string()))
}

/// Compiles `input` (msgpack of {services, endpointSlices, settings}); throws an Error with
/// code "InvalidArgument" for input that is not of that shape or settings out of range.
#[napi]
pub fn compile_proxy_rules(input: Buffer, request: ProxySyncRequest) -> napi::Result<ProxyRuleset, Code> {
    let request = to_request(request);
    guard(|| run(&input, &request)).map(|r| {
        let bytes = r.text.len();
        to_js(r, true, bytes)
    })
}

/// A napi error whose message is the guarded body's reason (the task's error type).
fn task_error(e: napi::Error<Code>) -> napi::Error {
    napi::Error::new(napi::Status::InvalidArg, e.reason.clone())
}

pub struct CompileProxyRules {
    input: Vec<u8>,
    request: SyncRequest,
}

impl Task for CompileProxyRules {
    type Output = Ruleset;
    type JsValue = ProxyRuleset;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        guard(|| run(&self.input, &self.request)).map_err(task_error)
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        let bytes = output.text.len();
        Ok(to_js(output, true, bytes))
    }
}

/// `compileProxyRules` on the libuv thread pool.
#[napi(ts_return_type = "Promise<ProxyRuleset>")]
pub fn compile_proxy_rules_async(input: Buffer, request: ProxySyncRequest) -> AsyncTask<CompileProxyRules> {
    AsyncTask::new(CompileProxyRules { input: input.to_vec(), request: to_request(request) })
}

/// A proxy's cluster, its iptables proxier and the text of the last sync.
#[derive(Default)]
struct Held {
    state: ClusterState,
    proxier: IptablesProxier,
    text: String,
}

/// Applies `changes` (msgpack of {services?: [key, Service|null][], endpointSlices?: [key,
/// EndpointSlice|null][], settings?}) and compiles one sync.
fn apply_and_sync(held: &Mutex<Held>, changes: &[u8], full: bool, existing: Option<Vec<String>>) -> JsResult<(Ruleset, usize)> {
    let changes: Changes = if changes.is_empty() { Changes::default() } else { decode(changes, "changes")? };
    // A panic caught by `guard` leaves the maps whole (each change is one insert or remove, and
    // a view or name is replaced whole), so a poisoned lock still holds a usable state.
    let mut held = held.lock().unwrap_or_else(PoisonError::into_inner);
    let Held { state, proxier, text } = &mut *held;
    state.apply(changes).map_err(|e| invalid(e.to_string()))?;
    let mut ruleset = proxier.sync(state, full, existing).map_err(|e| invalid(e.to_string()))?;
    // The new text is kept for `copyRules`; the one before it (copied out already) lends its
    // memory to the next sync.
    let previous = std::mem::replace(text, std::mem::take(&mut ruleset.text));
    proxier.recycle(previous);
    Ok((ruleset, text.len()))
}

/// A proxy's Services and EndpointSlices held between syncs (one per IP family, as kube-proxy
/// has one proxier per family). Each sync hands over only what changed since the last one.
#[napi]
pub struct ProxyRulesState {
    held: Arc<Mutex<Held>>,
}

#[napi]
impl ProxyRulesState {
    /// `settings`: msgpack of the node settings; throws "InvalidArgument" for bad ones.
    #[napi(constructor)]
    pub fn new(settings: Buffer) -> napi::Result<Self, Code> {
        guard(|| {
            let settings: NodeSettings = decode(&settings, "settings")?;
            let state = ClusterState::new(settings).map_err(|e| invalid(e.to_string()))?;
            Ok(ProxyRulesState { held: Arc::new(Mutex::new(Held { state, ..Default::default() })) })
        })
    }

    /// Applies `changes` and compiles: every chain when `request.full`, else the chains of the
    /// services changed since the last sync (kept here, so a request names none). The text is
    /// kept here: `copyRules` copies it out.
    #[napi]
    pub fn sync(&self, changes: Buffer, request: ProxyStateSyncRequest) -> napi::Result<ProxyRuleset, Code> {
        guard(|| apply_and_sync(&self.held, &changes, request.full, chain_lines(request.existing_nat_chains)))
            .map(|(r, bytes)| to_js(r, false, bytes))
    }

    /// `sync` on the libuv thread pool; syncs of one state run one after another.
    #[napi(ts_return_type = "Promise<ProxyRuleset>")]
    pub fn sync_async(&self, changes: Buffer, request: ProxyStateSyncRequest) -> AsyncTask<SyncProxyRules> {
        AsyncTask::new(SyncProxyRules {
            held: Arc::clone(&self.held),
            changes: changes.to_vec(),
            full: request.full,
            existing: request.existing_nat_chains,
        })
    }

    /// Copies the text of the last sync into `into` (reused from sync to sync, so a large
    /// ruleset needs no fresh memory) and returns its length; throws "InvalidArgument" when
    /// `into` is shorter than the text.
    #[napi]
    pub fn copy_rules(&self, into: Buffer) -> napi::Result<u32, Code> {
        guard(|| {
            let mut into = into;
            let held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
            let text = held.text.as_bytes();
            let Some(target) = into.get_mut(..text.len()) else {
                return Err(invalid(format!("the buffer holds {} bytes, the rules {}", into.len(), text.len())));
            };
            target.copy_from_slice(text);
            Ok(count(text.len()))
        })
    }

    /// The service and endpoint chains of the last sync, one per line.
    #[napi]
    pub fn active_nat_chains(&self) -> String {
        self.held.lock().unwrap_or_else(PoisonError::into_inner).proxier.active_nat_chains().join("\n")
    }
}

pub struct SyncProxyRules {
    held: Arc<Mutex<Held>>,
    changes: Vec<u8>,
    full: bool,
    existing: Option<String>,
}

impl Task for SyncProxyRules {
    type Output = (Ruleset, usize);
    type JsValue = ProxyRuleset;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let existing = self.existing.take();
        guard(|| apply_and_sync(&self.held, &self.changes, self.full, chain_lines(existing))).map_err(task_error)
    }

    fn resolve(&mut self, _env: Env, (ruleset, bytes): Self::Output) -> napi::Result<Self::JsValue> {
        Ok(to_js(ruleset, false, bytes))
    }
}
