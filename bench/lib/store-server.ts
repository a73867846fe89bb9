// One replica of the replicated store behind the thinnest HTTP front there is: plain HTTP, one
// route, the body's value written with one store transaction. The store benchmark runs three of
// these beside an etcd cluster, so both are driven over HTTP by the same load generator.
// Run as its own process: node store-server.js DATA_DIR HTTP_PORT ID PEERS(id=host:port,...) CERT_DIR
// (CERT_DIR holds the cluster CA; the replica makes its Raft peer certificate there).
import { createServer } from 'node:http';
import { Store } from '../../lib/native/store.js';
import { ensureRaftPeerCert } from '../../lib/pki/raft-peer.js';

const [dataDir, portText, idText, peersText, certDir] = process.argv.slice(2);
if (!dataDir || !portText || !idText || !peersText || !certDir) {
  process.stderr.write('usage: store-server.js DATA_DIR HTTP_PORT ID PEERS CERT_DIR\n');
  process.exit(2);
}
const id = Number(idText);
const peers = peersText.split(',').map((entry) => {
  const [peer, address] = entry.split('=');
  return { id: Number(peer), address: address! };
});
const tls = await ensureRaftPeerCert(certDir, id);
const store = Store.open({ dataDir, replication: { id, listen: peers.find((p) => p.id === id)!.address, peers, tls } });

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/status') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(store.replicaStatus()));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let body: { key: string; value: string };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { key: string; value: string };
    } catch {
      res.writeHead(400).end();
      return;
    }
    store.txn({ success: [{ type: 'put', key: body.key, value: body.value }] }).then(
      (result) => res.writeHead(200, { 'content-type': 'application/json' }).end(`{"revision":${result.revision}}`),
      (error: unknown) => res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (error as Error).message })),
    );
  });
});
server.keepAliveTimeout = 75_000;
server.listen(Number(portText), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  void store.close().then(() => process.exit(0));
});
