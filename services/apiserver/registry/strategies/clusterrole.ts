// rbac.authorization.k8s.io/v1 ClusterRoles: stored as sent after defaulting and validation (lib/api/defaults, lib/api/validation).
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const clusterroleStrategy = defineStrategy(served('rbac.authorization.k8s.io', 'v1', 'clusterroles'));
