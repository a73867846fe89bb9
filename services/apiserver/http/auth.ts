// Bearer-token authentication, checked before the body is read. The health and version endpoints
// stay open, as Kubernetes' system:public-info-viewer role leaves them.
import type { FastifyInstance } from 'fastify';
import { errors } from '../../../lib/api/status.js';
import { bearerToken } from '../../../lib/auth/bearer.js';
import { isHealthProbe } from '../../../lib/observe/health.js';
import type { TokenUser } from '../../../lib/auth/request-user.js';
import { sendStatus } from './errors.js';


export function installTokenAuth(app: FastifyInstance, tokens: () => ReadonlyMap<string, TokenUser>): void {
  app.addHook('onRequest', async (request, reply) => {
    if (isHealthProbe(request.url) || request.url.split('?')[0] === '/version') return;
    const token = bearerToken(request.headers.authorization);
    // A map lookup, as kube-apiserver's static token authenticator does.
    const user = token === undefined ? undefined : tokens().get(token);
    if (!user) {
      reply.header('www-authenticate', 'Bearer realm="rudder"');
      return sendStatus(reply, errors.unauthorized().status);
    }
    request.user = user;
  });
}
