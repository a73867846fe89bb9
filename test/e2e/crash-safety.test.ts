// Durability: SIGKILL the apiserver in the middle of a burst of concurrent creates, start it again
// on the same data, and check that every acknowledged object survived and no refused one exists.
import t from 'tap';
import { startApiserver } from '../../lib/launch/apiserver-process.js';
import { rest } from '../helpers/rest.js';

const CLIENTS = 32;

t.test('acknowledged creates survive SIGKILL; refused ones never appear', async (t) => {
  // 1. an apiserver with a namespace to write into
  const server = await startApiserver();
  t.teardown(() => server.stop());
  const ns = await rest(server, 'POST', '/api/v1/namespaces', { metadata: { name: 'burst' } });
  t.equal(ns.status, 201, ns.text);

  // 2. 32 clients create configmaps as fast as they can; some names are deliberately invalid
  const acknowledged = new Set<string>();
  const refused = new Set<string>();
  let running = true;
  const clients = Array.from({ length: CLIENTS }, async (_, c) => {
    for (let i = 0; running; i++) {
      const name = i % 10 === 9 ? `Invalid_${c}_${i}` : `cm-${c}-${i}`;
      try {
        const res = await rest(server, 'POST', '/api/v1/namespaces/burst/configmaps', { metadata: { name }, data: { payload: 'x'.repeat(512) } });
        if (res.status === 201) acknowledged.add(name);
        else if (res.status >= 400 && res.status < 500) refused.add(name);
      } catch {
        // The connection died with the server: the outcome is unknown, so the name is in neither set.
        return;
      }
    }
  });

  // 3. kill the apiserver once the burst is well under way
  while (acknowledged.size < 2000) await new Promise((r) => setTimeout(r, 20));
  await server.kill('SIGKILL');
  running = false;
  await Promise.all(clients);
  t.ok(acknowledged.size >= 2000, `${acknowledged.size} creates were acknowledged before the kill`);
  t.ok(refused.size > 0, `${refused.size} invalid creates were refused`);

  // 4. restart on the same data directory and read everything back
  await server.restart();
  const list = await rest(server, 'GET', '/api/v1/namespaces/burst/configmaps');
  t.equal(list.status, 200);
  const present = new Set(list.json<{ items: { metadata: { name: string } }[] }>().items.map((i) => i.metadata.name));
  const lost = [...acknowledged].filter((name) => !present.has(name));
  t.same(lost, [], 'no acknowledged create was lost');
  const appeared = [...refused].filter((name) => present.has(name));
  t.same(appeared, [], 'no refused create was stored');
  const created = await rest(server, 'POST', '/api/v1/namespaces/burst/configmaps', { metadata: { name: 'after-restart' } });
  t.equal(created.status, 201, 'the restarted server accepts writes');
});
