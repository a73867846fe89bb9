//! Service proxy rules. `model` is the input (Services, EndpointSlices, node settings),
//! `view` the proxy's per-family view of it (kube-proxy's service port and endpoint maps),
//! `state` that input and view held between syncs and changed object by object, `iptables`
//! kube-proxy's iptables-mode ruleset written from a view, and `proxier` the iptables syncs of a
//! state (what iptables keeps from one sync to the next).

pub mod addr;
pub mod iptables;
pub mod model;
pub mod names;
pub mod proxier;
pub mod state;
pub mod view;

pub use iptables::{probability, write_ports, write_ruleset, Ruleset, SyncRequest};
pub use model::{EndpointSlice, Input, LocalDetect, NodeSettings, Service};
pub use proxier::IptablesProxier;
pub use state::{Changes, ClusterState, SyncView};
pub use view::ClusterView;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid input: {0}")]
    Input(String),
    #[error("invalid settings: {0}")]
    Settings(String),
}

/// Parses an input document (JSON: {services, endpointSlices, settings}).
pub fn parse_input(json: &str) -> Result<Input, Error> {
    serde_json::from_str(json).map_err(|e| Error::Input(e.to_string()))
}

/// Compiles an input into an iptables-restore ruleset.
pub fn compile(input: &Input, request: &SyncRequest) -> Result<Ruleset, Error> {
    check_settings(&input.settings)?;
    let view = ClusterView::build(input)?;
    Ok(write_ruleset(&view, &input.settings, request))
}

fn check_settings(settings: &NodeSettings) -> Result<(), Error> {
    if settings.masquerade_bit > 31 {
        return Err(Error::Settings(format!("masqueradeBit must be within 0..31, not {}", settings.masquerade_bit)));
    }
    if view::family_of(settings).is_none() {
        return Err(Error::Settings(format!("unknown IP family {:?}", settings.ip_family)));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
