//! Service proxy rules. `model` is the input (Services, EndpointSlices, node settings),
//! `view` the proxy's per-family view of it (kube-proxy's service port and endpoint maps),
//! `iptables` kube-proxy's iptables-mode ruleset written from that view.

pub mod addr;
pub mod iptables;
pub mod model;
pub mod names;
pub mod view;

pub use iptables::{probability, write_ruleset, Ruleset, SyncRequest};
pub use model::{Input, LocalDetect, NodeSettings};
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
    if input.settings.masquerade_bit > 31 {
        return Err(Error::Settings(format!(
            "masqueradeBit must be within 0..31, not {}",
            input.settings.masquerade_bit
        )));
    }
    let view = ClusterView::build(input)?;
    Ok(write_ruleset(&view, &input.settings, request))
}

#[cfg(test)]
mod tests;
