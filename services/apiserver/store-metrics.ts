// The store's own counters on /metrics: how many durable commits it made and how many
// proposals they carried (their ratio is the group-commit batch size), its revision and size.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Store, StoreStatus } from '../../lib/native/store.js';

/** A counter that reports a total the store keeps itself. */
function storeCounter(registry: Registry, name: string, help: string, read: () => number): void {
  let reported = 0;
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const total = read();
      if (total > reported) this.inc(total - reported);
      reported = total;
    },
  });
}

function storeGauge(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
}

export function registerStoreMetrics(registry: Registry, store: Store): void {
  const status = (): StoreStatus => store.status();
  storeCounter(registry, 'rudder_store_commits_total', 'Durable commits (one log fsync each) since the store opened.', () => status().commits);
  storeCounter(registry, 'rudder_store_proposals_total', 'Transactions applied since the store opened; divided by commits, the group-commit batch size.', () => status().proposals);
  storeGauge(registry, 'rudder_store_revision', 'The store revision.', () => status().revision);
  storeGauge(registry, 'rudder_store_keys', 'Keys in the store.', () => status().keys);
  storeGauge(registry, 'rudder_store_db_size_bytes', 'Size of the store file in bytes.', () => status().dbSizeBytes);
}
