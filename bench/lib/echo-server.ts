// The baseline for apiserver benchmarks: the same HTTPS + Fastify + JSON path with no validation
// and no store, answering every POST with 201 and the body it got. What Rudder does beyond this
// is the cost of being an apiserver. Run as its own process: node echo-server.js KEY CERT PORT.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const [keyPath, certPath, portText] = process.argv.slice(2);
if (!keyPath || !certPath || !portText) {
  process.stderr.write('usage: echo-server.js KEY CERT PORT\n');
  process.exit(2);
}
const app = Fastify({ https: { key: readFileSync(keyPath), cert: readFileSync(certPath) }, bodyLimit: 3 * 1024 * 1024, keepAliveTimeout: 75_000 });
let revision = 1;
app.post('/*', async (request, reply) => {
  const body = request.body as { metadata?: Record<string, unknown> };
  body.metadata = { ...body.metadata, resourceVersion: String(++revision) };
  return reply.code(201).type('application/json').send(JSON.stringify(body));
});
app.get('/readyz', async () => 'ok');
await app.listen({ host: '127.0.0.1', port: Number(portText) });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
