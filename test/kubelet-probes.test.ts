// The kubelet's probes against real servers on loopback ports: httpGet (status 200–399 is
// success, headers and kube-probe's User-Agent sent, named ports, timeouts), tcpSocket, grpc
// (grpc.health.v1), each failure worded as Kubernetes words it; and the probe manager's counting:
// readiness follows successThreshold/failureThreshold, a startup probe gates readiness and
// liveness, and a failed liveness probe asks for the container to be killed with the probe's grace;
// httpGet lifecycle hooks make the same request.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { Server as GrpcServer, ServerCredentials, status as GrpcStatus, type sendUnaryData, type ServerUnaryCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { Registry } from 'prom-client';
import t, { type Test } from 'tap';
import type { CriClient } from '../lib/cri/client.js';
import { KubeletMetrics } from '../services/kubelet/metrics.js';
import { runHook } from '../services/kubelet/runtime/cri/hooks.js';
import { realClock } from '../lib/client/clock.js';
import { HEALTH_SERVICE, type HealthCheckRequest, type HealthCheckResponse, type ServingStatusName } from '../services/kubelet/probes/grpc-health.js';
import { grpcProbe } from '../services/kubelet/probes/grpc-probe.js';
import { httpProbe } from '../services/kubelet/probes/http-probe.js';
import { ProbeManager } from '../services/kubelet/probes/probe-manager.js';
import { runProbe } from '../services/kubelet/probes/prober.js';
import { tcpProbe } from '../services/kubelet/probes/tcp-probe.js';
import type { ContainerObservation, PodObservation, PodRuntime } from '../services/kubelet/runtime/pod-runtime.js';
import { until } from './helpers/until.js';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** An HTTP server answering with the status `answer()` gives, and remembering the request headers. */
async function httpServer(t: Test, answer: (path: string) => number): Promise<{ port: number; headers: IncomingHttpHeaders[] }> {
  const headers: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    headers.push(req.headers);
    const status = answer(req.url ?? '/');
    if (status === 0) return; // never answers
    res.writeHead(status, status >= 300 && status < 400 ? { location: 'http://elsewhere.invalid/' } : {}).end('body');
  });
  const port = await listen(server);
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  return { port, headers };
}

