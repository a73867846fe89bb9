// Informers on Services, EndpointSlices and this node, feeding the syncer.
import type { Node, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource } from '../../lib/api/resources.js';
import type { WatchBus } from '../../lib/bus/bus.js';
import type { Clock } from '../../lib/client/clock.js';
import { Informer } from '../../lib/client/informer.js';
import { objectKey } from '../../lib/client/paths.js';
import type { RestClient } from '../../lib/client/rest-client.js';
import type { Logger } from '../../lib/observe/logger.js';
import type { Syncer } from './syncer.js';

export interface ProxyInformersDeps {
  client: RestClient;
  bus: WatchBus;
  nodeName: string;
  /** One per IP family; each sees every object. */
  syncers: Syncer[];
  clock: Clock;
  log: Logger;
}

export class ProxyInformers {
  private readonly informers: Informer<KubeObject>[];

  constructor(deps: ProxyInformersDeps) {
    const common = { client: deps.client, bus: deps.bus, clock: deps.clock, log: deps.log, pageSize: 2000 };
    const services = new Informer({ ...common, resource: findResource('', 'v1', 'services')! });
    const slices = new Informer({ ...common, resource: findResource('discovery.k8s.io', 'v1', 'endpointslices')! });
    const nodes = new Informer({ ...common, resource: findResource('', 'v1', 'nodes')!, fieldSelector: `metadata.name=${deps.nodeName}` });
    const all = (tell: (syncer: Syncer) => void) => deps.syncers.forEach(tell);
    services.addEventHandler({
      onAdd: (o) => all((s) => s.setService(o as Service, objectKey(o))),
      onUpdate: (_b, o) => all((s) => s.setService(o as Service, objectKey(o))),
      onDelete: (o) => all((s) => s.setService(undefined, objectKey(o))),
    });
    slices.addEventHandler({
      onAdd: (o) => all((s) => s.setSlice(o as unknown as EndpointSlice, objectKey(o))),
      onUpdate: (_b, o) => all((s) => s.setSlice(o as unknown as EndpointSlice, objectKey(o))),
      onDelete: (o) => all((s) => s.setSlice(undefined, objectKey(o), o as unknown as EndpointSlice)),
    });
    nodes.addEventHandler({
      onAdd: (o) => all((s) => s.setNode(o as Node)),
      onUpdate: (_b, o) => all((s) => s.setNode(o as Node)),
      onDelete: () => all((s) => s.setNode(undefined)),
    });
    this.informers = [services, slices, nodes];
    const whenSynced = async (informer: Informer<KubeObject>, kind: 'services' | 'slices') => {
      while (!(await informer.waitForSync())) deps.log.warn({ resource: kind }, 'still waiting for the first list');
      all((s) => s.markSynced(kind));
    };
    void whenSynced(services, 'services');
    void whenSynced(slices, 'slices');
  }

  start(): void {
    for (const informer of this.informers) informer.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.stop()));
  }
}
