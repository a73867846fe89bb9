// Pod and pod-template defaults (SetDefaults_PodSpec, SetDefaults_Container, ... in
// k8s.io/kubernetes/pkg/apis/core/v1), plus what the apiserver adds to a new Pod: its service
// account and the initial status. Priority and the not-ready/unreachable tolerations are
// admission plugins' (services/apiserver/admission/priority.ts, default-toleration-seconds.ts).
import { type Quantity, addQuantities, compareQuantities, isZeroQuantity, tryParseQuantity } from '../validation/quantity.js';
import { defaultPullPolicy } from './image.js';
import { type Rec, asRec, canonicalizeQuantityField, canonicalizeResourceList, ensureRec, isUnset, recs, setDefault } from './util.js';

const DEFAULT_FILE_MODE = 0o644;

function defaultHTTPGet(handler: Rec | undefined): void {
  const httpGet = asRec(handler?.httpGet);
  if (!httpGet) return;
  setDefault(httpGet, 'path', '/');
  setDefault(httpGet, 'scheme', 'HTTP');
}

function defaultProbe(probe: Rec | undefined): void {
  if (!probe) return;
  for (const [key, value] of [
    ['timeoutSeconds', 1],
    ['periodSeconds', 10],
    ['successThreshold', 1],
    ['failureThreshold', 3],
  ] as const) {
    if (isUnset(probe[key]) || probe[key] === 0) probe[key] = value;
  }
  defaultHTTPGet(probe);
  const grpc = asRec(probe.grpc);
  if (grpc && grpc.service === undefined) grpc.service = '';
}

function defaultFieldRef(o: Rec | undefined): void {
  const fieldRef = asRec(o?.fieldRef);
  if (fieldRef) setDefault(fieldRef, 'apiVersion', 'v1');
}

function defaultContainer(c: Rec): void {
  setDefault(c, 'imagePullPolicy', defaultPullPolicy(c.image));
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  for (const port of recs(c, 'ports')) setDefault(port, 'protocol', 'TCP');
  for (const env of recs(c, 'env')) defaultFieldRef(asRec(env.valueFrom));
  // Resources is a struct, not a pointer, in Go: it is always present, if only as {}.
  const resources = ensureRec(c, 'resources');
  canonicalizeResourceList(resources, 'limits');
  canonicalizeResourceList(resources, 'requests');
  for (const key of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(asRec(c[key]));
  const lifecycle = asRec(c.lifecycle);
  defaultHTTPGet(asRec(lifecycle?.postStart));
  defaultHTTPGet(asRec(lifecycle?.preStop));
}

const VOLUME_SOURCES = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'flocker', 'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc', 'flexVolume', 'configMap',
  'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'storageos', 'projected', 'scaleIO',
  'csi', 'ephemeral', 'image',
];

function defaultVolume(v: Rec): void {
  if (VOLUME_SOURCES.every((k) => v[k] === undefined || v[k] === null)) v.emptyDir = {};
  const emptyDir = asRec(v.emptyDir);
  if (emptyDir) canonicalizeQuantityField(emptyDir, 'sizeLimit');
  const hostPath = asRec(v.hostPath);
  if (hostPath && hostPath.type === undefined) hostPath.type = '';
  for (const key of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const source = asRec(v[key]);
    if (source && isUnset(source.defaultMode)) source.defaultMode = DEFAULT_FILE_MODE;
  }
  for (const item of recs(asRec(v.downwardAPI), 'items')) defaultFieldRef(item);
  for (const source of recs(asRec(v.projected), 'sources')) {
    for (const item of recs(asRec(source.downwardAPI), 'items')) defaultFieldRef(item);
    const token = asRec(source.serviceAccountToken);
    if (token) setDefault(token, 'expirationSeconds', 3600);
  }
  const claimSpec = asRec(asRec(asRec(v.ephemeral)?.volumeClaimTemplate)?.spec);
  if (claimSpec) setDefault(claimSpec, 'volumeMode', 'Filesystem');
  const iscsi = asRec(v.iscsi);
  if (iscsi) setDefault(iscsi, 'iscsiInterface', 'default');
  const rbd = asRec(v.rbd);
  if (rbd) {
    setDefault(rbd, 'pool', 'rbd');
    setDefault(rbd, 'user', 'admin');
    setDefault(rbd, 'keyring', '/etc/ceph/keyring');
  }
}