t.test('httpGet probes', async (t) => {
  const { port, headers } = await httpServer(t, (path) => (path === '/ok' ? 200 : path === '/moved' ? 302 : path === '/slow' ? 0 : 500));
  const target = (path: string) => ({ scheme: 'HTTP' as const, host: '127.0.0.1', port, path, headers: [{ name: 'X-Probe', value: 'yes' }] });
  t.same(await httpProbe(target('/ok'), 1000), { result: 'success', output: 'body' });
  t.equal((await httpProbe(target('/moved'), 1000)).result, 'success', 'a redirect (3xx) is success');
  t.same(await httpProbe(target('/bad'), 1000), { result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
  t.equal(headers[0]?.['x-probe'], 'yes', 'the probe\'s headers are sent');
  t.match(headers[0]?.['user-agent'], /^kube-probe\/\d+\.\d+$/);
  t.equal(headers[0]?.accept, '*/*');
  const slow = await httpProbe(target('/slow'), 300);
  t.same(slow, { result: 'failure', output: `Get "http://127.0.0.1:${port}/slow": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` }, 'a server slower than the timeout fails');
  const closed = await freePort();
  t.same(await httpProbe({ ...target('/'), port: closed }, 1000), { result: 'failure', output: `Get "http://127.0.0.1:${closed}/": dial tcp 127.0.0.1:${closed}: connect: connection refused` });

  // through runProbe: the port by name, the pod IP as host, the default path
  const container: Container = { name: 'app', ports: [{ name: 'http', containerPort: port }] };
  const runtime = {} as PodRuntime;
  t.equal((await runProbe({ httpGet: { port: 'http', path: '/ok' } }, { runtime, uid: 'u', container, podIP: '127.0.0.1' })).result, 'success', 'a named port');
  t.same(await runProbe({ httpGet: { port: 'web' } }, { runtime, uid: 'u', container, podIP: '127.0.0.1' }), { result: 'error', output: 'unable to find port "web" in container app' });
});

t.test('tcpSocket probes', async (t) => {
  const server = createTcpServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const port = (server.address() as AddressInfo).port;
  t.same(await tcpProbe('127.0.0.1', port, 1000), { result: 'success', output: '' });
  const closed = await freePort();
  t.same(await tcpProbe('127.0.0.1', closed, 1000), { result: 'failure', output: `dial tcp 127.0.0.1:${closed}: connect: connection refused` });
});

t.test('grpc probes', async (t) => {
  let serving: ServingStatusName = 'SERVING';
  const server = new GrpcServer();
  const implementation: UntypedServiceImplementation = {
    check: (call: ServerUnaryCall<HealthCheckRequest, HealthCheckResponse>, callback: sendUnaryData<HealthCheckResponse>) => {
      if (call.request.service === 'missing') callback({ code: GrpcStatus.NOT_FOUND, details: 'unknown service' });
      else callback(null, { status: serving });
    },
  };
  server.addService(HEALTH_SERVICE, implementation);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  t.teardown(() => server.forceShutdown());
  const bare = new GrpcServer();
  const barePort = await new Promise<number>((resolve, reject) => bare.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  t.teardown(() => bare.forceShutdown());

  t.same(await grpcProbe('127.0.0.1', port, '', 2000), { result: 'success', output: '' });
  serving = 'NOT_SERVING';
  t.same(await grpcProbe('127.0.0.1', port, '', 2000), { result: 'failure', output: 'service unhealthy (responded with "NOT_SERVING")' });
  t.match(await grpcProbe('127.0.0.1', port, 'missing', 2000), { result: 'failure', output: /^error: health rpc probe failed: / });
  t.match(await grpcProbe('127.0.0.1', barePort, '', 2000), { result: 'failure', output: /^error: this server does not implement the grpc health protocol \(grpc\.health\.v1\.Health\)/ });
  const closed = await freePort();
  t.match(await grpcProbe('127.0.0.1', closed, '', 1000), { result: 'failure', output: /^timeout: failed to connect service "127\.0\.0\.1:\d+" within 1s/ });
});

t.test('the probe manager counts results, gates on startup and asks for kills', async (t) => {
  const answers = { ready: 500, live: 200, started: 500 };
  const { port } = await httpServer(t, (path) => answers[path.slice(1) as keyof typeof answers] ?? 404);
  const changes: string[] = [];
  const registry = new Registry();
  const manager = new ProbeManager({ clock: realClock, metrics: new KubeletMetrics(registry), onChange: (uid) => changes.push(uid) });
  t.teardown(() => manager.stop());
  const probe = (path: string, extra = {}) => ({ httpGet: { port, path }, periodSeconds: 1, timeoutSeconds: 1, ...extra });
  const pod: Pod = {
    metadata: { uid: 'u1', name: 'web', namespace: 'default' },
    spec: {
      terminationGracePeriodSeconds: 30,
      containers: [{ name: 'app', readinessProbe: probe('/ready', { successThreshold: 2 }), livenessProbe: probe('/live', { failureThreshold: 2, terminationGracePeriodSeconds: 3 }), startupProbe: probe('/started') }],
    },
  };
  const running: ContainerObservation = { name: 'app', id: 'containerd://c1', image: 'app', imageRef: 'sha256:1', attempt: 0, state: 'running', createdAt: Date.now(), startedAt: Date.now() };
  const look = (): { container: ContainerObservation; kills: ReturnType<ProbeManager['apply']> } => {
    const observed: PodObservation = { uid: 'u1', name: 'web', namespace: 'default', sandbox: { id: 's', ready: true, createdAt: Date.now(), ips: ['127.0.0.1'] }, containers: [{ ...running }] };
    const kills = manager.apply(pod, {} as PodRuntime, observed, '10.0.0.1');
    return { container: observed.containers[0]!, kills };
  };

  let seen = look();
  t.same([seen.container.started, seen.container.ready, seen.kills], [false, false, []], 'not started, not ready before the startup probe succeeds');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  t.equal(look().container.ready, false, 'readiness does not run before startup');
  answers.started = 200;
  t.ok(await until(() => look().container.started === true, 4000, 100), 'started once the startup probe succeeds');
  answers.ready = 200;
  const readySince = Date.now();
  t.ok(await until(() => look().container.ready === true, 5000, 50), 'ready');
  t.ok(Date.now() - readySince >= 900, 'after two successes in a row (successThreshold 2)');
  t.ok(changes.length >= 2, 'each counted change re-queues the pod');

  answers.live = 500;
  t.ok(await until(() => look().kills.length > 0, 5000, 100), 'a failing liveness probe asks for a kill');
  seen = look();
  t.same(seen.kills, [{ name: 'app', gracePeriodSeconds: 3, reason: 'Unhealthy', message: 'Container app failed liveness probe, will be restarted' }], "with the probe's grace period");
  t.equal(seen.container.ready, true, 'readiness is its own probe');
  running.id = 'containerd://c2';
  running.startedAt = Date.now();
  answers.live = 200;
  seen = look();
  t.same([seen.kills, seen.container.started, seen.container.ready], [[], false, false], 'the replacing container starts over');

  const metrics = await registry.getMetricsAsJSON();
  const total = metrics.find((m) => m.name === 'prober_probe_total')?.values ?? [];
  const count = (type: string, result: string) => total.find((v) => v.labels.probe_type === type && v.labels.result === result && v.labels.pod === 'web' && v.labels.container === 'app')?.value ?? 0;
  t.ok(count('Liveness', 'failed') >= 2 && count('Readiness', 'successful') >= 2 && count('Startup', 'failed') >= 1, 'prober_probe_total counts the runs by type and result');
  manager.removePod('u1');
  const after = (await registry.getMetricsAsJSON()).find((m) => m.name === 'prober_probe_total')?.values ?? [];
  t.same(after, [], 'a removed pod\'s series go');
});

t.test('a readiness not known yet is probed as soon as the container runs, not a period later', async (t) => {
  const { port } = await httpServer(t, () => 200);
  const manager = new ProbeManager({ clock: realClock, onChange: () => undefined });
  t.teardown(() => manager.stop());
  const pod: Pod = { metadata: { uid: 'u2', name: 'slow', namespace: 'default' }, spec: { containers: [{ name: 'app', readinessProbe: { httpGet: { port, path: '/' }, periodSeconds: 30 } }] } };
  const sandbox = { id: 's', ready: true, createdAt: Date.now(), ips: ['127.0.0.1'] };
  manager.apply(pod, {} as PodRuntime, { uid: 'u2', name: 'slow', namespace: 'default', sandbox, containers: [] }, '10.0.0.1');
  await new Promise((resolve) => setTimeout(resolve, 200));
  const look = () => {
    const container: ContainerObservation = { name: 'app', id: 'containerd://c1', image: 'app', imageRef: 'sha256:1', attempt: 0, state: 'running', createdAt: Date.now(), startedAt: Date.now() };
    manager.apply(pod, {} as PodRuntime, { uid: 'u2', name: 'slow', namespace: 'default', sandbox, containers: [container] }, '10.0.0.1');
    return container.ready;
  };
  t.equal(look(), false, 'not ready before its first probe');
  t.ok(await until(() => look() === true, 3000, 50), 'ready within moments although periodSeconds is 30');
});

t.test('an httpGet lifecycle hook makes the HTTP prober\'s request', async (t) => {
  const { port, headers } = await httpServer(t, (path) => (path === '/stop' ? 200 : 503));
  const container: Container = { name: 'app', ports: [{ name: 'admin', containerPort: port }] };
  const target = { containerId: 'c1', container, podIP: '127.0.0.1' };
  const noCri = {} as CriClient;
  t.equal(await runHook(noCri, { httpGet: { port: 'admin', path: '/stop', httpHeaders: [{ name: 'X-Hook', value: 'preStop' }] } }, target, 2), undefined, 'a 200 is success');
  t.equal(headers[0]?.['x-hook'], 'preStop');
  t.match(headers[0]?.['user-agent'], /^kube-probe\//);
  t.equal(await runHook(noCri, { httpGet: { port, path: '/other' } }, target, 2), 'HTTP lifecycle hook (/other) for Container "app" failed - error: HTTP probe failed with statuscode: 503');
});

t.test('a failed startup probe kills; under restartPolicy Never nothing says it will be restarted', async (t) => {
  const closed = await freePort();
  const manager = new ProbeManager({ clock: realClock, onChange: () => undefined });
  t.teardown(() => manager.stop());
  const pod: Pod = { metadata: { uid: 'u3', name: 'once', namespace: 'default' }, spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 7, containers: [{ name: 'app', startupProbe: { tcpSocket: { port: closed }, periodSeconds: 1, failureThreshold: 1 } }] } };
  const look = () => {
    const container: ContainerObservation = { name: 'app', id: 'containerd://c1', image: 'app', imageRef: 'sha256:1', attempt: 0, state: 'running', createdAt: Date.now(), startedAt: Date.now() };
    return manager.apply(pod, {} as PodRuntime, { uid: 'u3', name: 'once', namespace: 'default', sandbox: { id: 's', ready: true, createdAt: Date.now(), ips: ['127.0.0.1'] }, containers: [container] }, '10.0.0.1');
  };
  t.ok(await until(() => look().length > 0, 3000, 50), 'killed');
  t.same(look(), [{ name: 'app', gracePeriodSeconds: 7, reason: 'Unhealthy', message: 'Container app failed startup probe' }], "with the pod's grace period");
});
