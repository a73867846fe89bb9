// Services: the generic steps, with a status subresource (load-balancer status); cluster IPs and
// node ports are allocated in the same transaction as the write (service-allocator.ts).
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const serviceStrategy = defineStrategy(served('', 'v1', 'services'));
