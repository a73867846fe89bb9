// Bearer-token authentication, checked before the body is read. The health and version endpoints
// stay open, as Kubernetes' system:public-info-viewer role leaves them.
import type { FastifyInstance } from 'fastify';
import { errors } from '../../../lib/api/status.js';
import type { TokenUser } from '../../../lib/pki/tokens.js';
import { sendStatus } from './errors.js';

const PUBLIC_PATHS = new Set(['/livez', '/readyz', '/healthz', '/version']);

declare module 'fastify' {
  interface FastifyRequest {
    user?: TokenUser;
  }
}

export function installTokenAuth(app: FastifyInstance, tokens: () => ReadonlyMap<string, TokenUser>): void {
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] as string;
    if (PUBLIC_PATHS.has(path) || path.startsWith('/livez/') || path.startsWith('/readyz/')) return;
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    // A map lookup, as kube-apiserver's static token authenticator does.
    const user = match ? tokens().get(match[1] as string) : undefined;
    if (!user) {
      reply.header('www-authenticate', 'Bearer realm="rudder"');
      return sendStatus(reply, errors.unauthorized().status);
    }
    request.user = user;
  });
}
