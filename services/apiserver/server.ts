// Assembles the apiserver's HTTP surface from its parts. Tests build it with their own store and
// use inject(); main.ts adds TLS and listens.
import type { Http2SecureServer } from 'node:http2';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Registry as MetricsRegistry } from 'prom-client';
import type { Store } from '../../lib/native/store.js';
import type { Logger } from '../../lib/observe/logger.js';
import { healthRoutes, type HealthCheck } from '../../lib/observe/health.js';
import type { TokenUser } from '../../lib/auth/request-user.js';
import { discoveryRoutes } from './discovery.js';
import { adminRoutes } from './http/admin-routes.js';
import type { PodSecurityConfiguration } from './admission/pod-security-configuration.js';
import { installAudit, type AuditOptions } from './http/audit.js';
import { installAuth } from './http/auth.js';
import { accessReviewRoutes } from './http/access-review-routes.js';
import { oidcDiscoveryRoutes } from './http/oidc-discovery-routes.js';
import { tokenRequestRoute } from './http/token-request-route.js';
import { RequestAuthenticator } from './auth/authenticator.js';
import { ServiceAccountTokens } from './auth/service-account-tokens.js';
import { PolicyCache } from './rbac/policy-cache.js';
import { RbacAuthorizer } from './rbac/rbac-authorizer.js';
import { NodeAuthorizer } from './rbac/node-authorizer.js';
import { UnionAuthorizer } from './rbac/union-authorizer.js';
import { rbacEscalationCheck } from './rbac/escalation-check.js';
import { nodeRestriction } from './admission/node-restriction.js';
import type { ServiceAccountKey } from '../../lib/pki/service-account-key.js';
import { installBodyParsers } from './http/body-parsers.js';
import { installErrorHandling, MAX_BODY_BYTES } from './http/errors.js';
import { installMaxInFlight } from './http/max-inflight.js';
import { RequestMetrics } from './http/metrics.js';
import { installRequestTimeout } from './http/request-timeout.js';
import { resourceRoutes } from './http/resource-routes.js';
import { podStreamingRoutes } from './http/pod-streaming-routes.js';
import { routeUpgrades } from '../../lib/http/upgrade-routing.js';
import type { KubeletClientTls } from '../../lib/pki/kubelet-client.js';
import { applyHttp1Options, closeConnectionsOnShutdown, countConnectionsByProtocol, http2ServerOptions, limitHttp2Sessions } from './http/http2-serving.js';
import { fastifyServerTimeouts, limitConnections, nodeServerOptions, type ServingLimits } from './http/serving-limits.js';
import { tokenReviewRoutes } from './http/token-review-route.js';
import { openapiRoutes } from './openapi-routes.js';
import { AdmissionChain } from './admission/chain.js';
import { namespaceLifecycle } from './admission/namespace-lifecycle.js';
import { priorityAdmission } from './admission/priority.js';
import { defaultTolerationSeconds } from './admission/default-toleration-seconds.js';
import { serviceAccountAdmission } from './admission/service-account.js';
import { NamespacePhases } from './admission/namespaces.js';
import { limitRanger } from './admission/limit-ranger.js';
import { defaultStorageClass } from './admission/default-storage-class.js';
import { storageObjectInUseProtection } from './admission/storage-object-in-use-protection.js';
import { defaultIngressClass } from './admission/default-ingress-class.js';
import { resourceQuotaAdmission } from './admission/resource-quota.js';
import { WebhookConfigurations } from './admission/webhook-configurations.js';
import { WebhookMetrics } from './admission/webhook-metrics.js';
import { mutatingWebhooks } from './admission/mutating-webhooks.js';
import { validatingWebhooks } from './admission/validating-webhooks.js';
import { podSecurity } from './admission/pod-security.js';
import type { WebhookPluginDeps } from './admission/webhook-match.js';
import { ApiStorage } from './registry/api-storage.js';
import { CustomOpenApi } from './registry/custom-openapi.js';
import { CustomResources } from './registry/custom-resources.js';
import { DefinitionController } from './registry/definition-controller.js';
import { ServiceAllocator } from './registry/service-allocator.js';
import { WatchHub } from './watch/watch-hub.js';

