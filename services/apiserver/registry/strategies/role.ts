// rbac.authorization.k8s.io/v1 Roles: stored as sent after defaulting and validation (lib/api/defaults, lib/api/validation).
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const roleStrategy = defineStrategy(served('rbac.authorization.k8s.io', 'v1', 'roles'));
