// IPAddress rows: the object holding the address, as "resource.group/namespace/name". Kubernetes
// declares two columns and sends a third cell (the age), which kubectl does not show.
import type { KubeObject } from '../object.js';
import { column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

interface ParentRef {
  group?: string;
  resource?: string;
  namespace?: string;
  name?: string;
}

export const ipAddressPrinter: Printer = {
  columns: [nameColumn, column('ParentRef', 'string', 'The object the address is allocated to.')],
  cells(obj: KubeObject, now: Date): unknown[] {
    const ref = (obj.spec as { parentRef?: ParentRef } | undefined)?.parentRef;
    let parent = '<none>';
    if (ref) {
      parent = (ref.group ? `${ref.resource ?? ''}.${ref.group}` : (ref.resource ?? '')).toLowerCase();
      if (ref.namespace) parent += `/${ref.namespace}`;
      parent += `/${ref.name ?? ''}`;
    }
    return [obj.metadata?.name ?? '', parent, timestampSince(obj.metadata?.creationTimestamp, now)];
  },
};
