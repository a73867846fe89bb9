// An apiserver, the controller-manager and a kubelet stand-in, started for a controller test and
// stopped with it; with kubectl and a REST client pointed at the apiserver.
import type { Test } from 'tap';
import { startApiserver, type ApiserverProcess } from '../../lib/launch/apiserver-process.js';
import { startControllerManager, type ControllerManagerProcess } from '../../lib/launch/controller-manager-process.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { kubectl, type KubectlResult } from './kubectl.js';
import { KubeletStandIn, type KubeletStandInOptions } from './kubelet-stand-in.js';

export interface ControllerCluster {
  apiserver: ApiserverProcess;
  controllerManager: ControllerManagerProcess;
  client: RestClient;
  kubelet: KubeletStandIn;
  kubectl(version: string, args: string[], input?: string): Promise<KubectlResult>;
}

export async function startControllerCluster(t: Test, options: { controllerManagerArgs?: string[]; kubelet?: KubeletStandInOptions } = {}): Promise<ControllerCluster> {
  const apiserver = await startApiserver();
  t.teardown(() => apiserver.stop());
  const controllerManager = await startControllerManager(apiserver, ['--leader-elect=false', ...(options.controllerManagerArgs ?? [])]);
  t.teardown(() => controllerManager.stop());
  const client = RestClient.fromKubeconfig(apiserver.kubeconfig);
  t.teardown(() => client.close());
  const kubelet = new KubeletStandIn(client, options.kubelet);
  t.teardown(() => kubelet.stop());
  if (!(await kubelet.start())) throw new Error('the kubelet stand-in did not sync');
  return { apiserver, controllerManager, client, kubelet, kubectl: (version, args, input) => kubectl(version, apiserver.kubeconfig, args, input) };
}
