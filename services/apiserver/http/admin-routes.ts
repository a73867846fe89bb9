// The admin API of an apiserver (beside the Kubernetes API, for cluster operators and `rudder`):
// this replica's Raft view, membership changes, snapshots of the store, and the fault hook tests
// use to cut a replica off. Only system:masters may call it.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../../lib/api/status.js';
import type { Store } from '../../../lib/native/store.js';
import type { ReplicaReport } from '../../../lib/api/replica-report.js';

export interface AdminRoutesOptions {
  store: Store;
  /** False when authentication is off (tests that inject requests). */
  authenticated: boolean;
}

export function replicaReport(store: Store): ReplicaReport {
  const status = store.replicaStatus();
  const revision = store.revision;
  const compactRevision = store.compactRevision;
  if (!status) {
    // A single replica is its own leader; its log is the store's own.
    const applied = store.status().commits;
    return {
      replicated: false,
      id: 1,
      role: 'leader',
      term: 1,
      leader: 1,
      commitIndex: applied,
      appliedIndex: applied,
      firstIndex: 1,
      lastIndex: applied,
      snapshotIndex: 0,
      members: [],
      removed: false,
      blocked: [],
      address: '',
      revision,
      compactRevision,
    };
  }
  return { replicated: true, ...status, revision, compactRevision };
}

const idSchema = { type: 'integer', minimum: 1 } as const;

export async function adminRoutes(app: FastifyInstance, options: AdminRoutesOptions): Promise<void> {
  const { store } = options;
  const requireAdmin = async (request: FastifyRequest): Promise<void> => {
    if (!options.authenticated) return;
    if (!request.user?.groups.includes('system:masters')) {
      throw errors.forbidden({ group: '', resource: 'replicas' }, '', `User "${request.user?.name ?? 'system:anonymous'}" cannot use the admin API`);
    }
  };
  const requireReplicated = (): void => {
    if (!store.replicated) throw errors.badRequest('this apiserver runs a single-replica store; start it with --replica-id and --peers to replicate');
  };

  app.get('/admin/replica', { preHandler: requireAdmin }, async (_request, reply) => reply.send(replicaReport(store)));

  // `rudder snapshot save`: every write acknowledged before the request, as one file.
  app.get('/admin/snapshot', { preHandler: requireAdmin }, async (_request, reply) => {
    const snapshot = await store.snapshot();
    return reply.type('application/octet-stream').header('content-length', snapshot.length).send(snapshot);
  });

  app.post<{ Body: { id: number; address: string } }>(
    '/admin/replicas',
    {
      preHandler: requireAdmin,
      schema: { body: { type: 'object', required: ['id', 'address'], properties: { id: idSchema, address: { type: 'string', pattern: '^.+:[0-9]+$' } } } },
    },
    async (request, reply) => {
      requireReplicated();
      await store.addReplica(request.body.id, request.body.address);
      return reply.code(201).send(replicaReport(store));
    },
  );

  app.delete<{ Params: { id: string } }>('/admin/replicas/:id', { preHandler: requireAdmin }, async (request, reply) => {
    requireReplicated();
    const id = Number(request.params.id);
    if (!Number.isInteger(id) || id < 1) throw errors.badRequest(`replica id must be a whole number, got "${request.params.id}"`);
    await store.removeReplica(id);
    return reply.send(replicaReport(store));
  });

  app.put<{ Body: { blockedPeers: number[] } }>(
    '/admin/replica/fault',
    {
      preHandler: requireAdmin,
      schema: { body: { type: 'object', required: ['blockedPeers'], properties: { blockedPeers: { type: 'array', items: idSchema } } } },
    },
    async (request, reply) => {
      requireReplicated();
      store.setBlockedPeers(request.body.blockedPeers);
      return reply.send(replicaReport(store));
    },
  );
}
