// kube-controller-manager's controller names and its --controllers syntax: "*" turns on every
// controller that is on by default, "NAME" turns one on, "-NAME" turns one off (the last word
// about a name wins over "*"). Each controller answers to its name ("replicaset-controller") and
// to the alias kube-controller-manager keeps from before 1.28 ("replicaset").

export interface ControllerName {
  readonly name: string;
  readonly aliases: readonly string[];
}

/** The controllers Rudder runs, all on by default. */
export const CONTROLLER_NAMES: readonly ControllerName[] = [
  { name: 'replicaset-controller', aliases: ['replicaset'] },
  { name: 'replicationcontroller-controller', aliases: ['replicationcontroller'] },
  { name: 'deployment-controller', aliases: ['deployment'] },
  { name: 'garbage-collector-controller', aliases: ['garbagecollector'] },
  { name: 'namespace-controller', aliases: ['namespace'] },
  { name: 'endpointslice-controller', aliases: ['endpointslice'] },
];

/** kube-controller-manager's controllers Rudder does not run yet: accepted, and reported as not run. */
export const OTHER_KNOWN_NAMES: readonly string[] = [
  'serviceaccount-token-controller', 'serviceaccount-token', 'endpoints-controller', 'endpoint',
  'endpointslice-mirroring-controller', 'endpointslicemirroring', 'pod-garbage-collector-controller', 'podgc',
  'resourcequota-controller', 'resourcequota', 'serviceaccount-controller', 'serviceaccount',
  'daemonset-controller', 'daemonset', 'job-controller', 'job', 'cronjob-controller', 'cronjob',
  'disruption-controller', 'disruption', 'statefulset-controller', 'statefulset',
  'horizontal-pod-autoscaler-controller', 'horizontalpodautoscaling', 'certificatesigningrequest-signing-controller', 'csrsigning',
  'certificatesigningrequest-approving-controller', 'csrapproving', 'certificatesigningrequest-cleaner-controller', 'csrcleaner',
  'ttl-controller', 'ttl', 'bootstrap-signer-controller', 'bootstrapsigner', 'token-cleaner-controller', 'tokencleaner',
  'node-ipam-controller', 'nodeipam', 'node-lifecycle-controller', 'nodelifecycle', 'taint-eviction-controller',
  'persistentvolume-binder-controller', 'persistentvolume-binder', 'persistentvolume-attach-detach-controller', 'attachdetach',
  'persistentvolume-expander-controller', 'persistentvolume-expander', 'clusterrole-aggregation-controller', 'clusterrole-aggregation',
  'persistentvolumeclaim-protection-controller', 'pvc-protection', 'persistentvolume-protection-controller', 'pv-protection',
  'ttl-after-finished-controller', 'ttl-after-finished', 'root-ca-certificate-publisher-controller', 'root-ca-cert-publisher',
  'ephemeral-volume-controller', 'ephemeral-volume', 'storageversion-garbage-collector-controller', 'storage-version-gc',
  'resourceclaim-controller', 'resource-claim-controller', 'legacy-serviceaccount-token-cleaner-controller', 'legacy-service-account-token-cleaner',
  'validatingadmissionpolicy-status-controller', 'service-cidr-controller', 'storageversion-migrator-controller',
  'selinux-warning-controller', 'cloud-node-lifecycle-controller', 'service-lb-controller', 'node-route-controller',
];

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
