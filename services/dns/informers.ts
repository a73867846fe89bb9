// Informers on Services and EndpointSlices, feeding the cluster's DNS records.
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource } from '../../lib/api/resources.js';
import type { WatchBus } from '../../lib/bus/bus.js';
import type { Clock } from '../../lib/client/clock.js';
import { Informer } from '../../lib/client/informer.js';
import { objectKey } from '../../lib/client/paths.js';
import type { RestClient } from '../../lib/client/rest-client.js';
import type { Logger } from '../../lib/observe/logger.js';
import type { ClusterRecords } from './cluster-records.js';

export interface DnsInformersDeps {
  client: RestClient;
  bus: WatchBus;
  records: ClusterRecords;
  clock: Clock;
  log: Logger;
}

export class DnsInformers {
  private readonly informers: Informer<KubeObject>[];

  constructor(deps: DnsInformersDeps) {
    const common = { client: deps.client, bus: deps.bus, clock: deps.clock, log: deps.log, pageSize: 2000 };
    const services = new Informer({ ...common, resource: findResource('', 'v1', 'services')! });
    const slices = new Informer({ ...common, resource: findResource('discovery.k8s.io', 'v1', 'endpointslices')! });
    const { records } = deps;
    services.addEventHandler({
      onAdd: (o) => records.setService(objectKey(o), o as Service),
      onUpdate: (_b, o) => records.setService(objectKey(o), o as Service),
      onDelete: (o) => records.setService(objectKey(o), undefined),
    });
    slices.addEventHandler({
      onAdd: (o) => records.setSlice(objectKey(o), o as unknown as EndpointSlice),
      onUpdate: (_b, o) => records.setSlice(objectKey(o), o as unknown as EndpointSlice),
      onDelete: (o) => records.setSlice(objectKey(o), undefined),
    });
    this.informers = [services, slices];
  }

  start(): void {
    for (const informer of this.informers) informer.start();
  }

  hasSynced(): boolean {
    return this.informers.every((i) => i.hasSynced());
  }

  async stop(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.stop()));
  }
}
