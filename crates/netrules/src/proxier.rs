//! kube-proxy's iptables proxier over a `ClusterState`: each sync writes the ruleset from the
//! state's view, keeping what iptables needs from one sync to the next (the chain names of
//! unchanged service ports and the chains the last sync used).

use std::sync::Arc;

use crate::iptables::{write_ports, Ruleset, SyncRequest};
use crate::names::ChainNames;
use crate::state::ClusterState;
use crate::Error;

#[derive(Debug, Default)]
pub struct IptablesProxier {
    names: ChainNames,
    /// The service and endpoint chains of the last sync.
    active: Vec<Arc<str>>,
    /// A ruleset text given back (`recycle`), whose memory the next sync writes into.
    spare: String,
}

impl IptablesProxier {
    /// Writes the ruleset: every chain when `full`, else only the chains of services changed
    /// since the last sync. Stale service chains among `existing_nat_chains` are deleted; a full
    /// sync without them deletes the chains the last sync used and this one does not (this
    /// proxier's own record stands in for the kernel's, as in a dry run).
    pub fn sync(&mut self, state: &mut ClusterState, full: bool, existing_nat_chains: Option<Vec<String>>) -> Result<Ruleset, Error> {
        let view = state.begin_sync()?;
        let existing_nat_chains =
            existing_nat_chains.or_else(|| full.then(|| self.active.iter().map(|chain| chain.to_string()).collect()));
        let request = SyncRequest { full, changed_services: view.changed_services, existing_nat_chains };
        let output = std::mem::take(&mut self.spare);
        let mut ruleset =
            write_ports(view.family, &view.ports, view.total_endpoints, view.settings, &request, &mut self.names, output);
        self.active = std::mem::take(&mut ruleset.active_nat_chains);
        Ok(ruleset)
    }

    /// Gives back the text of a ruleset this proxier wrote, once it is no longer needed.
    pub fn recycle(&mut self, text: String) {
        self.spare = text;
    }

    /// The service and endpoint chains of the last sync.
    pub fn active_nat_chains(&self) -> &[Arc<str>] {
        &self.active
    }
}
