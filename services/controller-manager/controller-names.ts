// kube-controller-manager's controller names and its --controllers syntax: "*" turns on every
// controller that is on by default, "NAME" turns one on, "-NAME" turns one off (the last word
// about a name wins over "*"). Each controller answers to its name ("replicaset-controller") and
// to the alias kube-controller-manager keeps from before 1.28 ("replicaset").

export interface ControllerName {
  readonly name: string;
  readonly aliases: readonly string[];
  /**
   * The ServiceAccount in kube-system it acts as with --use-service-account-credentials: the name
   * kube-controller-manager gives it, whose rights are the ClusterRole system:controller:<account>
   * (the node controllers share node-controller's, as in Kubernetes).
   */
  readonly serviceAccount: string;
}

/** The controllers Rudder runs, all on by default. */
export const CONTROLLER_NAMES: readonly ControllerName[] = [
  { name: 'replicaset-controller', aliases: ['replicaset'], serviceAccount: 'replicaset-controller' },
  { name: 'replicationcontroller-controller', aliases: ['replicationcontroller'], serviceAccount: 'replication-controller' },
  { name: 'deployment-controller', aliases: ['deployment'], serviceAccount: 'deployment-controller' },
  { name: 'job-controller', aliases: ['job'], serviceAccount: 'job-controller' },
  { name: 'cronjob-controller', aliases: ['cronjob'], serviceAccount: 'cronjob-controller' },
  { name: 'daemonset-controller', aliases: ['daemonset'], serviceAccount: 'daemon-set-controller' },
  { name: 'garbage-collector-controller', aliases: ['garbagecollector'], serviceAccount: 'generic-garbage-collector' },
  { name: 'namespace-controller', aliases: ['namespace'], serviceAccount: 'namespace-controller' },
  { name: 'endpointslice-controller', aliases: ['endpointslice'], serviceAccount: 'endpointslice-controller' },
  { name: 'serviceaccount-controller', aliases: ['serviceaccount'], serviceAccount: 'service-account-controller' },
  { name: 'root-ca-certificate-publisher-controller', aliases: ['root-ca-cert-publisher'], serviceAccount: 'root-ca-cert-publisher' },
  { name: 'node-ipam-controller', aliases: ['nodeipam'], serviceAccount: 'node-controller' },
  { name: 'node-lifecycle-controller', aliases: ['nodelifecycle'], serviceAccount: 'node-controller' },
  { name: 'taint-eviction-controller', aliases: [], serviceAccount: 'node-controller' },
  { name: 'statefulset-controller', aliases: ['statefulset'], serviceAccount: 'statefulset-controller' },
  { name: 'disruption-controller', aliases: ['disruption'], serviceAccount: 'disruption-controller' },
  { name: 'pod-garbage-collector-controller', aliases: ['podgc'], serviceAccount: 'pod-garbage-collector' },
  { name: 'ttl-after-finished-controller', aliases: ['ttl-after-finished'], serviceAccount: 'ttl-after-finished-controller' },
  { name: 'persistentvolume-protection-controller', aliases: ['pv-protection'], serviceAccount: 'pv-protection-controller' },
  { name: 'persistentvolumeclaim-protection-controller', aliases: ['pvc-protection'], serviceAccount: 'pvc-protection-controller' },
];

/** kube-controller-manager 1.36's other controllers and their aliases: accepted, and reported as not run. */
export const OTHER_KNOWN_NAMES: readonly string[] = [
  'bootstrap-signer-controller', 'certificatesigningrequest-approving-controller',
  'certificatesigningrequest-cleaner-controller', 'certificatesigningrequest-signing-controller',
  'cloud-node-lifecycle-controller', 'clusterrole-aggregation-controller',
  'device-taint-eviction-controller',
  'endpoints-controller', 'endpointslice-mirroring-controller', 'ephemeral-volume-controller',
  'horizontal-pod-autoscaler-controller',
  'kube-apiserver-serving-clustertrustbundle-publisher-controller',
  'legacy-serviceaccount-token-cleaner-controller',
  'node-route-controller',
  'persistentvolume-attach-detach-controller', 'persistentvolume-binder-controller',
  'persistentvolume-expander-controller',
  'podcertificaterequest-cleaner-controller', 'podgroup-protection-controller',
  'resourceclaim-controller', 'resourcepoolstatusrequest-controller', 'resourcequota-controller',
  'root-ca-certificate-publisher-controller', 'selinux-warning-controller',
  'service-cidr-controller', 'service-lb-controller', 'serviceaccount-controller',
  'serviceaccount-token-controller',
  'storage-version-migrator-controller', 'storageversion-garbage-collector-controller',
  'token-cleaner-controller',
  'ttl-controller', 'validatingadmissionpolicy-status-controller',
  'volumeattributesclass-protection-controller', 'serviceaccount-token', 'endpoint',
  'endpointslicemirroring', 'resourcequota',
  'horizontalpodautoscaling', 'csrsigning', 'csrapproving',
  'csrcleaner', 'ttl', 'bootstrapsigner', 'tokencleaner',
  'persistentvolume-binder', 'attachdetach', 'persistentvolume-expander',
  'clusterrole-aggregation',
  'ephemeral-volume', 'storage-version-gc', 'resource-claim-controller',
  'legacy-service-account-token-cleaner', 'cloud-node-lifecycle', 'service', 'route',
];

/** The ServiceAccount a controller runs as with --use-service-account-credentials. */
export function controllerServiceAccount(name: string): string {
  const found = CONTROLLER_NAMES.find((c) => c.name === name);
  if (!found) throw new Error(`no controller is named ${name}`);
  return found.serviceAccount;
}

function canonical(word: string): string | undefined {
  return CONTROLLER_NAMES.find((c) => c.name === word || c.aliases.includes(word))?.name;
}

/**
 * The controllers to run for a --controllers value. Throws on a name kube-controller-manager
 * would not know, with its message.
 */
export function selectControllers(words: readonly string[]): Set<string> {
  let all = false;
  const on = new Set<string>();
  const off = new Set<string>();
  for (const raw of words) {
    const word = raw.trim();
    if (word === '') continue;
    if (word === '*') {
      all = true;
      continue;
    }
    const negated = word.startsWith('-');
    const bare = negated ? word.slice(1) : word;
    const name = canonical(bare);
    if (name === undefined) {
      if (OTHER_KNOWN_NAMES.includes(bare)) continue;
      throw new Error(`"${bare}" is not in the list of known controllers`);
    }
    (negated ? off : on).add(name);
    (negated ? on : off).delete(name);
  }
  const selected = new Set<string>();
  for (const { name } of CONTROLLER_NAMES) if (!off.has(name) && (all || on.has(name))) selected.add(name);
  return selected;
}