export interface ApiServerDeps {
  store: Store;
  log: Logger;
  metrics: MetricsRegistry;
  /** Tokens accepted for bearer authentication; undefined turns authentication off (tests only). */
  tokens?: () => ReadonlyMap<string, TokenUser>;
  clock?: () => Date;
  serviceCidr: string;
  nodePortRange: string;
  bookmarkIntervalMs: number;
  minRequestTimeoutSeconds: number;
  /** Extra readiness checks (e.g. bootstrap finished). */
  readyz?: Record<string, HealthCheck>;
  /** The serving key and certificate; with `ca`, clients may authenticate with certificates it signed. */
  https?: { key: Buffer; cert: Buffer; ca?: Buffer };
  /** Timeouts, the connection cap and the in-flight limits (none when absent: tests with inject()). */
  serving?: ServingLimits;
  /** --api-audiences: whom the apiserver's own tokens are for. */
  apiAudiences?: readonly string[];
  /** --authorization-mode: Node and RBAC (default), or AlwaysAllow. */
  authorizationMode?: readonly string[];
  /** The key ServiceAccount tokens are signed with; without it they are neither issued nor accepted. */
  serviceAccountKey?: ServiceAccountKey;
  /** --service-account-issuer */
  serviceAccountIssuer?: string;
  /** --anonymous-auth (default true). */
  anonymousAuth?: boolean;
  /** The client certificate pods/log, exec, attach, portforward and nodes/proxy reach kubelets with. */
  kubeletTls?: KubeletClientTls;
  /** --audit-policy-file and --audit-log-path: which requests are audited, and where the events go. */
  audit?: AuditOptions;
  /** PodSecurity's defaults and exemptions (--admission-control-config-file); absent: Kubernetes' defaults. */
  podSecurity?: PodSecurityConfiguration;
}

export const DEFAULT_SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export interface ApiServer {
  app: FastifyInstance;
  storage: ApiStorage;
  hub: WatchHub;
  allocator: ServiceAllocator;
}

