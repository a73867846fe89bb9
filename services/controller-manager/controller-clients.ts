// The API client each controller writes with. With --use-service-account-credentials (as
// kube-controller-manager) a controller acts as its own ServiceAccount in kube-system — a client
// that presents only that account's token (no client certificate), asked for through the TokenRequest
// API with the controller-manager's own identity and renewed before it expires — so the apiserver
// authorizes each controller by its system:controller:<account> ClusterRole. Without the flag every
// controller uses the controller-manager's own client. The shared informers always read with the
// controller-manager's identity (its role may list and watch everything).
import type { Clock } from '../../lib/client/clock.js';
import type { ClusterAccess } from '../../lib/client/kubeconfig.js';
import { RestClient, type RestClientConfig } from '../../lib/client/rest-client.js';
import { ServiceAccountTokenSource } from '../../lib/client/service-account-token-source.js';
import { controllerServiceAccount } from './controller-names.js';

export const CONTROLLER_ACCOUNTS_NAMESPACE = 'kube-system';

export interface ControllerClientsConfig {
  useServiceAccountCredentials: boolean;
  /** The controller-manager's own client: it asks for the tokens. */
  root: RestClient;
  /** Where the apiserver is and how to trust it (the credentials in it are not used for the accounts). */
  access: ClusterAccess;
  clock: Clock;
  /** Settings every client shares (encoding, rate limits, user agent). */
  clientSettings: Omit<RestClientConfig, keyof ClusterAccess | 'tokenSource'>;
}

export class ControllerClients {
  private readonly byAccount = new Map<string, RestClient>();

  constructor(private readonly config: ControllerClientsConfig) {}

  /** The client the named controller writes with (one per ServiceAccount: the node controllers share node-controller's). */
  clientFor(controller: string): RestClient {
    const { useServiceAccountCredentials, root, access, clock, clientSettings } = this.config;
    if (!useServiceAccountCredentials) return root;
    const account = controllerServiceAccount(controller);
    let client = this.byAccount.get(account);
    if (!client) {
      const tokenSource = new ServiceAccountTokenSource({ client: root, namespace: CONTROLLER_ACCOUNTS_NAMESPACE, name: account, clock });
      client = new RestClient({ server: access.server, caPem: access.caPem, insecureSkipTlsVerify: access.insecureSkipTlsVerify, ...clientSettings, userAgent: `${clientSettings.userAgent ?? 'rudder-controller-manager'}/${account}`, tokenSource });
      this.byAccount.set(account, client);
    }
    return client;
  }

  async close(): Promise<void> {
    await Promise.all([...this.byAccount.values()].map((c) => c.close()));
    this.byAccount.clear();
  }
}
