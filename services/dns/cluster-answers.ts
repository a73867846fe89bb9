// Answers for the cluster domain, as CoreDNS's kubernetes plugin gives them:
//   <svc>.<ns>.svc.<zone>              A/AAAA: the ClusterIPs; a headless Service: its ready endpoints;
//                                      an ExternalName Service: a CNAME to its external name
//   <host>.<svc>.<ns>.svc.<zone>       A/AAAA: a headless Service's endpoint (hostname or dashed address)
//   _<port>._<proto>.<svc>.<ns>.svc.<zone>  SRV for a named port (<svc>.<ns>.svc.<zone> SRV: every port)
//   <a-b-c-d>.<ns>.pod.<zone>          A: that address ("pods insecure")
//   d.c.b.a.in-addr.arpa, …ip6.arpa    PTR of a ClusterIP or a headless endpoint
// A name that exists with no record of the asked type is NOERROR with no answer (NODATA); a name
// that does not exist is NXDOMAIN; both carry the zone's SOA so resolvers cache the negative.
import type { Answer, SoaAnswer } from 'dns-packet';
import { isIPv4, isIPv6 } from 'node:net';
import { reverseAddress } from './reverse-names.js';
import type { ClusterRecords, EndpointRecord, NamedPort, ServiceRecord } from './cluster-records.js';

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export interface ClusterAnswer {
  rcode: number;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
  /** An ExternalName's target outside the cluster domain, for the server to resolve upstream. */
  externalTarget?: string;
}

export interface AnswerSettings {
  /** The cluster domain, without the trailing dot (cluster.local). */
  zone: string;
  /** TTL of every record (CoreDNS's default: 5 s). */
  ttl: number;
}

