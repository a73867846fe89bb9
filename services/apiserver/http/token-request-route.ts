// POST /api/v1/namespaces/<ns>/serviceaccounts/<name>/token, the TokenRequest subresource
// (`kubectl create token`): a bound ServiceAccount token for spec.audiences (default
// --api-audiences), valid for spec.expirationSeconds (default 1 h, at least 10 minutes), bound to
// the ServiceAccount and optionally to a Pod (running as that ServiceAccount) or a Secret named by
// spec.boundObjectRef. Answered 201 with status.token and status.expirationTimestamp, as
// kube-apiserver's TokenREST; nothing is stored.
import type { FastifyInstance } from 'fastify';
import { fieldErrors, type FieldError } from '../../../lib/api/field-errors.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { findResource } from '../../../lib/api/resources.js';
import { errors } from '../../../lib/api/status.js';
import type { ApiStorage } from '../registry/api-storage.js';
import type { BoundObject, ServiceAccountTokens } from '../auth/service-account-tokens.js';
import { decodeReviewBody, sendReview } from './review-body.js';

export interface TokenRequestRouteOptions {
  storage: ApiStorage;
  tokens: ServiceAccountTokens;
  apiAudiences: readonly string[];
}

const API_VERSION = 'authentication.k8s.io/v1';
const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;
const BOUND_KINDS = ['Pod', 'Secret'] as const;

function served(resource: string): NonNullable<ReturnType<typeof findResource>> {
  const info = findResource('', 'v1', resource);
  if (!info) throw new Error(`${resource} are not served`);
  return info;
}

export async function tokenRequestRoute(app: FastifyInstance, options: TokenRequestRouteOptions): Promise<void> {
  const serviceAccounts = served('serviceaccounts');
  const pods = served('pods');
  const secrets = served('secrets');
  app.post('/api/v1/namespaces/:namespace/serviceaccounts/:name/token', async (request, reply) => {
    request.metricLabels = { verb: 'POST', group: '', version: 'v1', resource: 'serviceaccounts', subresource: 'token', scope: 'resource' };
    const { namespace, name } = request.params as { namespace: string; name: string };
    const { metadata, spec } = decodeReviewBody(request.body, [API_VERSION], 'TokenRequest');
    const audiences = Array.isArray(spec.audiences) && spec.audiences.length > 0 ? spec.audiences.map(String) : [...options.apiAudiences];
    const expirationSeconds = spec.expirationSeconds === undefined || spec.expirationSeconds === null ? DEFAULT_EXPIRATION_SECONDS : spec.expirationSeconds;
    const problems: FieldError[] = [];
    if (typeof expirationSeconds !== 'number' || !Number.isInteger(expirationSeconds)) problems.push(fieldErrors.invalid('spec.expirationSeconds', expirationSeconds, 'must be an integer'));
    else if (expirationSeconds < MIN_EXPIRATION_SECONDS) problems.push(fieldErrors.invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration less than 10 minutes'));
    else if (expirationSeconds > MAX_EXPIRATION_SECONDS) problems.push(fieldErrors.invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
    const ref = (spec.boundObjectRef ?? undefined) as { kind?: unknown; name?: unknown; uid?: unknown; apiVersion?: unknown } | undefined;
    if (ref && !BOUND_KINDS.includes(ref.kind as (typeof BOUND_KINDS)[number])) problems.push(fieldErrors.notSupported('spec.boundObjectRef.kind', ref.kind, BOUND_KINDS));
    if (ref && (typeof ref.name !== 'string' || ref.name === '')) problems.push(fieldErrors.required('spec.boundObjectRef.name'));
    if (problems.length > 0) throw errors.invalid('TokenRequest', 'authentication.k8s.io', name, problems);

    const serviceAccount = await options.storage.for(serviceAccounts).get({ namespace, name });
    let bound: BoundObject | undefined;
    if (ref) {
      const kind = ref.kind as BoundObject['kind'];
      const object: KubeObject = await options.storage.for(kind === 'Pod' ? pods : secrets).get({ namespace, name: ref.name as string });
      const uid = String(object.metadata?.uid ?? '');
      if (typeof ref.uid === 'string' && ref.uid !== '' && ref.uid !== uid) {
        throw errors.conflict({ group: '', resource: kind === 'Pod' ? 'pods' : 'secrets' }, ref.name as string, `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
      }
      const podAccount = (object as { spec?: { serviceAccountName?: string } }).spec?.serviceAccountName;
      if (kind === 'Pod' && (podAccount ?? 'default') !== name) {
        throw errors.badRequest(`cannot bind token for serviceaccount ${JSON.stringify(name)} to pod running with different serviceaccount name.`);
      }
      bound = { kind, name: ref.name as string, uid };
    }
    const issued = await options.tokens.issue({
      namespace,
      serviceAccount: { name, uid: String(serviceAccount.metadata?.uid ?? '') },
      audiences,
      expirationSeconds: expirationSeconds as number,
      bound,
    });
    const boundObjectRef = bound && { kind: bound.kind, apiVersion: 'v1', name: bound.name, uid: bound.uid };
    return sendReview(request, reply, {
      apiVersion: API_VERSION,
      kind: 'TokenRequest',
      metadata: { ...metadata, name, namespace },
      spec: { audiences, expirationSeconds, boundObjectRef: boundObjectRef ?? null },
      status: { token: issued.token, expirationTimestamp: issued.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z') },
    });
  });
}
