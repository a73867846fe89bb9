// The labels and annotations the kubelet puts on CRI sandboxes and containers (Kubernetes'
// pkg/kubelet/types and kuberuntime/labels.go), by which it finds a pod's sandboxes and
// containers again after a restart.

export const POD_NAME_LABEL = 'io.kubernetes.pod.name';
export const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
export const POD_UID_LABEL = 'io.kubernetes.pod.uid';
export const CONTAINER_NAME_LABEL = 'io.kubernetes.container.name';
/** Set to "podsandbox" on sandboxes by the runtime; the kubelet marks its own sandboxes with this. */
export const KUBERNETES_MANAGED_LABEL = 'io.kubernetes.container.type';

export const RESTART_COUNT_ANNOTATION = 'io.kubernetes.container.restartCount';
export const TERMINATION_MESSAGE_PATH_ANNOTATION = 'io.kubernetes.container.terminationMessagePath';
export const TERMINATION_MESSAGE_POLICY_ANNOTATION = 'io.kubernetes.container.terminationMessagePolicy';
export const POD_TERMINATION_GRACE_PERIOD_ANNOTATION = 'io.kubernetes.pod.terminationGracePeriod';
/** The image as the pod spec names it (the runtime reports the one it resolved). */
export const CONTAINER_IMAGE_ANNOTATION = 'io.kubernetes.container.image';
