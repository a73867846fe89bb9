// The audit filter, as kube-apiserver's WithAudit: every request gets an Audit-Id, and a request
// the policy audits produces audit.k8s.io/v1 Events — RequestReceived, ResponseStarted (only for
// long-running requests such as watches, when their headers go out) and ResponseComplete (when
// the response ends) — with the user, verb, objectRef, the response status, the authorization
// decision, and at levels Request and RequestResponse the request and response objects.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditPolicy, AuditDecision, AuditStage } from '../audit/policy.js';
import type { AuditSink } from '../audit/audit-log.js';
import { requestAttributes } from '../auth/request-attributes.js';
import { isLongRunningRequest } from './request-class.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Annotations the request's handling adds to its audit event (admission plugins'). */
    auditAnnotations?: Record<string, string>;
  }
}

/** Adds an annotation to `request`'s audit event (kube-apiserver's audit.AddAuditAnnotation). */
export function auditAnnotator(request: FastifyRequest): (key: string, value: string) => void {
  return (key, value) => {
    request.auditAnnotations = { ...request.auditAnnotations, [key]: value };
  };
}

export interface AuditOptions {
  policy: AuditPolicy;
  sink: AuditSink;
}

interface AuditedRequest {
  id: string;
  received: Date;
  /** Who asked for what, worked out once the user is known (the policy's first look). */
  attributes?: ReturnType<typeof requestAttributes> & { user: { name: string; uid: string; groups: string[] } };
  decision?: AuditDecision;
  /** Stages written so far. */
  written: Set<AuditStage>;
  /** The response body, kept for RequestResponse and for a failure's Status. */
  responseText?: string;
}

const WRITE_VERBS = new Set(['create', 'update', 'patch']);

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function installAudit(app: FastifyInstance, options: AuditOptions): void {
  const { policy, sink } = options;
  const audits = new WeakMap<FastifyRequest, AuditedRequest>();

  function attributesOf(request: FastifyRequest, audit: AuditedRequest): NonNullable<AuditedRequest['attributes']> {
    audit.attributes ??= { user: request.user ?? { name: '', uid: '', groups: [] }, ...requestAttributes(request.method, request.url, (request.query ?? {}) as Record<string, unknown>) };
    return audit.attributes;
  }

  function decide(request: FastifyRequest, audit: AuditedRequest): AuditDecision {
    audit.decision ??= policy.decide(attributesOf(request, audit));
    return audit.decision;
  }

  function event(request: FastifyRequest, reply: FastifyReply, audit: AuditedRequest, stage: AuditStage): object {
    const level = audit.decision!.level;
    const attributes = attributesOf(request, audit);
    const body = request.body as { metadata?: { name?: string; namespace?: string } } | undefined;
    const out: Record<string, unknown> = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level,
      auditID: audit.id,
      stage,
      requestURI: request.url,
      verb: 'resource' in attributes ? attributes.resource.verb : attributes.nonResource.verb,
      user: { username: attributes.user.name, ...(attributes.user.uid ? { uid: attributes.user.uid } : {}), groups: attributes.user.groups },
      sourceIPs: [request.ip],
      ...(request.headers['user-agent'] ? { userAgent: request.headers['user-agent'] } : {}),
    };
    if ('resource' in attributes) {
      const r = attributes.resource;
      // A create names its object in the body, not the path.
      const name = r.name || (r.verb === 'create' ? body?.metadata?.name : undefined);
      out.objectRef = {
        resource: r.resource,
        ...(r.namespace ? { namespace: r.namespace } : {}),
        ...(name ? { name } : {}),
        ...(r.group ? { apiGroup: r.group } : {}),
        apiVersion: r.version,
        ...(r.subresource ? { subresource: r.subresource } : {}),
      };
    }
    if (stage !== 'RequestReceived') {
      const code = reply.raw.statusCode;
      const status = code >= 400 ? (parseJson(audit.responseText) as { status?: string; message?: string; reason?: string } | undefined) : undefined;
      out.responseStatus = { metadata: {}, ...(status?.status ? { status: status.status } : {}), ...(status?.message ? { message: status.message } : {}), ...(status?.reason ? { reason: status.reason } : {}), code };
    }
    if ((level === 'Request' || level === 'RequestResponse') && 'resource' in attributes && WRITE_VERBS.has(attributes.resource.verb) && body !== undefined) out.requestObject = body;
    if (level === 'RequestResponse' && stage === 'ResponseComplete' && audit.responseText !== undefined) {
      const response = parseJson(audit.responseText);
      if (response !== undefined) out.responseObject = response;
    }
    out.requestReceivedTimestamp = audit.received.toISOString();
    out.stageTimestamp = (stage === 'RequestReceived' ? audit.received : new Date()).toISOString();
    const decision = request.authorizationDecision;
    const annotations = { ...(decision ? { 'authorization.k8s.io/decision': decision.allowed ? 'allow' : 'forbid', 'authorization.k8s.io/reason': decision.reason } : {}), ...request.auditAnnotations };
    if (Object.keys(annotations).length > 0) out.annotations = annotations;
    return out;
  }

  /** Writes `stage` (after RequestReceived, once each) unless the policy leaves the request or the stage out. */
  function write(request: FastifyRequest, reply: FastifyReply, stage: AuditStage): void {
    const audit = audits.get(request);
    if (!audit || audit.written.has(stage)) return;
    const decision = decide(request, audit);
    if (decision.level === 'None') return;
    if (stage !== 'RequestReceived') write(request, reply, 'RequestReceived');
    audit.written.add(stage);
    if (!decision.omitStages.has(stage)) sink.write(event(request, reply, audit, stage));
  }

  app.addHook('onRequest', (request, reply, done) => {
    const audit: AuditedRequest = { id: randomUUID(), received: new Date(), written: new Set() };
    audits.set(request, audit);
    const raw = reply.raw;
    // On the raw response, so hijacked responses (watches) carry it too.
    raw.setHeader('Audit-Id', audit.id);
    if (isLongRunningRequest(request)) {
      // A watch's response starts long before it completes: ResponseStarted when its headers go out.
      const writeHead = raw.writeHead;
      raw.writeHead = function (this: typeof raw, ...args: Parameters<typeof raw.writeHead>) {
        write(request, reply, 'ResponseStarted');
        return writeHead.apply(this, args);
      } as typeof raw.writeHead;
    }
    raw.once('close', () => write(request, reply, 'ResponseComplete'));
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    const audit = audits.get(request);
    if (audit && typeof payload === 'string' && (reply.statusCode >= 400 || decide(request, audit).level === 'RequestResponse')) audit.responseText = payload;
    done(null, payload);
  });
}
