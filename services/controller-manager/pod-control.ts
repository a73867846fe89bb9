// Pods made from a controller's template (client-go's RealPodControl): named after the
// controller (generateName "NAME-"), labelled, annotated and finalized as the template says, and
// owned by the controller.
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource } from '../../lib/api/resources.js';
import { StatusError } from '../../lib/api/status.js';
import type { RestClient } from '../../lib/client/rest-client.js';

export const PODS = findResource('', 'v1', 'pods')!;

/** A pod as the informer cache holds it. */
export type PodObject = Pod & KubeObject;

export function podFromTemplate(template: PodTemplateSpec, namespace: string, ownerName: string, ref: OwnerReference): Pod {
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ownerName}-`,
      namespace,
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [ref],
    },
    spec: structuredClone(template.spec) as Pod['spec'],
  };
  return pod;
}

export class PodControl {
  constructor(private readonly client: RestClient) {}

  create(template: PodTemplateSpec, namespace: string, ownerName: string, ref: OwnerReference): Promise<Pod> {
    return this.client.create<Pod>(PODS, podFromTemplate(template, namespace, ownerName, ref));
  }

  /** Deletes a pod; one already gone counts as deleted. */
  async delete(namespace: string, name: string): Promise<void> {
    try {
      await this.client.delete(PODS, { namespace, name });
    } catch (error) {
      if (error instanceof StatusError && error.status.code === 404) return;
      throw error;
    }
  }
}
