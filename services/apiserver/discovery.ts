// API discovery: /version, /api, /api/v1, /apis, /apis/<group>, /apis/<group>/<version>,
// built from the resource table and the review resources (served, never stored). Only the legacy
// documents are served. kubectl 1.27+ first
// asks for aggregated discovery through the Accept header; a plain application/json answer
// tells client-go the server does not aggregate, and it reads the legacy documents instead.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { APIGroup, APIResource, GroupVersionForDiscovery } from 'kubernetes-types/meta/v1.js';
import { KUBERNETES_VERSION, type VersionInfo } from '../../lib/api/openapi/kubernetes-version.js';
import { apiVersionOf, groupVersions as storedGroupVersions, RESOURCES, VERBS, type ResourceInfo, type Subresource } from '../../lib/api/resources.js';
import { REVIEW_RESOURCES } from '../../lib/api/review-resources.js';
import { errors } from '../../lib/api/status.js';

export interface DiscoveryOptions {
  /** Overrides for the /version answer; the Kubernetes release fields default to KUBERNETES_VERSION. */
  version?: Partial<VersionInfo>;
  /** host:port clients reach this server at; listed in serverAddressByClientCIDRs when given. */
  serverAddress?: string;
  /** Resources served beside the table's (custom resources), read on every request. */
  extraResources?: () => readonly ResourceInfo[];
}

const SUBRESOURCE_VERBS: Record<Subresource, string[]> = {
  status: ['get', 'patch', 'update'],
  scale: ['get', 'patch', 'update'],
  binding: ['create'],
  eviction: ['create'],
  approval: ['get', 'patch', 'update'],
  finalize: ['update'],
};

/** What a subresource answers with when it is not the parent's own kind. */
const SUBRESOURCE_KIND: Partial<Record<Subresource, { group: string; version: string; kind: string }>> = {
  scale: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
  binding: { group: '', version: 'v1', kind: 'Binding' },
  eviction: { group: 'policy', version: 'v1', kind: 'Eviction' },
};

/** Kubernetes' storageVersionHash: base64 of the first 8 bytes of sha256("<group>/<version>/<kind>"). */
function storageVersionHash(r: ResourceInfo): string {
  return createHash('sha256').update(`${r.group}/${r.version}/${r.kind}`).digest().subarray(0, 8).toString('base64');
}

/** Every group version served: the stored kinds' (core first), then the review resources', then the extra ones'. */
function groupVersions(extra: readonly ResourceInfo[] = []): { group: string; version: string }[] {
  const all = storedGroupVersions();
  for (const r of [...REVIEW_RESOURCES, ...extra]) if (!all.some((gv) => gv.group === r.group && gv.version === r.version)) all.push({ group: r.group, version: r.version });
  return all;
}

function apiResources(group: string, version: string, extra: readonly ResourceInfo[] = []): APIResource[] {
  const list: APIResource[] = [];
  for (const r of [...RESOURCES, ...extra].filter((x) => x.group === group && x.version === version)) {
    const resource: APIResource = {
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: [...VERBS],
      storageVersionHash: storageVersionHash(r),
    };
    if (r.shortNames.length > 0) resource.shortNames = [...r.shortNames];
    if (r.categories.length > 0) resource.categories = [...r.categories];
    list.push(resource);
    for (const sub of r.subresources) {
      const target = SUBRESOURCE_KIND[sub];
      const entry: APIResource = { name: `${r.resource}/${sub}`, singularName: '', namespaced: r.namespaced, kind: target?.kind ?? r.kind, verbs: SUBRESOURCE_VERBS[sub] };
      if (target && (target.group !== group || target.version !== version)) {
        entry.group = target.group;
        entry.version = target.version;
      }
      list.push(entry);
    }
  }
  for (const r of REVIEW_RESOURCES.filter((x) => x.group === group && x.version === version)) {
    list.push({ name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: [...r.verbs] });
  }
  return list;
}

function apiGroup(group: string, extra: readonly ResourceInfo[] = []): APIGroup {
  const versions: GroupVersionForDiscovery[] = groupVersions(extra)
    .filter((gv) => gv.group === group)
    .map((gv) => ({ groupVersion: apiVersionOf(gv), version: gv.version }));
  return { name: group, versions, preferredVersion: versions[0]! };
}

function versionInfo(overrides: Partial<VersionInfo> | undefined): VersionInfo {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  return {
    ...KUBERNETES_VERSION,
    gitCommit: '',
    gitTreeState: '',
    buildDate: '',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${arch}`,
    ...overrides,
  };
}

/** Always plain JSON, also when the client asked for aggregated discovery first. */
function sendJson(reply: FastifyReply, body: unknown, code = 200): FastifyReply {
  return reply.code(code).type('application/json').send(Buffer.from(JSON.stringify(body)));
}

export async function discoveryRoutes(app: FastifyInstance, options: DiscoveryOptions): Promise<void> {
  const version = versionInfo(options.version);
  const addresses = options.serverAddress ? [{ clientCIDR: '0.0.0.0/0', serverAddress: options.serverAddress }] : [];
  const extra = options.extraResources ?? (() => []);
  const groups = (served: readonly ResourceInfo[]): string[] => [...new Set(groupVersions(served).map((gv) => gv.group))].filter((g) => g !== '');
  const groupParams = { type: 'object', properties: { group: { type: 'string' }, version: { type: 'string' } } } as const;

  app.get('/version', async (_request, reply) => sendJson(reply, version));

  app.get('/api', async (_request, reply) =>
    sendJson(reply, { kind: 'APIVersions', versions: groupVersions().filter((gv) => gv.group === '').map((gv) => gv.version), serverAddressByClientCIDRs: addresses }),
  );

  app.get<{ Params: { version: string } }>('/api/:version', { schema: { params: groupParams } }, async (request, reply) => {
    const { version: v } = request.params;
    if (!groupVersions().some((gv) => gv.group === '' && gv.version === v)) return sendJson(reply, errors.noSuchResource().status, 404);
    return sendJson(reply, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: v, resources: apiResources('', v) });
  });

  app.get('/apis', async (_request, reply) => {
    const served = extra();
    return sendJson(reply, { kind: 'APIGroupList', apiVersion: 'v1', groups: groups(served).map((g) => ({ ...apiGroup(g, served), serverAddressByClientCIDRs: addresses })) });
  });

  app.get<{ Params: { group: string } }>('/apis/:group', { schema: { params: groupParams } }, async (request, reply) => {
    const { group } = request.params;
    const served = extra();
    if (!groups(served).includes(group)) return sendJson(reply, errors.noSuchResource().status, 404);
    return sendJson(reply, { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, served) });
  });

  app.get<{ Params: { group: string; version: string } }>('/apis/:group/:version', { schema: { params: groupParams } }, async (request, reply) => {
    const { group, version: v } = request.params;
    const served = extra();
    if (!groupVersions(served).some((gv) => gv.group === group && gv.version === v)) return sendJson(reply, errors.noSuchResource().status, 404);
    return sendJson(reply, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${group}/${v}`, resources: apiResources(group, v, served) });
  });
}
