// STUB: the `synthetic:N` seed is filled in by the seeds work.
import type { Instance } from '../instance.js';

export function seedSynthetic(_instance: Instance, _projects: number): void {}
