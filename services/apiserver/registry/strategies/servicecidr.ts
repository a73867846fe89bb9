// networking.k8s.io/v1 ServiceCIDRs: the ranges Service cluster IPs come from ("kubernetes" is
// created at bootstrap from the apiserver's service CIDR); the status (conditions) is the
// servicecidr controller's, through /status.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const servicecidrStrategy = defineStrategy(served('networking.k8s.io', 'v1', 'servicecidrs'));
