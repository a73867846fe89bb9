// Ingress rows: class, hosts (three, then "+ N more..."), load balancer addresses (clipped to 16
// characters unless wide) and the ports the TLS entries open.
import type { Ingress } from 'kubernetes-types/networking/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

const LOAD_BALANCER_WIDTH = 16;

function formatHosts(rules: readonly { host?: string }[]): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  for (const rule of rules) {
    if (list.length === max) more = true;
    if (!more && rule.host) list.push(rule.host);
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${rules.length - max} more...` : list.join(',');
}

function addresses(ingress: Ingress, wideOutput: boolean): string {
  const set = new Set<string>();
  for (const entry of ingress.status?.loadBalancer?.ingress ?? []) {
    if (entry.ip) set.add(entry.ip);
    else if (entry.hostname) set.add(entry.hostname);
  }
  const text = [...set].sort().join(',');
  return !wideOutput && text.length > LOAD_BALANCER_WIDTH ? `${text.slice(0, LOAD_BALANCER_WIDTH - 3)}...` : text;
}

export const ingressPrinter: Printer = {
  columns: [
    nameColumn,
    column('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
    column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'string', 'Ports of TLS configurations that open'),
    ageColumn,
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const ingress = obj as Ingress;
    return [
      ingress.metadata?.name ?? '',
      ingress.spec?.ingressClassName ?? '<none>',
      formatHosts(ingress.spec?.rules ?? []),
      // The server prints wide; kubectl shows the cell as it is.
      addresses(ingress, true),
      (ingress.spec?.tls ?? []).length > 0 ? '80, 443' : '80',
      timestampSince(ingress.metadata?.creationTimestamp, now),
    ];
  },
};
