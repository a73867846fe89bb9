// DefaultBinder's API call: POST pods/NAME/binding with the chosen node, in the urgent lane of
// the request pool. Resolves when the apiserver accepted the binding; rejects with its error.
import type { Binding, Pod } from 'kubernetes-types/core/v1.js';
import { findResource } from '../../lib/api/resources.js';
import type { RestClient } from '../../lib/client/rest-client.js';
import type { RequestPool } from '../../lib/client/request-pool.js';

const PODS = findResource('', 'v1', 'pods')!;

export class Binder {
  constructor(
    private readonly client: RestClient,
    private readonly pool: RequestPool,
  ) {}

  bind(pod: Pod, nodeName: string): Promise<void> {
    const namespace = pod.metadata?.namespace;
    const name = pod.metadata?.name ?? '';
    const binding: Binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { namespace, name, uid: pod.metadata?.uid },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    };
    return this.pool.run('urgent', async () => {
      await this.client.create(PODS, binding, { namespace, name, subresource: 'binding' });
    });
  }
}
