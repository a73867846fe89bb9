// Which fields each served kind exposes to field selectors, and which labels its API version
// accepts. Two tables, as in Kubernetes: the registry's GetAttrs (what an object's field set
// holds) and the version's field-label conversion function (what a request may ask for).
// A kind without a conversion function accepts only metadata.name and metadata.namespace and
// answers anything else with apimachinery's default message.
import type { ResourceInfo } from '../resources.js';
import { isPlainObject, type KubeObject } from '../object.js';
import { errors } from '../status.js';
import { type FieldRequirement, type FieldSelector, fieldSelectorOf, parseFieldSelector } from './field-selector.js';

type FieldSet = Record<string, string>;

interface KindFields {
  /** Labels the kind's conversion function accepts; absent means the default function. */
  readonly accepted?: readonly string[];
  /** Labels old clients send, and the label each stands for. */
  readonly aliases?: Readonly<Record<string, string>>;
  /** The registry's kind-specific fields (metadata fields are added for every kind). */
  readonly fields?: (object: KubeObject) => FieldSet;
  /** How the conversion function words a refusal, when not as the core group's do. */
  readonly refusal?: (label: string) => string;
}

function at(object: unknown, ...path: string[]): unknown {
  let node = object;
  for (const key of path) {
    if (!isPlainObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

function flag(value: unknown): string {
  return value === true ? 'true' : 'false';
}

function firstPodIP(pod: KubeObject): string {
  const podIPs = at(pod, 'status', 'podIPs');
  if (Array.isArray(podIPs) && podIPs.length > 0) return text(at(podIPs[0], 'ip'));
  return text(at(pod, 'status', 'podIP'));
}

const KINDS: Readonly<Record<string, KindFields>> = {
  '/Pod': {
    accepted: [
      'metadata.name',
      'metadata.namespace',
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'spec.hostNetwork',
      'status.phase',
      'status.podIP',
      'status.podIPs',
      'status.nominatedNodeName',
    ],
    aliases: { 'spec.host': 'spec.nodeName' },
    fields: (pod) => ({
      'spec.nodeName': text(at(pod, 'spec', 'nodeName')),
      'spec.restartPolicy': text(at(pod, 'spec', 'restartPolicy')),
      'spec.schedulerName': text(at(pod, 'spec', 'schedulerName')),
      'spec.serviceAccountName': text(at(pod, 'spec', 'serviceAccountName')),
      'spec.hostNetwork': flag(at(pod, 'spec', 'hostNetwork')),
      'status.phase': text(at(pod, 'status', 'phase')),
      'status.podIP': firstPodIP(pod),
      'status.nominatedNodeName': text(at(pod, 'status', 'nominatedNodeName')),
    }),
  },
  '/Node': {
    accepted: ['metadata.name', 'spec.unschedulable'],
    fields: (node) => ({ 'spec.unschedulable': flag(at(node, 'spec', 'unschedulable')) }),
  },
  '/Namespace': {
    accepted: ['status.phase', 'metadata.name'],
    // "name" is a historical extra the registry still exposes.
    fields: (ns) => ({ 'status.phase': text(at(ns, 'status', 'phase')), name: text(at(ns, 'metadata', 'name')) }),
  },
  '/Secret': {
    accepted: ['type', 'metadata.namespace', 'metadata.name'],
    fields: (secret) => ({ type: text(at(secret, 'type')) }),
  },
  '/Service': {
    accepted: ['metadata.namespace', 'metadata.name', 'spec.clusterIP', 'spec.type'],
    fields: (svc) => ({ 'spec.clusterIP': text(at(svc, 'spec', 'clusterIP')), 'spec.type': text(at(svc, 'spec', 'type')) }),
  },
  '/Event': {
    accepted: [
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
      'metadata.namespace',
      'metadata.name',
    ],
    fields: (event) => ({
      'involvedObject.kind': text(at(event, 'involvedObject', 'kind')),
      'involvedObject.namespace': text(at(event, 'involvedObject', 'namespace')),
      'involvedObject.name': text(at(event, 'involvedObject', 'name')),
      'involvedObject.uid': text(at(event, 'involvedObject', 'uid')),
      'involvedObject.apiVersion': text(at(event, 'involvedObject', 'apiVersion')),
      'involvedObject.resourceVersion': text(at(event, 'involvedObject', 'resourceVersion')),
      'involvedObject.fieldPath': text(at(event, 'involvedObject', 'fieldPath')),
      reason: text(at(event, 'reason')),
      reportingComponent: text(at(event, 'reportingComponent')),
      source: text(at(event, 'source', 'component')) || text(at(event, 'reportingComponent')),
      type: text(at(event, 'type')),
    }),
  },
  // The same objects seen as events.k8s.io/v1: its field names for what core/v1 calls
  // involvedObject and reportingComponent.
  'events.k8s.io/Event': {
    accepted: [
      'regarding.kind',
      'regarding.namespace',
      'regarding.name',
      'regarding.uid',
      'regarding.apiVersion',
      'regarding.resourceVersion',
      'regarding.fieldPath',
      'reason',
      'reportingController',
      'type',
      'metadata.namespace',
      'metadata.name',
    ],
    fields: (event) => ({
      'regarding.kind': text(at(event, 'regarding', 'kind')),
      'regarding.namespace': text(at(event, 'regarding', 'namespace')),
      'regarding.name': text(at(event, 'regarding', 'name')),
      'regarding.uid': text(at(event, 'regarding', 'uid')),
      'regarding.apiVersion': text(at(event, 'regarding', 'apiVersion')),
      'regarding.resourceVersion': text(at(event, 'regarding', 'resourceVersion')),
      'regarding.fieldPath': text(at(event, 'regarding', 'fieldPath')),
      reason: text(at(event, 'reason')),
      reportingController: text(at(event, 'reportingController')),
      type: text(at(event, 'type')),
    }),
  },
  // apps/v1 registers no conversion function, so status.replicas is in the field set (the
  // watch cache can match on it) yet requests for it are refused, exactly as upstream.
  'apps/ReplicaSet': {
    fields: (rs) => {
      const replicas = at(rs, 'status', 'replicas');
      return { 'status.replicas': String(typeof replicas === 'number' ? replicas : 0) };
    },
  },
  '/ReplicationController': {
    accepted: ['metadata.name', 'metadata.namespace', 'status.replicas'],
    fields: (rc) => ({ 'status.replicas': String(typeof at(rc, 'status', 'replicas') === 'number' ? at(rc, 'status', 'replicas') : 0) }),
  },
  // Kubernetes calls a Job's succeeded count "status.successful" in field selectors.
  'batch/Job': {
    accepted: ['metadata.name', 'metadata.namespace', 'status.successful'],
    fields: (job) => ({ 'status.successful': String(typeof at(job, 'status', 'succeeded') === 'number' ? at(job, 'status', 'succeeded') : 0) }),
    refusal: (label) => `field label ${JSON.stringify(label)} not supported for Job`,
  },
  // kube-controller-manager's signers list requests by signer.
  'certificates.k8s.io/CertificateSigningRequest': {
    accepted: ['metadata.name', 'spec.signerName'],
    fields: (csr) => ({ 'spec.signerName': text(at(csr, 'spec', 'signerName')) }),
  },
  // Kubelets and drivers list the slices of one node or one driver.
  'resource.k8s.io/ResourceSlice': {
    accepted: ['metadata.name', 'spec.nodeName', 'spec.driver'],
    fields: (slice) => ({ 'spec.nodeName': text(at(slice, 'spec', 'nodeName')), 'spec.driver': text(at(slice, 'spec', 'driver')) }),
    refusal: (label) => `field label not supported for resource.k8s.io/v1, Kind=ResourceSlice: ${label}`,
  },
};

function kindFields(info: ResourceInfo): KindFields {
  return KINDS[`${info.group}/${info.kind}`] ?? {};
}

/** The fields a field selector sees on an object of this kind. */
export function fieldSetOf(info: ResourceInfo, object: KubeObject): FieldSet {
  const set: FieldSet = { 'metadata.name': text(at(object, 'metadata', 'name')) };
  if (info.namespaced) set['metadata.namespace'] = text(at(object, 'metadata', 'namespace'));
  const specific = kindFields(info).fields?.(object) ?? {};
  return { ...specific, ...set };
}

/** The labels a request may select on for this kind. */
export function selectableFieldLabels(info: ResourceInfo): readonly string[] {
  return kindFields(info).accepted ?? ['metadata.name', 'metadata.namespace'];
}

/** The apiserver's field-label conversion: the label to use, or the message refusing it. */
function convertLabel(info: ResourceInfo, label: string): { label: string } | { refusal: string } {
  const kind = kindFields(info);
  if (!kind.accepted) {
    if (label === 'metadata.name' || label === 'metadata.namespace') return { label };
    return { refusal: `${JSON.stringify(label)} is not a known field selector: only "metadata.name", "metadata.namespace"` };
  }
  const alias = kind.aliases?.[label];
  if (alias) return { label: alias };
  if (kind.accepted.includes(label)) return { label };
  return { refusal: kind.refusal?.(label) ?? `field label not supported: ${label}` };
}

/**
 * Checks a parsed selector against what the kind supports and renames legacy labels.
 * An unsupported field throws the 400 BadRequest Status Kubernetes answers with.
 */
export function convertFieldSelector(info: ResourceInfo, selector: FieldSelector): FieldSelector {
  const converted: FieldRequirement[] = [];
  for (const requirement of selector.requirements) {
    const result = convertLabel(info, requirement.field);
    if ('refusal' in result) throw errors.badRequest(result.refusal);
    converted.push({ ...requirement, field: result.label });
  }
  return fieldSelectorOf(converted);
}

/** Parse and check a fieldSelector query parameter for a kind, as a list or watch does. */
export function compileFieldSelector(info: ResourceInfo, text: string): FieldSelector {
  return convertFieldSelector(info, parseFieldSelector(text));
}
