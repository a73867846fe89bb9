// The user a request was authenticated as, kept on Fastify's request by whichever authenticator
// ran: the apiserver's own (client certificate, static token, ServiceAccount JWT, anonymous, then
// impersonation), or a component's TokenReview through the apiserver.
import type { TokenUser } from '../pki/tokens.js';

export type { TokenUser };

declare module 'fastify' {
  interface FastifyRequest {
    user?: TokenUser;
  }
}