/** SetDefaults_PodSpec and the defaults of everything inside a spec; applies to templates too. */
export function defaultPodSpec(spec: Rec): void {
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', 'Always');
  if (spec.securityContext === undefined || spec.securityContext === null) spec.securityContext = {};
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  // serviceAccount is the deprecated spelling of serviceAccountName; v1 keeps both in step.
  if (isUnset(spec.serviceAccountName) && typeof spec.serviceAccount === 'string' && spec.serviceAccount !== '') {
    spec.serviceAccountName = spec.serviceAccount;
  }
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '') spec.serviceAccount = spec.serviceAccountName;
  for (const v of recs(spec, 'volumes')) defaultVolume(v);
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) for (const c of recs(spec, key)) defaultContainer(c);
  canonicalizeResourceList(spec, 'overhead');
  const podResources = asRec(spec.resources);
  canonicalizeResourceList(podResources, 'limits');
  canonicalizeResourceList(podResources, 'requests');
}

/** SetDefaults_Pod: what only real pods (not templates) get. */
function defaultPodOnly(spec: Rec): void {
  for (const key of ['containers', 'initContainers']) {
    for (const c of recs(spec, key)) {
      const resources = asRec(c.resources);
      const limits = asRec(resources?.limits);
      if (!resources || !limits || Object.keys(limits).length === 0) continue;
      const requests = ensureRec(resources, 'requests');
      if (!requests) continue;
      for (const [name, value] of Object.entries(limits)) if (!(name in requests)) requests[name] = value;
    }
  }
  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null) spec.enableServiceLinks = true;
  if (spec.hostNetwork === true) {
    for (const key of ['containers', 'initContainers']) {
      for (const c of recs(spec, key)) {
        for (const port of recs(c, 'ports')) {
          if ((isUnset(port.hostPort) || port.hostPort === 0) && typeof port.containerPort === 'number') port.hostPort = port.containerPort;
        }
      }
    }
  }
}

function quantityOf(value: unknown): Quantity | undefined {
  const q = tryParseQuantity(value);
  return typeof q === 'string' || isZeroQuantity(q) ? undefined : q;
}

/** The pod's QoS class from its containers' cpu and memory requests and limits (GetPodQOS). */
function podQOSClass(spec: Rec): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  const add = (into: Map<string, Quantity>, name: string, q: Quantity): void => {
    const prev = into.get(name);
    into.set(name, prev ? addQuantities(prev, q) : q);
  };
  for (const key of ['initContainers', 'containers']) {
    for (const c of recs(spec, key)) {
      const resources = asRec(c.resources);
      for (const [name, value] of Object.entries(asRec(resources?.requests) ?? {})) {
        const q = quantityOf(value);
        if ((name === 'cpu' || name === 'memory') && q) add(requests, name, q);
      }
      const found = new Set<string>();
      for (const [name, value] of Object.entries(asRec(resources?.limits) ?? {})) {
        const q = quantityOf(value);
        if ((name === 'cpu' || name === 'memory') && q) {
          found.add(name);
          add(limits, name, q);
        }
      }
      if (!found.has('cpu') || !found.has('memory')) guaranteed = false;
    }
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed && requests.size === limits.size) {
    const equal = [...limits].every(([name, lim]) => {
      const req = requests.get(name);
      return req !== undefined && compareQuantities(req, lim) === 0;
    });
    if (equal) return 'Guaranteed';
  }
  return 'Burstable';
}

/** Pod status in v1 repeats the first podIPs / hostIPs entry as podIP / hostIP. */
function syncStatusIPs(status: Rec): void {
  for (const [single, list] of [
    ['podIP', 'podIPs'],
    ['hostIP', 'hostIPs'],
  ] as const) {
    const entries = recs(status, list);
    if (entries.length > 0 && typeof entries[0]!.ip === 'string') status[single] = entries[0]!.ip;
    else if (typeof status[single] === 'string' && status[single] !== '' && (status[list] === undefined || status[list] === null)) {
      status[list] = [{ ip: status[single] }];
    }
  }
}

export function defaultPod(pod: Rec, creating: boolean): void {
  const spec = asRec(pod.spec);
  if (!spec) return;
  defaultPodSpec(spec);
  defaultPodOnly(spec);
  const status = asRec(pod.status);
  if (status) syncStatusIPs(status);
  if (!creating) return;
  const mirror = Object.hasOwn(asRec(asRec(pod.metadata)?.annotations) ?? {}, 'kubernetes.io/config.mirror');
  if (!mirror && isUnset(spec.serviceAccountName)) {
    spec.serviceAccountName = 'default';
    spec.serviceAccount = 'default';
  }
  pod.status = { phase: 'Pending', qosClass: podQOSClass(spec) };
}

/** Defaults of an embedded pod template (spec.template of workloads). */
export function defaultPodTemplate(template: unknown): void {
  const spec = asRec(asRec(template)?.spec);
  if (spec) defaultPodSpec(spec);
}
