// A component's HTTP endpoints (/metrics, /debug/...) answer only a caller with a bearer token the
// apiserver accepts, as kube-scheduler and the other Kubernetes components require authentication
// for /metrics; the health probes (/livez, /readyz, /healthz) stay open, as theirs do. Without a
// token, with one the apiserver rejects, or when the apiserver cannot say, the answer is a 401
// Status. Any authenticated user is let in: authorization (a SubjectAccessReview against RBAC, e.g.
// get on the nonResourceURL /metrics) comes with the security work.
import type { FastifyInstance } from 'fastify';
import { errors } from '../api/status.js';
import type { Logger } from '../observe/logger.js';
import { isHealthProbe } from '../observe/health.js';
import { bearerToken } from './bearer.js';
import type { Authenticator } from './delegating-authenticator.js';

export interface RequireAuthenticationOptions {
  authenticator: Authenticator;
  log: Logger;
}

export function requireAuthentication(app: FastifyInstance, options: RequireAuthenticationOptions): void {
  app.addHook('onRequest', async (request, reply) => {
    if (isHealthProbe(request.url)) return;
    const token = bearerToken(request.headers.authorization);
    let user;
    if (token !== undefined) {
      try {
        user = await options.authenticator.authenticate(token);
      } catch (error) {
        options.log.warn({ err: error, path: request.url.split('?')[0] }, 'cannot check a bearer token with the apiserver (TokenReview failed)');
      }
    }
    if (!user) {
      const status = errors.unauthorized().status;
      return reply.code(status.code).header('www-authenticate', 'Bearer realm="rudder"').type('application/json').send(JSON.stringify(status));
    }
    request.user = user;
  });
}
