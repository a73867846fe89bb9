// Services and EndpointSlices from a multi-document YAML (or JSON) text, Lists included: the
// objects `rudder proxy-rules --objects` compiles. Other kinds are ignored.
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Service } from 'kubernetes-types/core/v1.js';
import { parseAllDocuments } from 'yaml';

export interface ProxyObjects {
  services: Service[];
  endpointSlices: EndpointSlice[];
}

interface Typed {
  apiVersion?: unknown;
  kind?: unknown;
  items?: unknown;
}

export function readProxyObjects(text: string): ProxyObjects {
  const out: ProxyObjects = { services: [], endpointSlices: [] };
  const add = (value: unknown): void => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    const object = value as Typed;
    if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) {
      const itemKind = object.kind.slice(0, -'List'.length);
      for (const item of object.items) add({ kind: itemKind, ...(item as object) });
    } else if (object.kind === 'Service') {
      out.services.push(value as Service);
    } else if (object.kind === 'EndpointSlice') {
      out.endpointSlices.push(value as EndpointSlice);
    }
  };
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) throw new Error(`invalid YAML: ${document.errors[0]!.message}`);
    add(document.toJS());
  }
  return out;
}
