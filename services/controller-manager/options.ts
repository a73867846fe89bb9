// The controller-manager's options (flags, RUDDER_* environment, --config-file), named after
// kube-controller-manager's where one exists.
import { busOptions } from '../../lib/bus/options.js';
import { leaderElectionOptions } from '../../lib/client/leader-campaign.js';
import { option } from '../../lib/config/options.js';
import { LOG_LEVELS } from '../../lib/observe/logger.js';

export const controllerManagerOptions = {
  kubeconfig: option.string('', 'kubeconfig of the apiserver to reconcile'),
  master: option.string('', 'apiserver URL; overrides the kubeconfig\'s server, or (without --kubeconfig) is used with the CA in --cert-dir and the admin token of --token-auth-file'),
  tokenAuthFile: option.string('', 'the apiserver\'s static token file: its admin token is used when no --kubeconfig is given'),
  useServiceAccountCredentials: option.boolean(false, 'each controller acts as its own ServiceAccount in kube-system (deployment-controller, replicaset-controller, ...), with a token the controller-manager asks for through the TokenRequest API and renews, so the apiserver authorizes it by its system:controller:<name> ClusterRole'),
  controllers: option.list(['*'], 'controllers to run: "*" runs those on by default, "NAME" adds one, "-NAME" leaves one out (kube-controller-manager\'s names, e.g. replicaset-controller or its alias replicaset)'),
  bindAddress: option.string('127.0.0.1', 'address /livez, /readyz and /metrics listen on'),
  securePort: option.number(10257, 'port of /livez, /readyz and /metrics (0 picks a free port and logs it)'),
  certDir: option.string('', 'directory holding the cluster serving certificate (apiserver.crt/.key) for HTTPS; empty: plain HTTP'),
  ...leaderElectionOptions('kube-controller-manager', 'reconcile'),
  concurrentReplicasetSyncs: option.number(5, 'ReplicaSets synced at once'),
  concurrentRcSyncs: option.number(5, 'ReplicationControllers synced at once'),
  concurrentDeploymentSyncs: option.number(5, 'Deployments synced at once'),
  concurrentJobSyncs: option.number(5, 'Jobs synced at once'),
  concurrentCronJobSyncs: option.number(5, 'CronJobs synced at once'),
  concurrentDaemonsetSyncs: option.number(2, 'DaemonSets synced at once'),
  concurrentStatefulsetSyncs: option.number(5, 'StatefulSets synced at once'),
  concurrentTtlAfterFinishedSyncs: option.number(5, 'finished Jobs checked for their ttlSecondsAfterFinished at once'),
  terminatedPodGcThreshold: option.number(12500, 'finished pods kept before the pod garbage collector deletes the oldest (0: no limit)'),
  concurrentGcSyncs: option.number(20, 'garbage collector workers'),
  concurrentNamespaceSyncs: option.number(10, 'namespaces emptied at once'),
  concurrentServiceEndpointSyncs: option.number(5, 'Services whose EndpointSlices are synced at once'),
  concurrentServiceaccountSyncs: option.number(1, 'namespaces checked for their default ServiceAccount at once'),
  concurrentRootCaSyncs: option.number(1, 'namespaces given the kube-root-ca.crt ConfigMap at once'),
  rootCaFile: option.string('', 'the cluster CA bundle published as kube-root-ca.crt in every namespace (default: ca.crt in --cert-dir)'),
  allocateNodeCidrs: option.boolean(false, 'give every node a pod CIDR from --cluster-cidr (the node-ipam controller)'),
  clusterCidr: option.string('', 'CIDR of the pods of the cluster (IPv4), cut into node pod CIDRs'),
  nodeCidrMaskSize: option.number(24, 'prefix length of each node\'s pod CIDR'),
  nodeMonitorPeriod: option.duration('5s', 'how often node health is checked'),
  nodeMonitorGracePeriod: option.duration('50s', 'how long a node may stay silent (no status heartbeat, no Lease renewal) before it is marked Unknown and tainted unreachable'),
  maxEndpointsPerSlice: option.number(100, 'most endpoints in one EndpointSlice (1 to 1000)'),
  kubeApiQps: option.number(0, 'requests per second to the apiserver (0: unlimited)'),
  kubeApiBurst: option.number(1000, 'requests allowed at once above kube-api-qps'),
  logLevel: option.string('info', 'log level', LOG_LEVELS),
  ...busOptions,
};
