// The in-process apiserver of inject-server, listening on a free loopback port over plain HTTP,
// for clients that need a real connection (REST client, informers, the http bus).
import { RestClient, type RestClientConfig } from '../../lib/client/rest-client.js';
import { injectServer, TEST_TOKEN, type InjectServer, type InjectServerOptions } from './inject-server.js';

export interface ListeningServer extends InjectServer {
  url: string;
  client(config?: Partial<RestClientConfig>): RestClient;
}

export async function listeningServer(options: InjectServerOptions = {}): Promise<ListeningServer> {
  const server = await injectServer(options);
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const address = server.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  const clients: RestClient[] = [];
  return {
    ...server,
    url,
    client(config = {}) {
      const client = new RestClient({ server: url, token: TEST_TOKEN, ...config });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await server.close();
    },
  };
}
