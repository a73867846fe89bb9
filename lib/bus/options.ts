// The watch-bus options every component takes (--bus, --redis-url), declared once for the shared
// option loader, and the bus they select.
import { option } from '../config/options.js';
import type { RestClient } from '../client/rest-client.js';
import type { Logger } from '../observe/logger.js';
import type { WatchBus } from './bus.js';
import { HttpBus } from './http-bus.js';
import { RedisBus } from './redis-bus.js';

export const BUS_KINDS = ['http', 'redis'] as const;
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export const busOptions = {
  bus: option.string('http', 'watch bus: http (the apiserver watch stream) or redis (Redis Streams fed by the leading apiserver)', BUS_KINDS),
  redisUrl: option.string(DEFAULT_REDIS_URL, 'Redis server of the redis watch bus'),
};

export interface BusSettings {
  bus: string;
  redisUrl: string;
}

/** The bus a component reads events from; lists and writes always go to the apiserver through `client`. */
export function createBus(settings: BusSettings, client: RestClient, log: Logger): WatchBus {
  if (settings.bus === 'redis') return new RedisBus({ url: settings.redisUrl, log });
  if (settings.bus !== 'http') throw new Error(`unknown bus "${settings.bus}" (expected ${BUS_KINDS.join(' or ')})`);
  return new HttpBus(client);
}
