// Prometheus metrics of the daemon, on a registry of its own (no global state).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface DaemonMetrics {
  registry: Registry;
  applies: Counter<'destination' | 'result'>;
  applyDuration: Histogram<'destination'>;
  lastApplied: Gauge<'destination'>;
  drift: Gauge<'destination'>;
  snapshots: Counter<'result'>;
}

/** Counts of files found parsed and parsed anew (see repo/parsed-documents.ts). */
export interface ParseCounts {
  hits: number;
  misses: number;
}

export function createMetrics(parsed?: ParseCounts): DaemonMetrics {
  const registry = new Registry();
  if (parsed) {
    new Counter({
      name: 'octosync_parsed_files_total',
      help: 'Files of the state repository a plan needed, by whether they were found already parsed (hit) or parsed (miss).',
      labelNames: ['result'],
      registers: [registry],
      collect() {
        this.reset();
        this.inc({ result: 'hit' }, parsed.hits);
        this.inc({ result: 'miss' }, parsed.misses);
      },
    });
  }
  return {
    registry,
    applies: new Counter({ name: 'octosync_applies_total', help: 'Applies by destination and result (success, failed, no-changes).', labelNames: ['destination', 'result'], registers: [registry] }),
    applyDuration: new Histogram({
      name: 'octosync_apply_duration_seconds',
      help: 'How long applies take.',
      labelNames: ['destination'],
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300],
      registers: [registry],
    }),
    lastApplied: new Gauge({ name: 'octosync_last_applied_timestamp_seconds', help: 'When the destination was last applied successfully (Unix time).', labelNames: ['destination'], registers: [registry] }),
    drift: new Gauge({ name: 'octosync_drift_changes', help: 'Changes found by the last drift check (0: no drift).', labelNames: ['destination'], registers: [registry] }),
    snapshots: new Counter({ name: 'octosync_snapshots_total', help: 'Snapshots of the source by result (committed, unchanged, failed).', labelNames: ['result'], registers: [registry] }),
  };
}
