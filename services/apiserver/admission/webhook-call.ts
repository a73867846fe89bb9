// One webhook's part in admitting a request, as kube-apiserver's dispatchers run it: the match
// conditions decide whether it is called; a dry run reaches only webhooks without side effects;
// the AdmissionReview goes out and its answer is checked; the webhook's warnings reach the client.
// A denial is the webhook's Status, worded `admission webhook "<name>" denied the request: <msg>`.
// A webhook that cannot be called (down, too slow, a bad answer) fails the request with an
// InternalError under failurePolicy Fail and is skipped under Ignore.
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

/** A match condition that does not evaluate to a bool. */
class MatchConditionError extends Error {}

/** Why a call failed, as ErrCallingWebhook's reason reads; rethrows what is no call failure. */
function callFailure(error: unknown): string {
  if (error instanceof MatchConditionError) return `failed to evaluate match conditions: ${error.message}`;
  if (error instanceof WebhookCallError || error instanceof EndpointError) return `failed to call webhook: ${error.message}`;
  if (error instanceof InvalidWebhookResponse) return `received invalid webhook response: ${error.message}`;
  throw error;
}

/**
 * Calls `hook` for the request (seen as `as`) and returns its allowing answer; undefined when it was
 * not called (match conditions) or its failure was ignored. Throws the denial or the failure.
 */
export async function callWebhook(deps: WebhookCallDeps, hook: Webhook, attributes: AdmissionAttributes, as: ResourceInfo): Promise<WebhookAnswer | undefined> {
  const { operation } = attributes;
  const request = admissionRequest(attributes, as);
  const started = performance.now();
  let reason: string;
  try {
    const conditions = evaluateMatchConditions(hook, request);
    if ('error' in conditions) throw new MatchConditionError(conditions.error);
    if (!conditions.matched) return undefined;
    // Refused whatever the failurePolicy: the webhook could act on a request that is not carried out.
    if (attributes.dryRun && hook.sideEffects !== 'None' && hook.sideEffects !== 'NoneOnDryRun') {
      throw errors.badRequest(`admission webhook ${JSON.stringify(hook.name)} does not support dry run`);
    }
    const endpoint = resolveEndpoint(deps.store, hook.clientConfig, hook.timeoutMs);
    const body = await postAdmissionReview(endpoint, hook.agent, admissionReview(hook, request), hook.timeoutMs);
    const response = readAdmissionResponse(hook, request, body);
    deps.metrics.observe(hook.name, hook.type, operation, (performance.now() - started) / 1000, !response.allowed, 200);
    for (const warning of response.warnings) attributes.warn?.(warning);
    if (!response.allowed) {
      const denied = denial(hook.name, response.status);
      deps.metrics.rejected(hook.name, hook.type, operation, 'no_error', denied.code);
      throw denied;
    }
    return { request, response };
  } catch (error) {
    reason = callFailure(error);
  }
  deps.metrics.observe(hook.name, hook.type, operation, (performance.now() - started) / 1000, hook.failurePolicy === 'Fail', 0);
  if (hook.failurePolicy === 'Ignore') {
    deps.metrics.failedOpen(hook.name, hook.type);
    deps.log.warn({ webhook: hook.name, reason }, 'failed calling webhook, failing open');
    return undefined;
  }
  deps.log.warn({ webhook: hook.name, reason }, 'failed calling webhook, failing closed');
  deps.metrics.rejected(hook.name, hook.type, operation, 'calling_webhook_error', 500);
  throw failedCalling(hook.name, reason);
}
