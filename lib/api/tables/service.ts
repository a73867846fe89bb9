// Service rows: type, cluster IP, external addresses and ports ("80/TCP", "80:30080/TCP").
import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn, wide } from './columns.js';
import { timestampSince } from './duration.js';
import { formatLabels } from './format.js';
import type { Printer } from './types.js';

/** Load balancer ingress points: IPs, else hostnames, de-duplicated and sorted. */
function loadBalancerAddresses(service: Service): string[] {
  const found = new Set<string>();
  for (const ingress of service.status?.loadBalancer?.ingress ?? []) {
    if (ingress.ip) found.add(ingress.ip);
    else if (ingress.hostname) found.add(ingress.hostname);
  }
  return [...found].sort();
}

// The server prints wide, so load balancer addresses are never clipped here.
function externalIP(service: Service, type: string): string {
  const externalIPs = service.spec?.externalIPs ?? [];
  switch (type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const addresses = loadBalancerAddresses(service);
      if (externalIPs.length > 0) return [...addresses, ...externalIPs].join(',');
      return addresses.length > 0 ? addresses.join(',') : '<pending>';
    }
    case 'ExternalName':
      return service.spec?.externalName ?? '';
    default:
      return '<unknown>';
  }
}

function portText(port: ServicePort): string {
  const protocol = port.protocol || 'TCP';
  return port.nodePort ? `${port.port}:${port.nodePort}/${protocol}` : `${port.port}/${protocol}`;
}

/** clusterIP wins over clusterIPs, as in the v1 to internal conversion. */
function clusterIP(service: Service): string {
  return service.spec?.clusterIP || service.spec?.clusterIPs?.[0] || '<none>';
}

export const servicePrinter: Printer = {
  columns: [
    nameColumn,
    column('Type', 'string', 'How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    column('Cluster-IP', 'string', 'The virtual IP inside the cluster; None for headless services.'),
    column('External-IP', 'string', 'Addresses outside the cluster: external IPs and load balancer ingress.'),
    column('Port(s)', 'string', 'Service ports with protocol, and the node port when there is one.'),
    ageColumn,
    wide('Selector', 'string', 'Labels of the pods the service routes to.'),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const service = obj as Service;
    // Kubernetes defaults an empty type to ClusterIP before anything is printed.
    const type = service.spec?.type || 'ClusterIP';
    const ports = (service.spec?.ports ?? []).map(portText).join(',');
    return [
      service.metadata?.name ?? '',
      type,
      clusterIP(service),
      externalIP(service, type),
      ports === '' ? '<none>' : ports,
      timestampSince(service.metadata?.creationTimestamp, now),
      formatLabels(service.spec?.selector),
    ];
  },
};
