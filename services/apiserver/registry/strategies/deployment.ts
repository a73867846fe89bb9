// Deployments: the spec counts generations (the deployment controller reports the one it acted on in
// status.observedGeneration), and the status is the controller's, through /status — which, as
// Kubernetes' deploymentStatusStrategy, keeps the stored spec and labels but takes the rest of the
// metadata sent (the controller records deployment.kubernetes.io/revision with the status).
import type { KubeObject } from '../../../../lib/api/object.js';
import { validateStatusUpdate } from '../../../../lib/api/validation/index.js';
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

const info = served('apps', 'v1', 'deployments');

export const deploymentStrategy = defineStrategy(info, {
  tracksGeneration: true,
  status: {
    prepareForUpdate(next, old) {
      const merged: KubeObject = { ...next, spec: structuredClone(old.spec), metadata: { ...(next.metadata ?? {}), labels: old.metadata.labels } };
      if (old.metadata.labels === undefined) delete merged.metadata!.labels;
      if (old.spec === undefined) delete merged.spec;
      return merged;
    },
    validateUpdate: (next, old) => validateStatusUpdate(info, next, old),
  },
});
