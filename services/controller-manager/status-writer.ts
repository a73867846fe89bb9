// Writes an object's status through its status subresource, as controllers do: nothing when the
// status is unchanged; on a conflict the object is read again and the write tried once more (the
// next event brings another sync anyway). An object that is gone is nothing to report on.
import type { KubeObject } from '../../lib/api/object.js';
import type { ResourceInfo } from '../../lib/api/resources.js';
import { StatusError } from '../../lib/api/status.js';
import type { RestClient } from '../../lib/client/rest-client.js';

export async function updateStatus<T extends KubeObject & { status?: S }, S>(
  client: RestClient,
  resource: ResourceInfo,
  obj: T,
  status: S,
  unchanged: (before: S | undefined, after: S) => boolean,
): Promise<T> {
  if (unchanged(obj.status, status)) return obj;
  let current = obj;
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.update<T>(resource, { ...current, status }, 'status');
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      if (error.status.code === 404) return obj;
      if (error.status.code !== 409 || attempt >= 1) throw error;
      const { namespace, name } = current.metadata ?? {};
      current = await client.get<T>(resource, { namespace, name: name ?? '' });
    }
  }
}
