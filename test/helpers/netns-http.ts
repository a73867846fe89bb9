// A tiny HTTP peer for namespace tests, run with nsenter inside a scratch namespace:
//   serve NAME PORT      answers every request with {"name", "remote"} (the client's address as seen)
//   get URL COUNT        prints one JSON line per request: the answer, or {"error": code}
import { createServer, request } from 'node:http';

const [mode, a, b] = process.argv.slice(2);
if (mode === 'serve') {
  createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.setHeader('connection', 'close');
    res.end(JSON.stringify({ name: a, remote: req.socket.remoteAddress }));
  }).listen(Number(b), '0.0.0.0', () => process.stdout.write('listening\n'));
} else if (mode === 'get') {
  for (let i = 0; i < Number(b); i++) {
    const line = await new Promise<string>((resolve) => {
      const req = request(a!, { agent: false, timeout: 2000 }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve(body));
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', (error: NodeJS.ErrnoException) => resolve(JSON.stringify({ error: error.code ?? error.message })));
      req.end();
    });
    process.stdout.write(`${line}\n`);
  }
} else {
  process.stderr.write('usage: netns-http serve NAME PORT | get URL COUNT\n');
  process.exit(2);
}
