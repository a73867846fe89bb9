// networking.k8s.io/v1 IPAddresses: one object per allocated address, named by it; the parent
// reference never changes.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const ipaddressStrategy = defineStrategy(served('networking.k8s.io', 'v1', 'ipaddresses'));
