//! Node state as struct-of-arrays, indexed by a node's slot, updated incrementally: a node's
//! object is upserted or removed, a pod's usage is added to or removed from its node. Nothing
//! is rebuilt per pod.

use rustc_hash::FxHashMap;

use crate::columns::Column;
use crate::error::SchedError;
use crate::intern::{Interner, Sym, UNKNOWN};
use crate::model::{HostPort, NodeSpec, PodUsage, Resources};

pub type Slot = u32;

/// The bit of `Cluster::taint_mask` that sends readers to the node's taint list.
pub const TAINT_OVERFLOW: u64 = 1 << 63;

/// The mask bit of a taint id, or TAINT_OVERFLOW past the first 63 ids.
pub fn taint_bit(id: u32) -> u64 {
    if id < 63 {
        1 << id
    } else {
        TAINT_OVERFLOW
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeTaint {
    pub key: Sym,
    pub value: Sym,
    pub effect: Sym,
}

/// A used host port after Kubernetes' sanitising (0.0.0.0 and TCP for empty ip and protocol).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PortKey {
    pub ip: Sym,
    pub protocol: Sym,
    pub port: i32,
}

/// Symbols the kernel compares against directly.
#[derive(Debug, Clone, Copy)]
pub struct WellKnown {
    pub any_ip: Sym,
    pub tcp: Sym,
    pub no_schedule: Sym,
    pub prefer_no_schedule: Sym,
    pub no_execute: Sym,
    pub unschedulable_taint: Sym,
    pub empty: Sym,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageState {
    pub size: i64,
    pub nodes: i64,
}

#[derive(Debug)]
pub struct Cluster {
    pub(crate) strings: Interner,
    pub(crate) known: WellKnown,
    slot_of: FxHashMap<Sym, Slot>,
    free: Vec<Slot>,
    /// Slots in node order: filtering starts at an index into this and wraps around.
    pub(crate) order: Vec<Slot>,
    pub(crate) name: Column<Sym>,
    pub(crate) unschedulable: Column<bool>,
    pub(crate) alloc_cpu: Column<i64>,
    pub(crate) alloc_memory: Column<i64>,
    pub(crate) alloc_ephemeral: Column<i64>,
    pub(crate) alloc_pods: Column<i64>,
    pub(crate) req_cpu: Column<i64>,
    pub(crate) req_memory: Column<i64>,
    pub(crate) req_ephemeral: Column<i64>,
    pub(crate) pod_count: Column<i64>,
    pub(crate) non_zero_cpu: Column<i64>,
    pub(crate) non_zero_memory: Column<i64>,
    /// Scalar resource → allocatable / requested per slot.
    pub(crate) scalar_alloc: FxHashMap<Sym, Column<i64>>,
    pub(crate) scalar_req: FxHashMap<Sym, Column<i64>>,
    scalar_alloc_keys: Vec<Vec<Sym>>,
    /// Every distinct taint any node has carried; nodes list theirs by index into it, so a
    /// pod's toleration of each is decided once per call, not once per node.
    pub(crate) taint_table: Vec<NodeTaint>,
    taint_index: FxHashMap<NodeTaint, u32>,
    /// Each node's taints (indexes into `taint_table`) in the node's order.
    pub(crate) taints: Vec<Vec<u32>>,
    /// Each node's taints as a bit set: bit i for taint id i < 63; bit 63 (`TAINT_OVERFLOW`)
    /// when the node also has a later id or a repeated one, so readers look at `taints`.
    pub(crate) taint_mask: Column<u64>,
    /// Label key → value per slot (`UNKNOWN` where the node lacks the label).
    pub(crate) label_columns: FxHashMap<Sym, Column<Sym>>,
    labels: Vec<Vec<(Sym, Sym)>>,
    /// Used host ports with how many pods use each.
    pub(crate) ports: Vec<Vec<(PortKey, u32)>>,
    /// The images each node has, sorted.
    pub(crate) images: Vec<Vec<Sym>>,
    /// Image → its size (as the node that last reported it says) and how many nodes have it.
    pub(crate) image_states: FxHashMap<Sym, ImageState>,
    /// Image → whether each node has it.
    pub(crate) image_nodes: FxHashMap<Sym, Column<bool>>,
}

impl Default for Cluster {
    fn default() -> Self {
        Cluster::new()
    }
}

fn slot_index(slot: Slot) -> usize {
    slot as usize
}

impl Cluster {
    pub fn new() -> Self {
        let mut strings = Interner::default();
        let known = WellKnown {
            any_ip: strings.intern("0.0.0.0"),
            tcp: strings.intern("TCP"),
            no_schedule: strings.intern("NoSchedule"),
            prefer_no_schedule: strings.intern("PreferNoSchedule"),
            no_execute: strings.intern("NoExecute"),
            unschedulable_taint: strings.intern("node.kubernetes.io/unschedulable"),
            empty: strings.intern(""),
        };
        Cluster {
            strings,
            known,
            slot_of: FxHashMap::default(),
            free: Vec::new(),
            order: Vec::new(),
            name: Column::new(UNKNOWN),
            unschedulable: Column::new(false),
            alloc_cpu: Column::new(0),
            alloc_memory: Column::new(0),
            alloc_ephemeral: Column::new(0),
            alloc_pods: Column::new(0),
            req_cpu: Column::new(0),
            req_memory: Column::new(0),
            req_ephemeral: Column::new(0),
            pod_count: Column::new(0),
            non_zero_cpu: Column::new(0),
            non_zero_memory: Column::new(0),
            scalar_alloc: FxHashMap::default(),
            scalar_req: FxHashMap::default(),
            scalar_alloc_keys: Vec::new(),
            taint_table: Vec::new(),
            taint_index: FxHashMap::default(),
            taints: Vec::new(),
            taint_mask: Column::new(0),
            label_columns: FxHashMap::default(),
            labels: Vec::new(),
            ports: Vec::new(),
            images: Vec::new(),
            image_states: FxHashMap::default(),
            image_nodes: FxHashMap::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    pub fn slot(&self, name: &str) -> Option<Slot> {
        self.slot_of.get(&self.strings.lookup(name)).copied()
    }

    /// Whether the slot holds a node.
    pub fn is_live(&self, slot: Slot) -> bool {
        self.name.get(slot_index(slot)) != UNKNOWN
    }

    pub fn node_name(&self, slot: Slot) -> &str {
        self.strings.name(self.name.get(slot_index(slot)))
    }

    /// Node names in node order.
    pub fn node_names(&self) -> Vec<&str> {
        self.order
            .iter()
            .map(|&slot| self.node_name(slot))
            .collect()
    }

    /// Adds the node (at the end of the node order) or replaces its object, keeping the usage
    /// of the pods on it. Returns its slot.
    pub fn upsert_node(&mut self, spec: &NodeSpec) -> Result<Slot, SchedError> {
        if spec.name.is_empty() {
            return Err(SchedError::InvalidArgument("a node needs a name".into()));
        }
        let name = self.strings.intern(&spec.name);
        let slot = match self.slot_of.get(&name) {
            Some(&slot) => {
                self.clear_object(slot);
                slot
            }
            None => {
                let slot = self.free.pop().unwrap_or(self.taints.len() as Slot);
                if slot_index(slot) == self.taints.len() {
                    self.taints.push(Vec::new());
                    self.labels.push(Vec::new());
                    self.ports.push(Vec::new());
                    self.images.push(Vec::new());
                    self.scalar_alloc_keys.push(Vec::new());
                }
                self.slot_of.insert(name, slot);
                self.order.push(slot);
                self.name.set(slot_index(slot), name);
                slot
            }
        };
        self.write_object(slot, spec);
        Ok(slot)
    }

    /// Removes the node and everything on it; the rest keep their order.
    pub fn remove_node(&mut self, name: &str) -> Result<(), SchedError> {
        let slot = self
            .slot(name)
            .ok_or_else(|| SchedError::UnknownNode(name.to_string()))?;
        self.clear_object(slot);
        let index = slot_index(slot);
        for column in [
            &mut self.req_cpu,
            &mut self.req_memory,
            &mut self.req_ephemeral,
            &mut self.pod_count,
            &mut self.non_zero_cpu,
            &mut self.non_zero_memory,
        ] {
            column.set(index, 0);
        }
        for column in self.scalar_req.values_mut() {
            column.set(index, 0);
        }
        self.ports[index].clear();
        self.name.set(index, UNKNOWN);
        self.slot_of.remove(&self.strings.lookup(name));
        self.order.retain(|&other| other != slot);
        self.free.push(slot);
        Ok(())
    }

    /// Puts the nodes in this order (a permutation of the known nodes), as the scheduler's
    /// snapshot lists them.
    pub fn set_order(&mut self, names: &[String]) -> Result<(), SchedError> {
        if names.len() != self.order.len() {
            return Err(SchedError::InvalidArgument(format!(
                "the order names {} nodes but the kernel has {}",
                names.len(),
                self.order.len()
            )));
        }
        let mut seen = vec![false; self.taints.len()];
        let mut order = Vec::with_capacity(names.len());
        for name in names {
            let slot = self
                .slot(name)
                .ok_or_else(|| SchedError::UnknownNode(name.clone()))?;
            if std::mem::replace(&mut seen[slot_index(slot)], true) {
                return Err(SchedError::InvalidArgument(format!(
                    "node {name:?} appears twice in the order"
                )));
            }
            order.push(slot);
        }
        self.order = order;
        Ok(())
    }

    pub fn add_pod(&mut self, node: &str, usage: &PodUsage) -> Result<(), SchedError> {
        let slot = self
            .slot(node)
            .ok_or_else(|| SchedError::UnknownNode(node.to_string()))?;
        self.apply_usage(slot, usage, 1);
        Ok(())
    }

    /// Takes back exactly what `add_pod` added for the same usage.
    pub fn remove_pod(&mut self, node: &str, usage: &PodUsage) -> Result<(), SchedError> {
        let slot = self
            .slot(node)
            .ok_or_else(|| SchedError::UnknownNode(node.to_string()))?;
        self.apply_usage(slot, usage, -1);
        Ok(())
    }

    fn apply_usage(&mut self, slot: Slot, usage: &PodUsage, sign: i64) {
        let index = slot_index(slot);
        let requests = &usage.requests;
        self.req_cpu
            .update(index, |v| v + sign * requests.milli_cpu);
        self.req_memory
            .update(index, |v| v + sign * requests.memory);
        self.req_ephemeral
            .update(index, |v| v + sign * requests.ephemeral_storage);
        self.pod_count.update(index, |v| v + sign);
        self.non_zero_cpu
            .update(index, |v| v + sign * usage.non_zero_milli_cpu);
        self.non_zero_memory
            .update(index, |v| v + sign * usage.non_zero_memory);
        for (resource, amount) in &requests.scalar {
            let resource = self.strings.intern(resource);
            self.scalar_req
                .entry(resource)
                .or_insert_with(|| Column::new(0))
                .update(index, |v| v + sign * amount);
        }
        for port in &usage.host_ports {
            if port.port <= 0 {
                continue;
            }
            let key = self.port_key(port);
            let used = &mut self.ports[index];
            match used.iter().position(|(existing, _)| *existing == key) {
                Some(at) if sign > 0 => used[at].1 += 1,
                Some(at) => {
                    used[at].1 -= 1;
                    if used[at].1 == 0 {
                        used.swap_remove(at);
                    }
                }
                None if sign > 0 => used.push((key, 1)),
                None => {}
            }
        }
    }

    fn port_key(&mut self, port: &HostPort) -> PortKey {
        PortKey {
            ip: if port.ip.is_empty() {
                self.known.any_ip
            } else {
                self.strings.intern(&port.ip)
            },
            protocol: if port.protocol.is_empty() {
                self.known.tcp
            } else {
                self.strings.intern(&port.protocol)
            },
            port: port.port,
        }
    }

    fn write_object(&mut self, slot: Slot, spec: &NodeSpec) {
        let index = slot_index(slot);
        self.unschedulable.set(index, spec.unschedulable);
        let alloc = &spec.allocatable;
        self.alloc_cpu.set(index, alloc.milli_cpu);
        self.alloc_memory.set(index, alloc.memory);
        self.alloc_ephemeral.set(index, alloc.ephemeral_storage);
        self.alloc_pods.set(index, alloc.pods);
        self.write_scalar_allocatable(index, alloc);
        let mut taints = Vec::with_capacity(spec.taints.len());
        for taint in &spec.taints {
            let taint = NodeTaint {
                key: self.strings.intern(&taint.key),
                value: self.strings.intern(&taint.value),
                effect: self.strings.intern(&taint.effect),
            };
            let id = match self.taint_index.get(&taint) {
                Some(&id) => id,
                None => {
                    let id = self.taint_table.len() as u32;
                    self.taint_table.push(taint);
                    self.taint_index.insert(taint, id);
                    id
                }
            };
            taints.push(id);
        }
        let mut mask = 0u64;
        for &id in &taints {
            let bit = taint_bit(id);
            mask |= if mask & bit != 0 { TAINT_OVERFLOW } else { bit };
        }
        self.taint_mask.set(index, mask);
        self.taints[index] = taints;
        let mut labels = Vec::with_capacity(spec.labels.len());
        for (key, value) in &spec.labels {
            let key = self.strings.intern(key);
            let value = self.strings.intern(value);
            self.label_columns
                .entry(key)
                .or_insert_with(|| Column::new(UNKNOWN))
                .set(index, value);
            labels.push((key, value));
        }
        self.labels[index] = labels;
        let mut images = Vec::with_capacity(spec.images.len());
        for (image, size) in &spec.images {
            let image = self.strings.intern(image);
            let state = self
                .image_states
                .entry(image)
                .or_insert(ImageState { size: 0, nodes: 0 });
            state.size = *size;
            if !images.contains(&image) {
                state.nodes += 1;
                images.push(image);
                self.image_nodes
                    .entry(image)
                    .or_insert_with(|| Column::new(false))
                    .set(index, true);
            }
        }
        images.sort_unstable();
        self.images[index] = images;
    }

    fn write_scalar_allocatable(&mut self, index: usize, alloc: &Resources) {
        let mut keys = Vec::with_capacity(alloc.scalar.len());
        for (resource, amount) in &alloc.scalar {
            let resource = self.strings.intern(resource);
            self.scalar_alloc
                .entry(resource)
                .or_insert_with(|| Column::new(0))
                .set(index, *amount);
            keys.push(resource);
        }
        self.scalar_alloc_keys[index] = keys;
    }

    /// Forgets the node object's columns (not the pods' usage).
    fn clear_object(&mut self, slot: Slot) {
        let index = slot_index(slot);
        for resource in std::mem::take(&mut self.scalar_alloc_keys[index]) {
            if let Some(column) = self.scalar_alloc.get_mut(&resource) {
                column.set(index, 0);
            }
        }
        for (key, _) in std::mem::take(&mut self.labels[index]) {
            if let Some(column) = self.label_columns.get_mut(&key) {
                column.set(index, UNKNOWN);
            }
        }
        for image in std::mem::take(&mut self.images[index]) {
            if let Some(column) = self.image_nodes.get_mut(&image) {
                column.set(index, false);
            }
            if let Some(state) = self.image_states.get_mut(&image) {
                state.nodes -= 1;
                if state.nodes <= 0 {
                    self.image_states.remove(&image);
                }
            }
        }
        self.taints[index].clear();
        self.taint_mask.set(index, 0);
        self.unschedulable.set(index, false);
        for column in [
            &mut self.alloc_cpu,
            &mut self.alloc_memory,
            &mut self.alloc_ephemeral,
            &mut self.alloc_pods,
        ] {
            column.set(index, 0);
        }
    }
}
