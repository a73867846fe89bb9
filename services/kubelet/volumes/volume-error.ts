// A volume that cannot be set up for a pod now (a missing ConfigMap, a hostPath of the wrong
// type, an unbound claim): the pod waits in ContainerCreating and the kubelet tries again.
export class VolumeError extends Error {
  override name = 'VolumeError';
}
