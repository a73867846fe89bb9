//! A proxy's cluster held between syncs: Services and EndpointSlices by key, changed as the
//! proxy's informers see them, the services changed since the last sync, and each service's
//! view (its ports and their endpoints), rebuilt only when the service or one of its slices
//! changed. A sync compiles from what is held, so only the objects that changed are handed over
//! before it, never the whole cluster. The state holds input and view only: any output format is
//! written from the view.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde::Deserialize;

use crate::addr::Family;
use crate::model::{EndpointSlice, NodeSettings, Service};
use crate::view::{family_of, service_of_slice, service_view, sorted_ports, ServicePortView};
use crate::Error;

/// Objects changed since the last sync: (key, object), the object absent when it was deleted.
/// Keys are "namespace/name". New settings, when given, replace the old ones.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Changes {
    #[serde(default)]
    pub services: Vec<(String, Option<Service>)>,
    #[serde(default)]
    pub endpoint_slices: Vec<(String, Option<EndpointSlice>)>,
    #[serde(default)]
    pub settings: Option<NodeSettings>,
}

#[derive(Debug, Default)]
pub struct ClusterState {
    settings: NodeSettings,
    services: BTreeMap<String, Service>,
    slices: BTreeMap<String, EndpointSlice>,
    /// Slice keys by service, ordered so an endpoint in two slices resolves the same way on
    /// every sync.
    slices_by_service: HashMap<String, BTreeSet<String>>,
    /// Services changed since the last sync (their chains are written by a partial sync).
    changed: HashSet<String>,
    /// Services whose view must be rebuilt before the next sync.
    stale: HashSet<String>,
    /// Every view is stale (new settings).
    all_stale: bool,
    views: HashMap<String, Vec<ServicePortView>>,
}

/// The input of one sync, for any output format.
pub struct SyncView<'s> {
    pub family: Family,
    /// Every proxied service port, in the writers' order.
    pub ports: Vec<&'s ServicePortView>,
    pub total_endpoints: usize,
    /// Services ("namespace/name") changed since the last sync.
    pub changed_services: HashSet<String>,
    pub settings: &'s NodeSettings,
}

impl ClusterState {
    pub fn new(settings: NodeSettings) -> Result<ClusterState, Error> {
        crate::check_settings(&settings)?;
        Ok(ClusterState { settings, ..Default::default() })
    }

    pub fn settings(&self) -> &NodeSettings {
        &self.settings
    }

    /// Applies changes; bad settings leave the state as it was.
    pub fn apply(&mut self, changes: Changes) -> Result<(), Error> {
        if let Some(settings) = changes.settings {
            crate::check_settings(&settings)?;
            self.settings = settings;
            self.all_stale = true;
        }
        for (key, service) in changes.services {
            self.set_service(key, service);
        }
        for (key, slice) in changes.endpoint_slices {
            self.set_slice(key, slice);
        }
        Ok(())
    }

    pub fn set_service(&mut self, key: String, service: Option<Service>) {
        self.changed.insert(key.clone());
        self.stale.insert(key.clone());
        match service {
            Some(service) => self.services.insert(key, service),
            None => self.services.remove(&key),
        };
    }

    /// Marks the services of both the old and the new slice changed.
    pub fn set_slice(&mut self, key: String, slice: Option<EndpointSlice>) {
        if let Some(service) = slice.as_ref().and_then(service_of_slice) {
            self.slices_by_service.entry(service.clone()).or_default().insert(key.clone());
            self.mark_changed(service);
        }
        let before = match slice {
            Some(slice) => self.slices.insert(key.clone(), slice),
            None => self.slices.remove(&key),
        };
        if let Some(service) = before.as_ref().and_then(service_of_slice) {
            if self.slices.get(&key).and_then(service_of_slice).as_ref() != Some(&service) {
                if let Some(keys) = self.slices_by_service.get_mut(&service) {
                    keys.remove(&key);
                    if keys.is_empty() {
                        self.slices_by_service.remove(&service);
                    }
                }
            }
            self.mark_changed(service);
        }
    }

    fn mark_changed(&mut self, service: String) {
        self.stale.insert(service.clone());
        self.changed.insert(service);
    }

    fn family(&self) -> Result<Family, Error> {
        family_of(&self.settings).ok_or_else(|| Error::Settings(format!("unknown IP family {:?}", self.settings.ip_family)))
    }

    /// Rebuilds the views of stale services.
    fn refresh_views(&mut self) -> Result<(), Error> {
        let family = self.family()?;
        let stale: Vec<String> = if self.all_stale {
            self.views.clear();
            self.stale.clear();
            self.services.keys().cloned().collect()
        } else {
            self.stale.drain().collect()
        };
        self.all_stale = false;
        for key in stale {
            let Some(service) = self.services.get(&key) else {
                self.views.remove(&key);
                continue;
            };
            let slices = self
                .slices_by_service
                .get(&key)
                .into_iter()
                .flatten()
                .filter_map(|slice| self.slices.get(slice));
            let view = service_view(service, slices, family, &self.settings);
            self.views.insert(key, view);
        }
        Ok(())
    }

    /// What a sync writes from: every service port's view in the writers' order, and the
    /// services changed since the last sync (which this forgets).
    pub fn begin_sync(&mut self) -> Result<SyncView<'_>, Error> {
        self.refresh_views()?;
        let family = self.family()?;
        let ports = sorted_ports(self.views.values().flatten());
        let total_endpoints = ports.iter().map(|port| port.endpoints.len()).sum();
        Ok(SyncView { family, ports, total_endpoints, changed_services: std::mem::take(&mut self.changed), settings: &self.settings })
    }
}
