// An example research Score plugin: prefer nodes running fewer pods. Load it with
//   --plugin-module examples/scheduler-plugins/fewest-pods.mjs --config examples/scheduler-plugins/research-scheduler.yaml
// Scores are 0-100: an empty node scores 100, a node at its pod capacity 0.
export const plugins = {
  FewestPods: () => ({
    name: 'FewestPods',
    score(_state, _podInfo, nodeInfo) {
      const capacity = nodeInfo.allocatable.allowedPodNumber || 110;
      return Math.max(0, Math.round(100 * (1 - nodeInfo.pods.length / capacity)));
    },
  }),
};
