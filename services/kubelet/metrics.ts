// The kubelet's metrics, under Kubernetes' kubelet names. A process hosting many simulated nodes
// reports them summed over its nodes; kubelet_node_name has one series per hosted node.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The kubelet's pod start buckets (seconds). */
const POD_START_BUCKETS = [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600];
type ProbeLabel = 'probe_type' | 'result' | 'container' | 'pod' | 'namespace' | 'pod_uid';
const PROBE_LABELS: ProbeLabel[] = ['probe_type', 'result', 'container', 'pod', 'namespace', 'pod_uid'];
const OPERATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class KubeletMetrics {
  readonly podStartDuration: Histogram;
  readonly podStartSliDuration: Histogram;
  readonly podWorkerDuration: Histogram<'operation'>;
  readonly runningPods: Gauge;
  readonly runningContainers: Gauge<'container_state'>;
  readonly startedPods: Counter;
  readonly startedContainers: Counter;
  readonly plegRelistDuration: Histogram;
  readonly plegRelistInterval: Histogram;
  readonly admissionRejections: Counter<'reason'>;
  readonly nodeName: Gauge<'node'>;
  readonly leaseRenewals: Counter<'result'>;
  readonly probes: Counter<ProbeLabel>;
  readonly probeDuration: Histogram<Exclude<ProbeLabel, 'result'>>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.podStartDuration = new Histogram({ name: 'kubelet_pod_start_duration_seconds', help: 'Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run', buckets: POD_START_BUCKETS, registers });
    this.podStartSliDuration = new Histogram({
      name: 'kubelet_pod_start_sli_duration_seconds',
      help: 'Duration in seconds to start a pod, excluding time to pull images and run init containers, measured from pod creation timestamp to when all its containers are reported as started and observed via watch',
      buckets: POD_START_BUCKETS,
      registers,
    });
    this.podWorkerDuration = new Histogram({ name: 'kubelet_pod_worker_duration_seconds', help: 'Duration in seconds to sync a single pod. Broken down by operation type: create, update, or sync', labelNames: ['operation'], buckets: OPERATION_BUCKETS, registers });
    this.runningPods = new Gauge({ name: 'kubelet_running_pods', help: 'Number of pods that have a running pod sandbox', registers });
    this.runningContainers = new Gauge({ name: 'kubelet_running_containers', help: 'Number of containers currently running', labelNames: ['container_state'], registers });
    this.startedPods = new Counter({ name: 'kubelet_started_pods_total', help: 'Cumulative number of pods started', registers });
    this.startedContainers = new Counter({ name: 'kubelet_started_containers_total', help: 'Cumulative number of containers started', registers });
    this.plegRelistDuration = new Histogram({ name: 'kubelet_pleg_relist_duration_seconds', help: 'Duration in seconds for relisting pods in PLEG.', buckets: OPERATION_BUCKETS, registers });
    this.plegRelistInterval = new Histogram({ name: 'kubelet_pleg_relist_interval_seconds', help: 'Interval in seconds between relisting in PLEG.', buckets: OPERATION_BUCKETS, registers });
    this.admissionRejections = new Counter({ name: 'kubelet_admission_rejections_total', help: 'Cumulative number pod admission rejections by the Kubelet.', labelNames: ['reason'], registers });
    this.nodeName = new Gauge({ name: 'kubelet_node_name', help: "The node's name. The count is always 1.", labelNames: ['node'], registers });
    this.probes = new Counter({ name: 'prober_probe_total', help: 'Cumulative number of a liveness, readiness or startup probe for a container by result.', labelNames: PROBE_LABELS, registers });
    this.probeDuration = new Histogram({ name: 'prober_probe_duration_seconds', help: 'Duration in seconds for a probe response.', labelNames: PROBE_LABELS.filter((l): l is Exclude<ProbeLabel, 'result'> => l !== 'result'), buckets: OPERATION_BUCKETS, registers });
    this.leaseRenewals = new Counter({ name: 'rudder_kubelet_node_lease_renewals_total', help: 'Node Lease renewals, by result (ok, error), summed over the hosted nodes.', labelNames: ['result'], registers });
  }
}
