// The store's own counters on /metrics: how many durable commits it made and how many
// proposals they carried (their ratio is the group-commit batch size), its revision and size.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Store } from '../../lib/native/store.js';

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

export function registerStoreMetrics(registry: Registry, store: Store): void {
  let status = store.status();
  // One status read per scrape serves every metric below.
  const fresh = (): ReturnType<Store['status']> => (status = store.status());
  storeCounter(registry, 'rudder_store_commits_total', 'Durable commits (one log fsync each) since the store opened.', () => fresh().commits);
  storeCounter(registry, 'rudder_store_proposals_total', 'Transactions applied since the store opened; divided by commits, the group-commit batch size.', () => status.proposals);
  new Gauge({ name: 'rudder_store_revision', help: 'The store revision.', registers: [registry], collect() { this.set(status.revision); } });
  new Gauge({ name: 'rudder_store_keys', help: 'Keys in the store.', registers: [registry], collect() { this.set(status.keys); } });
  new Gauge({ name: 'rudder_store_db_size_bytes', help: 'Size of the store file in bytes.', registers: [registry], collect() { this.set(status.dbSizeBytes); } });
}
