// The CRI client's failures a user meets before any runtime answers: a missing schema names the
// build step, an unreachable socket is a CriError with gRPC's UNAVAILABLE, and the kubelet's
// options take unix sockets only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import t from 'tap';
import { realClock } from '../lib/client/clock.js';
import { RestClient } from '../lib/client/rest-client.js';
import { criSchemaUpToDate } from '../build-tools/cri/fetch.js';
import { CriClient } from '../lib/cri/client.js';
import { CriError, isNotFound } from '../lib/cri/errors.js';
import { createLogger } from '../lib/observe/logger.js';
import { criLogRotatorFromOptions, criRuntimeFromOptions, criRuntimeOptions, type CriRuntimeOptionValues } from '../services/kubelet/runtime/cri/options.js';

t.test('without the schema the client says how to build it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-cri-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.throws(() => new CriClient('/nonexistent.sock', { schemaDir: dir }), /the CRI schema is missing .*npm run build/);
});

t.test('an unreachable runtime is UNAVAILABLE', { skip: criSchemaUpToDate() || process.env.RUDDER_CI ? undefined : 'the CRI schema is not built (npm run build)' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-cri-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const client = new CriClient(join(dir, 'none.sock'), { requestTimeoutMs: 2000 });
  t.teardown(() => client.close());
  const error = await client.version().catch((e: unknown) => e);
  t.ok(error instanceof CriError);
  t.equal((error as CriError).method, 'Version');
  t.ok([status.UNAVAILABLE, status.DEADLINE_EXCEEDED].includes((error as CriError).code), `code ${(error as CriError).code}`);
  t.notOk(isNotFound(error));
  t.ok(isNotFound(new CriError('RemoveContainer', status.NOT_FOUND, 'gone')));
});

t.test('the kubelet\'s CRI options make a runtime for a unix socket only', { skip: criSchemaUpToDate() || process.env.RUDDER_CI ? undefined : 'the CRI schema is not built (npm run build)' }, async (t) => {
  const log = createLogger('test', 'silent');
  const node = { name: 'node-a', internalIP: '10.213.0.2' };
  const defaults = Object.fromEntries(Object.entries(criRuntimeOptions).map(([name, spec]) => [name, spec.default])) as CriRuntimeOptionValues;
  const api = new RestClient({ server: 'https://127.0.0.1:1' });
  t.teardown(() => api.close());
  t.throws(() => criRuntimeFromOptions({ ...defaults, containerRuntimeEndpoint: 'tcp://127.0.0.1:1' }, node, '', log, api, realClock), /must be a unix socket/);
  const runtime = criRuntimeFromOptions({ ...defaults, containerRuntimeEndpoint: 'unix:///nonexistent/containerd.sock', syncFrequency: 10_000 }, node, '/tmp/kubelet', log, api, realClock);
  t.match(await runtime.health(), { ready: false, message: /^container runtime is down: CRI Status: / }, 'an unreachable runtime makes the node not ready, saying why');
  await runtime.close();
  const client = new CriClient('/nonexistent/containerd.sock');
  t.teardown(() => client.close());
  t.ok(criLogRotatorFromOptions(defaults, client, log), 'the default log rotation: 10Mi, 5 files');
  t.throws(() => criLogRotatorFromOptions({ ...defaults, containerLogMaxFiles: 1 }, client, log), /containerLogMaxFiles must be at least 2/);
});
