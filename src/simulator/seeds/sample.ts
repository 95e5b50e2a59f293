// STUB: the `sample` seed (a realistic instance) is filled in by the seeds work.
import type { Instance } from '../instance.js';

export function seedSample(_instance: Instance): void {}
