// The event recorder against a real apiserver: an event is an Event with count 1; the same event
// again (same object, type, reason, message, component) counts up on that Event instead of making
// another, as client-go's event logger does; a different message is an Event of its own.
import type { Event } from 'kubernetes-types/core/v1.js';
import { Registry } from 'prom-client';
import t from 'tap';
import { realClock } from '../lib/client/clock.js';
import { EventRecorder } from '../lib/client/event-recorder.js';
import { RestClient } from '../lib/client/rest-client.js';
import { startApiserver } from '../lib/launch/apiserver-process.js';
import { createLogger } from '../lib/observe/logger.js';
import { EVENTS } from './helpers/sched-api.js';

t.test('repeated events count up on one Event', async (t) => {
  const apiserver = await startApiserver();
  t.teardown(() => apiserver.stop());
  const client = RestClient.fromKubeconfig(apiserver.kubeconfig);
  t.teardown(() => client.close());
  const events = new EventRecorder({ client, clock: realClock, identity: 'test', metrics: new Registry(), metricPrefix: 'test', log: createLogger('event-test', 'warn') });
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u1' } };

  for (let i = 0; i < 5; i++) events.record(pod, 'kubelet', 'Warning', 'Unhealthy', 'Probing', 'Readiness probe failed: HTTP probe failed with statuscode: 500');
  events.record(pod, 'kubelet', 'Warning', 'Unhealthy', 'Probing', 'Readiness probe failed: HTTP probe failed with statuscode: 503');
  await events.flushed();
  await new Promise((resolve) => setTimeout(resolve, 1100));
  events.record(pod, 'kubelet', 'Warning', 'Unhealthy', 'Probing', 'Readiness probe failed: HTTP probe failed with statuscode: 500');
  await events.flushed();

  const written = (await client.list<Event>(EVENTS, { namespace: 'default' })).items.sort((a, b) => (b.count ?? 0) - (a.count ?? 0));
  t.equal(written.length, 2, 'two Events for two messages');
  t.match(written[0], { reason: 'Unhealthy', type: 'Warning', count: 6, message: 'Readiness probe failed: HTTP probe failed with statuscode: 500', involvedObject: { kind: 'Pod', name: 'web', uid: 'u1' } });
  t.ok(Date.parse(written[0]!.lastTimestamp!) > Date.parse(written[0]!.firstTimestamp!), 'lastTimestamp moves on, firstTimestamp stays');
  t.match(written[1], { count: 1, message: /statuscode: 503$/ });
});