/** Whether `name` (lower case, no trailing dot) is the cluster's to answer; the rest is forwarded. */
export function inClusterDomain(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

export class ClusterAnswers {
  constructor(
    private readonly records: ClusterRecords,
    private readonly settings: AnswerSettings,
  ) {}

  private soa(): SoaAnswer {
    const { zone, ttl } = this.settings;
    return {
      name: zone,
      type: 'SOA',
      ttl,
      data: { mname: `ns.dns.${zone}`, rname: `hostmaster.${zone}`, serial: this.records.generation, refresh: 7200, retry: 1800, expire: 86400, minimum: ttl },
    };
  }

  private result(_name: string, exists: boolean, answers: Answer[], additionals: Answer[] = []): ClusterAnswer {
    if (answers.length > 0) return { rcode: RCODE.NOERROR, answers, authorities: [], additionals };
    return { rcode: exists ? RCODE.NOERROR : RCODE.NXDOMAIN, answers: [], authorities: [this.soa()], additionals: [] };
  }

  private addressAnswers(name: string, type: string, addresses: readonly string[]): Answer[] {
    const family = type === 'A' ? isIPv4 : type === 'AAAA' ? isIPv6 : undefined;
    if (!family) return [];
    return addresses.filter((a) => family(a)).map((data) => ({ name, type: type as 'A' | 'AAAA', ttl: this.settings.ttl, data }));
  }

  /** The answer for a question in the cluster domain or a reverse zone; undefined: not the cluster's (forward it). */
  answer(name: string, type: string): ClusterAnswer | undefined {
    const { zone } = this.settings;
    const address = reverseAddress(name);
    if (address !== undefined) {
      const names = this.records.namesOf(address);
      if (names.length === 0) return undefined;
      return this.result(name, true, type === 'PTR' ? names.map((n) => ({ name, type: 'PTR' as const, ttl: this.settings.ttl, data: `${n}.${zone}` })) : []);
    }
    if (!inClusterDomain(name, zone)) return undefined;
    if (name === zone) {
      if (type === 'SOA') return { rcode: RCODE.NOERROR, answers: [this.soa()], authorities: [], additionals: [] };
      if (type === 'NS') return this.result(name, true, [{ name, type: 'NS', ttl: this.settings.ttl, data: `ns.dns.${zone}` }]);
      return this.result(name, true, []);
    }
    const labels = name.slice(0, -(zone.length + 1)).split('.');
    const kind = labels[labels.length - 1];
    if (kind === 'svc') return this.serviceName(name, type, labels.slice(0, -1));
    if (kind === 'pod') return this.podName(name, type, labels.slice(0, -1));
    return this.result(name, false, []);
  }

  private podName(name: string, type: string, labels: string[]): ClusterAnswer {
    if (labels.length === 0) return this.result(name, true, []);
    if (labels.length === 1) return this.result(name, true, []);
    if (labels.length !== 2) return this.result(name, false, []);
    const dashed = labels[0]!;
    const v4 = dashed.replace(/-/g, '.');
    const v6 = dashed.replace(/-/g, ':');
    const address = isIPv4(v4) ? v4 : isIPv6(v6) ? v6 : undefined;
    if (!address) return this.result(name, false, []);
    return this.result(name, true, this.addressAnswers(name, type, [address]));
  }

  private serviceName(name: string, type: string, labels: string[]): ClusterAnswer {
    if (labels.length === 0) return this.result(name, true, []);
    const namespace = labels[labels.length - 1]!;
    if (labels.length === 1) return this.result(name, this.records.hasNamespace(namespace), []);
    const service = this.records.service(namespace, labels[labels.length - 2]!);
    if (!service) return this.result(name, false, []);
    if (labels.length === 2) return this.serviceRecords(name, type, service);
    if (labels.length === 3) return this.endpointRecords(name, type, service, labels[0]!);
    if (labels.length === 4 && labels[0]!.startsWith('_') && labels[1]!.startsWith('_')) return this.portRecords(name, type, service, labels[0]!.slice(1), labels[1]!.slice(1));
    return this.result(name, false, []);
  }

  private serviceRecords(name: string, type: string, service: ServiceRecord): ClusterAnswer {
    if (service.externalName) {
      const cname: Answer = { name, type: 'CNAME', ttl: this.settings.ttl, data: service.externalName };
      return { ...this.result(name, true, [cname]), ...(inClusterDomain(service.externalName, this.settings.zone) ? {} : { externalTarget: service.externalName }) };
    }
    if (type === 'SRV') return this.srv(name, service, () => true);
    if (!service.headless) return this.result(name, true, this.addressAnswers(name, type, service.clusterIPs));
    const { endpoints } = this.records.endpoints(service);
    return this.result(name, true, this.addressAnswers(name, type, endpoints.map((e) => e.address)));
  }

  private endpointRecords(name: string, type: string, service: ServiceRecord, host: string): ClusterAnswer {
    if (!service.headless) return this.result(name, false, []);
    const matching = this.records.endpoints(service).endpoints.filter((e) => e.hostname === host);
    if (matching.length === 0) return this.result(name, false, []);
    return this.result(name, true, this.addressAnswers(name, type, matching.map((e) => e.address)));
  }

  private portRecords(name: string, type: string, service: ServiceRecord, portName: string, protocol: string): ClusterAnswer {
    const answer = this.srv(name, service, (port) => port.name === portName && port.protocol === protocol);
    if (answer.answers.length === 0) return this.result(name, false, []);
    return type === 'SRV' ? answer : this.result(name, true, []);
  }

  /** SRV records of the Service's ports that `wanted` accepts: the Service's name as target, or each endpoint's for a headless one; their addresses as additionals. */
  private srv(name: string, service: ServiceRecord, wanted: (port: NamedPort) => boolean): ClusterAnswer {
    const { zone, ttl } = this.settings;
    const serviceName = `${service.name}.${service.namespace}.svc.${zone}`;
    const answers: Answer[] = [];
    const additionals: Answer[] = [];
    if (!service.headless) {
      const ports = service.ports.filter((p) => p.name !== '' && wanted(p));
      for (const port of ports) answers.push({ name, type: 'SRV', ttl, data: { priority: 0, weight: Math.floor(100 / ports.length), port: port.port, target: serviceName } });
      if (answers.length > 0) for (const ip of service.clusterIPs) additionals.push({ name: serviceName, type: isIPv4(ip) ? 'A' : 'AAAA', ttl, data: ip });
      return this.result(name, true, answers, additionals);
    }
    const { endpoints, ports } = this.records.endpoints(service);
    const selected = ports.filter((p) => p.name !== '' && wanted(p));
    const weight = Math.floor(100 / Math.max(1, selected.length * endpoints.length));
    const targets = new Map<string, EndpointRecord>();
    for (const port of selected) {
      for (const endpoint of endpoints) {
        const target = `${endpoint.hostname}.${serviceName}`;
        answers.push({ name, type: 'SRV', ttl, data: { priority: 0, weight, port: port.port, target } });
        targets.set(target, endpoint);
      }
    }
    for (const [target, endpoint] of targets) additionals.push({ name: target, type: isIPv4(endpoint.address) ? 'A' : 'AAAA', ttl, data: endpoint.address });
    return this.result(name, true, answers, additionals);
  }
}
