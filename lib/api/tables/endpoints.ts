// Endpoints rows: the first three ready ip:port pairs, then "+ N more...".
import type { Endpoints } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import { joinHostPort } from './format.js';
import type { Printer } from './types.js';

const SHOWN = 3;

function formatEndpoints(endpoints: Endpoints): string {
  const subsets = endpoints.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const shown: string[] = [];
  let count = 0;
  for (const subset of subsets) {
    const addresses = subset.addresses ?? [];
    // Headless services may have no ports: then the bare IPs are listed.
    const ports = subset.ports && subset.ports.length > 0 ? subset.ports : [undefined];
    for (const port of ports) {
      count += addresses.length;
      for (const address of addresses) {
        if (shown.length === SHOWN) break;
        shown.push(port === undefined ? address.ip : joinHostPort(address.ip, port.port));
      }
    }
  }
  const text = shown.join(',');
  return count > SHOWN ? `${text} + ${count - SHOWN} more...` : text;
}

export const endpointsPrinter: Printer = {
  columns: [nameColumn, column('Endpoints', 'string', 'Ready addresses with their ports.'), ageColumn],
  cells(obj: KubeObject, now: Date): unknown[] {
    const endpoints = obj as Endpoints;
    return [endpoints.metadata?.name ?? '', formatEndpoints(endpoints), timestampSince(endpoints.metadata?.creationTimestamp, now)];
  },
};
