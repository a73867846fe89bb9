// Authentication, impersonation and authorization, checked before the body is read, as
// kube-apiserver's handler chain runs them: who asks (RequestAuthenticator; a 401 for credentials
// it does not accept), whom they act as (impersonation headers), then whether they may (the
// authorizer; a 403 in Kubernetes' words). The health probes stay open to anyone, so a supervisor
// can probe a starting apiserver before its default roles exist.
import type { FastifyInstance } from 'fastify';
import { errors, isStatusError } from '../../../lib/api/status.js';
import { isHealthProbe } from '../../../lib/observe/health.js';
import type { RequestAuthenticator } from '../auth/authenticator.js';
import { forbidden } from '../../../lib/auth/forbidden.js';
import { impersonate } from '../auth/impersonation.js';
import { requestAttributes } from '../auth/request-attributes.js';
import type { Authorizer } from '../rbac/attributes.js';
import { sendStatus } from './errors.js';

export interface AuthOptions {
  authenticator: RequestAuthenticator;
  /** Absent: every authenticated request is allowed (tests without RBAC). */
  authorizer?: Authorizer;
}

export function installAuth(app: FastifyInstance, options: AuthOptions): void {
  const { authenticator, authorizer } = options;
  app.addHook('onRequest', async (request, reply) => {
    if (isHealthProbe(request.url)) return;
    const authenticated = await authenticator.authenticate(request);
    if (!authenticated) {
      reply.header('www-authenticate', 'Bearer realm="rudder"');
      return sendStatus(reply, errors.unauthorized().status);
    }
    try {
      const user = impersonate(request.raw, authenticated, authorizer);
      request.user = user;
      if (!authorizer) return;
      const attributes = requestAttributes(request.method, request.url, (request.query ?? {}) as Record<string, unknown>);
      const decision = authorizer.authorize({ user, ...attributes });
      if (!decision.allowed) return sendStatus(reply, forbidden(user, attributes, decision.reason).status);
    } catch (error) {
      if (isStatusError(error)) return sendStatus(reply, error.status);
      throw error;
    }
  });
}
