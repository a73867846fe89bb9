// The kubelet's events about a pod: involvedObject a v1 Pod (so `kubectl describe pod` finds
// them), from the component "kubelet".
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { EventRecorder } from '../../../lib/client/event-recorder.js';

export function recordPodEvent(events: EventRecorder | undefined, pod: Pod, type: 'Normal' | 'Warning', reason: string, action: string, message: string): void {
  events?.record({ apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata ?? {} }, 'kubelet', type, reason, action, message);
}
