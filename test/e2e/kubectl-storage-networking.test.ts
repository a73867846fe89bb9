// The storage, networking and namespace-policy kinds through the real kubectl (1.27 and 1.33)
// against a real apiserver, table-driven as the workloads e2e: each kind is created from a manifest
// and, where kubectl has one, by its `kubectl create` command (quota, ingress); listed wide and by
// label; watched while it changes; replaced; patched with each patch type; deleted; explained; and
// listed by `kubectl api-resources` as Kubernetes lists it. Claims and volumes carry their
// protection finalizers: the test removes them as Kubernetes' protection controllers would.
import t from 'tap';
import { type KindCase, kindGroupStories, resourceLine } from '../helpers/kubectl-kind-story.js';


const CASES: KindCase[] = [
  {
    resource: 'resourcequotas',
    printed: 'resourcequota',
    namespaced: true,
    manifest: (name) => `
apiVersion: v1
kind: ResourceQuota
metadata: {name: ${name}, labels: {tier: e2e}}
spec: {hard: {pods: '20', requests.cpu: '10', count/deployments.apps: '5'}}
`,
    create: (name) => ['create', 'quota', name, '--hard=pods=30,count/configmaps=40,requests.memory=8Gi', '--scopes=NotTerminating'],
    wideHeader: /^NAME\s+REQUEST\s+LIMIT\s+AGE$/m,
    apiResource: /^resourcequotas\s+quota\s+v1\s+true\s+ResourceQuota$/m,
    explainKind: 'ResourceQuota',
  },
  {
    resource: 'limitranges',
    printed: 'limitrange',
    namespaced: true,
    manifest: (name) => `
apiVersion: v1
kind: LimitRange
metadata: {name: ${name}, labels: {tier: e2e}}
spec: {limits: [{type: Container, max: {memory: 4Gi}, min: {memory: 1Mi}}]}
`,
    wideHeader: /^NAME\s+CREATED AT$/m,
    apiResource: /^limitranges\s+limits\s+v1\s+true\s+LimitRange$/m,
    explainKind: 'LimitRange',
  },
  {
    resource: 'persistentvolumes',
    printed: 'persistentvolume',
    namespaced: false,
    manifest: (name) => `
apiVersion: v1
kind: PersistentVolume
metadata: {name: ${name}, labels: {tier: e2e}}
spec: {capacity: {storage: 5Gi}, accessModes: [ReadWriteOnce], hostPath: {path: /data/${name}}, storageClassName: manual}
`,
    finalizer: 'kubernetes.io/pv-protection',
    wideHeader: /^NAME\s+CAPACITY\s+ACCESS MODES\s+RECLAIM POLICY\s+STATUS\s+CLAIM\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+REASON\s+AGE\s+VOLUMEMODE$/m,
    apiResource: /^persistentvolumes\s+pv\s+v1\s+false\s+PersistentVolume$/m,
    explainKind: 'PersistentVolume',
  },
  {
    resource: 'persistentvolumeclaims',
    printed: 'persistentvolumeclaim',
    namespaced: true,
    manifest: (name) => `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${name}, labels: {tier: e2e}}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}, storageClassName: manual}
`,
    finalizer: 'kubernetes.io/pvc-protection',
    wideHeader: /^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE\s+VOLUMEMODE$/m,
    apiResource: /^persistentvolumeclaims\s+pvc\s+v1\s+true\s+PersistentVolumeClaim$/m,
    explainKind: 'PersistentVolumeClaim',
  },
  {
    resource: 'storageclasses',
    printed: 'storageclass.storage.k8s.io',
    namespaced: false,
    manifest: (name) => `
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: ${name}, labels: {tier: e2e}}
provisioner: example.com/hostpath
volumeBindingMode: WaitForFirstConsumer
`,
    wideHeader: /^NAME\s+PROVISIONER\s+RECLAIMPOLICY\s+VOLUMEBINDINGMODE\s+ALLOWVOLUMEEXPANSION\s+AGE$/m,
    apiResource: /^storageclasses\s+sc\s+storage\.k8s\.io\/v1\s+false\s+StorageClass$/m,
    explainKind: 'StorageClass',
  },
  {
    resource: 'csidrivers',
    printed: 'csidriver.storage.k8s.io',
    namespaced: false,
    manifest: (name) => `
apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata: {name: ${name}, labels: {tier: e2e}}
spec: {attachRequired: false, podInfoOnMount: true}
`,
    name: (tag) => `csidri-${tag}.example.com`,
    wideHeader: /^NAME\s+ATTACHREQUIRED\s+PODINFOONMOUNT\s+STORAGECAPACITY\s+TOKENREQUESTS\s+REQUIRESREPUBLISH\s+MODES\s+AGE$/m,
    apiResource: /^csidrivers\s+storage\.k8s\.io\/v1\s+false\s+CSIDriver$/m,
    explainKind: 'CSIDriver',
  },
  {
    resource: 'csinodes',
    printed: 'csinode.storage.k8s.io',
    namespaced: false,
    manifest: (name) => `
apiVersion: storage.k8s.io/v1
kind: CSINode
metadata: {name: ${name}, labels: {tier: e2e}}
spec: {drivers: [{name: hostpath.example.com, nodeID: ${name}}]}
`,
    wideHeader: /^NAME\s+DRIVERS\s+AGE$/m,
    apiResource: /^csinodes\s+storage\.k8s\.io\/v1\s+false\s+CSINode$/m,
    explainKind: 'CSINode',
  },
  {
    resource: 'volumeattachments',
    printed: 'volumeattachment.storage.k8s.io',
    namespaced: false,
    manifest: (name) => `
apiVersion: storage.k8s.io/v1
kind: VolumeAttachment
metadata: {name: ${name}, labels: {tier: e2e}}
spec: {attacher: hostpath.example.com, nodeName: node-1, source: {persistentVolumeName: pv-1}}
`,
    wideHeader: /^NAME\s+ATTACHER\s+PV\s+NODE\s+ATTACHED\s+AGE$/m,
    apiResource: /^volumeattachments\s+storage\.k8s\.io\/v1\s+false\s+VolumeAttachment$/m,
    explainKind: 'VolumeAttachment',
  },
  {
    resource: 'csistoragecapacities',
    printed: 'csistoragecapacity.storage.k8s.io',
    namespaced: true,
    manifest: (name) => `
apiVersion: storage.k8s.io/v1
kind: CSIStorageCapacity
metadata: {name: ${name}, labels: {tier: e2e}}
storageClassName: manual
capacity: 100Gi
`,
    wideHeader: /^NAME\s+STORAGECLASSNAME\s+CAPACITY$/m,
    apiResource: /^csistoragecapacities\s+storage\.k8s\.io\/v1\s+true\s+CSIStorageCapacity$/m,
    explainKind: 'CSIStorageCapacity',
  },
  {
    resource: 'volumeattributesclasses',
    printed: 'volumeattributesclass.storage.k8s.io',
    namespaced: false,
    manifest: (name) => `
apiVersion: storage.k8s.io/v1
kind: VolumeAttributesClass
metadata: {name: ${name}, labels: {tier: e2e}}
driverName: hostpath.example.com
parameters: {iops: '3000'}
`,
    wideHeader: /^NAME\s+DRIVERNAME\s+AGE$/m,
    apiResource: /^volumeattributesclasses\s+vac\s+storage\.k8s\.io\/v1\s+false\s+VolumeAttributesClass$/m,
    explainKind: 'VolumeAttributesClass',
  },
  {
    resource: 'ingresses',
    printed: 'ingress.networking.k8s.io',
    namespaced: true,
    manifest: (name) => `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ${name}, labels: {tier: e2e}}
spec:
  rules:
  - host: ${name}.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
`,
    create: (name) => ['create', 'ingress', name, '--class=default', '--rule=foo.com/bar=svc1:8080,tls=my-cert'],
    wideHeader: /^NAME\s+CLASS\s+HOSTS\s+ADDRESS\s+PORTS\s+AGE$/m,
    apiResource: /^ingresses\s+ing\s+networking\.k8s\.io\/v1\s+true\s+Ingress$/m,
    explainKind: 'Ingress',
  },
  {
    resource: 'ingressclasses',
    printed: 'ingressclass.networking.k8s.io',
    namespaced: false,
    manifest: (name) => `
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: ${name}, labels: {tier: e2e}}
spec: {controller: example.com/ingress-controller}
`,
    wideHeader: /^NAME\s+CONTROLLER\s+PARAMETERS\s+AGE$/m,
    apiResource: /^ingressclasses\s+networking\.k8s\.io\/v1\s+false\s+IngressClass$/m,
    explainKind: 'IngressClass',
  },
  {
    resource: 'networkpolicies',
    printed: 'networkpolicy.networking.k8s.io',
    namespaced: true,
    manifest: (name) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, labels: {tier: e2e}}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{podSelector: {matchLabels: {role: frontend}}}], ports: [{port: 80}]}]
