// Authentication, impersonation and authorization, checked before the body is read, as
// kube-apiserver's handler chain runs them: who asks (RequestAuthenticator; a 401 for credentials
// it does not accept), whom they act as (impersonation headers), then whether they may (the
// authorizer; a 403 in Kubernetes' words). The health probes stay open to anyone, so a supervisor
// can probe a starting apiserver before its default roles exist.
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { TokenUser } from '../../../lib/auth/request-user.js';
import { errors, isStatusError } from '../../../lib/api/status.js';
import { isHealthProbe } from '../../../lib/observe/health.js';
import type { RequestAuthenticator } from '../auth/authenticator.js';
import { forbidden } from '../../../lib/auth/forbidden.js';
import { impersonate } from '../auth/impersonation.js';
import { requestAttributes } from '../auth/request-attributes.js';
import type { Authorizer } from '../rbac/attributes.js';
import { sendStatus } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authorizer's answer, for the audit event's annotations. */
    authorizationDecision?: { allowed: boolean; reason: string };
  }
}

export interface AuthOptions {
  authenticator: RequestAuthenticator;
  /** Absent: every authenticated request is allowed (tests without RBAC). */
  authorizer?: Authorizer;
}

export function installAuth(app: FastifyInstance, options: AuthOptions): void {
  const { authenticator, authorizer } = options;

  /** Impersonation and authorization once the user is known: answers 401/403 itself, or calls done. */
  function admit(authenticated: TokenUser | undefined, request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    if (!authenticated) {
      reply.header('www-authenticate', 'Bearer realm="rudder"');
      sendStatus(reply, errors.unauthorized().status);
      return;
    }
    try {
      const user = impersonate(request.raw, authenticated, authorizer);
      request.user = user;
      if (!authorizer) return done();
      const attributes = requestAttributes(request.method, request.url, (request.query ?? {}) as Record<string, unknown>);
      const decision = authorizer.authorize({ user, ...attributes });
      request.authorizationDecision = decision;
      if (!decision.allowed) {
        sendStatus(reply, forbidden(user, attributes, decision.reason).status);
        return;
      }
    } catch (error) {
      if (isStatusError(error)) {
        sendStatus(reply, error.status);
        return;
      }
      return done(error as Error);
    }
    done();
  }

  // A callback hook: most requests (certificates, static tokens) are authenticated without a promise.
  app.addHook('onRequest', (request, reply, done) => {
    if (isHealthProbe(request.url)) return done();
    const authenticated = authenticator.authenticate(request);
    if (authenticated instanceof Promise) authenticated.then((user) => admit(user, request, reply, done), (error: Error) => done(error));
    else admit(authenticated, request, reply, done);
  });
}
