// rbac.authorization.k8s.io/v1 ClusterRoleBindings: stored as sent after defaulting and validation (lib/api/defaults, lib/api/validation).
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const clusterrolebindingStrategy = defineStrategy(served('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings'));
