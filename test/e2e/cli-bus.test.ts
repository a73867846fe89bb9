// `rudder up --bus redis`: with no --redis-url it runs a local redis-server beside the apiserver,
// which publishes every change to it; `rudder down` stops both. Without redis-server installed it
// says what to install instead of starting half a cluster.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import t from 'tap';
import { findResource } from '../../lib/api/resources.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { freePort } from '../../lib/process/ports.js';
import { redisServerInstalled } from '../../lib/launch/redis-process.js';
import { rudder, alive } from '../helpers/rudder-cli.js';

t.test('rudder up --bus redis runs a local Redis the apiserver publishes to', { skip: !redisServerInstalled() && !process.env.RUDDER_CI && 'redis-server is not installed' }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rudder-cli-redis-'));
  t.teardown(() => {
    rudder(['down', '--data-dir', dataDir]);
    rmSync(dataDir, { recursive: true, force: true });
  });
  const port = await freePort();

  // 1. up starts redis, then the apiserver
  const up = rudder(['up', '--nodes', '0', '--detach', '--bus', 'redis', '--data-dir', dataDir, '--port', String(port), '--scheduler-port', String(await freePort()), '--controller-manager-port', String(await freePort())]);
  t.equal(up.code, 0, up.stderr);
  const status = JSON.parse(rudder(['status', '--data-dir', dataDir, '-o', 'json']).stdout) as { components: { name: string; pid: number; url: string; healthy: boolean }[] };
  t.match(status.components, [{ name: 'redis', healthy: true, url: /^redis:\/\/127\.0\.0\.1:\d+$/ }, { name: 'apiserver', healthy: true }]);

  // 2. a change made through the apiserver appears in its stream
  const client = RestClient.fromKubeconfig(join(dataDir, 'kubeconfig'));
  t.teardown(() => client.close());
  const made = await client.create(findResource('', 'v1', 'configmaps')!, { metadata: { name: 'hello', namespace: 'default' } });
  const redis = new Redis(status.components[0]!.url);
  t.teardown(() => redis.disconnect());
  let entries: [string, string[]][] = [];
  for (let i = 0; i < 50 && entries.length === 0; i++) {
    entries = await redis.xrange('rudder:events:configmaps', `${made.metadata?.resourceVersion}-0`, '+');
    if (entries.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.equal(entries[0]?.[0], `${made.metadata?.resourceVersion}-0`, 'entry ID is the resourceVersion');
  t.ok(entries[0]?.[1].includes('prev'), 'with the previous revision of the stream');

  // 3. down stops both
  t.equal(rudder(['down', '--data-dir', dataDir]).code, 0);
  t.ok(status.components.every((c) => !alive(c.pid)), 'redis and the apiserver are stopped');
});

t.test('without redis-server, rudder up --bus redis says what to install', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rudder-cli-noredis-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const result = rudder(['up', '--nodes', '0', '--bus', 'redis', '--data-dir', dataDir, '--port', String(await freePort())], { env: { ...process.env, PATH: '/nonexistent' } });
  t.equal(result.code, 1);
  t.match(result.stderr, /redis-server is not installed.*apt-get install redis-server.*--redis-url/s);
  t.equal(rudder(['status', '--data-dir', dataDir]).code, 1, 'nothing was started');
});
