// A synthetic cluster of kube-proxy's shape for benchmarks and large-ruleset tests: N ClusterIP
// Services (every tenth a NodePort) with E ready endpoints each spread over three nodes.
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { ProxyInput } from '../proxy/model.js';

export function syntheticCluster(services: number, endpointsPerService: number, nodeName = 'node1'): ProxyInput {
  const svcs: Service[] = [];
  const slices: EndpointSlice[] = [];
  for (let i = 0; i < services; i++) {
    const name = `svc-${i}`;
    const nodePort = i % 10 === 0 ? 30000 + (i / 10) % 2768 : undefined;
    svcs.push({
      metadata: { namespace: `ns-${i % 50}`, name },
      spec: {
        type: nodePort === undefined ? 'ClusterIP' : 'NodePort',
        clusterIP: `10.${96 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`,
        ports: [{ name: 'http', port: 80, protocol: 'TCP', ...(nodePort === undefined ? {} : { nodePort }) }],
      },
    });
    slices.push({
      metadata: { namespace: `ns-${i % 50}`, name: `${name}-1`, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      endpoints: Array.from({ length: endpointsPerService }, (_, e) => {
        const n = i * endpointsPerService + e;
        return { addresses: [`10.${128 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`], conditions: { ready: true }, nodeName: `node${(e % 3) + 1}` };
      }),
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
  }
  return { services: svcs, endpointSlices: slices, settings: { nodeName, localDetect: { mode: 'ClusterCIDR', cidr: '10.128.0.0/9' }, nodeIPs: ['192.168.0.2'] } };
}
