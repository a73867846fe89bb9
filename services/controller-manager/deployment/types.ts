// The Deployment and ReplicaSet shapes as the deployment controller reads them from the cache.
import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '../../../lib/api/object.js';

export type DeploymentObject = Deployment & KubeObject;
export type ReplicaSetObject = ReplicaSet & KubeObject;
export type MutableStatus = { -readonly [K in keyof DeploymentStatus]: DeploymentStatus[K] } & { conditions?: DeploymentCondition[] };
export type { DeploymentCondition };
