// A component's own HTTP(S) endpoint (scheduler, controller-manager, kubelet): /livez and /readyz open to
// anyone, everything else — /metrics and what the component adds — only for a bearer token the
// apiserver accepts, and (with an authorizer) a user its RBAC lets get the path, as Kubernetes'
// components delegate authentication and authorization for /metrics.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Authenticator } from '../auth/delegating-authenticator.js';
import type { PathAuthorizer } from '../auth/delegating-authorizer.js';
import { requireAuthentication } from '../auth/require-authentication.js';
import { pkiPaths } from '../pki/certs.js';
import { healthRoutes, type HealthCheck } from './health.js';
import type { Logger } from './logger.js';

export interface ComponentServerOptions {
  metrics: Registry;
  readyz: Record<string, HealthCheck>;
  /** Checks callers' bearer tokens (a DelegatingAuthenticator asking the apiserver). */
  authenticator: Authenticator;
  /** Checks that the caller may get the path (a DelegatingAuthorizer asking the apiserver); absent: any authenticated caller. */
  authorizer?: PathAuthorizer;
  log: Logger;
  /** With `ca`, clients may also authenticate with a certificate it signed (asked for, not required). */
  https?: { key: Buffer; cert: Buffer; ca?: Buffer };
}

export async function buildComponentServer(options: ComponentServerOptions): Promise<FastifyInstance> {
  const https = options.https && { ...options.https, ...(options.https.ca ? { requestCert: true, rejectUnauthorized: false } : {}) };
  const app = (https ? Fastify({ https }) : Fastify()) as unknown as FastifyInstance;
  requireAuthentication(app, { authenticator: options.authenticator, authorizer: options.authorizer, log: options.log });
  await app.register(healthRoutes, { metrics: options.metrics, livez: { ping: () => true }, readyz: options.readyz });
  return app;
}

/** The cluster serving certificate in `certDir` (--cert-dir), or undefined for plain HTTP when none is given. */
export function servingCertificate(certDir: string): { key: Buffer; cert: Buffer } | undefined {
  if (!certDir) return undefined;
  const paths = pkiPaths(resolve(certDir));
  return { key: readFileSync(paths.serverKey), cert: readFileSync(paths.serverCert) };
}

/** Listens on host:port (0 picks a free port); returns the URL served. */
export async function listenComponentServer(app: FastifyInstance, host: string, port: number, https: boolean): Promise<string> {
  await app.listen({ host, port });
  const address = app.server.address();
  return `${https ? 'https' : 'http'}://${host}:${typeof address === 'object' && address ? address.port : port}`;
}