export async function buildApiServer(deps: ApiServerDeps): Promise<ApiServer> {
  const clock = deps.clock ?? (() => new Date());
  const options: FastifyServerOptions = {
    loggerInstance: deps.log,
    // Request lines would dominate the log at thousands of requests a second; metrics count them.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_BODY_BYTES,
    return503OnClosing: true,
    // Closing ends every connection, watches included (their responses are hijacked, so Fastify
    // would otherwise wait for the client or the keep-alive timeout to let go).
    forceCloseConnections: true,
    keepAliveTimeout: 75_000,
    routerOptions: { maxParamLength: 1024, ignoreTrailingSlash: true },
    ...(deps.serving ? fastifyServerTimeouts(deps.serving) : {}),
  } as FastifyServerOptions;
  if (deps.https) {
    // A client certificate is asked for but not required: its verdict (socket.authorized) is the x509 authenticator's.
    const clientCertificates = deps.https.ca ? { requestCert: true, rejectUnauthorized: false } : {};
    (options as { https: unknown }).https = { ...deps.https, ...clientCertificates, ...(deps.serving ? nodeServerOptions(deps.serving) : {}), ...http2ServerOptions(deps.serving) };
    // HTTP/2 and HTTP/1.1 on one port, by ALPN; an idle HTTP/2 connection lasts as long as an idle HTTP/1.1 one.
    Object.assign(options, { http2: true, http2SessionTimeout: deps.serving?.keepAliveTimeoutMs ?? 75_000 });
  }
  const app = Fastify(options) as unknown as FastifyInstance;
  let closeConnections: (() => void) | undefined;
  if (deps.serving) limitConnections(app.server, deps.serving, deps.metrics);
  // exec, attach and portforward arrive as upgrade requests: through the same hooks as the rest.
  routeUpgrades(app);
  if (deps.https) {
    const server = app.server as unknown as Http2SecureServer;
    if (deps.serving) {
      applyHttp1Options(server, deps.serving);
      limitHttp2Sessions(server, deps.serving);
    }
    countConnectionsByProtocol(server, deps.metrics);
    closeConnections = closeConnectionsOnShutdown(server);
  }

  installErrorHandling(app);
  const apiAudiences = deps.apiAudiences ?? [];
  const issuer = deps.serviceAccountIssuer ?? DEFAULT_SERVICE_ACCOUNT_ISSUER;
  const serviceAccounts = deps.serviceAccountKey && new ServiceAccountTokens({ key: deps.serviceAccountKey, issuer, store: deps.store, clock });
  const authenticator = new RequestAuthenticator({ tokens: deps.tokens ?? (() => new Map()), serviceAccounts, apiAudiences, anonymous: deps.anonymousAuth });
  const policy = new PolicyCache(deps.store);
  const modes = deps.authorizationMode ?? ['Node', 'RBAC'];
  const rbac = new RbacAuthorizer(policy);
  const nodeAuthorizer = modes.includes('Node') ? new NodeAuthorizer(deps.store) : undefined;
  const chain = [...(nodeAuthorizer ? [nodeAuthorizer] : []), ...(modes.includes('RBAC') ? [rbac] : [])];
  const authorizer = chain.length > 0 ? new UnionAuthorizer(chain, rbac) : undefined;
  // Before authentication, so requests it refuses are audited too.
  if (deps.audit) installAudit(app, deps.audit);
  if (deps.tokens) installAuth(app, { authenticator, authorizer });
  if (deps.serving) {
    // After authentication: system:masters is told apart by its group.
    installMaxInFlight(app, { maxRequestsInflight: deps.serving.maxRequestsInflight, maxMutatingRequestsInflight: deps.serving.maxMutatingRequestsInflight, metrics: deps.metrics });
    installRequestTimeout(app, deps.serving.requestTimeoutMs);
  }
  installBodyParsers(app);
  const requestMetrics = new RequestMetrics(deps.metrics);
  requestMetrics.install(app);

  const allocator = new ServiceAllocator(deps.store, deps.serviceCidr, deps.nodePortRange, clock);
  const namespaces = new NamespacePhases(deps.store);
  const webhookConfigurations = new WebhookConfigurations(deps.store);
  const webhooks: WebhookPluginDeps = {
    store: deps.store,
    metrics: new WebhookMetrics(deps.metrics),
    log: deps.log,
    configurations: webhookConfigurations,
    lookup: (group, version, resource) => storage.find(group, version, resource),
    namespaceLabels: (name) => namespaces.labels(name),
  };
  // kube-apiserver's order: the webhooks after the built-in plugins (mutating ones after every
  // built-in mutation), ResourceQuota last, so it counts what every other plugin admitted.
  const admission = new AdmissionChain([
    ...(authorizer ? [rbacEscalationCheck({ authorizer, policy })] : []),
    ...(nodeAuthorizer ? [nodeRestriction()] : []),
    namespaceLifecycle(deps.store, namespaces),
    limitRanger(deps.store),
    serviceAccountAdmission(deps.store),
    priorityAdmission(deps.store),
    defaultTolerationSeconds(),
    defaultStorageClass(deps.store),
    storageObjectInUseProtection(),
    defaultIngressClass(deps.store),
    mutatingWebhooks(webhooks),
    podSecurity((name) => namespaces.labels(name), deps.podSecurity),
    validatingWebhooks(webhooks),
    resourceQuotaAdmission(deps.store),
  ]);
  const hub = new WatchHub({ store: deps.store, log: deps.log, bookmarkIntervalMs: deps.bookmarkIntervalMs, metrics: deps.metrics });
  const storage = new ApiStorage({ store: deps.store, clock, admission, hub, hooks: new Map([['Service', allocator]]) });
  // CustomResourceDefinitions: their kinds are served through the same storage once Established.
  const customResources = new CustomResources({ store: deps.store, clock, admission, hub });
  storage.extend(customResources);
  const customOpenApi = new CustomOpenApi(customResources);
  const definitions = new DefinitionController({ store: deps.store, storage, customResources, clock, log: deps.log });
  // Once new requests are answered 503 and before the server stops listening: every watch ends
  // (its last bytes sent), then HTTP/2 clients get GOAWAY and HTTP/1.1 connections are closed.
  app.addHook('preClose', (done) => {
    hub.close();
    closeConnections?.();
    done();
  });
  app.addHook('onClose', async () => {
    definitions.close();
    customOpenApi.close();
    customResources.close();
    namespaces.close();
    webhookConfigurations.close();
    policy.close();
    nodeAuthorizer?.close();
  });

  await app.register(healthRoutes, {
    metrics: deps.metrics,
    livez: { ping: () => true },
    readyz: {
      ping: () => true,
      store: () => deps.store.status().revision >= 0,
      // A replica that knows no leader cannot serve writes or linearizable reads.
      replication: () => {
        const replica = deps.store.replicaStatus();
        return replica === null || (replica.leader !== 0 && !replica.removed);
      },
      ...deps.readyz,
    },
  });
  await app.register(adminRoutes, { store: deps.store, authenticated: deps.tokens !== undefined });
  await app.register(discoveryRoutes, { extraResources: () => customResources.resources() });
  await app.register(tokenReviewRoutes, { authenticator });
  await app.register(accessReviewRoutes, { authorizer });
  if (deps.serviceAccountKey && serviceAccounts) {
    await app.register(oidcDiscoveryRoutes, { issuer, key: deps.serviceAccountKey });
    await app.register(tokenRequestRoute, { storage, tokens: serviceAccounts, apiAudiences });
  }
  await app.register(openapiRoutes, { extraV3: () => customOpenApi.current() });
  await app.register(podStreamingRoutes, { storage, metrics: requestMetrics, ...(deps.kubeletTls ? { kubeletTls: deps.kubeletTls } : {}) });
  await app.register(resourceRoutes, {
    storage,
    metrics: requestMetrics,
    clock,
    minRequestTimeoutSeconds: deps.minRequestTimeoutSeconds,
  });
  return { app, storage, hub, allocator };
}
