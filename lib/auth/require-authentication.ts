// A component's HTTP endpoints (/metrics, /debug/...) answer only a caller with a client certificate
// of the cluster CA (when the server asks for one) or a bearer token the apiserver accepts, as kube-scheduler and the other Kubernetes components require authentication
// for /metrics; the health probes (/livez, /readyz, /healthz) stay open, as theirs do. Without a
// token, with one the apiserver rejects, or when the apiserver cannot say, the answer is a 401
// Status. With an authorizer, the apiserver's RBAC must also let the user `get` the path (a
// SubjectAccessReview, as Kubernetes' delegated authorization): otherwise 403 in Kubernetes' words,
// or 500 when the apiserver cannot say.
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { errors } from '../api/status.js';
import type { Logger } from '../observe/logger.js';
import { isHealthProbe } from '../observe/health.js';
import { bearerToken } from './bearer.js';
import { clientCertificateUser } from './client-certificate.js';
import type { Authenticator } from './delegating-authenticator.js';
import type { PathAuthorizer } from './delegating-authorizer.js';
import { forbidden } from './forbidden.js';

export interface RequireAuthenticationOptions {
  authenticator: Authenticator;
  /** Absent: any authenticated user is let in. */
  authorizer?: PathAuthorizer;
  log: Logger;
}

export function requireAuthentication(app: FastifyInstance, options: RequireAuthenticationOptions): void {
  app.addHook('onRequest', async (request, reply) => {
    if (isHealthProbe(request.url)) return;
    const path = request.url.split('?')[0]!;
    const token = bearerToken(request.headers.authorization);
    // A client certificate of the cluster CA first (the apiserver's kubelet-client one), then a token.
    let user = clientCertificateUser(request.raw.socket as TLSSocket);
    if (user === null) user = undefined;
    else if (user) user = { ...user, groups: [...user.groups, 'system:authenticated'] };
    else if (token !== undefined) {
      try {
        user = await options.authenticator.authenticate(token);
      } catch (error) {
        options.log.warn({ err: error, path }, 'cannot check a bearer token with the apiserver (TokenReview failed)');
      }
    }
    if (!user) {
      const status = errors.unauthorized().status;
      return reply.code(status.code).header('www-authenticate', 'Bearer realm="rudder"').type('application/json').send(JSON.stringify(status));
    }
    request.user = user;
    if (!options.authorizer) return;
    const verb = request.method === 'HEAD' ? 'get' : request.method.toLowerCase();
    let allowed: boolean;
    try {
      allowed = await options.authorizer.authorize(user, verb, path);
    } catch (error) {
      options.log.warn({ err: error, path }, 'cannot authorize a request with the apiserver (SubjectAccessReview failed)');
      const status = errors.internal('the apiserver could not be asked whether this request is allowed').status;
      return reply.code(500).type('application/json').send(JSON.stringify(status));
    }
    if (!allowed) {
      const status = forbidden(user, { nonResource: { verb, path } }).status;
      return reply.code(403).type('application/json').send(JSON.stringify(status));
    }
  });
}
