// The service account issuer's OpenID Connect discovery, as kube-apiserver serves it for anyone in
// system:serviceaccounts (and whoever else RBAC lets in): /.well-known/openid-configuration names
// the issuer and the JWKS; /openid/v1/jwks holds the public key tokens are signed with, so a
// relying party can check a ServiceAccount token without asking the apiserver.
import type { FastifyInstance } from 'fastify';
import { exportJWK } from 'jose';
import { SERVICE_ACCOUNT_ALGORITHM, type ServiceAccountKey } from '../../../lib/pki/service-account-key.js';

export interface OidcDiscoveryOptions {
  issuer: string;
  key: ServiceAccountKey;
}

export const JWKS_PATH = '/openid/v1/jwks';

export async function oidcDiscoveryRoutes(app: FastifyInstance, options: OidcDiscoveryOptions): Promise<void> {
  const configuration = JSON.stringify({
    issuer: options.issuer,
    jwks_uri: `${options.issuer.replace(/\/$/, '')}${JWKS_PATH}`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [SERVICE_ACCOUNT_ALGORITHM],
  });
  const jwk = await exportJWK(options.key.publicKey);
  const jwks = JSON.stringify({ keys: [{ use: 'sig', ...jwk, kid: options.key.keyId, alg: SERVICE_ACCOUNT_ALGORITHM }] });
  app.get('/.well-known/openid-configuration', async (request, reply) => {
    request.metricLabels = { verb: 'GET', group: '', version: '', resource: '', subresource: '', scope: '' };
    return reply.header('cache-control', 'public, max-age=3600').type('application/json').send(configuration);
  });
  app.get(JWKS_PATH, async (request, reply) => {
    request.metricLabels = { verb: 'GET', group: '', version: '', resource: '', subresource: '', scope: '' };
    return reply.header('cache-control', 'public, max-age=3600').type('application/jwk-set+json').send(jwks);
  });
}
