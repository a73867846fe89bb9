// Services and EndpointSlices for DNS tests and the DNS benchmark, and a tiny fixed-answer DNS
// server (the upstream a test forwards to, and the benchmark's baseline).
import { createSocket, type Socket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';

export function service(namespace: string, name: string, spec: Service['spec']): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec };
}

export function slice(namespace: string, service: string, endpoints: { ip: string; hostname?: string; ready?: boolean }[], ports: { name: string; port: number; protocol?: string }[]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace, name: `${service}-abcde`, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], ...(e.hostname ? { hostname: e.hostname } : {}), conditions: { ready: e.ready ?? true } })),
    ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? 'TCP' })),
  };
}

/** A UDP DNS server answering every A question with `address` (TTL 60), on a free loopback port. */
export async function fixedAnswerServer(address: string): Promise<{ port: number; questions: string[]; close(): Promise<void> }> {
  const socket: Socket = createSocket('udp4');
  const questions: string[] = [];
  socket.on('message', (message, peer) => {
    const query = dnsPacket.decode(message);
    const question = query.questions![0]!;
    questions.push(question.name);
    const answers = question.type === 'A' ? [{ name: question.name, type: 'A' as const, ttl: 60, data: address }] : [];
    socket.send(dnsPacket.encode({ id: query.id ?? 0, type: 'response', flags: dnsPacket.RECURSION_AVAILABLE | dnsPacket.RECURSION_DESIRED, questions: [question], answers }), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, questions, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}
