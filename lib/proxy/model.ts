// The proxy rules compiler's input: Services (with status) and EndpointSlices as the API
// serves them, and the node's settings. Shared by the TypeScript reference compiler and the
// Rust one (crates/netrules reads the same JSON document).
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Service } from 'kubernetes-types/core/v1.js';

/** How traffic from this node's pods is recognised (kube-proxy's --detect-local-mode). */
export type LocalDetect =
  | { mode: 'None' }
  | { mode: 'ClusterCIDR'; cidr: string }
  | { mode: 'BridgeInterface'; interface: string }
  | { mode: 'InterfaceNamePrefix'; prefix: string };

export interface NodeSettings {
  nodeName?: string;
  /** One ruleset is for one family, as one kube-proxy proxier is. Default IPv4. */
  ipFamily?: 'IPv4' | 'IPv6';
  localDetect?: LocalDetect;
  /** The bit of the packet mark that asks for masquerading (default 14). */
  masqueradeBit?: number;
  masqueradeAll?: boolean;
  /** The node's addresses; the first of the ruleset's family is the node IP. */
  nodeIPs?: string[];
  /** NodePorts answer only on these addresses; absent means every local address. */
  nodePortIPs?: string[];
  /** NodePorts answer on 127.0.0.1 (IPv4 only; default true, as kube-proxy). */
  localhostNodePorts?: boolean;
  /** nfacct counters exist, so rules count packets with -m nfacct. */
  nfacct?: boolean;
  /** MASQUERADE with --random-fully. */
  randomFully?: boolean;
  /** nf_conntrack_tcp_be_liberal is set: INVALID packets are not dropped. */
  conntrackTCPLiberal?: boolean;
  /** The node's topology.kubernetes.io/zone label, for same-zone hints. */
  zone?: string;
}

export interface ProxyInput {
  services: Service[];
  endpointSlices: EndpointSlice[];
  settings: NodeSettings;
}

/** Which chains a sync writes (kube-proxy's MinimizeIPTablesRestore). */
export interface SyncRequest {
  /** Write every chain; otherwise only those of `changedServices`. */
  full: boolean;
  /** Services ("namespace/name") whose Service or EndpointSlices changed since the last sync. */
  changedServices?: string[];
  /** The nat table's chains now in the kernel; unused service chains among them are deleted. */
  existingNatChains?: string[];
}

/** A compiled ruleset and the counts kube-proxy reports as metrics. */
export interface Ruleset {
  text: string;
  filterChains: number;
  filterRules: number;
  natChains: number;
  natRules: number;
  natRulesTotal: number;
  deletedChains: number;
  /** Service and endpoint chains the ruleset uses, one per line. */
  activeNatChains: string;
  largeCluster: boolean;
  noLocalEndpointsInternal: number;
  noLocalEndpointsExternal: number;
}

/** A compiler of proxy rules: the Rust one or the TypeScript reference. */
export type ProxyRulesCompiler = (input: ProxyInput, request: SyncRequest) => Ruleset;
