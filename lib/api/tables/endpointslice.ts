// EndpointSlice rows: address type, the first three ports and the first three addresses.
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import { listWithMore } from './format.js';
import type { Printer } from './types.js';

const SHOWN = 3;

export const endpointSlicePrinter: Printer = {
  columns: [
    nameColumn,
    column('AddressType', 'string', 'The kind of addresses in the slice: IPv4, IPv6 or FQDN.'),
    column('Ports', 'string', 'Port numbers (or names) the endpoints serve; * for all ports.'),
    column('Endpoints', 'string', 'Addresses of the endpoints in the slice.'),
    ageColumn,
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    // Read defensively: a stored slice may lack fields its type calls required.
    const slice = obj as unknown as EndpointSlice;
    const ports = (slice.ports ?? []).map((p) => (p.port != null ? String(p.port) : p.name ?? '*'));
    const addresses = (slice.endpoints ?? []).flatMap((e) => e.addresses ?? []);
    return [
      slice.metadata?.name ?? '',
      slice.addressType ?? '',
      listWithMore(ports, SHOWN),
      listWithMore(addresses, SHOWN),
      timestampSince(slice.metadata?.creationTimestamp, now),
    ];
  },
};
