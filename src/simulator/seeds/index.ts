// Seeds: what a simulated server holds when it starts.
import type { Instance } from '../instance.js';
import { seedEmpty } from './empty.js';
import { seedSample } from './sample.js';
import { seedSynthetic } from './synthetic.js';

export type SeedName = 'empty' | 'sample' | `synthetic:${number}`;

export type Seed = { kind: 'empty' } | { kind: 'sample' } | { kind: 'synthetic'; projects: number };

export function parseSeed(text: string): Seed {
  if (text === 'empty') return { kind: 'empty' };
  if (text === 'sample') return { kind: 'sample' };
  const synthetic = /^synthetic:(\d+)$/.exec(text);
  if (synthetic) return { kind: 'synthetic', projects: Number(synthetic[1]) };
  throw new Error(`Unknown seed '${text}': use empty, sample or synthetic:N (N projects).`);
}

export function applySeed(instance: Instance, seed: Seed): void {
  seedEmpty(instance);
  if (seed.kind === 'sample') seedSample(instance);
  if (seed.kind === 'synthetic') seedSynthetic(instance, seed.projects);
}
