// One webhook's part in admitting a request, as kube-apiserver's dispatchers run it: the match
// conditions decide whether it is called; a dry run reaches only webhooks without side effects;
// the AdmissionReview goes out and its answer is checked; the webhook's warnings reach the client.
// A denial is the webhook's Status, worded `admission webhook "<name>" denied the request: <msg>`.
// A webhook that cannot be called (down, too slow, a bad answer) fails the request with an
// InternalError under failurePolicy Fail and is skipped under Ignore; so is a match condition that
// cannot be evaluated, which under Fail refuses the request (403).
import type { Logger } from '../../../lib/observe/logger.js';
import { errors, StatusError, type Status, type StatusReason } from '../../../lib/api/status.js';
import type { ResourceInfo } from '../../../lib/api/resources.js';
import type { Store } from '../../../lib/native/store.js';
import { admissionRequest, admissionReview, InvalidWebhookResponse, readAdmissionResponse, type AdmissionRequest, type AdmissionResponse } from './admission-review.js';
import type { AdmissionAttributes } from './plugin.js';
import { postAdmissionReview, WebhookCallError } from './webhook-client.js';
import type { Webhook } from './webhook-configurations.js';
import { EndpointError, resolveEndpoint } from './webhook-endpoint.js';
import { evaluateMatchConditions } from './webhook-match-conditions.js';
import type { WebhookMetrics } from './webhook-metrics.js';

export interface WebhookCallDeps {
  store: Store;
  metrics: WebhookMetrics;
  log: Logger;
}

/** What a called webhook answered (allowed), with the request it was sent. */
export interface WebhookAnswer {
  request: AdmissionRequest;
  response: AdmissionResponse;
}

/** kube-apiserver's ToStatusErr: the webhook's Status, its message prefixed with who denied. */
export function denial(name: string, status: AdmissionResponse['status']): StatusError {
  const deniedBy = `admission webhook ${JSON.stringify(name)} denied the request`;
  const message = status?.message ? `${deniedBy}: ${status.message}` : status?.reason ? `${deniedBy}: ${status.reason}` : `${deniedBy} without explanation`;
  const code = typeof status?.code === 'number' && status.code >= 400 ? status.code : 400;
  const body: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code };
  if (status?.reason) body.reason = status.reason as StatusReason;
  return new StatusError(body);
}

function failedCalling(name: string, reason: string): StatusError {
  const error = errors.internal(`failed calling webhook ${JSON.stringify(name)}: ${reason}`);
  error.status.details = { causes: [{ message: `failed calling webhook ${JSON.stringify(name)}: ${reason}` }] };
  return error;
}

/**
 * Why a call failed, as ErrCallingWebhook's reason reads, and the code kube-apiserver counts it
 * under (400 for a failed call, 503 for a bad answer); rethrows what is no call failure.
 */
function callFailure(error: unknown): { reason: string; code: number } {
  if (error instanceof WebhookCallError || error instanceof EndpointError) return { reason: `failed to call webhook: ${error.message}`, code: 400 };
  if (error instanceof InvalidWebhookResponse) return { reason: `received invalid webhook response: ${error.message}`, code: 503 };
  throw error;
}

/**
 * Calls `hook` for the request (seen as `as`) and returns its allowing answer; undefined when it was
 * not called (match conditions) or its failure was ignored. Throws the denial or the failure.
 */
export async function callWebhook(deps: WebhookCallDeps, hook: Webhook, attributes: AdmissionAttributes, as: ResourceInfo): Promise<WebhookAnswer | undefined> {
  const { operation } = attributes;
  const request = admissionRequest(attributes, as);
  const conditions = evaluateMatchConditions(hook, request);
  if ('error' in conditions) {
    // Under Ignore a condition that cannot be evaluated does not select; under Fail it refuses.
    if (hook.failurePolicy === 'Ignore') return undefined;
    deps.log.warn({ webhook: hook.name, reason: conditions.error }, 'failed evaluating match conditions, failing closed');
    throw errors.forbidden({ group: attributes.info.group, resource: attributes.info.resource }, attributes.name, conditions.error);
  }
  if (!conditions.matched) return undefined;
  // Refused whatever the failurePolicy: the webhook could act on a request that is not carried out.
  if (attributes.dryRun && hook.sideEffects !== 'None' && hook.sideEffects !== 'NoneOnDryRun') {
    throw errors.badRequest(`admission webhook ${JSON.stringify(hook.name)} does not support dry run`);
  }
  const started = performance.now();
  const seconds = (): number => (performance.now() - started) / 1000;
  let failure: { reason: string; code: number };
  try {
    const endpoint = resolveEndpoint(deps.store, hook.clientConfig, hook.timeoutMs);
    const body = await postAdmissionReview(endpoint, hook.agent, admissionReview(hook, request), hook.timeoutMs);
    const response = readAdmissionResponse(hook, request, body);
    for (const warning of response.warnings) attributes.warn?.(warning);
    if (response.allowed) {
      deps.metrics.observe(hook.name, hook.type, operation, seconds(), false, 200);
      return { request, response };
    }
    const denied = denial(hook.name, response.status);
    deps.metrics.rejected(hook.name, hook.type, operation, 'no_error', denied.code);
    deps.metrics.observe(hook.name, hook.type, operation, seconds(), true, denied.code);
    throw denied;
  } catch (error) {
    failure = callFailure(error);
  }
  const { reason, code } = failure;
  if (hook.failurePolicy === 'Ignore') {
    deps.metrics.observe(hook.name, hook.type, operation, seconds(), false, code);
    deps.metrics.failedOpen(hook.name, hook.type);
    deps.log.warn({ webhook: hook.name, reason }, 'failed calling webhook, failing open');
    return undefined;
  }
  deps.metrics.rejected(hook.name, hook.type, operation, 'calling_webhook_error', code);
  deps.metrics.observe(hook.name, hook.type, operation, seconds(), true, code);
  deps.log.warn({ webhook: hook.name, reason }, 'failed calling webhook, failing closed');
  throw failedCalling(hook.name, reason);
}