`,
    wideHeader: /^NAME\s+POD-SELECTOR\s+AGE$/m,
    apiResource: /^networkpolicies\s+netpol\s+networking\.k8s\.io\/v1\s+true\s+NetworkPolicy$/m,
    explainKind: 'NetworkPolicy',
  },
  {
    resource: 'servicecidrs',
    printed: 'servicecidr.networking.k8s.io',
    namespaced: false,
    manifest: (name) => `
apiVersion: networking.k8s.io/v1
kind: ServiceCIDR
metadata: {name: ${name}, labels: {tier: e2e}}
spec: {cidrs: [10.250.0.0/24]}
`,
    wideHeader: /^NAME\s+CIDRS\s+AGE$/m,
    apiResource: /^servicecidrs\s+networking\.k8s\.io\/v1\s+false\s+ServiceCIDR$/m,
    explainKind: 'ServiceCIDR',
  },
  {
    resource: 'ipaddresses',
    printed: 'ipaddress.networking.k8s.io',
    namespaced: false,
    name: (tag) => `10.250.1.${Number(tag) % 256}`,
    manifest: (name) => `
apiVersion: networking.k8s.io/v1
kind: IPAddress
metadata: {name: ${name}, labels: {tier: e2e}}
spec: {parentRef: {group: '', resource: services, namespace: default, name: web}}
`,
    wideHeader: /^NAME\s+PARENTREF$/m,
    apiResource: /^ipaddresses\s+ip\s+networking\.k8s\.io\/v1\s+false\s+IPAddress$/m,
    explainKind: 'IPAddress',
  },
];

kindGroupStories(t, {
  prefix: 'storage',
  cases: CASES,
  categories: (t, all) => {
    for (const name of ['persistentvolumeclaims', 'ingresses.networking.k8s.io', 'storageclasses.storage.k8s.io']) t.notMatch(all, resourceLine(name), `${name} is in no category`);
  },
});
