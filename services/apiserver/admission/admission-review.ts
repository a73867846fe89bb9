// The AdmissionReview a webhook is sent (admission.k8s.io/v1, or v1beta1 for a webhook that lists
// only that) and the checks its answer must pass, as kube-apiserver makes them: the same apiVersion
// and kind back, the request's uid (v1), a patch only with patchType JSONPatch and only from a
// mutating webhook. A failed check is an error in calling the webhook (failurePolicy decides).
// The object goes as the webhook's resource serves it (matchPolicy Equivalent), and as an
// autoscaling/v1 Scale for the scale subresource, as kube-apiserver sends them.
import { randomUUID } from 'node:crypto';
import { conversionOf, type Conversion } from '../../../lib/api/conversion/index.js';
import type { KubeObject, StoredObject } from '../../../lib/api/object.js';
import { isPlainObject } from '../../../lib/api/object.js';
import { apiVersionOf, findResource, type ResourceInfo } from '../../../lib/api/resources.js';
import { SCALE_GVK } from '../../../lib/api/openapi/published-kinds.js';
import { applyScale, toScale } from '../registry/scale.js';
import type { AdmissionAttributes } from './plugin.js';
import type { Webhook } from './webhook-configurations.js';

export interface AdmissionRequest {
  uid: string;
  kind: { group: string; version: string; kind: string };
  resource: { group: string; version: string; resource: string };
  subResource?: string;
  requestKind: { group: string; version: string; kind: string };
  requestResource: { group: string; version: string; resource: string };
  requestSubResource?: string;
  name: string;
  namespace?: string;
  operation: string;
  userInfo: { username: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  object: KubeObject | null;
  oldObject: KubeObject | null;
  dryRun: boolean;
  options: KubeObject;
}

/** What a webhook answered, once checked. */
export interface AdmissionResponse {
  allowed: boolean;
  status?: { code?: number; message?: string; reason?: string; status?: string };
  /** JSON Patch operations (decoded from base64). */
  patch?: unknown;
  warnings: string[];
}

/** An answer that does not follow the protocol: the webhook is treated as failing. */
export class InvalidWebhookResponse extends Error {}

const OPTIONS_KIND: Record<string, string> = { CREATE: 'CreateOptions', UPDATE: 'UpdateOptions', DELETE: 'DeleteOptions' };

/** A built-in resource's conversion; a custom resource's versions differ only in apiVersion (conversion None). */
function builtInConversion(info: ResourceInfo): Conversion | undefined {
  return findResource(info.group, info.version, info.resource) === info ? conversionOf(info) : undefined;
}

/** `obj` (of the request's resource) as the webhook's resource serves it. */
export function convertObject(obj: KubeObject, from: ResourceInfo, to: ResourceInfo): KubeObject {
  if (from === to) return obj;
  const stored = builtInConversion(from)?.toStorage(obj) ?? obj;
  const converted = builtInConversion(to)?.fromStorage(stored) ?? structuredClone(stored);
  return { ...converted, apiVersion: apiVersionOf(to), kind: to.kind };
}

/** The object as the webhook is sent it: an autoscaling/v1 Scale for the scale subresource. */
function asSent(obj: KubeObject, attributes: AdmissionAttributes, as: ResourceInfo): KubeObject {
  return attributes.subresource === 'scale' ? toScale(obj as StoredObject, attributes.info) : convertObject(obj, attributes.info, as);
}

/** What the webhook made of the object it was sent, as the request's object. */
export function fromSent(sent: KubeObject, attributes: AdmissionAttributes & { object: KubeObject }, as: ResourceInfo): KubeObject {
  return attributes.subresource === 'scale' ? applyScale(attributes.object as StoredObject, sent, attributes.info) : convertObject(sent, as, attributes.info);
}

export function admissionRequest(attributes: AdmissionAttributes, as: ResourceInfo): AdmissionRequest {
  const { info, user, operation } = attributes;
  const scale = attributes.subresource === 'scale';
  const gvk = (r: ResourceInfo): AdmissionRequest['kind'] => (scale ? { ...SCALE_GVK } : { group: r.group, version: r.version, kind: r.kind });
  const gvr = (r: ResourceInfo): AdmissionRequest['resource'] => ({ group: r.group, version: r.version, resource: r.resource });
  const request: AdmissionRequest = {
    uid: randomUUID(),
    kind: gvk(as),
    resource: gvr(as),
    requestKind: gvk(info),
    requestResource: gvr(info),
    name: attributes.name,
    operation,
    userInfo: user ? { username: user.name, uid: user.uid, groups: user.groups, ...(user.extra ? { extra: user.extra } : {}) } : { username: '' },
    object: attributes.object && asSent(attributes.object, attributes, as),
    oldObject: attributes.oldObject && asSent(attributes.oldObject, attributes, as),
    dryRun: attributes.dryRun,
    options: { apiVersion: 'meta.k8s.io/v1', kind: OPTIONS_KIND[operation] ?? 'CreateOptions', ...(attributes.dryRun ? { dryRun: ['All'] } : {}) },
  };
  if (attributes.subresource) {
    request.subResource = attributes.subresource;
    request.requestSubResource = attributes.subresource;
  }
  if (attributes.namespace !== undefined) request.namespace = attributes.namespace;
  return request;
}

export function admissionReview(hook: Webhook, request: AdmissionRequest): string {
  return JSON.stringify({ apiVersion: `admission.k8s.io/${hook.reviewVersion}`, kind: 'AdmissionReview', request });
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((w): w is string => typeof w === 'string') : [];
}

/** Checks a webhook's AdmissionReview answer to `request`; throws InvalidWebhookResponse. */
export function readAdmissionResponse(hook: Webhook, request: AdmissionRequest, body: unknown): AdmissionResponse {
  if (!isPlainObject(body)) throw new InvalidWebhookResponse('webhook response was absent');
  if (hook.reviewVersion === 'v1' && (body.apiVersion !== 'admission.k8s.io/v1' || body.kind !== 'AdmissionReview')) {
    const got = `${String(body.apiVersion ?? '')}, Kind=${String(body.kind ?? '')}`;
    throw new InvalidWebhookResponse(`expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${got}`);
  }
  const response = body.response;
  if (!isPlainObject(response)) throw new InvalidWebhookResponse('webhook response was absent');
  if (hook.reviewVersion === 'v1' && response.uid !== request.uid) {
    throw new InvalidWebhookResponse(`expected response.uid=${JSON.stringify(request.uid)}, got ${JSON.stringify(String(response.uid ?? ''))}`);
  }
  const result: AdmissionResponse = { allowed: response.allowed === true, warnings: strings(response.warnings) };
  if (isPlainObject(response.status)) result.status = response.status as AdmissionResponse['status'];
  if (typeof response.patch === 'string' && response.patch !== '') {
    if (hook.type === 'validating') throw new InvalidWebhookResponse('validating webhook may not return response.patch');
    if (response.patchType === undefined) throw new InvalidWebhookResponse('webhook returned response.patch but not response.patchType');
    if (response.patchType !== 'JSONPatch') throw new InvalidWebhookResponse(`webhook returned invalid response.patchType of ${JSON.stringify(response.patchType)}`);
    try {
      result.patch = JSON.parse(Buffer.from(response.patch, 'base64').toString());
    } catch (error) {
      throw new InvalidWebhookResponse(`webhook returned a patch that is not JSON: ${(error as Error).message}`);
    }
  }
  return result;
}
