// Lifecycle hooks run by the kubelet (kuberuntime/lifecycle handlers): exec in the container
// through CRI ExecSync, or an HTTP GET to the pod (its IP unless the hook names a host). A
// hook that fails is reported with its output, for the FailedPostStartHook / FailedPreStopHook
// events and the kill that follows a failed postStart.
import type { Container, LifecycleHandler } from 'kubernetes-types/core/v1.js';
import type { CriClient } from '../../../../lib/cri/client.js';
import { containerPort } from '../../probes/container-port.js';
import { httpProbe } from '../../probes/http-probe.js';

export interface HookTarget {
  containerId: string;
  container: Container;
  podIP: string;
}

/** Runs the hook; resolves to undefined when it succeeded, else to why it failed. */
export async function runHook(client: CriClient, handler: LifecycleHandler, target: HookTarget, timeoutSeconds: number): Promise<string | undefined> {
  try {
    if (handler.exec) {
      const result = await client.execSync(target.containerId, handler.exec.command ?? [], Math.max(1, Math.ceil(timeoutSeconds)));
      if (result.exitCode !== 0) return `command ${JSON.stringify(handler.exec.command ?? [])} exited with ${result.exitCode}: ${result.stdout.toString()}${result.stderr.toString()}`;
      return undefined;
    }
    if (handler.httpGet) {
      // the HTTP prober's request: the pod's IP unless a host is named, kube-probe's User-Agent, HTTPS unverified
      const get = handler.httpGet;
      const path = get.path ?? '/';
      const request = { scheme: get.scheme === 'HTTPS' ? ('HTTPS' as const) : ('HTTP' as const), host: get.host || target.podIP, port: containerPort(get.port, target.container), path, headers: get.httpHeaders ?? [] };
      const outcome = await httpProbe(request, Math.max(1, timeoutSeconds) * 1000);
      if (outcome.result !== 'success') return `HTTP lifecycle hook (${path}) for Container "${target.container.name}" failed - error: ${outcome.output}`;
      return undefined;
    }
    if (handler.sleep) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(handler.sleep!.seconds, timeoutSeconds) * 1000));
      return undefined;
    }
    return 'the hook has no handler';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
