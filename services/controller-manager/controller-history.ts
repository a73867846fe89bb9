// Template history as ControllerRevisions (k8s.io/kubernetes/pkg/controller/history), shared by
// the DaemonSet and StatefulSet controllers: each template is a ControllerRevision `NAME-<hash>`
// owned by its controller whose data is the template as a strategic merge patch; the current
// template's revision is made (or renumbered to the newest on rollback), a hash collision is
// counted in status.collisionCount, and revisions past revisionHistoryLimit that no pod uses are
// removed, oldest first.
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource, type ResourceInfo } from '../../lib/api/resources.js';
import type { LabelSelector } from '../../lib/api/selectors/label-selector.js';
import { StatusError } from '../../lib/api/status.js';
import type { Informer } from '../../lib/client/informer.js';
import type { RestClient } from '../../lib/client/rest-client.js';
import { claimObjects, controllerRefTo } from './controller-ref.js';
import { canonicalJson, templateHash } from './deployment/rollout-math.js';
import { claimCandidates } from './shared-informers.js';

export const CONTROLLER_REVISIONS = findResource('apps', 'v1', 'controllerrevisions')!;
/** apps.ControllerRevisionHashLabelKey. */
export const REVISION_HASH_LABEL = 'controller-revision-hash';

export type RevisionObject = ControllerRevision & KubeObject;

/** A controller with a pod template, a revision history limit and a collision count. */
export type TemplatedOwner = KubeObject & {
  spec?: { template?: PodTemplateSpec; revisionHistoryLimit?: number };
  status?: { collisionCount?: number };
};

export interface HistoryTarget {
  owner: TemplatedOwner;
  /** The owner's kind ('DaemonSet', 'StatefulSet'), apps/v1. */
  kind: string;
  /** The owner's resource, for the collision count. */
  resource: ResourceInfo;
  selector: LabelSelector;
}

/** The revision's data for a template: the template as a patch replacing the whole template. */
export function revisionData(template: PodTemplateSpec | undefined): ControllerRevision['data'] {
  return { spec: { template: { ...structuredClone(template ?? {}), $patch: 'replace' } } };
}

/** The pod template a revision records. */
export function templateOfRevision(revision: ControllerRevision): PodTemplateSpec {
  const template = structuredClone((revision.data as { spec?: { template?: PodTemplateSpec & { $patch?: string } } } | undefined)?.spec?.template ?? {});
  delete template.$patch;
  return template;
}

export class ControllerHistory {
  constructor(
    private readonly client: RestClient,
    private readonly revisions: Informer<RevisionObject>,
  ) {}

  /** The owner's revisions, adopting and releasing as its selector says. */
  claim(target: HistoryTarget): Promise<RevisionObject[]> {
    return claimObjects(this.client, { owner: target.owner, ownerApiVersion: 'apps/v1', ownerKind: target.kind, selector: target.selector, resource: CONTROLLER_REVISIONS }, claimCandidates(this.revisions, target.owner));
  }

  /** The revision of the owner's current template among `revisions`, made or renumbered to the newest as needed. */
  async currentRevision(target: HistoryTarget, revisions: readonly RevisionObject[]): Promise<RevisionObject> {
    const { owner } = target;
    const hash = templateHash(owner.spec?.template, owner.status?.collisionCount);
    const data = revisionData(owner.spec?.template);
    const newest = Math.max(0, ...revisions.map((r) => r.revision));
    const namespace = owner.metadata?.namespace ?? '';
    const name = `${owner.metadata?.name ?? ''}-${hash}`;
    let current = revisions.find((r) => r.metadata?.name === name && canonicalJson(r.data) === canonicalJson(data));
    if (!current) {
      const revision: RevisionObject = {
        apiVersion: 'apps/v1',
        kind: 'ControllerRevision',
        metadata: { name, namespace, labels: { ...(owner.spec?.template?.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: hash }, ownerReferences: [controllerRefTo(owner, 'apps/v1', target.kind)] },
        data,
        revision: newest + 1,
      };
      try {
        current = await this.client.create<RevisionObject>(CONTROLLER_REVISIONS, revision);
      } catch (error) {
        if (!(error instanceof StatusError && error.status.code === 409)) throw error;
        const existing = await this.client.get<RevisionObject>(CONTROLLER_REVISIONS, { namespace, name });
        if (canonicalJson(existing.data) !== canonicalJson(data)) {
          // A namesake with another template: a hash collision. Count it and try again with a new hash.
          await this.client.patch(target.resource, { namespace, name: owner.metadata?.name ?? '', subresource: 'status' }, { status: { collisionCount: (owner.status?.collisionCount ?? 0) + 1 } }, 'merge');
          throw error;
        }
        current = existing;
      }
    }
    if (current.revision < newest) {
      current = await this.client.patch<RevisionObject>(CONTROLLER_REVISIONS, { namespace, name: current.metadata?.name ?? '' }, { revision: newest + 1 }, 'merge');
    }
    return current;
  }

  /** Removes the oldest revisions past revisionHistoryLimit, keeping `live` ones (by name) and those pods still use (by hash label). */
  async truncate(owner: TemplatedOwner, revisions: readonly RevisionObject[], live: ReadonlySet<string>, liveHashes: ReadonlySet<string>): Promise<void> {
    const limit = owner.spec?.revisionHistoryLimit ?? 10;
    const old = revisions.filter((r) => !live.has(r.metadata?.name ?? '') && !liveHashes.has(r.metadata?.labels?.[REVISION_HASH_LABEL] ?? ''));
    const excess = old.length - limit;
    if (excess <= 0) return;
    const doomed = [...old].sort((a, b) => a.revision - b.revision).slice(0, excess);
    await Promise.all(doomed.map((r) => this.client.delete(CONTROLLER_REVISIONS, { namespace: r.metadata?.namespace, name: r.metadata?.name ?? '' }).catch((error: unknown) => {
      if (!(error instanceof StatusError && error.status.code === 404)) throw error;
    })));
  }
}
